/**
 * A systemd unit written from a template, followed by `systemctl daemon-reload` when the
 * file changed. The systemd module's own reload check relies on NeedDaemonReload, which
 * systemd does not set when a new file in /etc/systemd/system shadows a packaged unit in
 * /lib/systemd/system (Debian's etcd.service): so the reload is tied to the write here.
 */
import { task, type Handler, type TaskItem, type Topic } from "../../engine";

type Notifiable = Handler<any> | Topic;
import { command, template } from "../../modules";

export function unitFile(unit: string, options: { notify?: Notifiable[]; src?: string } = {}): TaskItem[] {
  const write = task(`${unit} unit`, template({ src: options.src ?? `${unit}.mustache`, dest: `/etc/systemd/system/${unit}`, mode: "0644" }), { notify: options.notify });
  return [write, task(`daemon-reload for ${unit}`, command({ argv: ["systemctl", "daemon-reload"] }), { when: (h) => h.result(write)?.changed === true })];
}
