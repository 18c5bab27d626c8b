import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { jsonLines, tsplay } from "../cli/cli";
import { certText, openssl, tool } from "./guide";

const roots: string[] = [];
afterAll(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));
function freshPkiDir(): string {
  const root = mkdtempSync(join(tmpdir(), "tsplay-pki-playbook-"));
  roots.push(root);
  return join(root, "pki");
}

const pkiExample = (pkiDir: string, ...more: string[]) => tsplay(["playbooks/pki-example.ts", "-i", "localhost", "-e", `pki_dir=${pkiDir}`, "--output", "json", ...more]);
const tasks = (stdout: string) => jsonLines(stdout).filter((e) => e.type === "task");
const changedTasks = (stdout: string) => tasks(stdout).filter((e) => e.status === "changed").map((e) => e.task);
const hashes = (dir: string) => Object.fromEntries(readdirSync(dir).map((f) => [f, createHash("sha256").update(readFileSync(join(dir, f))).digest("hex")]));
const tokenIn = (dir: string) => /^([0-9a-f]{32}),kubelet-bootstrap,10001,"system:kubelet-bootstrap"\n$/.exec(readFileSync(join(dir, "token.csv"), "utf8"))![1]!;

const ALL = ["pki folder", "CA", "kubernetes certificate", "admin certificate", "kube-proxy certificate", "bootstrap token", "bootstrap.kubeconfig", "kube-proxy.kubeconfig"];

describe("playbooks/pki-example.ts -i localhost", () => {
  const dir = freshPkiDir();
  let first: ReturnType<typeof tsplay>;

  it("--check predicts the first run exactly, and touches nothing", () => {
    const check = pkiExample(dir, "--check");
    expect(check.code, check.stderr).toBe(0);
    expect(existsSync(dir)).toBe(false);
    first = pkiExample(dir);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(changedTasks(check.stdout)).toEqual(ALL);
    expect(changedTasks(first.stdout)).toEqual(ALL);
  });

  it("makes the guide's files: CA, kubernetes, admin and kube-proxy certificates, token.csv, two kubeconfigs", () => {
    expect(readdirSync(dir).sort()).toEqual(
      ["admin-key.pem", "admin.pem", "bootstrap.kubeconfig", "ca-key.pem", "ca.pem", "kube-proxy-key.pem", "kube-proxy.kubeconfig", "kube-proxy.pem", "kubernetes-key.pem", "kubernetes.pem", "token.csv"].sort(),
    );
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    for (const secret of ["ca-key.pem", "kubernetes-key.pem", "admin-key.pem", "kube-proxy-key.pem", "token.csv", "bootstrap.kubeconfig", "kube-proxy.kubeconfig"]) {
      expect(statSync(join(dir, secret)).mode & 0o777, secret).toBe(0o600);
    }
    const verified = openssl("verify", "-CAfile", join(dir, "ca.pem"), ...["kubernetes", "admin", "kube-proxy"].map((n) => join(dir, `${n}.pem`)));
    expect(verified.trim().split("\n")).toHaveLength(3);
    expect(verified).not.toMatch(/error/i);
    // 2.1.6: the SANs of kubernetes-csr.json, the usages of the kubernetes profile
    const text = certText(join(dir, "kubernetes.pem"));
    expect(text).toMatch(/DNS:kubernetes, DNS:kubernetes\.default, .*IP Address:127\.0\.0\.1, IP Address:192\.168\.5\.78, .*IP Address:10\.254\.0\.1\n/);
    expect(text).toMatch(/TLS Web Server Authentication, TLS Web Client Authentication/);
  });

  it("kubectl reads the kubeconfigs: the server, the user, the bootstrap token and the embedded certificates", () => {
    const view = (name: string) => JSON.parse(tool("kubectl", ["config", "view", "--raw", "-o", "json", "--kubeconfig", join(dir, name)]).stdout);
    const ca = readFileSync(join(dir, "ca.pem")).toString("base64");
    expect(view("bootstrap.kubeconfig")).toMatchObject({
      clusters: [{ name: "kubernetes", cluster: { server: "https://192.168.5.78:6443", "certificate-authority-data": ca } }],
      users: [{ name: "kubelet-bootstrap", user: { token: tokenIn(dir) } }],
      contexts: [{ name: "default", context: { cluster: "kubernetes", user: "kubelet-bootstrap" } }],
      "current-context": "default",
    });
    expect(view("kube-proxy.kubeconfig").users).toEqual([
      {
        name: "kube-proxy",
        user: { "client-certificate-data": readFileSync(join(dir, "kube-proxy.pem")).toString("base64"), "client-key-data": readFileSync(join(dir, "kube-proxy-key.pem")).toString("base64") },
      },
    ]);
  });

  it("re-running changes nothing, keeps the token, and --check agrees", () => {
    const token = tokenIn(dir);
    const before = hashes(dir);
    const again = pkiExample(dir);
    expect(again.code).toBe(0);
    expect(jsonLines(again.stdout).at(-1)).toMatchObject({ type: "recap", hosts: { localhost: { changed: 0, failed: 0 } } });
    expect(changedTasks(pkiExample(dir, "--check").stdout)).toEqual([]);
    expect(hashes(dir)).toEqual(before);
    expect(tokenIn(dir)).toBe(token);
  });

  it("changing a SAN re-issues exactly the kubernetes certificate, and says why", () => {
    const before = hashes(dir);
    const hosts = ["127.0.0.1", "192.168.5.78", "192.168.5.79", "192.168.5.80", "10.254.0.1", "10.254.0.2", "kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster", "kubernetes.default.svc.cluster.local"];
    const extra = JSON.stringify({ kubernetes_hosts: hosts });
    const check = pkiExample(dir, "-e", extra, "--check");
    expect(changedTasks(check.stdout)).toEqual(["kubernetes certificate"]);
    expect(tasks(check.stdout).find((e) => e.task === "kubernetes certificate")?.msg).toMatch(/re-issue .*kubernetes\.pem: SANs differ: \+IP:10\.254\.0\.2$/);
    const run = pkiExample(dir, "-e", extra);
    expect(changedTasks(run.stdout)).toEqual(["kubernetes certificate"]);
    expect(tasks(run.stdout).find((e) => e.task === "kubernetes certificate")?.result).toMatchObject({ reasons: ["sans"], new_key: false });
    const after = hashes(dir);
    expect(Object.keys(after).filter((f) => after[f] !== before[f])).toEqual(["kubernetes.pem"]);
    expect(certText(join(dir, "kubernetes.pem"))).toMatch(/IP Address:10\.254\.0\.2\n/);
  });

  it("never prints a private key or the token: not in JSON, plain -v output, or --diff", () => {
    const token = tokenIn(dir);
    const keys = ["ca-key.pem", "kubernetes-key.pem", "kube-proxy-key.pem"].map((f) => readFileSync(join(dir, f), "utf8").split("\n")[1]!);
    const outputs = [first.stdout, pkiExample(dir, "-e", "kube_apiserver=https://10.0.0.1:6443", "--diff", "--check").stdout, tsplay(["playbooks/pki-example.ts", "-i", "localhost", "-e", `pki_dir=${dir}`, "-vvv", "--diff"]).stdout];
    expect(outputs[1]).toMatch(/server: https:\/\/10\.0\.0\.1:6443/); // the diff is there, redacted
    for (const out of outputs) {
      expect(out).not.toContain(token);
      expect(out).not.toMatch(/PRIVATE KEY/);
      for (const line of keys) expect(out).not.toContain(line);
    }
  });
});
