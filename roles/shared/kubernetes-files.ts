/**
 * The Kubernetes release binaries, copied from the unpacked kubernetes-server tarball on the
 * controller: `{{artifacts_dir}}/kubernetes-{{kube_version}}/server/bin`, one folder per
 * version, so that `kube_version` picks the binaries (and an upgrade is a change of it).
 */
import { task, type Handler, type TaskItem, type Topic } from "../../engine";
import { copy } from "../../modules";

/** kubernetes-VERSION/server/bin/NAME to /usr/local/bin, where the units start it */
export function kubernetesBinary(name: string, notify: (Handler<any> | Topic)[]): TaskItem {
  return task(`${name} binary`, copy({ src: kubernetesBinarySource(name), dest: `/usr/local/bin/${name}`, mode: "0755" }), { notify });
}

export const kubernetesBinarySource = (name: string) => `{{artifacts_dir}}/kubernetes-{{kube_version}}/server/bin/${name}`;
