/**
 * Vault passwords as Ansible takes them: files (whitespace around the password left out),
 * executables run with no stdin (line ends left out), client scripts asked for a vault id,
 * prompts, and the order --vault-id, --vault-password-file, TSPLAY_VAULT_PASSWORD_FILE,
 * --ask-vault-pass. Each mistake is one line naming the option.
 */
import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { vaultFromOptions } from "../../engine/cli/vault-options";
import { parseVaultId, passwordSources, readPasswords } from "../../engine/vault/password-sources";
import { tempDir } from "../temp-dir";

const dir = tempDir("tsplay-vault-passwords-");
const file = (name: string, content: string, mode = 0o600) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  chmodSync(path, mode);
  return path;
};
const none = { vaultId: [], vaultPasswordFile: [] };
const read = async (opts: Partial<Parameters<typeof passwordSources>[0]>, env: NodeJS.ProcessEnv = {}) =>
  (await readPasswords(passwordSources({ ...none, ...opts }, env))).map((p) => `${p.label}=${p.password.toString()}`);
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => "no error",
    (error: Error) => `${error.name}: ${error.message}`,
  );

describe("password sources", () => {
  it("a file: its content with the whitespace around it left out", async () => {
    expect(await read({ vaultPasswordFile: [file("p1", "  pass word \r\n\n")] })).toEqual(["default=pass word"]);
  });

  it("an executable: run with no stdin, its output with the line ends around it left out", async () => {
    const script = file("pass.sh", "#!/bin/sh\nread x && echo stdin-was-readable\nprintf ' from-script \\n'\n", 0o700);
    expect(await read({ vaultPasswordFile: [script] })).toEqual(["default= from-script "]);
  });

  it("a client script (NAME-client): asked --vault-id LABEL; exit 2 means it has no password for it", async () => {
    const client = file("keyring-client.sh", '#!/bin/sh\n[ "$1 $2" = "--vault-id prod" ] || { echo "no $2" >&2; exit 2; }\necho prod-from-client\n', 0o700);
    expect(await read({ vaultId: [`prod@${client}`] })).toEqual(["prod=prod-from-client"]);
    expect(await failure(read({ vaultId: [`dev@${client}`] }))).toBe(`VaultError: --vault-id dev@${client}: the client script has no password for vault id 'dev': no dev`);
  });

  it("--vault-id LABEL@FILE, FILE alone for the default id; sources in Ansible's order", async () => {
    const a = file("a", "A");
    const b = file("b", "B");
    const c = file("c", "C");
    expect(await read({ vaultPasswordFile: [b], vaultId: [`lab@${a}`, c] }, { TSPLAY_VAULT_PASSWORD_FILE: c })).toEqual(["lab=A", "default=C", "default=B", "default=C"]);
    expect(parseVaultId("x@y@z")).toMatchObject({ label: "x", source: "y@z" });
    expect(parseVaultId("@prompt")).toMatchObject({ label: "default", source: "prompt" });
  });

  it("mistakes are one line naming the option: a missing file, an empty password, a failing script, a bad id", async () => {
    expect(await failure(read({ vaultPasswordFile: [join(dir, "nope")] }))).toBe(`VaultError: --vault-password-file ${join(dir, "nope")}: no such file`);
    expect(await failure(read({ vaultPasswordFile: [file("empty", " \n")] }))).toBe(`VaultError: --vault-password-file ${join(dir, "empty")}: gives an empty password`);
    const failing = file("fail.sh", "#!/bin/sh\necho 'keyring locked' >&2\nexit 3\n", 0o700);
    expect(await failure(read({ vaultPasswordFile: [failing] }))).toBe(`VaultError: --vault-password-file ${failing}: the password script exited with 3: keyring locked`);
    const notScript = file("no-interpreter", "#!/no/such/interpreter\n", 0o700);
    expect(await failure(read({ vaultPasswordFile: [notScript] }))).toMatch(/the executable cannot be run \(\w+\); if it is not a script, remove its executable bit$/);
    expect(await failure(read({ vaultId: ["a;b@x"] }))).toBe("VaultError: --vault-id a;b@x: a vault id cannot hold ';'");
    expect(await failure(read({}, { TSPLAY_VAULT_PASSWORD_FILE: join(dir, "gone") }))).toBe(`VaultError: TSPLAY_VAULT_PASSWORD_FILE=${join(dir, "gone")}: no such file`);
    const sealed = file("sealed", "$ANSIBLE_VAULT;1.1;AES256\n3031\n");
    expect(await failure(read({ vaultPasswordFile: [sealed] }))).toMatch(/is itself vault-encrypted/);
  });

  it("a prompt needs a terminal, as -K does", async () => {
    expect(process.stdin.isTTY).toBeFalsy();
    expect(await failure(read({ askVaultPass: true }))).toBe("UserError: --ask-vault-pass needs a terminal; give --vault-password-file FILE instead");
    expect(await failure(read({ vaultId: ["prod@prompt"] }))).toBe("UserError: --vault-id prod@prompt needs a terminal; give --vault-password-file FILE instead");
  });

  it("the run's vault: none without options; --encrypt-vault-id must name a given id", async () => {
    expect((await vaultFromOptions(none, {})).hasPasswords).toBe(false);
    const vault = await vaultFromOptions({ vaultId: [`a@${file("pa", "x")}`, `b@${file("pb", "y")}`], vaultPasswordFile: [], encryptVaultId: "b" }, {});
    expect(vault.encryptLabel).toBe("b");
    expect(await failure(vaultFromOptions({ vaultId: [`a@${file("pa", "x")}`], vaultPasswordFile: [], encryptVaultId: "c" }, {}))).toBe(
      "VaultError: --encrypt-vault-id c: no vault id of that label was given (given: a)",
    );
  });
});
