/**
 * A consistent snapshot of the cluster's etcd, kept on the controller: `etcdctl snapshot
 * save` over TLS on one member once every member is healthy, checked with `snapshot
 * status`, fetched (checksum-verified, 0600) to `etcd_backup_dir` as
 * etcd-snapshot-DATE.db, and removed from the member. The `etcd_backup_keep` newest
 * snapshots are kept there, older ones removed.
 *
 *   tsplay playbooks/etcd-backup.ts -i inventory
 *   tsplay playbooks/etcd-backup.ts -i inventory -e etcd_backup_stamp=2026-11-30T1200
 *
 * One snapshot a day by default: a second run the same day finds it and changes nothing
 * (`etcd_backup_stamp` names another). Restore one with playbooks/etcd-restore.ts.
 */
import { existsSync, readdirSync } from "node:fs";
import { play, playbook, task, type HostContext } from "../engine";
import { command, etcdctl, fetch, file } from "../modules";
import { clusterFacts } from "../roles/shared/cluster-facts";
import { etcdctlV3 } from "../roles/shared/etcd-client";

// the same name for --check and the run that follows it
const today = new Date().toISOString().slice(0, 10);
const stamp = (h: HostContext) => String(h.vars.etcd_backup_stamp ?? today);
const backupDir = (h: HostContext) => String(h.vars.etcd_backup_dir);
const snapshotName = (h: HostContext) => `etcd-snapshot-${stamp(h)}.db`;
const onController = (h: HostContext) => `${backupDir(h)}/${snapshotName(h)}`;
const onMember = (h: HostContext) => `/var/lib/etcd-backup/${snapshotName(h)}`;
const missing = (h: HostContext) => !existsSync(onController(h));

const SNAPSHOT_SCRIPT = 'set -e; snap=$1; shift; mkdir -p -m 0700 "$(dirname "$snap")"; rm -f "$snap"; "$@" snapshot save "$snap" >/dev/null; "$@" -w json snapshot status "$snap"';

/** The snapshots to remove: all but the newest `etcd_backup_keep`, counting the one this run makes. */
function beyondKeep(h: HostContext): string[] {
  const keep = Number(h.vars.etcd_backup_keep);
  if (!Number.isInteger(keep) || keep < 1) throw new Error(`etcd_backup_keep must be a whole number of at least 1, got ${JSON.stringify(h.vars.etcd_backup_keep)}`);
  const found = existsSync(backupDir(h)) ? readdirSync(backupDir(h)).filter((name) => /^etcd-snapshot-.+\.db$/.test(name)) : [];
  const all = [...new Set([...found, snapshotName(h)])].sort();
  return all.slice(0, Math.max(0, all.length - keep)).map((name) => `${backupDir(h)}/${name}`);
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
      task("every member is healthy", etcdctl({ action: "health", timeout: (h) => Number(h.vars.etcd_health_timeout) }), { runOnce: true, when: missing }),
      task(
        "snapshot, checked with snapshot status",
        command({
          // data reaches the script as its arguments ($1, then etcdctl's words), never as script text
          argv: (h) => ["sh", "-c", SNAPSHOT_SCRIPT, "sh", onMember(h), ...etcdctlV3(h, [`https://${String(h.vars.node_ip)}:2379`])],
          env: { ETCDCTL_API: "3" },
        }),
        { runOnce: true, when: missing, failedWhen: (r) => r.rc !== 0 || !/"totalKey":\s*[1-9]/.test(r.stdout) },
      ),
      task("fetch the snapshot", fetch({ src: onMember, dest: onController, flat: true, mode: "0600" }), { runOnce: true, when: missing }),
      task("no copy left on the member", command({ argv: (h) => ["rm", "-f", onMember(h)] }), { runOnce: true, when: missing }),
    ],
  }),
  play({
    name: "the newest snapshots kept",
    hosts: "localhost",
    gatherFacts: false,
    tasks: [task("older snapshots removed", file({ path: "{{item}}", state: "absent" }), { loop: beyondKeep })],
  }),
]);
