/**
 * Operating the cluster's etcd on the test hosts (real etcd, real systemd): a backup fetched
 * to the controller and restored; a fourth host joining as a member through the cluster
 * playbook, and leaving with playbooks/etcd-remove-member.ts; a removal that would break
 * quorum refused. Each playbook: --check predicts exactly what the run then changes, and a
 * re-run changes nothing.
 */
import { spawnSync } from "node:child_process";
import { appendFileSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { changed, cleanHosts, clusterRun, ETCD_V2, failed, removeFourthHost, RUN_TIMEOUT, sh } from "./cluster-run";
import { HOSTS, onHost, testbedScript, testbedUp } from "./testbed";

const TLS = "--cacert=/etc/kubernetes/ssl/ca.pem --cert=/etc/kubernetes/ssl/kubernetes.pem --key=/etc/kubernetes/ssl/kubernetes-key.pem";
const v3 = (endpoints: string) => `ETCDCTL_API=3 etcdctl --endpoints=${endpoints} ${TLS} --dial-timeout=3s`;
const ALL3 = "https://10.77.0.11:2379,https://10.77.0.12:2379,https://10.77.0.13:2379";

const cluster = clusterRun("tsplay-etcd-ops-");
const { tsplay, converge } = cluster;
const memberNames = (endpoints = ALL3) =>
  sh("h1", `${v3(endpoints)} member list`)
    .trim()
    .split("\n")
    .map((line) => line.split(", ")[2])
    .sort();
const healthy = (endpoints: string) => (sh("h1", `${v3(endpoints)} endpoint health 2>&1`).match(/is healthy/g) ?? []).length;
describe.skipIf(!testbedUp)("operating etcd: backup, restore, members added and removed", () => {
  beforeAll(() => {
    cleanHosts(HOSTS);
    cluster.prepare();
    appendFileSync(`${cluster.dir}/testbed.yaml`, `etcd_backup_dir: ${cluster.dir}/backups\netcd_health_timeout: 30\n`);
    const deployed = tsplay("playbooks/cluster.ts");
    expect(deployed.code, deployed.out).toBe(0);
  }, RUN_TIMEOUT);
  afterAll(() => {
    if (!testbedUp) return;
    removeFourthHost();
    cleanHosts(HOSTS);
    cluster.remove();
  }, RUN_TIMEOUT);

  it("a backup: a verified snapshot fetched to the controller, 0600, under a dated name; the newest kept", { timeout: RUN_TIMEOUT * 2 }, () => {
    const real = converge("playbooks/etcd-backup.ts");
    expect(changed(real.events)).toEqual([
      "h1:fetch the snapshot",
      "h1:fetch the v2 keys",
      "h1:no copy left on the member",
      "h1:snapshot, checked with snapshot status",
      "h1:the v2 keys (flannel's), dumped beside it",
      "localhost:backup folder",
    ]);
    const [snapshot, v2, ...others] = readdirSync(`${cluster.dir}/backups`).sort();
    expect(others).toEqual([]);
    expect(v2).toBe(`${snapshot}.v2`);
    expect(readFileSync(`${cluster.dir}/backups/${v2}`, "utf8")).toContain('"key":"/kube-centos/network/config"');
    expect(snapshot).toBe(`etcd-snapshot-${new Date().toISOString().slice(0, 10)}.db`);
    expect((statSync(`${cluster.dir}/backups/${snapshot}`).mode & 0o777).toString(8)).toBe("600");
    const status = spawnSync("etcdctl", ["-w", "json", "snapshot", "status", `${cluster.dir}/backups/${snapshot}`], { encoding: "utf8", env: { ...process.env, ETCDCTL_API: "3" } });
    expect(JSON.parse(status.stdout).totalKey).toBeGreaterThan(0);
    expect(sh("h1", "ls /var/lib/etcd-backup")).toBe("");

    // etcd_backup_keep: the newest are kept, counting the one a run makes
    for (const stamp of ["2000-01-01", "2000-01-02"]) writeFileSync(`${cluster.dir}/backups/etcd-snapshot-${stamp}.db`, "old\n");
    const kept = tsplay("playbooks/etcd-backup.ts", "-e", "etcd_backup_stamp=2099-01-01", "-e", "etcd_backup_keep=2");
    expect(kept.code, kept.out).toBe(0);
    expect(readdirSync(`${cluster.dir}/backups`).sort()).toEqual([snapshot, v2, "etcd-snapshot-2099-01-01.db", "etcd-snapshot-2099-01-01.db.v2"]);
    for (const name of ["etcd-snapshot-2099-01-01.db", "etcd-snapshot-2099-01-01.db.v2"]) rmSync(`${cluster.dir}/backups/${name}`);
  });

  it("a restore: refused without the confirmation; then the keys written since are gone, flannel's config is back", { timeout: RUN_TIMEOUT * 3 }, () => {
    const snapshot = `${cluster.dir}/backups/etcd-snapshot-${new Date().toISOString().slice(0, 10)}.db`;
    sh("h1", `${v3(ALL3)} put /tsplay/after-backup yes >/dev/null; ${ETCD_V2} rm /kube-centos/network/config`);
    const dataBefore = HOSTS.map((h) => sh(h, "stat -c %i /var/lib/etcd/member"));

    const refused = tsplay("playbooks/etcd-restore.ts", "-e", `snapshot=${snapshot}`);
    expect(refused.code).toBe(2);
    expect(failed(refused.events).map((e) => e.msg)).toEqual([expect.stringMatching(/^refusing to restore: it replaces the data of every etcd member with .*; to go on, add -e confirm_restore=etcd-snapshot-/)]);
    expect(HOSTS.map((h) => sh(h, "stat -c %i /var/lib/etcd/member"))).toEqual(dataBefore);
    const bad = `${cluster.dir}/backups/not-a-snapshot.db`;
    writeFileSync(bad, "garbage\n");
    const refusedBad = tsplay("playbooks/etcd-restore.ts", "-e", `snapshot=${bad}`, "-e", "confirm_restore=not-a-snapshot.db");
    expect([refusedBad.code, failed(refusedBad.events).map((e) => e.task)]).toEqual([2, ["the snapshot passes snapshot status"]]);
    rmSync(bad);

    const real = converge("playbooks/etcd-restore.ts", "-e", `snapshot=${snapshot}`, "-e", `confirm_restore=${snapshot.split("/").pop()}`);
    for (const host of HOSTS) expect(changed(real.events)).toContain(`${host}:data moved aside, the snapshot restored`);
    expect(sh("h2", `${v3(ALL3)} get /tsplay/after-backup`)).toBe("");
    expect(JSON.parse(sh("h3", `${ETCD_V2} get /kube-centos/network/config`)).Network).toBe("172.30.0.0/16");
    expect(memberNames()).toEqual(["infra1", "infra2", "infra3"]);
    expect(healthy(ALL3)).toBe(3);
    for (const host of HOSTS) expect(sh(host, "ls /var/lib/etcd")).toMatch(/member\.before-restore-\d+/);
    // the same snapshot again, without the confirmation: refused
    expect(tsplay("playbooks/etcd-restore.ts", "-e", `snapshot=${snapshot}`).code).toBe(2);
  });

  it("a fourth host joins as a member through the cluster playbook, and leaves with etcd-remove-member", { timeout: RUN_TIMEOUT * 4 }, () => {
    testbedScript("up.sh", "4");
    const inventory = `${cluster.dir}/inventory/hosts.ini`;
    const original = readFileSync(inventory, "utf8");
    writeFileSync(inventory, original.replace("[master]", "h4 ansible_host=10.77.0.14 node_ip=10.77.0.14 etcd_name=infra4\n\n[master]"));
    const ALL4 = `${ALL3},https://10.77.0.14:2379`;

    const joined = converge("playbooks/cluster.ts");
    expect(changed(joined.events)).toEqual(expect.arrayContaining(["h4:add this member to the running cluster", "h4:start this member in the running cluster", "localhost:kubernetes certificate"]));
    expect(changed(joined.events)).not.toContain("h4:start the new cluster's members together");
    expect(memberNames(ALL4)).toEqual(["infra1", "infra2", "infra3", "infra4"]);
    expect(healthy(ALL4)).toBe(4);
    expect(sh("h4", "cat /etc/etcd/initial-cluster.conf")).toContain('ETCD_INITIAL_CLUSTER_STATE="existing"');

    const left = converge("playbooks/etcd-remove-member.ts", "-e", "member=infra4");
    expect(changed(left.events)).toEqual(["h1:member remove", "h4:data moved aside", "h4:etcd stopped and disabled"]);
    expect(memberNames()).toEqual(["infra1", "infra2", "infra3"]);
    expect(healthy(ALL3)).toBe(3);
    expect(onHost("h4", "systemctl is-active etcd").stdout.trim()).toBe("inactive");
    expect(sh("h4", "ls /var/lib/etcd")).toMatch(/member\.removed-\d+/);

    // out of the inventory: the cluster playbook drops it from the certificates and endpoints
    writeFileSync(inventory, original);
    converge("playbooks/cluster.ts");
    expect(healthy(ALL3)).toBe(3);
    testbedScript("remove-host.sh", "h4");
  });

  it("removing a member when only 2 of 3 are healthy is refused, naming the unhealthy one", { timeout: RUN_TIMEOUT }, () => {
    sh("h3", "systemctl stop etcd");
    try {
      const refused = tsplay("playbooks/etcd-remove-member.ts", "-e", "member=infra2");
      expect(refused.code).toBe(2);
      expect(failed(refused.events).map((e) => e.msg)).toEqual([expect.stringMatching(/^refusing to remove infra2: 1 of the 2 members left would be healthy, fewer than a quorum of 2 \(unhealthy: infra3\)/)]);
      expect(changed(refused.events)).toEqual([]);
    } finally {
      sh("h3", "systemctl start etcd");
    }
    expect(memberNames()).toEqual(["infra1", "infra2", "infra3"]);
  });
});
