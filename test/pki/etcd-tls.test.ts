/**
 * A real TLS handshake with the certificates: Debian's etcd (etcd-server) runs on the
 * controller with the guide's kubernetes certificate and client-certificate auth, and
 * etcdctl (etcd-client) talks to it with the admin certificate. A certificate from
 * another CA, or none, is refused. etcd is started here as a child process on
 * 127.0.0.1 with free ports and a temporary data folder, and stopped by its pid.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cert } from "../../modules/cert";
import { run } from "../modules/context";
import { adminCsr, caCsr, kubernetesCsr, kubernetesProfile, tool } from "./guide";

let pki: string;
let foreign: string;
let data: string;
let etcd: ChildProcess | undefined;
let endpoint: string;
let etcdLog = "";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const etcdctl = (dir: string, name: string | undefined, ...command: string[]) =>
  tool(
    "etcdctl",
    [`--endpoints=${endpoint}`, `--cacert=${join(pki, "ca.pem")}`, ...(name ? [`--cert=${join(dir, `${name}.pem`)}`, `--key=${join(dir, `${name}-key.pem`)}`] : []), "--dial-timeout=2s", "--command-timeout=3s", ...command],
    { allowFailure: true },
  );

async function waitHealthy(): Promise<void> {
  for (let i = 0; i < 50; i++) {
    if (etcd?.exitCode !== null) throw new Error(`etcd exited (${etcd?.exitCode}): ${etcdLog.slice(-2000)}`);
    if (etcdctl(pki, "admin", "endpoint", "health").code === 0) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`etcd did not become healthy: ${etcdLog.slice(-2000)}`);
}

beforeAll(async () => {
  pki = mkdtempSync(join(tmpdir(), "tsplay-etcd-pki-"));
  foreign = mkdtempSync(join(tmpdir(), "tsplay-etcd-foreign-"));
  data = mkdtempSync(join(tmpdir(), "tsplay-etcd-data-"));
  // the guide's certificates: etcd serves with kubernetes.pem (127.0.0.1 is among its SANs)
  await run(cert({ dir: pki, name: "ca", isCa: true, csr: caCsr }));
  await run(cert({ dir: pki, name: "kubernetes", csr: kubernetesCsr, profile: kubernetesProfile }));
  await run(cert({ dir: pki, name: "admin", csr: adminCsr, profile: kubernetesProfile }));
  // the same request under another CA
  await run(cert({ dir: foreign, name: "ca", isCa: true, csr: caCsr }));
  await run(cert({ dir: foreign, name: "admin", csr: adminCsr, profile: kubernetesProfile }));

  const [client, peer] = [await freePort(), await freePort()];
  endpoint = `https://127.0.0.1:${client}`;
  const tls = (prefix: string) => [`--${prefix}cert-file=${join(pki, "kubernetes.pem")}`, `--${prefix}key-file=${join(pki, "kubernetes-key.pem")}`, `--${prefix}trusted-ca-file=${join(pki, "ca.pem")}`, `--${prefix}client-cert-auth`];
  etcd = spawn(
    "etcd",
    [
      "--name=tsplay-test",
      // to our pipe, not the journal: the test reads why a handshake failed
      "--logger=zap",
      "--log-outputs=stderr",
      `--data-dir=${data}`,
      `--listen-client-urls=${endpoint}`,
      `--advertise-client-urls=${endpoint}`,
      `--listen-peer-urls=https://127.0.0.1:${peer}`,
      `--initial-advertise-peer-urls=https://127.0.0.1:${peer}`,
      `--initial-cluster=tsplay-test=https://127.0.0.1:${peer}`,
      ...tls(""),
      ...tls("peer-"),
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  etcd.on("error", (error) => (etcdLog += `\nspawn failed: ${error.message} (install Debian's etcd-server)`));
  etcd.stdout!.on("data", (chunk) => (etcdLog += chunk));
  etcd.stderr!.on("data", (chunk) => (etcdLog += chunk));
  await waitHealthy();
}, 120_000);

afterAll(async () => {
  if (etcd?.pid !== undefined && etcd.exitCode === null) {
    const exited = new Promise((resolve) => etcd!.once("exit", resolve));
    process.kill(etcd.pid, "SIGTERM");
    await exited;
  }
  for (const dir of [pki, foreign, data]) if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("a real TLS handshake with etcd", () => {
  it("etcdctl with the admin certificate finds the endpoint healthy, and reads back what it wrote", () => {
    const health = etcdctl(pki, "admin", "endpoint", "health");
    expect(health.code, health.stderr).toBe(0);
    expect(health.stdout + health.stderr).toMatch(/is healthy/);
    expect(etcdctl(pki, "admin", "put", "/tsplay/pki", "ok").code).toBe(0);
    expect(etcdctl(pki, "admin", "get", "--print-value-only", "/tsplay/pki").stdout.trim()).toBe("ok");
  });

  it("refuses a client certificate from another CA, and a client without one", async () => {
    const other = etcdctl(foreign, "admin", "endpoint", "health");
    expect(other.code).not.toBe(0);
    expect(other.stdout + other.stderr).toMatch(/unhealthy|certificate|deadline/i);
    const none = etcdctl(pki, undefined, "endpoint", "health");
    expect(none.code).not.toBe(0);
    // etcdctl ran synchronously: let etcd's log reach us before reading why it refused
    for (let i = 0; i < 20 && !/rejected connection/.test(etcdLog); i++) await new Promise((r) => setTimeout(r, 100));
    expect(etcdLog).toMatch(/certificate signed by unknown authority/);
    expect(etcdLog).toMatch(/didn't provide a certificate/);
  });

  it("the client refuses a server whose certificate another CA signed", () => {
    const wrongTrust = tool("etcdctl", [`--endpoints=${endpoint}`, `--cacert=${join(foreign, "ca.pem")}`, `--cert=${join(pki, "admin.pem")}`, `--key=${join(pki, "admin-key.pem")}`, "--dial-timeout=2s", "endpoint", "health"], { allowFailure: true });
    expect(wrongTrust.code).not.toBe(0);
  });
});
