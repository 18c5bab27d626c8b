/**
 * Compatibility both ways with Debian's ansible-vault (and ansible, for `!vault` values in a
 * vars file), installed by test/install-tools.sh: what it encrypts tsplay opens, what
 * tsplay encrypts it opens — whole files, vault ids (format 1.2), encrypt_string output,
 * rekeyed and edited files, password scripts, and the keys of a PKI folder tsplay keeps in
 * the vault.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { REPO } from "../cli/cli";
import { tempDir } from "../temp-dir";

const FIXTURES = join(import.meta.dirname, "fixtures");
const DEFAULT = join(FIXTURES, "default.password");
const PROD = join(FIXTURES, "prod.password");

function run(command: string, args: string[], input?: string | Buffer) {
  const r = spawnSync(command, args, { input, encoding: "utf8", timeout: 60_000, env: { ...process.env, ANSIBLE_NOCOLOR: "1", NO_COLOR: "1" } });
  if (r.error) throw new Error(`${command} cannot run (${r.error.message}): the interop tests need Debian's ansible-core (bash test/install-tools.sh)`);
  if (r.status !== 0) throw new Error(`${command} ${args.join(" ")} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}
const ansibleVault = (...args: string[]) => run("ansible-vault", args);
const tsplay = (...args: string[]) => run(process.execPath, [resolve(REPO, "bin/tsplay.js"), ...args]);
/** A variable as Ansible reads it from a vars file, !vault values decrypted. */
const ansibleVar = (file: string, name: string, ...passwords: string[]) => {
  const out = run("ansible", ["localhost", "-c", "local", "-m", "debug", "-a", `var=${name}`, "-e", `@${file}`, ...passwords]);
  return JSON.parse(out.slice(out.indexOf("{"))) as Record<string, unknown>;
};

let dir: string;
beforeAll(() => {
  dir = tempDir("tsplay-vault-interop-");
});
const file = (name: string, content: string | Buffer) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

describe("ansible-vault's files, opened by tsplay", () => {
  it("a file encrypted for the default id and one for a vault id", () => {
    const plain = file("a.yml", "db_password: made-by-ansible\n");
    const labelled = file("b.yml", "api: made-by-ansible-for-prod\n");
    ansibleVault("encrypt", plain, "--vault-password-file", DEFAULT);
    ansibleVault("encrypt", labelled, "--vault-id", `prod@${PROD}`);
    expect(readFileSync(labelled, "utf8")).toMatch(/^\$ANSIBLE_VAULT;1\.2;AES256;prod\n/);
    expect(tsplay("vault", "view", plain, "--vault-password-file", DEFAULT)).toBe("db_password: made-by-ansible\n");
    expect(tsplay("vault", "view", labelled, "--vault-id", `dev@${DEFAULT}`, "--vault-id", `prod@${PROD}`)).toBe("api: made-by-ansible-for-prod\n");
  });

  it("encrypt_string output, pasted into host_vars, read by a run's inventory", () => {
    mkdirSync(join(dir, "inv/host_vars"), { recursive: true });
    writeFileSync(join(dir, "inv/hosts"), "[web]\nweb1\n");
    const one = ansibleVault("encrypt_string", "--vault-password-file", DEFAULT, "--name", "api_key", "ansible-string-1.1");
    const two = ansibleVault("encrypt_string", "--vault-id", `prod@${PROD}`, "--name", "prod_key", "ansible-string-1.2");
    writeFileSync(join(dir, "inv/host_vars/web1.yml"), `${one}\n${two}\n`);
    const vars = JSON.parse(tsplay("inventory", "-i", join(dir, "inv/hosts"), "--host", "web1", "--show-secrets", "--vault-id", DEFAULT, "--vault-id", `prod@${PROD}`));
    expect(vars).toEqual({ api_key: "ansible-string-1.1", prod_key: "ansible-string-1.2" });
  });

  it("a rekeyed file, and binary content", () => {
    const bytes = file("bin", readFileSync(join(FIXTURES, "binary.plain")));
    ansibleVault("encrypt", bytes, "--vault-password-file", DEFAULT);
    ansibleVault("rekey", bytes, "--vault-password-file", DEFAULT, "--new-vault-id", `prod@${PROD}`);
    tsplay("vault", "decrypt", bytes, "--vault-id", `prod@${PROD}`);
    expect(readFileSync(bytes)).toEqual(readFileSync(join(FIXTURES, "binary.plain")));
  });
});

describe("tsplay's files, opened by ansible-vault and ansible", () => {
  it("a file encrypted for the default id and one for a vault id", () => {
    const plain = file("c.yml", "db_password: made-by-tsplay\n");
    const labelled = file("d.yml", "api: made-by-tsplay-for-prod\n");
    tsplay("vault", "encrypt", plain, "--vault-password-file", DEFAULT);
    tsplay("vault", "encrypt", labelled, "--vault-id", `prod@${PROD}`);
    expect(ansibleVault("view", plain, "--vault-password-file", DEFAULT)).toBe("db_password: made-by-tsplay\n");
    expect(ansibleVault("view", labelled, "--vault-id", `prod@${PROD}`)).toBe("api: made-by-tsplay-for-prod\n");
    ansibleVault("decrypt", labelled, "--vault-id", `prod@${PROD}`);
    expect(readFileSync(labelled, "utf8")).toBe("api: made-by-tsplay-for-prod\n");
  });

  it("encrypt-string output, read by ansible from a vars file", () => {
    const one = tsplay("vault", "encrypt-string", "--vault-password-file", DEFAULT, "--name", "from_tsplay", "tsplay-string-1.1");
    const two = tsplay("vault", "encrypt-string", "--vault-id", `prod@${PROD}`, "--name", "prod_from_tsplay", "tsplay-string-1.2");
    const vars = file("strings.yml", `${one}${two}`);
    const passwords = ["--vault-id", DEFAULT, "--vault-id", `prod@${PROD}`];
    expect(ansibleVar(vars, "from_tsplay", ...passwords)).toEqual({ from_tsplay: "tsplay-string-1.1" });
    expect(ansibleVar(vars, "prod_from_tsplay", ...passwords)).toEqual({ prod_from_tsplay: "tsplay-string-1.2" });
  });

  it("files tsplay rekeyed and edited, keeping their vault id", () => {
    const rekeyed = file("e.yml", "x: 1\n");
    tsplay("vault", "encrypt", rekeyed, "--vault-password-file", DEFAULT);
    tsplay("vault", "rekey", rekeyed, "--vault-password-file", DEFAULT, "--new-vault-id", `prod@${PROD}`);
    expect(ansibleVault("view", rekeyed, "--vault-id", `prod@${PROD}`)).toBe("x: 1\n");
    const editor = file("editor.sh", '#!/bin/sh\necho "y: 2" >> "$1"\n');
    spawnSync("chmod", ["700", editor]);
    const edited = spawnSync(process.execPath, [resolve(REPO, "bin/tsplay.js"), "vault", "edit", rekeyed, "--vault-id", `prod@${PROD}`], { env: { ...process.env, EDITOR: editor } });
    expect(edited.status, String(edited.stderr)).toBe(0);
    expect(readFileSync(rekeyed, "utf8")).toMatch(/^\$ANSIBLE_VAULT;1\.2;AES256;prod\n/);
    expect(ansibleVault("view", rekeyed, "--vault-id", `prod@${PROD}`)).toBe("x: 1\ny: 2\n");
  });

  it("a password script both tools run", () => {
    const script = file("vault-pass.sh", `#!/bin/sh\ncat ${DEFAULT}\n`);
    spawnSync("chmod", ["700", script]);
    const data = file("f.yml", "by: script\n");
    tsplay("vault", "encrypt", data, "--vault-password-file", script);
    expect(ansibleVault("view", data, "--vault-password-file", script)).toBe("by: script\n");
  });

  it("the keys, token and kubeconfigs of a PKI folder tsplay keeps in the vault", () => {
    const pki = join(dir, "pki");
    tsplay("playbooks/pki-example.ts", "-i", "localhost", "-e", `pki_dir=${pki}`, "--vault-password-file", DEFAULT);
    const key = ansibleVault("view", join(pki, "ca-key.pem"), "--vault-password-file", DEFAULT);
    expect(key).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n/);
    const keyFile = file("ca-key.plain.pem", key);
    expect(run("openssl", ["rsa", "-noout", "-modulus", "-in", keyFile])).toBe(run("openssl", ["x509", "-noout", "-modulus", "-in", join(pki, "ca.pem")]));
    expect(ansibleVault("view", join(pki, "token.csv"), "--vault-password-file", DEFAULT)).toMatch(/^[0-9a-f]{32},kubelet-bootstrap,10001,"system:kubelet-bootstrap"\n$/);
    copyFileSync(join(pki, "kube-proxy.kubeconfig"), join(dir, "kp.kubeconfig"));
    ansibleVault("decrypt", join(dir, "kp.kubeconfig"), "--vault-password-file", DEFAULT);
    expect(JSON.parse(run("kubectl", ["config", "view", "-o", "json", "--kubeconfig", join(dir, "kp.kubeconfig")])).users[0].name).toBe("kube-proxy");
  });
});
