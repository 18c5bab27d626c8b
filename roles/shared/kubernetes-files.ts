/** The Kubernetes release binaries, copied from the unpacked kubernetes-server tarball on the controller. */
import { task, type Handler, type TaskItem, type Topic } from "../../engine";
import { copy } from "../../modules";

/** kubernetes/server/bin/NAME to /usr/local/bin, where the units start it */
export function kubernetesBinary(name: string, notify: (Handler<any> | Topic)[]): TaskItem {
  return task(`${name} binary`, copy({ src: `{{artifacts_dir}}/kubernetes/server/bin/${name}`, dest: `/usr/local/bin/${name}`, mode: "0755" }), { notify });
}
