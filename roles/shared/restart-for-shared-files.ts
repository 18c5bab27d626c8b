/**
 * A role's service restarts when a file it reads that cluster-files wrote changed in this
 * run: a task that reports "changed" (in --check too, since the facts are set there as
 * well) and notifies the role's own restart handler, so the service restarts once.
 */
import { task, type Handler, type TaskItem, type Topic } from "../../engine";
import { debug } from "../../modules";
import type { SharedFileFact } from "../cluster-files";

export function restartForSharedFiles(service: string, facts: SharedFileFact[], notify: (Handler<any> | Topic)[]): TaskItem {
  const changed = (h: { vars: Record<string, unknown> }) => facts.filter((fact) => h.vars[fact] === true);
  return task(`${service}: shared files changed`, debug({ msg: (h) => `changed: ${changed(h).join(", ")}` }), {
    when: (h) => changed(h).length > 0,
    changedWhen: () => true,
    notify,
  });
}
