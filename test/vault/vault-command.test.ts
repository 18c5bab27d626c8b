/**
 * `tsplay vault`: encrypt, decrypt, view, edit, create, rekey and encrypt-string with
 * ansible-vault's meaning: files in place (0600, atomically) or stdin to stdout, modes kept
 * by rekey and edit, edit's plaintext private and removed whatever the editor does.
 */
import { chmodSync, existsSync, lstatSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { isVaultText } from "../../engine/vault/envelope";
import { REPO } from "../cli/cli";
import { tempDir } from "../temp-dir";

const FIXTURES = join(import.meta.dirname, "fixtures");
const DEFAULT = join(FIXTURES, "default.password");
const PROD = join(FIXTURES, "prod.password");

function vault(args: string[], { input, env = {} }: { input?: string | Buffer; env?: Record<string, string> } = {}) {
  const r = spawnSync(process.execPath, [resolve(REPO, "bin/tsplay.js"), "vault", ...args], { encoding: "utf8", input, env: { ...process.env, ...env }, timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);
const editTemps = () => readdirSync(tmpdir()).filter((name) => name.startsWith("tsplay-vault-edit-"));

describe("encrypt and decrypt", () => {
  it("in place: 0600, the plaintext back byte for byte; a symlink stays a symlink", () => {
    const dir = tempDir("tsplay-vault-cmd-");
    const file = join(dir, "vars.yml");
    writeFileSync(file, "db_password: x\n", { mode: 0o644 });
    symlinkSync(file, join(dir, "link.yml"));
    expect(vault(["encrypt", join(dir, "link.yml"), "--vault-password-file", DEFAULT])).toMatchObject({ code: 0 });
    expect(readFileSync(file, "utf8")).toMatch(/^\$ANSIBLE_VAULT;1\.1;AES256\n/);
    expect(mode(file)).toBe("600");
    expect(vault(["view", file, "--vault-password-file", DEFAULT]).stdout).toBe("db_password: x\n");
    expect(vault(["decrypt", file, "--vault-password-file", DEFAULT]).code).toBe(0);
    expect(readFileSync(file, "utf8")).toBe("db_password: x\n");
    expect(lstatSync(join(dir, "link.yml")).isSymbolicLink()).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(["link.yml", "vars.yml"]);
  });

  it("stdin to stdout without a file, --output elsewhere; binary content intact", () => {
    const dir = tempDir("tsplay-vault-cmd-");
    const bytes = readFileSync(join(FIXTURES, "binary.plain"));
    const sealed = vault(["encrypt", "--vault-id", `prod@${PROD}`], { input: bytes });
    expect(sealed.stdout).toMatch(/^\$ANSIBLE_VAULT;1\.2;AES256;prod\n/);
    const out = join(dir, "out");
    expect(vault(["decrypt", "--vault-id", `prod@${PROD}`, "--output", out], { input: sealed.stdout }).code).toBe(0);
    expect(readFileSync(out)).toEqual(bytes);
  });

  it("refuses what would lose data or a choice: encrypting twice, decrypting plain text, two ids with none chosen", () => {
    const dir = tempDir("tsplay-vault-cmd-");
    const file = join(dir, "f");
    writeFileSync(file, readFileSync(join(FIXTURES, "vars-1.1.yml")));
    expect(vault(["encrypt", file, "--vault-password-file", DEFAULT])).toMatchObject({ code: 1, stderr: `ERROR: ${file}: is already vault-encrypted\n` });
    writeFileSync(join(dir, "plain"), "x\n");
    expect(vault(["decrypt", join(dir, "plain"), "--vault-password-file", DEFAULT])).toMatchObject({ code: 1, stderr: `ERROR: ${join(dir, "plain")}: is not vault-encrypted\n` });
    expect(vault(["encrypt", join(dir, "plain"), "--vault-id", `a@${DEFAULT}`, "--vault-id", `b@${PROD}`]).stderr).toBe(
      "ERROR: the vault ids a, b are available to encrypt with: choose one with --encrypt-vault-id\n",
    );
    expect(vault(["encrypt", join(dir, "plain"), "--vault-id", `a@${DEFAULT}`, "--vault-id", `b@${PROD}`, "--encrypt-vault-id", "b"]).code).toBe(0);
    expect(readFileSync(join(dir, "plain"), "utf8")).toMatch(/^\$ANSIBLE_VAULT;1\.2;AES256;b\n/);
    expect(vault(["view", join(dir, "plain")], { input: "" })).toMatchObject({ code: 1, stderr: expect.stringMatching(/^ERROR: a vault password is needed: give --vault-password-file FILE/) });
    expect(vault(["view", join(dir, "plain"), "--vault-password-file", DEFAULT])).toMatchObject({ code: 1, stderr: expect.stringMatching(/does not open it/) });
  });

  it("takes the password from TSPLAY_VAULT_PASSWORD_FILE", () => {
    expect(vault(["view", join(FIXTURES, "vars-1.1.yml")], { env: { TSPLAY_VAULT_PASSWORD_FILE: DEFAULT } }).stdout).toBe(readFileSync(join(FIXTURES, "vars.plain.yml"), "utf8"));
  });
});

describe("rekey", () => {
  it("encrypts again with the new password and id, keeping the file's mode", () => {
    const dir = tempDir("tsplay-vault-cmd-");
    const file = join(dir, "f.yml");
    writeFileSync(file, readFileSync(join(FIXTURES, "vars-1.1.yml")));
    chmodSync(file, 0o640);
    const r = vault(["rekey", file, "--vault-password-file", DEFAULT, "--new-vault-id", `prod@${PROD}`]);
    expect(r).toMatchObject({ code: 0, stderr: "Rekey successful\n" });
    expect(readFileSync(file, "utf8")).toMatch(/^\$ANSIBLE_VAULT;1\.2;AES256;prod\n/);
    expect(mode(file)).toBe("640");
    expect(vault(["view", file, "--vault-password-file", PROD]).stdout).toBe(readFileSync(join(FIXTURES, "vars.plain.yml"), "utf8"));
    expect(vault(["rekey", file, "--vault-password-file", PROD], { input: "" }).stderr).toMatch(/^ERROR: a new vault password is needed/);
  });
});

describe("encrypt-string", () => {
  it("prints NAME: !vault | blocks as ansible-vault does, from arguments and from stdin", () => {
    const r = vault(["encrypt-string", "--vault-password-file", DEFAULT, "--name", "db_password", "hunter2-long"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^db_password: !vault \|\n {10}\$ANSIBLE_VAULT;1\.1;AES256\n( {10}[0-9a-f]{1,80}\n)+$/);
    const piped = vault(["encrypt_string", "--vault-id", `prod@${PROD}`, "--stdin-name", "token"], { input: "from stdin" });
    expect(piped.stdout).toMatch(/^token: !vault \|\n {10}\$ANSIBLE_VAULT;1\.2;AES256;prod\n/);
    const two = vault(["encrypt-string", "--vault-password-file", DEFAULT, "-n", "a", "one-1", "two-2"]);
    expect(two.stdout.match(/!vault \|/g)).toHaveLength(2);
    expect(two.stderr).toContain("2 strings and 1 --name options");
    expect(two.stderr + two.stdout).not.toMatch(/one-1|two-2/);
    expect(vault(["encrypt-string", "--vault-password-file", DEFAULT], { input: "" })).toMatchObject({ code: 1, stderr: "ERROR: stdin was empty; nothing was encrypted\n" });
  });
});

describe("edit", () => {
  const editor = (dir: string, script: string) => {
    const path = join(dir, "editor.sh");
    writeFileSync(path, `#!/bin/sh\n${script}\n`, { mode: 0o700 });
    return path;
  };

  it("seals the change with the password and id that opened it; the plaintext was private and is gone", () => {
    const dir = tempDir("tsplay-vault-cmd-");
    const file = join(dir, "vault.yml");
    writeFileSync(file, readFileSync(join(FIXTURES, "vars-1.2-prod.yml")));
    chmodSync(file, 0o640);
    const seen = join(dir, "seen");
    const before = editTemps();
    const edit = editor(dir, `stat -c '%a %n' "$1" "$(dirname "$1")" > ${seen}; echo 'added: line' >> "$1"`);
    const r = vault(["edit", file, "--vault-id", `other@${DEFAULT}`, "--vault-id", `prod@${PROD}`], { env: { EDITOR: edit } });
    expect(r.code, r.stderr).toBe(0);
    const [tempFile, tempDirLine] = readFileSync(seen, "utf8").trim().split("\n");
    expect(tempFile).toMatch(/^600 .*\/vault\.yml$/);
    expect(tempDirLine).toMatch(/^700 /);
    expect(existsSync(tempFile!.split(" ")[1]!)).toBe(false);
    expect(editTemps()).toEqual(before);
    expect(readFileSync(file, "utf8")).toMatch(/^\$ANSIBLE_VAULT;1\.2;AES256;prod\n/);
    expect(mode(file)).toBe("640");
    expect(vault(["view", file, "--vault-password-file", PROD]).stdout).toBe(`${readFileSync(join(FIXTURES, "vars.plain.yml"), "utf8")}added: line\n`);
  });

  it("leaves the file byte for byte when nothing changed, or when the editor fails; the plaintext is gone either way", () => {
    const dir = tempDir("tsplay-vault-cmd-");
    const file = join(dir, "vault.yml");
    writeFileSync(file, readFileSync(join(FIXTURES, "vars-1.1.yml")));
    const original = readFileSync(file);
    const before = editTemps();
    expect(vault(["edit", file, "--vault-password-file", DEFAULT], { env: { EDITOR: editor(dir, "true") } })).toMatchObject({ code: 0, stderr: `${file}: unchanged, left as it was\n` });
    expect(readFileSync(file)).toEqual(original);
    const failing = vault(["edit", file, "--vault-password-file", DEFAULT], { env: { EDITOR: editor(dir, 'echo changed >> "$1"; exit 1') } });
    expect(failing).toMatchObject({ code: 1, stderr: "ERROR: the editor exited with 1; nothing was saved\n" });
    expect(readFileSync(file)).toEqual(original);
    expect(vault(["edit", file, "--vault-password-file", DEFAULT], { env: { EDITOR: join(dir, "no-such-editor") } }).stderr).toMatch(/^ERROR: the editor '.*no-such-editor' cannot be run \(ENOENT\); set EDITOR\n$/);
    expect(editTemps()).toEqual(before);
  });

  it("create: a new vault file from what the editor wrote; an existing one is refused", () => {
    const dir = tempDir("tsplay-vault-cmd-");
    const file = join(dir, "new.yml");
    expect(vault(["create", file, "--vault-password-file", DEFAULT], { env: { EDITOR: editor(dir, 'echo "api: key" > "$1"') } }).code).toBe(0);
    expect(isVaultText(readFileSync(file))).toBe(true);
    expect(vault(["view", file, "--vault-password-file", DEFAULT]).stdout).toBe("api: key\n");
    expect(vault(["create", file, "--vault-password-file", DEFAULT]).stderr).toBe(`ERROR: ${file}: exists; use tsplay vault edit\n`);
  });
});
