/**
 * A PKI folder that can be committed: with a vault password, playbooks/pki-example.ts keeps
 * the keys, token.csv and kubeconfigs vault-encrypted on the controller (certificates stay
 * plain), reads them in memory, and stays idempotent and --check-exact: an unchanged key
 * is never encrypted again. An existing plain folder is encrypted in place, nothing issued
 * again. Without the password a run stops, naming the file.
 */
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isVaultText } from "../../engine/vault/envelope";
import { Vault } from "../../engine/vault/vault";
import { cert } from "../../modules/cert";
import { jsonLines, tsplay } from "../cli/cli";
import { makeContext } from "../modules/context";
import { tempDir } from "../temp-dir";
import { caCsr, openssl } from "./guide";
import { plaintextSecrets, tokenOf } from "./plaintext-secrets";

const PASSWORD_FILE = join(import.meta.dirname, "../vault/fixtures/default.password");
const vault = () => new Vault([{ label: "default", password: Buffer.from(readFileSync(PASSWORD_FILE, "utf8").trim()) }]);
const SECRET_FILES = ["admin-key.pem", "bootstrap.kubeconfig", "ca-key.pem", "kube-proxy-key.pem", "kube-proxy.kubeconfig", "kubernetes-key.pem", "token.csv"];
const CERTIFICATES = ["admin.pem", "ca.pem", "kube-proxy.pem", "kubernetes.pem"];

const pkiExample = (pkiDir: string, ...more: string[]) => tsplay(["playbooks/pki-example.ts", "-i", "localhost", "-e", `pki_dir=${pkiDir}`, "--output", "json", ...more]);
const withVault = (pkiDir: string, ...more: string[]) => pkiExample(pkiDir, "--vault-password-file", PASSWORD_FILE, ...more);
const changed = (stdout: string) => jsonLines(stdout).filter((e) => e.type === "task" && e.status === "changed").map((e) => e.task as string);
const hashes = (dir: string) => Object.fromEntries(readdirSync(dir).map((f) => [f, createHash("sha256").update(readFileSync(join(dir, f))).digest("hex")]));
const plaintext = (dir: string, name: string) => vault().open(readFileSync(join(dir, name)), name);

/** What `git add` of the folder would commit in clear. */
const committedSecrets = (dir: string) => plaintextSecrets(dir, tokenOf(plaintext(dir, "token.csv").toString()));

describe("playbooks/pki-example.ts with a vault password", () => {
  const dir = join(tempDir("tsplay-vault-pki-"), "pki");

  it("--check predicts the first run exactly; the folder holds no plaintext secret, only certificates in clear", () => {
    const check = withVault(dir, "--check");
    expect(check.code, check.stderr).toBe(0);
    const first = withVault(dir);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(changed(first.stdout)).toEqual(changed(check.stdout));
    expect(changed(first.stdout)).toHaveLength(8);
    for (const name of SECRET_FILES) expect(isVaultText(readFileSync(join(dir, name))), name).toBe(true);
    for (const name of CERTIFICATES) expect(readFileSync(join(dir, name), "utf8"), name).toMatch(/^-----BEGIN CERTIFICATE-----\n/);
    expect(committedSecrets(dir)).toEqual([]);
  });

  it("what is encrypted is what the guide needs: keys that belong to their certificates, kubeconfigs kubectl reads", () => {
    const keyDir = tempDir("tsplay-vault-pki-plain-");
    for (const name of ["kubernetes-key.pem", "kube-proxy.kubeconfig"]) writeFileSync(join(keyDir, name), plaintext(dir, name));
    expect(openssl("rsa", "-noout", "-modulus", "-in", join(keyDir, "kubernetes-key.pem"))).toBe(openssl("x509", "-noout", "-modulus", "-in", join(dir, "kubernetes.pem")));
    const view = JSON.parse(execFileSync("kubectl", ["config", "view", "--raw", "-o", "json", "--kubeconfig", join(keyDir, "kube-proxy.kubeconfig")], { encoding: "utf8" }));
    expect(Buffer.from(view.users[0].user["client-key-data"], "base64")).toEqual(plaintext(dir, "kube-proxy-key.pem"));
  });

  it("a second run and --check change nothing: no file is encrypted again", () => {
    const before = hashes(dir);
    const again = withVault(dir);
    expect(again.code, again.stderr).toBe(0);
    expect(changed(again.stdout)).toEqual([]);
    expect(changed(withVault(dir, "--check").stdout)).toEqual([]);
    expect(hashes(dir)).toEqual(before);
  });

  it("the token and keys it reads from the vault never reach the output", () => {
    const token = tokenOf(plaintext(dir, "token.csv").toString());
    const r = withVault(dir, "-e", "kube_apiserver=https://10.0.0.9:6443", "--diff", "-v");
    expect(r.code, r.stderr).toBe(0);
    expect(changed(r.stdout)).toEqual(["bootstrap.kubeconfig", "kube-proxy.kubeconfig"]);
    expect(r.stdout).not.toContain(token);
    expect(r.stdout).not.toMatch(/PRIVATE KEY|MII/);
  });

  it("without the password, the run stops at the first secret it needs, naming the file", () => {
    const r = pkiExample(dir);
    expect(r.code).toBe(2);
    const failed = jsonLines(r.stdout).find((e) => e.status === "failed")!;
    expect(failed.msg).toMatch(new RegExp(`^${join(dir, "ca-key.pem")}: vault-encrypted, and no vault password was given \\(--vault-password-file FILE, --vault-id LABEL@SOURCE or --ask-vault-pass\\)`));
  });
});

describe("an existing plain PKI folder, then a vault password", () => {
  const dir = join(tempDir("tsplay-vault-pki-migrate-"), "pki");

  it("is encrypted in place: --check says so exactly, nothing is issued again, the plaintexts stay", () => {
    expect(pkiExample(dir).code).toBe(0);
    const plain = Object.fromEntries(readdirSync(dir).map((name) => [name, readFileSync(join(dir, name))]));
    const check = withVault(dir, "--check");
    expect(check.code, check.stderr).toBe(0);
    const tasks = jsonLines(check.stdout).filter((e) => e.status === "changed");
    expect(tasks.map((e) => e.task)).toEqual(["CA", "kubernetes certificate", "admin certificate", "kube-proxy certificate", "bootstrap token", "bootstrap.kubeconfig", "kube-proxy.kubeconfig"]);
    for (const task of tasks) expect(task.msg).toMatch(/^encrypt .* in place with the vault \(content unchanged\)$/);
    expect(hashes(dir)).toEqual(Object.fromEntries(Object.entries(plain).map(([name, bytes]) => [name, createHash("sha256").update(bytes).digest("hex")])));

    const real = withVault(dir);
    expect(real.code, real.stderr).toBe(0);
    expect(changed(real.stdout)).toEqual(changed(check.stdout));
    for (const name of CERTIFICATES) expect(readFileSync(join(dir, name)), name).toEqual(plain[name]);
    for (const name of SECRET_FILES) expect(plaintext(dir, name), name).toEqual(plain[name]);
    expect(committedSecrets(dir)).toEqual([]);
    expect(changed(withVault(dir).stdout)).toEqual([]);
  });
});

describe("the encrypt option", () => {
  it("encrypt: true without a vault password is a failure saying so", async () => {
    const dir = tempDir("tsplay-vault-pki-option-");
    const call = cert({ dir, name: "ca", isCa: true, csr: caCsr, encrypt: true });
    await expect(call.module.plan(makeContext(), call.args)).rejects.toThrow(/^encrypt: true needs a vault password to encrypt with/);
  });

  it("encrypt: false keeps a key plain where the run would encrypt it, and decrypts one in place", async () => {
    const dir = tempDir("tsplay-vault-pki-option-");
    const sealing = { vault: vault(), sealFiles: true };
    const plan = async (encrypt?: boolean) => {
      const call = cert({ dir, name: "ca", isCa: true, csr: caCsr, ...(encrypt === undefined ? {} : { encrypt }) });
      const p = await call.module.plan(makeContext({ vault: sealing }), call.args);
      await p.apply?.();
      return p;
    };
    await plan();
    expect(isVaultText(readFileSync(join(dir, "ca-key.pem")))).toBe(true);
    const key = plaintext(dir, "ca-key.pem");
    expect((await plan(false)).summary).toBe(`decrypt ${join(dir, "ca-key.pem")} in place (content unchanged)`);
    expect(readFileSync(join(dir, "ca-key.pem"))).toEqual(key);
    expect((await plan(false)).changed).toBe(false);
  });
});
