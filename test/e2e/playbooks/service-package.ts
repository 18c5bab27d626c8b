/**
 * A Debian package that ships a service (haproxy, from the testbed's mirror), installed as
 * the cluster roles install theirs: lists refreshed when stale, services not started by the
 * install (policy-rc.d). `-e package=` names the package, so a missing one can be asked for.
 */
import { play, playbook, task } from "../../../engine";
import { pkg } from "../../../modules";

export default playbook([
  play({
    name: "a package with a service",
    hosts: "h2",
    tasks: [task("install it", pkg({ name: "{{package}}", updateCache: true, cacheValidTime: 3600, policyRcD: 101 }))],
  }),
]);
