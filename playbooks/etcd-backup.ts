/**
 * A consistent snapshot of the cluster's etcd, kept on the controller: `etcdctl snapshot
 * save` over TLS on one member once every member is healthy, checked with `snapshot
 * status`, fetched (checksum-verified, 0600) to `etcd_backup_dir` as
 * etcd-snapshot-DATE.db, and removed from the member. A v3 snapshot holds the v3 keyspace
 * only (Kubernetes'); the v2 keys (flannel 0.7's network config and subnet leases) go
 * beside it, one JSON line per key, as etcd-snapshot-DATE.db.v2. The `etcd_backup_keep`
 * newest snapshots are kept there, older ones removed.
 *
 *   tsplay playbooks/etcd-backup.ts -i inventory
 *   tsplay playbooks/etcd-backup.ts -i inventory -e etcd_backup_stamp=2026-11-30T1200
 *
 * One snapshot a day by default: a second run the same day finds it and changes nothing
 * (`etcd_backup_stamp` names another). Restore one with playbooks/etcd-restore.ts.
 */
import { existsSync, readdirSync } from "node:fs";
import { play, playbook, task, type HostContext } from "../engine";
import { command, etcdctl, fetch, file, setFact } from "../modules";
import { clusterFacts } from "../roles/shared/cluster-facts";
import { etcdctlV2, etcdctlV3 } from "../roles/shared/etcd-client";

// the same name for --check and the run that follows it
const today = new Date().toISOString().slice(0, 10);
const stamp = (h: HostContext) => String(h.vars.etcd_backup_stamp ?? today);
const backupDir = (h: HostContext) => String(h.vars.etcd_backup_dir);
const snapshotName = (h: HostContext) => `etcd-snapshot-${stamp(h)}.db`;
const onController = (h: HostContext) => `${backupDir(h)}/${snapshotName(h)}`;
const onMember = (h: HostContext) => `/var/lib/etcd-backup/${snapshotName(h)}`;
const onMemberV2 = (h: HostContext) => `${onMember(h)}.v2`;
// decided once, before the snapshot lands on the controller
const due = (h: HostContext) => h.vars.etcd_backup_due === true;

// every v2 key with its value, as etcdctl -o json prints it: one JSON object a line
const V2_DUMP_SCRIPT = 'set -e; out=$1; shift; "$@" ls --recursive -p / | while IFS= read -r key; do case $key in */) ;; *) "$@" -o json get "$key"; echo ;; esac; done > "$out"';
const SNAPSHOT_SCRIPT = 'set -e; snap=$1; shift; mkdir -p -m 0700 "$(dirname "$snap")"; rm -f "$snap"; "$@" snapshot save "$snap" >/dev/null; "$@" -w json snapshot status "$snap"';

/** The snapshots to remove: all but the newest `etcd_backup_keep`, counting the one this run makes. */
function beyondKeep(h: HostContext): string[] {
  const keep = Number(h.vars.etcd_backup_keep);
  if (!Number.isInteger(keep) || keep < 1) throw new Error(`etcd_backup_keep must be a whole number of at least 1, got ${JSON.stringify(h.vars.etcd_backup_keep)}`);
  const found = existsSync(backupDir(h)) ? readdirSync(backupDir(h)).filter((name) => /^etcd-snapshot-.+\.db$/.test(name)) : [];
  const all = [...new Set([...found, snapshotName(h)])].sort();
  const old = all.slice(0, Math.max(0, all.length - keep)).map((name) => `${backupDir(h)}/${name}`);
  return old.flatMap((path) => [path, `${path}.v2`]).filter((path) => path.endsWith(".db") || existsSync(path));
}

export default playbook([
  play({
    name: "the backup folder on the controller",
    hosts: "localhost",
    gatherFacts: false,
    tasks: [task("backup folder", file({ path: "{{etcd_backup_dir}}", state: "directory", mode: "0700" }))],
  }),
  play({
    name: "a snapshot of etcd, fetched to the controller",
    hosts: "etcd",
    gatherFacts: false,
    preTasks: [clusterFacts()],
    tasks: [
      task("is today's snapshot to be taken", setFact({ etcd_backup_due: (h) => !existsSync(onController(h)) })),
      task("every member is healthy", etcdctl({ action: "health", timeout: (h) => Number(h.vars.etcd_health_timeout) }), { runOnce: true, when: due }),
      task(
        "snapshot, checked with snapshot status",
        command({
          // data reaches the script as its arguments ($1, then etcdctl's words), never as script text
          argv: (h) => ["sh", "-c", SNAPSHOT_SCRIPT, "sh", onMember(h), ...etcdctlV3(h, [`https://${String(h.vars.node_ip)}:2379`])],
          env: { ETCDCTL_API: "3" },
        }),
        { runOnce: true, when: due, failedWhen: (r) => r.rc !== 0 || !/"totalKey":\s*[1-9]/.test(r.stdout) },
      ),
      task(
        "the v2 keys (flannel's), dumped beside it",
        command({ argv: (h) => ["sh", "-c", V2_DUMP_SCRIPT, "sh", onMemberV2(h), ...etcdctlV2(h, [`https://${String(h.vars.node_ip)}:2379`])], env: { ETCDCTL_API: "2" } }),
        { runOnce: true, when: due },
      ),
      task("fetch the snapshot", fetch({ src: onMember, dest: onController, flat: true, mode: "0600" }), { runOnce: true, when: due }),
      task("fetch the v2 keys", fetch({ src: onMemberV2, dest: (h) => `${onController(h)}.v2`, flat: true, mode: "0600" }), { runOnce: true, when: due }),
      task("no copy left on the member", command({ argv: (h) => ["rm", "-f", onMember(h), onMemberV2(h)] }), { runOnce: true, when: due }),
    ],
  }),
  play({
    name: "the newest snapshots kept",
    hosts: "localhost",
    gatherFacts: false,
    tasks: [task("older snapshots removed", file({ path: "{{item}}", state: "absent" }), { loop: beyondKeep })],
  }),
]);
