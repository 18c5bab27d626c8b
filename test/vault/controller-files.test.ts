/**
 * The controller's files under a vault: a vault-encrypted file, on disk or predicted by
 * --check, reads as its plaintext, recorded as secret; without the password it is an error
 * naming the file, never the vault text handed on as if it were the content.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ControllerFiles } from "../../engine/controller-files";
import { Vault } from "../../engine/vault/vault";
import { tempDir } from "../temp-dir";

describe("ControllerFiles with a vault", () => {
  const dir = tempDir("tsplay-vault-controller-");
  const vault = new Vault([{ label: "default", password: Buffer.from("pw") }]);

  it("reads a vault-encrypted file, on disk or predicted, as its plaintext; a plain one as it is", () => {
    const files = new ControllerFiles(vault);
    writeFileSync(join(dir, "sealed.pem"), vault.seal("on-disk-secret-key\n"));
    writeFileSync(join(dir, "plain.pem"), "a certificate\n");
    files.predict(join(dir, "predicted.pem"), vault.seal("predicted-secret-key\n"));
    expect(files.read(join(dir, "sealed.pem"))?.toString()).toBe("on-disk-secret-key\n");
    expect(files.read(join(dir, "predicted.pem"))?.toString()).toBe("predicted-secret-key\n");
    expect(files.read(join(dir, "plain.pem"))?.toString()).toBe("a certificate\n");
    expect(vault.secrets.mask("on-disk-secret-key predicted-secret-key a certificate")).toBe("(hidden) (hidden) a certificate");
  });

  it("without the password: an error naming the file", () => {
    writeFileSync(join(dir, "sealed.pem"), vault.seal("x-secret\n"));
    expect(() => new ControllerFiles().read(join(dir, "sealed.pem"))).toThrow(`${join(dir, "sealed.pem")}: vault-encrypted, and no vault password was given`);
  });
});
