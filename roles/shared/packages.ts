/**
 * A cluster role's packages, installed with the host's package manager when the inventory
 * says `install_packages` (the default). apt's lists are refreshed first when older than an
 * hour (a host freshly provisioned may have none), and Debian packages do not start their
 * services while they install: each role starts its service once its own unit and
 * configuration are in place (a docker started by its package would make docker0 outside
 * flannel's subnet first), and `--check` then predicts exactly what the run does.
 */
import { task, type Dynamic, type HostContext, type TaskItem } from "../../engine";
import { pkg } from "../../modules";
import { settings } from "./settings";

export function packagesTask(name: string, packages: Dynamic<string | string[]>, when: (h: HostContext) => boolean = () => true): TaskItem {
  return task(name, pkg({ name: packages, updateCache: true, cacheValidTime: 3600, policyRcD: 101 }), {
    when: (h) => settings(h).install_packages && when(h),
  });
}
