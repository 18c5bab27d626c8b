/**
 * playbooks/cluster.ts on the three test hosts with its PKI folder kept in the vault
 * (--vault-password-file): the folder holds no plaintext secret and can be committed, the
 * hosts get the same plain 0600 files as without a vault, --check stays exact and re-runs
 * idempotent. Without the password the run stops with one line naming a file and changes
 * nothing. An existing plain folder is encrypted in place: only the controller's secret
 * files change; nothing is issued again, copied again or restarted.
 */
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Task } from "../../engine";
import { isVaultText } from "../../engine/vault/envelope";
import { Vault } from "../../engine/vault/vault";
import { ca } from "../../roles/ca";
import { plaintextSecrets, tokenOf } from "../pki/plaintext-secrets";
import { changed, cleanHosts, clusterRun, ETCD_V2, failed, RUN_TIMEOUT, serviceStamps, sh, sha256, tsplayCommand } from "./cluster-run";
import { HOSTS, testbedUp } from "./testbed";

const PASSWORD = "cluster-vault-test-password";
const CERTIFICATES = ["admin.pem", "ca.pem", "kube-proxy.pem", "kubernetes.pem"];
const SECRET_FILES = ["admin-key.pem", "admin.kubeconfig", "bootstrap.kubeconfig", "ca-key.pem", "kube-proxy-key.pem", "kube-proxy.kubeconfig", "kubernetes-key.pem", "token.csv"];
// the ca role's tasks that keep a secret file: what encrypting an existing plain folder changes
const SEALING_TASKS = (ca.tasks as Task[]).filter((t) => ["cert", "kubeconfig", "bootstrapToken"].includes(t.call.module.name)).map((t) => `localhost:${t.name}`);
// where each secret lands on the hosts (roles/cluster-files)
const ON_HOSTS: [string, string, string[]][] = [
  ["kubernetes-key.pem", "/etc/kubernetes/ssl/kubernetes-key.pem", ["h1", "h2", "h3"]],
  ["ca-key.pem", "/etc/kubernetes/ssl/ca-key.pem", ["h1"]],
  ["token.csv", "/etc/kubernetes/token.csv", ["h1"]],
  ["bootstrap.kubeconfig", "/etc/kubernetes/bootstrap.kubeconfig", ["h1", "h2", "h3"]],
  ["kube-proxy.kubeconfig", "/etc/kubernetes/kube-proxy.kubeconfig", ["h1", "h2", "h3"]],
];

const cluster = clusterRun("tsplay-cluster-vault-");
const pki = () => `${cluster.dir}/pki`;
const passwordFile = () => `${cluster.dir}/vault-password`;
const run = (...extra: string[]) => cluster.tsplay("playbooks/cluster.ts", ...extra);
const runWithVault = (...extra: string[]) => run("--vault-password-file", passwordFile(), ...extra);
const hashes = () => Object.fromEntries(readdirSync(pki()).map((f) => [f, sha256(readFileSync(join(pki(), f)))]));
const vault = () => new Vault([{ label: "default", password: Buffer.from(PASSWORD) }]);
const plaintext = (name: string) => vault().open(readFileSync(join(pki(), name)), name);
const committedSecrets = () => plaintextSecrets(pki(), tokenOf(plaintext("token.csv").toString()));

describe.skipIf(!testbedUp)("the cluster playbook with its PKI folder in the vault", () => {
  beforeAll(() => {
    cleanHosts(HOSTS);
    cluster.prepare();
    writeFileSync(passwordFile(), `${PASSWORD}\n`, { mode: 0o600 });
  });
  afterAll(() => {
    if (!testbedUp) return;
    cleanHosts(HOSTS);
    cluster.remove();
  });

  it("--check on fresh hosts predicts exactly what the real run changes; the PKI folder holds no plaintext secret", { timeout: RUN_TIMEOUT * 2 }, () => {
    const check = runWithVault("--check");
    expect(check.code, check.out).toBe(0);
    expect(failed(check.events)).toEqual([]);
    const real = runWithVault();
    expect(real.code, real.out).toBe(0);
    expect(changed(real.events)).toEqual(changed(check.events));
    expect(changed(real.events)).toContain("h3:kube-proxy enabled and running");
    for (const name of SECRET_FILES) expect(isVaultText(readFileSync(join(pki(), name))), name).toBe(true);
    for (const name of CERTIFICATES) expect(readFileSync(join(pki(), name), "utf8"), name).toMatch(/^-----BEGIN CERTIFICATE-----\n/);
    expect(committedSecrets()).toEqual([]);
  });

  it("the hosts get the controller's plaintext as plain 0600 files, and etcd's TLS works with them", () => {
    for (const [name, dest, hosts] of ON_HOSTS) {
      for (const host of hosts) {
        expect(sh(host, `sha256sum ${dest}`).split(" ")[0], `${host}:${dest}`).toBe(sha256(plaintext(name)));
        expect(sh(host, `stat -c %a ${dest}`), `${host}:${dest}`).toBe("600\n");
      }
    }
    expect(sh("h1", "head -1 /etc/kubernetes/ssl/kubernetes-key.pem")).toBe("-----BEGIN RSA PRIVATE KEY-----\n");
    expect(sh("h2", `${ETCD_V2} cluster-health`)).toContain("cluster is healthy");
  });

  it("a second run and --check change nothing, and no file of the folder is written again", { timeout: RUN_TIMEOUT * 2 }, () => {
    const before = hashes();
    const second = runWithVault();
    expect(second.code, second.out).toBe(0);
    expect(changed(second.events)).toEqual([]);
    const check = runWithVault("--check");
    expect(check.code, check.out).toBe(0);
    expect(changed(check.events)).toEqual([]);
    expect(hashes()).toEqual(before);
  });

  it("without the password the run fails with one line naming each vault file it needed, and changes nothing", { timeout: RUN_TIMEOUT }, () => {
    const stamps = Object.fromEntries(HOSTS.map((h) => [h, serviceStamps(h)]));
    const r = run();
    expect(r.code, r.out).toBe(2);
    expect(changed(r.events)).toEqual([]);
    const failures = failed(r.events);
    const noPassword = /^\/.*\/pki\/([a-z.-]+): vault-encrypted, and no vault password was given \(--vault-password-file FILE, --vault-id LABEL@SOURCE or --ask-vault-pass\) \(task at /;
    // the controller's first: the CA's key; then each host's first secret copy, whose noLog task hides even why
    expect(failures.map((f) => `${f.host}:${f.task}`).sort()).toEqual(["h1:kubernetes-key.pem from the controller", "h2:kubernetes-key.pem from the controller", "h3:kubernetes-key.pem from the controller", "localhost:CA"]);
    expect(failures.find((f) => f.host === "localhost")!.msg).toMatch(noPassword);
    expect(failures.find((f) => f.host === "localhost")!.msg.match(noPassword)![1]).toBe("ca-key.pem");
    for (const f of failures.filter((f) => f.host !== "localhost")) expect(f.msg).toBe("the output has been hidden: the task is noLog");
    expect(r.out).not.toMatch(/internal error|at .*\.ts:\d+:\d+\)\n/);
    expect(Object.fromEntries(HOSTS.map((h) => [h, serviceStamps(h)]))).toEqual(stamps);
  });

  it("an existing plain PKI folder is encrypted in place: --check says so, nothing is issued, copied or restarted", { timeout: RUN_TIMEOUT * 2 }, () => {
    // the folder as a run without a vault leaves it
    const decrypted = tsplayCommand(["vault", "decrypt", ...SECRET_FILES.map((f) => join(pki(), f)), "--vault-password-file", passwordFile()]);
    expect(decrypted.code, decrypted.out).toBe(0);
    const plain = Object.fromEntries(readdirSync(pki()).map((f) => [f, readFileSync(join(pki(), f))]));
    expect(plaintextSecrets(pki(), tokenOf(plain["token.csv"]!.toString()))).not.toEqual([]);
    const stamps = Object.fromEntries(HOSTS.map((h) => [h, serviceStamps(h)]));

    const check = runWithVault("--check");
    expect(check.code, check.out).toBe(0);
    expect(changed(check.events)).toEqual([...SEALING_TASKS].sort());
    for (const e of check.events.filter((e) => e.type === "task" && e.status === "changed")) expect(e.msg).toMatch(/^encrypt .* in place with the vault \(content unchanged\)$/);
    const real = runWithVault();
    expect(real.code, real.out).toBe(0);
    expect(changed(real.events)).toEqual(changed(check.events));

    for (const name of CERTIFICATES) expect(readFileSync(join(pki(), name)), name).toEqual(plain[name]);
    for (const name of SECRET_FILES) expect(plaintext(name), name).toEqual(plain[name]);
    expect(committedSecrets()).toEqual([]);
    expect(Object.fromEntries(HOSTS.map((h) => [h, serviceStamps(h)]))).toEqual(stamps);
    expect(changed(runWithVault().events)).toEqual([]);
  });
});
