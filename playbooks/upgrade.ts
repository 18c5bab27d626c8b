/**
 * A rolling upgrade of Kubernetes to the binaries `kube_version` selects (and flannel's to
 * `flannel_version`'s), from the versioned folders in `artifacts_dir`. Change the versions in
 * the inventory (the cluster playbook reads them too, and would otherwise put the old
 * binaries back), then:
 *
 *   tsplay playbooks/upgrade.ts -i inventory
 *   tsplay playbooks/upgrade.ts -i inventory -e upgrade_serial=1
 *
 * Masters one at a time (kube-apiserver, controller-manager, scheduler: copied, restarted,
 * the apiserver's port answering again), then nodes in batches of `upgrade_serial` (20% by
 * default): each cordoned and drained through the API where one runs, its kubelet and
 * kube-proxy (and flanneld, when flannel_version's differ) copied and restarted, waited for
 * (the services stay up), uncordoned. The first host that does not come back stops the run:
 * the hosts after it are left as they were. A host already at the version is left alone, so
 * a re-run changes nothing. Refused before anything changes: a downgrade
 * (`upgrade_allow_downgrade: true` forces it) and a skip of more than one minor version
 * (`upgrade_allow_skip: true`). etcd is upgraded by the cluster playbook (`etcd_version`),
 * one member at a time. Before anything, the binaries it copies are checked against
 * artifacts_dir's manifest, as the cluster playbook does.
 */
import { flushHandlers, handler, play, playbook, task, type HostContext } from "../engine";
import { assert, command, copy, systemd, waitFor } from "../modules";
import { adminKubectl, adminKubectlGet } from "../roles/shared/admin-kubectl";
import { clusterFacts } from "../roles/shared/cluster-facts";
import { kubernetesBinarySource } from "../roles/shared/kubernetes-files";
import { settings } from "../roles/shared/settings";
import { verifyArtifacts } from "../roles/shared/verify-artifacts";

/** "Kubernetes v1.9.11" or "v1.9.11" → [1, 9, 11] */
function parseVersion(text: string): [number, number, number] | undefined {
  const m = /v?(\d+)\.(\d+)\.(\d+)/.exec(text);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}
const compare = (a: number[], b: number[]) => a[0]! - b[0]! || a[1]! - b[1]! || a[2]! - b[2]!;
const wanted = (h: HostContext) => String(h.vars.kube_version);
const flag = (h: HostContext, name: string) => h.vars[name] === true || h.vars[name] === "true";

/** Why the upgrade from `running` to `wanted` is refused, or undefined when it may go on. */
export function versionProblem(running: string, target: string, allow: { downgrade: boolean; skip: boolean }): string | undefined {
  const from = parseVersion(running);
  const to = parseVersion(target);
  if (!to) return `kube_version '${target}' is not a version like v1.9.11`;
  if (!from) return undefined;
  if (compare(to, from) < 0 && !allow.downgrade) return `refusing to downgrade from v${from.join(".")} to ${target} (upgrade_allow_downgrade: true forces it)`;
  if ((to[0] !== from[0] || to[1] - from[1] > 1) && compare(to, from) > 0 && !allow.skip) {
    return `refusing to skip minor versions from v${from.join(".")} to ${target}: upgrade one minor version at a time (upgrade_allow_skip: true forces it)`;
  }
  return undefined;
}

const installedVersion = (binary: string) =>
  task(`installed ${binary} version`, command({ argv: [`/usr/local/bin/${binary}`, "--version"] }), { checkMode: false, changedWhen: () => false, failedWhen: () => false });
const apiserverVersion = installedVersion("kube-apiserver");
const kubeletVersion = installedVersion("kubelet");
const due = (check: ReturnType<typeof installedVersion>) => (h: HostContext) => {
  const running = h.result(check)?.stdout ?? "";
  return parseVersion(running)?.join(".") !== parseVersion(wanted(h))?.join(".");
};
const masterDue = due(apiserverVersion);
const nodeDue = due(kubeletVersion);
const api = (h: HostContext) => settings(h).kube_api_tasks;

const MASTER_SERVICES = ["kube-apiserver", "kube-controller-manager", "kube-scheduler"];
const NODE_SERVICES = ["flanneld", "kubelet", "kube-proxy"];
// a service an earlier, failed run left down is started (and then checked) even when its binary is already new
const running = (services: string[]) => task("running", systemd({ name: "{{item}}", state: "started" }), { loop: services });
const mastersRunning = running(MASTER_SERVICES);
const nodeRunning = running(NODE_SERVICES);
const wasDown = (h: HostContext, check: typeof nodeRunning) => h.result(check)?.changed === true;
// a node an earlier, failed run cordoned is uncordoned when it is back
const schedulable = task("cordoned before?", adminKubectlGet((h) => ["node", String(h.vars.node_ip)]), {
  delegateTo: "localhost",
  when: api,
  checkMode: false,
  failedWhen: () => false,
});
const cordonedBefore = (h: HostContext) => h.result(schedulable)?.items?.[0]?.spec?.unschedulable === true;

const restartKubelet = handler("restart kubelet", systemd({ name: "kubelet", state: "restarted" }));
const restartKubeProxy = handler("restart kube-proxy", systemd({ name: "kube-proxy", state: "restarted" }));
const restartFlanneld = handler("restart flanneld", systemd({ name: "flanneld", state: "restarted" }));

// the services ($2...) each active with the same main process for 5 s, within $1 seconds: a
// binary that fails at start (systemd restarting it over and over) is caught here
const STAYS_UP = [
  'deadline=$(( $(date +%s) + $1 )); shift; up=0; last=""',
  'while [ "$up" -lt 5 ]; do',
  '  pids=""; for u; do if systemctl is-active --quiet "$u"; then pids="$pids $(systemctl show -p MainPID --value "$u")"; else pids=down; break; fi; done',
  '  if [ "$pids" != down ] && [ "$pids" = "$last" ]; then up=$((up + 1)); else up=0; fi; last=$pids',
  '  [ "$(date +%s)" -lt "$deadline" ] || { systemctl --no-pager -n 5 status "$@" >&2; exit 1; }',
  "  sleep 1",
  "done",
].join("\n");

// The policy comes before the artifacts check: a refused version is refused as
// such, not reported as files missing for a version nobody should unpack.
export default playbook([
  play({
    name: "the version policy",
    hosts: "master",
    gatherFacts: false,
    anyErrorsFatal: true,
    tasks: [
      apiserverVersion,
      task(
        "the upgrade is allowed",
        assert({
          that: (h) => versionProblem(h.result(apiserverVersion)?.stdout ?? "", wanted(h), { downgrade: flag(h, "upgrade_allow_downgrade"), skip: flag(h, "upgrade_allow_skip") }) === undefined,
          failMsg: (h) => versionProblem(h.result(apiserverVersion)?.stdout ?? "", wanted(h), { downgrade: flag(h, "upgrade_allow_downgrade"), skip: flag(h, "upgrade_allow_skip") }) ?? "",
        }),
      ),
    ],
  }),
  verifyArtifacts(["kubernetes", "flannel"]),
  play({
    name: "masters, one at a time",
    hosts: "master",
    gatherFacts: false,
    serial: 1,
    anyErrorsFatal: true,
    preTasks: [clusterFacts()],
    tasks: [
      task("binaries of the new version", copy({ src: kubernetesBinarySource("{{item}}"), dest: "/usr/local/bin/{{item}}", mode: "0755" }), {
        loop: MASTER_SERVICES,
        when: masterDue,
      }),
      task("restarted", systemd({ name: "{{item}}", state: "restarted" }), { loop: MASTER_SERVICES, when: masterDue }),
      mastersRunning,
      task("the apiserver answers again", waitFor({ host: "{{node_ip}}", port: (h) => Number(h.vars.apiserver_secure_port), timeout: 60 }), { when: (h) => masterDue(h) || wasDown(h, mastersRunning) }),
    ],
  }),
  play({
    name: "nodes, in batches",
    hosts: "node",
    gatherFacts: false,
    serial: "{{upgrade_serial}}",
    // the first node that does not come back ends the run; the batches after it are untouched
    maxFailPercentage: 0,
    anyErrorsFatal: true,
    vars: { upgrade_serial: "20%", upgrade_node_timeout: 120 },
    preTasks: [clusterFacts()],
    handlers: [restartKubelet, restartKubeProxy, restartFlanneld],
    tasks: [
      kubeletVersion,
      schedulable,
      task("cordoned", adminKubectl((h) => ["cordon", String(h.vars.node_ip)]), { delegateTo: "localhost", when: (h) => api(h) && nodeDue(h) }),
      task("drained", adminKubectl((h) => ["drain", String(h.vars.node_ip), "--ignore-daemonsets", "--delete-local-data", "--force", "--timeout=300s"]), {
        delegateTo: "localhost",
        when: (h) => api(h) && nodeDue(h),
      }),
      task("kubelet of the new version", copy({ src: kubernetesBinarySource("kubelet"), dest: "/usr/local/bin/kubelet", mode: "0755" }), { when: nodeDue, notify: [restartKubelet] }),
      task("kube-proxy of the new version", copy({ src: kubernetesBinarySource("kube-proxy"), dest: "/usr/local/bin/kube-proxy", mode: "0755" }), { when: nodeDue, notify: [restartKubeProxy] }),
      task(
        "flannel of flannel_version",
        copy({ src: "{{artifacts_dir}}/flannel-{{flannel_version}}/{{item}}", dest: "/usr/local/bin/{{item}}", mode: "0755" }),
        { loop: ["flanneld", "mk-docker-opts.sh"], when: (h) => nodeDue(h) && settings(h).flannel_from !== "packages", notify: [restartFlanneld] },
      ),
      flushHandlers(),
      nodeRunning,
      // watches what the run did: nothing to watch under --check, where nothing was restarted
      task("the node is back: its services stay up", command({ argv: (h) => ["sh", "-c", STAYS_UP, "sh", String(h.vars.upgrade_node_timeout), ...NODE_SERVICES] }), {
        when: (h) => h.vars.ansible_check_mode !== true && (nodeDue(h) || wasDown(h, nodeRunning)),
        checkMode: false,
        changedWhen: () => false,
      }),
      task("uncordoned", adminKubectl((h) => ["uncordon", String(h.vars.node_ip)]), {
        delegateTo: "localhost",
        when: (h) => api(h) && (nodeDue(h) || cordonedBefore(h)),
      }),
    ],
  }),
]);
