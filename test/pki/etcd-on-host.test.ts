/**
 * The certificates in the guide's setting: etcd on a real test host (h1, over SSH) serves
 * with a certificate naming the host's address, made on the controller and copied there by
 * tsplay, and requires client certificates; etcdctl on the controller connects across the
 * test network. etcd is stopped by its pid at the end.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cert } from "../../modules/cert";
import { jsonLines, tsplay } from "../cli/cli";
import { addressOf, onHost, TESTBED_INVENTORY, TESTBED_KNOWN_HOSTS, testbedUp } from "../e2e/testbed";
import { run } from "../modules/context";
import { tool } from "./guide";

const REMOTE = "/tmp/tsplay-pki-etcd";
const address = addressOf("h1");
// ports apart from the etcd cluster other tests run on these hosts (2379/2380)
const clientPort = 30000 + Math.floor(Math.random() * 10000);
const peerPort = clientPort + 10000;
let pki: string;
let foreign: string;

const fixture = () =>
  tsplay([
    "test/pki/fixtures/etcd-on-host.ts",
    "-i", TESTBED_INVENTORY, "--known-hosts", TESTBED_KNOWN_HOSTS, "--output", "json",
    "-e", `pki_dir=${pki}`, "-e", `etcd_address=${address}`, "-e", `client_port=${clientPort}`, "-e", `peer_port=${peerPort}`,
  ]);

const etcdctl = (dir: string, ...command: string[]) =>
  tool("etcdctl", [`--endpoints=https://${address}:${clientPort}`, `--cacert=${join(pki, "ca.pem")}`, `--cert=${join(dir, "etcdctl.pem")}`, `--key=${join(dir, "etcdctl-key.pem")}`, "--dial-timeout=2s", "--command-timeout=3s", ...command], {
    allowFailure: true,
  });

describe.skipIf(!testbedUp)("etcd with the certificates on a test host", () => {
  beforeAll(async () => {
    pki = mkdtempSync(join(tmpdir(), "tsplay-etcd-host-pki-"));
    foreign = mkdtempSync(join(tmpdir(), "tsplay-etcd-host-foreign-"));
    await run(cert({ dir: foreign, name: "ca", isCa: true, csr: { CN: "kubernetes" } }));
    await run(cert({ dir: foreign, name: "etcdctl", csr: { CN: "etcdctl" } }));
    onHost("h1", `rm -rf ${REMOTE}`);
    const out = fixture();
    if (out.code !== 0) throw new Error(`fixture playbook failed (${out.code}): ${out.stdout}${out.stderr}`);
    for (let i = 0; i < 50 && etcdctl(pki, "endpoint", "health").code !== 0; i++) await new Promise((r) => setTimeout(r, 200));
  }, 120_000);

  afterAll(() => {
    onHost("h1", `pid=$(cat ${REMOTE}/etcd.pid 2>/dev/null) && kill "$pid" && while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done; rm -rf ${REMOTE}`);
    for (const dir of [pki, foreign]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("etcdctl on the controller reaches etcd on h1 over TLS with its client certificate", () => {
    const health = etcdctl(pki, "endpoint", "health");
    expect(health.code, `${health.stderr}\n${onHost("h1", `tail -20 ${REMOTE}/etcd.log`).stdout}`).toBe(0);
    expect(health.stdout + health.stderr).toMatch(/is healthy/);
    expect(etcdctl(pki, "put", "/tsplay/pki", "over-ssh").code).toBe(0);
    expect(etcdctl(pki, "get", "--print-value-only", "/tsplay/pki").stdout.trim()).toBe("over-ssh");
  });

  it("refuses a client certificate from another CA", () => {
    expect(etcdctl(foreign, "endpoint", "health").code).not.toBe(0);
    expect(onHost("h1", `cat ${REMOTE}/etcd.log`).stdout).toMatch(/certificate signed by unknown authority/);
  });

  it("the host got the server key 0600 and never the CA key; a re-run changes nothing", () => {
    expect(onHost("h1", `ls ${REMOTE}`).stdout.split("\n")).not.toContain("ca-key.pem");
    expect(onHost("h1", `stat -c %a ${REMOTE}/etcd-key.pem`).stdout.trim()).toBe("600");
    const again = fixture();
    expect(again.code).toBe(0);
    expect(jsonLines(again.stdout).filter((e) => e.type === "task" && e.status === "changed").map((e) => `${e.host}:${e.task}`)).toEqual([]);
  });
});
