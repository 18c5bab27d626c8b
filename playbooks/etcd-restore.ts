/**
 * Every etcd member back to a snapshot made by playbooks/etcd-backup.ts. The whole state of
 * the cluster goes back to that moment, so it asks for the snapshot's file name again:
 *
 *   tsplay playbooks/etcd-restore.ts -i inventory -e snapshot=/root/etcd-backups/etcd-snapshot-2026-11-30.db \
 *     -e confirm_restore=etcd-snapshot-2026-11-30.db
 *
 * Refused without that confirmation, and for a snapshot that fails `etcdctl snapshot
 * status` (run on the controller: `etcdctl_controller`, etcdctl by default). Then on every
 * member: the snapshot copied there, etcd stopped, its data moved aside (member.before-
 * restore-TIME, never deleted), `snapshot restore` with the member's name and peer URL and a
 * new cluster token, and all members started together; the run waits for the cluster's
 * health, then writes back the v2 keys saved beside the snapshot (SNAPSHOT.v2: flannel's
 * network config and leases; a v3 snapshot does not hold them; their TTLs are not kept).
 * A member records which snapshot it holds: running it again with the same snapshot
 * changes nothing.
 */
import { createHash } from "node:crypto";
import { basename } from "node:path";
import { existsSync, readFileSync } from "node:fs";
import { play, playbook, task, type HostContext } from "../engine";
import { assert, command, copy, etcdctl, file, setFact, systemd } from "../modules";
import { clusterFacts } from "../roles/shared/cluster-facts";
import { etcdctlV2 } from "../roles/shared/etcd-client";
import { settings } from "../roles/shared/settings";

const snapshot = (h: HostContext) => {
  const value = h.vars.snapshot;
  if (typeof value !== "string" || value === "") throw new Error("name the snapshot to restore: -e snapshot=/path/to/etcd-snapshot-DATE.db");
  return value;
};
const ON_MEMBER = "/var/lib/etcd-restore/snapshot.db";
// inside the data it describes: a member whose data is replaced (a new cluster) loses it with them
const MARKER = (h: HostContext) => `${String(h.vars.etcd_data_dir)}/member/tsplay-restored-from`;

const restoredFrom = task("which snapshot this member holds", command({ argv: (h) => ["cat", MARKER(h)] }), {
  checkMode: false,
  changedWhen: () => false,
  failedWhen: () => false,
});
const snapshotSum = (h: HostContext) => String((h.vars.hostvars as Record<string, Record<string, unknown>>).localhost?.snapshot_sha256);
const restoreDue = (h: HostContext) => (h.result(restoredFrom)?.stdout ?? "").trim() !== snapshotSum(h);

// the restore of one member: data moved aside, never deleted; the member's own name and peer URL
const RESTORE_SCRIPT = [
  "set -e",
  'data=$1 snap=$2 sum=$3; shift 3; stamp=$(date +%Y%m%d%H%M%S); tmp=$data.restore-$stamp',
  '"$@" snapshot restore "$snap" --data-dir "$tmp" >/dev/null',
  'if [ -d "$data/member" ]; then mv "$data/member" "$data/member.before-restore-$stamp"; fi',
  'mv "$tmp/member" "$data/member"; rmdir "$tmp"',
  'printf %s "$sum" > "$data/member/tsplay-restored-from"',
].join("\n");

// each line "KEY<TAB>base64 of its value", made on the controller from SNAPSHOT.v2
const V2_IMPORT_SCRIPT = 'tab=$(printf "\\t"); while IFS="$tab" read -r key value; do "$@" set "$key" "$(printf %s "$value" | base64 -d)" >/dev/null || exit 1; done';

/** SNAPSHOT.v2's keys as the import reads them: the values base64-encoded, so any byte travels. */
function v2Keys(h: HostContext): string {
  const lines = readFileSync(`${snapshot(h)}.v2`, "utf8").split("\n").filter((line) => line.trim() !== "");
  return lines
    .map((line) => (JSON.parse(line) as { node: { key: string; value?: string } }).node)
    .map((node) => `${node.key}\t${Buffer.from(node.value ?? "").toString("base64")}\n`)
    .join("");
}

export default playbook([
  play({
    name: "the snapshot and the confirmation, on the controller",
    hosts: "localhost",
    gatherFacts: false,
    // a refusal ends the run: no member is touched
    anyErrorsFatal: true,
    tasks: [
      task(
        "the restore is confirmed",
        assert({
          that: (h) => h.vars.confirm_restore === basename(snapshot(h)),
          failMsg: (h) => `refusing to restore: it replaces the data of every etcd member with ${snapshot(h)}; to go on, add -e confirm_restore=${basename(snapshot(h))}`,
        }),
      ),
      task("the snapshot passes snapshot status", command({ argv: (h) => [String(h.vars.etcdctl_controller ?? "etcdctl"), "-w", "json", "snapshot", "status", snapshot(h)], env: { ETCDCTL_API: "3" } }), {
        checkMode: false,
        changedWhen: () => false,
        failedWhen: (r) => r.rc !== 0 || !/"totalKey":\s*[1-9]/.test(r.stdout),
      }),
      task("the snapshot's sha256", setFact({ snapshot_sha256: (h) => createHash("sha256").update(readFileSync(snapshot(h))).digest("hex") })),
    ],
  }),
  play({
    name: "every etcd member restored from the snapshot",
    hosts: "etcd",
    gatherFacts: false,
    preTasks: [clusterFacts()],
    tasks: [
      restoredFrom,
      task("restore folder", file({ path: "/var/lib/etcd-restore", state: "directory", mode: "0700" }), { when: restoreDue }),
      task("the snapshot on the member", copy({ src: "{{snapshot}}", dest: ON_MEMBER, mode: "0600" }), { when: restoreDue }),
      task("etcd stopped", systemd({ name: "etcd", state: "stopped" }), { when: restoreDue }),
      task(
        "data moved aside, the snapshot restored",
        command({
          argv: (h) => {
            const sum = snapshotSum(h);
            const ssl = settings(h).ssl_dir;
            return [
              "sh", "-c", RESTORE_SCRIPT, "sh", String(h.vars.etcd_data_dir), ON_MEMBER, sum,
              "etcdctl", `--cacert=${ssl}/ca.pem`, `--cert=${ssl}/kubernetes.pem`, `--key=${ssl}/kubernetes-key.pem`,
              `--name=${String(h.vars.etcd_member_name)}`,
              `--initial-cluster=${String(h.vars.etcd_initial_cluster)}`,
              `--initial-cluster-token=${String(h.vars.etcd_cluster_token)}-restored-${sum.slice(0, 12)}`,
              `--initial-advertise-peer-urls=https://${String(h.vars.node_ip)}:2380`,
            ];
          },
          env: { ETCDCTL_API: "3" },
        }),
        { when: restoreDue },
      ),
      // all together: a restored cluster forms only when its members start at once
      task("the members started together", systemd({ name: "etcd", state: "restarted" }), { when: restoreDue }),
      task("the cluster is healthy", etcdctl({ action: "health", timeout: (h) => Number(h.vars.etcd_health_timeout) }), { runOnce: true }),
      task(
        "the v2 keys written back",
        command({ argv: (h) => ["sh", "-c", V2_IMPORT_SCRIPT, "sh", ...etcdctlV2(h, [`https://${String(h.vars.node_ip)}:2379`])], stdin: v2Keys, env: { ETCDCTL_API: "2" } }),
        { runOnce: true, when: (h) => restoreDue(h) && existsSync(`${snapshot(h)}.v2`) },
      ),
      task("no copy of the snapshot left on the member", command({ argv: ["rm", "-f", ON_MEMBER] }), { when: restoreDue }),
    ],
  }),
]);
