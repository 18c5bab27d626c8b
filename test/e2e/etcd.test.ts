/**
 * etcdctl against a real 3-member TLS etcd cluster on the test hosts (Debian's etcd 3.4
 * with --enable-v2), set up by the playbook itself as the guide does it.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jsonLines, tsplay } from "../cli/cli";
import { HOSTS, onHost, TESTBED_INVENTORY, TESTBED_KNOWN_HOSTS, testbedUp } from "./testbed";

let pki: string;
const run = (extra: string[], check = false) => {
  const out = tsplay(["test/e2e/playbooks/etcd.ts", "-i", TESTBED_INVENTORY, "-i", "localhost", "--known-hosts", TESTBED_KNOWN_HOSTS, "--output", "json", "-e", `pki_dir=${pki}`, ...extra, ...(check ? ["--check"] : [])]);
  const events = jsonLines(out.stdout).filter((e) => e.type === "task");
  expect(out.code, out.stderr + events.filter((e) => e.status === "failed").map((e) => `${e.host} ${e.task}: ${e.msg}`).join("\n")).toBe(0);
  return events;
};
const changed = (events: Record<string, any>[]) => events.filter((e) => e.status === "changed").map((e) => `${e.host}:${e.task}`).sort();
const result = (events: Record<string, any>[], task: string) => events.find((e) => e.task === task)?.result;
const etcdctl = (command: string) =>
  onHost("h2", `ETCDCTL_API=3 etcdctl --endpoints=https://10.77.0.12:12379 --cacert=/etc/tsplay-etcd/ca.pem --cert=/etc/tsplay-etcd/etcd.pem --key=/etc/tsplay-etcd/etcd-key.pem ${command}`);

describe.skipIf(!testbedUp)("etcdctl on a 3-member TLS etcd cluster", () => {
  beforeAll(() => {
    pki = mkdtempSync(join(tmpdir(), "tsplay-etcd-pki-"));
    // the certificates first: copy's `src` must exist on the controller even under --check
    run(["--limit", "localhost"]);
  });
  afterAll(() => {
    for (const host of HOSTS) {
      onHost(host, "systemctl disable --now tsplay-etcd.service 2>/dev/null; rm -rf /etc/systemd/system/tsplay-etcd.service /var/lib/tsplay-etcd /etc/tsplay-etcd; systemctl daemon-reload; systemctl reset-failed tsplay-etcd.service 2>/dev/null; true");
    }
    rmSync(pki, { recursive: true, force: true });
  });

  it("builds the cluster, writes flannel's config with v2 and v3 and reads it back; a second run changes nothing", () => {
    const check = run([], true);
    // the cluster does not exist yet: --check says what it would write, and fails nothing
    expect(result(check, "v2 network config")).toBeDefined();
    const predicted = check.find((e) => e.task === "v2 network config");
    expect([predicted?.status, predicted?.msg]).toEqual(["changed", "set /kube-centos/network/config"]);
    expect(predicted?.result.uncertain).toMatch(/^etcd could not be reached: /);
    const first = run([]);
    expect(changed(first)).toEqual(changed(check));
    const perHost = ["ssl folder", "ca", "etcd cert", "etcd key", "data folder", "unit", "etcd runs"];
    const once = ["v2 network folder", "v2 network config", "v3 network config", "v3 odd value"];
    expect(changed(first)).toEqual([...HOSTS.flatMap((h) => perHost.map((t) => `${h}:${t}`)), ...once.map((t) => `h1:${t}`)].sort());
    const flannel = { Network: "172.30.0.0/16", SubnetLen: 24, Backend: { Type: "host-gw" } };
    expect(result(first, "v2 read back").json).toEqual(flannel);
    expect(result(first, "v3 read back").json).toEqual(flannel);
    expect(result(first, "v2 list").keys).toEqual(["/kube-centos/network/config"]);
    expect(result(first, "members").members.map((m: { name: string }) => m.name).sort()).toEqual(["h1", "h2", "h3"]);
    expect(result(first, "v3 odd read back").value).toBe("-x\n'quoted' $(touch /tmp/pwned) `id`\n");
    expect(onHost("h1", "ls /tmp/pwned 2>/dev/null").stdout).toBe("");

    // the same meaning written differently is left alone
    expect(etcdctl(`put /kube-centos/network/config '{ "SubnetLen": 24, "Backend": {"Type": "host-gw"},  "Network": "172.30.0.0/16" }'`).code).toBe(0);
    expect(changed(run([]))).toEqual([]);
    expect(changed(run([], true))).toEqual([]);
  });

  it("a changed value: --check --diff shows it, the run writes it with both APIs, then nothing", () => {
    const extra = ["-e", "network=172.31.0.0/16"];
    const out = tsplay(["test/e2e/playbooks/etcd.ts", "-i", TESTBED_INVENTORY, "-i", "localhost", "--known-hosts", TESTBED_KNOWN_HOSTS, "-e", `pki_dir=${pki}`, ...extra, "--check", "--diff"]);
    expect(out.code, out.stdout + out.stderr).toBe(0);
    expect(out.stdout).toMatch(/-.*172\.30\.0\.0\/16/);
    expect(out.stdout).toMatch(/\+.*172\.31\.0\.0\/16/);
    const check = run(extra, true);
    expect(changed(check)).toEqual(["h1:v2 network config", "h1:v3 network config"]);
    expect(changed(run(extra))).toEqual(changed(check));
    expect(JSON.parse(etcdctl("get --print-value-only /kube-centos/network/config").stdout).Network).toBe("172.31.0.0/16");
    expect(changed(run(extra))).toEqual([]);
  });
});
