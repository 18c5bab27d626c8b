/**
 * etcd: a member of the TLS etcd cluster of seed-cluster-guide.md 2.3 on each host of the
 * `etcd` group. The first time, all members start together (a new member waits for the
 * others); later changes to its files only schedule a restart, which playbooks/cluster.ts
 * does one member at a time (a play with serial: 1, see `etcdRollingRestart`).
 *
 * A host added to the `etcd` group of a running cluster joins it: a member that has no data
 * yet asks the others, and when they answer it is added to the cluster (`member add`) and
 * started with the `existing` state and the full member list (initial-cluster.conf, which
 * etcd reads only while its data folder is empty, so existing members never restart for it).
 */
import { handler, play, role, task, topic, type HostContext } from "../../engine";
import { command, copy, file, setFact, shell, systemd, template } from "../../modules";
import { etcdConnection, etcdctl } from "../../modules/etcdctl";
import { addressOf } from "../shared/cluster-facts";
import { packagesTask } from "../shared/packages";
import { restartForSharedFiles } from "../shared/restart-for-shared-files";
import { settings } from "../shared/settings";
import { unitFile } from "../shared/unit";

/** notified by every file etcd reads: the member restarts in the rolling play */
export const etcdFilesChanged = topic("etcd files changed");
const scheduleRestart = handler("schedule an etcd restart", setFact({ etcd_restart_pending: true }), { listen: [etcdFilesChanged] });

const memberDirBefore = task(
  "has this member joined a cluster before",
  shell({ cmd: 'test -d "$DATA/member" && echo joined || echo new', env: { DATA: "{{etcd_data_dir}}" } }),
  { checkMode: false, changedWhen: () => false },
);
const isNew = (h: HostContext) => h.result(memberDirBefore)?.stdout.trim() === "new";

/** The other members' client URLs and the member certificate: how a new member asks the cluster. */
const others = (h: HostContext) => ({
  endpoints: (h.groups.etcd ?? []).filter((name) => name !== h.host).map((name) => `https://${addressOf(h, name)}:2379`),
  ca: `${settings(h).ssl_dir}/ca.pem`,
  cert: `${settings(h).ssl_dir}/kubernetes.pem`,
  key: `${settings(h).ssl_dir}/kubernetes-key.pem`,
});
/** another member, to ask from: it has the certificates already, also under --check */
const anotherMember = (h: HostContext) => (h.groups.etcd ?? []).find((name) => name !== h.host)!;
// read-only: a member without data asks whether a cluster already runs (then it joins it)
const clusterAnswers = task(
  "does a cluster run without this member",
  command({
    argv: (h) => {
      const o = others(h);
      return ["etcdctl", `--endpoints=${o.endpoints.join(",")}`, `--cacert=${o.ca}`, `--cert=${o.cert}`, `--key=${o.key}`, "--dial-timeout=3s", "--command-timeout=10s", "member", "list"];
    },
    env: { ETCDCTL_API: "3" },
  }),
  { when: (h) => isNew(h) && others(h).endpoints.length > 0, delegateTo: anotherMember, checkMode: false, changedWhen: () => false, failedWhen: () => false },
);
const joins = (h: HostContext) => isNew(h) && h.result(clusterAnswers)?.rc === 0;
const startsNew = (h: HostContext) => isNew(h) && !joins(h);
const fromArtifacts = (h: HostContext) => settings(h).etcd_from !== "packages";
const healthTimeout = (h: HostContext) => settings(h).etcd_health_timeout;

export const etcd = role({
  name: "etcd",
  dir: import.meta.dirname,
  handlers: [scheduleRestart],
  tasks: [
    packagesTask("etcd packages", (h) => settings(h).etcd_packages, (h) => !fromArtifacts(h)),
    task(
      "etcd binaries from the release",
      copy({ src: "{{artifacts_dir}}/etcd-{{etcd_version}}-linux-amd64/{{item}}", dest: "/usr/local/bin/{{item}}", mode: "0755" }),
      { loop: ["etcd", "etcdctl"], when: fromArtifacts, notify: [etcdFilesChanged] },
    ),
    // ca.pem, kubernetes.pem and its key come from the cluster-files role
    restartForSharedFiles("etcd", ["changed_ca", "changed_kubernetes_cert"], [etcdFilesChanged]),
    // the guide's WorkingDirectory must exist before the first start (its "CHDIR" error)
    task("data folder", file({ path: "{{etcd_data_dir}}", state: "directory", mode: "0700" })),
    task("config folder", file({ path: "/etc/etcd", state: "directory", mode: "0755" })),
    task("etcd.conf", template({ src: "etcd.conf.mustache", dest: "/etc/etcd/etcd.conf", mode: "0644" }), { notify: [etcdFilesChanged] }),
    ...unitFile("etcd.service", { notify: [etcdFilesChanged] }),
    memberDirBefore,
    clusterAnswers,
    task("how this member first joins", setFact({ etcd_initial_cluster_state: (h) => (joins(h) ? "existing" : "new") }), { when: isNew }),
    task("initial-cluster.conf", template({ src: "initial-cluster.conf.mustache", dest: "/etc/etcd/initial-cluster.conf", mode: "0644" }), { when: isNew }),
    task(
      "add this member to the running cluster",
      etcdctl({ action: "memberAdd", member: "{{etcd_member_name}}", peerUrl: "https://{{node_ip}}:2380", connection: (h) => etcdConnection(others(h)) }),
      { when: joins, delegateTo: anotherMember },
    ),
    // a new cluster forms only when its members start together: every host runs this at once
    task("start the new cluster's members together", systemd({ name: "etcd", state: "restarted" }), { when: startsNew }),
    // restarted, not started: a packaged etcd may already run on the host with its own settings
    task("start this member in the running cluster", systemd({ name: "etcd", state: "restarted" }), { when: joins }),
    task("etcd enabled and running", systemd({ name: "etcd", state: "started", enabled: true })),
    task("etcd cluster is healthy", etcdctl({ action: "health", timeout: healthTimeout }), { runOnce: true }),
  ],
});

// Files etcd reads newer than the running member: an earlier run changed them and stopped
// before this member's restart (a failure, Ctrl-C). Read-only, so it runs under --check too.
const runningStale = task(
  "does this member run its current files",
  command({
    argv: (h) => [
      "sh",
      "-c",
      '[ "$(systemctl is-active etcd)" = active ] || { echo stopped; exit 0; }; s=$(date -d "$(systemctl show -p ActiveEnterTimestamp --value etcd)" +%s); for f in "$@"; do if [ -e "$f" ] && [ "$(stat -c %Y -- "$f")" -gt "$s" ]; then echo "stale: $f"; exit 0; fi; done; echo current',
      "sh",
      "/etc/etcd/etcd.conf",
      "/etc/systemd/system/etcd.service",
      `${settings(h).ssl_dir}/ca.pem`,
      `${settings(h).ssl_dir}/kubernetes.pem`,
      `${settings(h).ssl_dir}/kubernetes-key.pem`,
      String(h.vars.etcd_bin),
    ],
  }),
  { checkMode: false, changedWhen: () => false },
);
const restartDue = (h: HostContext) => (h.vars.etcd_restart_pending === true || h.result(runningStale)?.stdout.startsWith("stale") === true) && !isNew(h);

/**
 * A play restarting, one member at a time, the members whose files changed. Each restart
 * waits for every member to be healthy before and after it, and the first failure ends the
 * run (anyErrorsFatal): with a member down for any other reason, no second member is taken
 * down, so the cluster keeps its quorum; the failure names the unhealthy member.
 */
export const etcdRollingRestart = play({
  name: "etcd members restart one at a time",
  hosts: "etcd",
  gatherFacts: false,
  serial: 1,
  anyErrorsFatal: true,
  tags: ["etcd"],
  tasks: [
    runningStale,
    task("the cluster is healthy before this member restarts", etcdctl({ action: "health", timeout: healthTimeout }), { when: restartDue }),
    task("restart this member", systemd({ name: "etcd", state: "restarted" }), { when: restartDue }),
    task("the cluster is healthy again", etcdctl({ action: "health", timeout: healthTimeout }), { when: restartDue }),
    task("restart done", setFact({ etcd_restart_pending: false })),
  ],
});
