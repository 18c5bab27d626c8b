/**
 * The vault format against Ansible's own output: files Debian's ansible-vault encrypted
 * (fixtures/, made by make-fixtures.sh, passwords beside them) open to their plaintext, and
 * sealing with Ansible's fixed-salt vectors' salt gives their bytes exactly. A wrong
 * password, a changed byte or a broken envelope is a one-line error that holds no plaintext.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { deriveKeys, seal } from "../../engine/vault/aes256";
import { formatEnvelope, isVaultText, parseEnvelope } from "../../engine/vault/envelope";
import { Vault, VaultError } from "../../engine/vault/vault";

const FIXTURES = join(import.meta.dirname, "fixtures");
const fixture = (name: string) => readFileSync(join(FIXTURES, name));
const password = (name: string) => Buffer.from(fixture(name).toString("utf8").trim());
const defaultVault = () => new Vault([{ label: "default", password: password("default.password") }]);
const prodVault = () => new Vault([{ label: "prod", password: password("prod.password") }]);

const errorOf = (fn: () => unknown): VaultError => {
  try {
    fn();
  } catch (error) {
    if (error instanceof VaultError) return error;
    throw error;
  }
  throw new Error("no error");
};

describe("files ansible-vault encrypted", () => {
  it("open to their plaintext, format 1.1 with the default id", () => {
    expect(defaultVault().open(fixture("vars-1.1.yml"))).toEqual(fixture("vars.plain.yml"));
  });

  it("open in format 1.2 with the label ansible-vault wrote, and with any id whose password fits", () => {
    expect(parseEnvelope(fixture("vars-1.2-prod.yml").toString()).label).toBe("prod");
    expect(prodVault().open(fixture("vars-1.2-prod.yml"))).toEqual(fixture("vars.plain.yml"));
    // the id in a header is a hint, as in Ansible: the password is what opens it
    const other = new Vault([{ label: "default", password: password("default.password") }, { label: "other", password: password("prod.password") }]);
    expect(other.open(fixture("vars-1.2-prod.yml"))).toEqual(fixture("vars.plain.yml"));
  });

  it("open bytes that are not text, and an empty plaintext (a whole block of padding)", () => {
    expect(defaultVault().open(fixture("binary.vault"))).toEqual(fixture("binary.plain"));
    expect(defaultVault().open(fixture("empty.vault"))).toEqual(Buffer.alloc(0));
  });

  it("with the password tried first whose id the header names, then the others", () => {
    const vault = new Vault([
      { label: "dev", password: Buffer.from("wrong") },
      { label: "prod", password: password("prod.password") },
    ]);
    const opened = vault.openWithLabel(fixture("vars-1.2-prod.yml"));
    expect(opened.used.label).toBe("prod");
    expect(opened.header).toBe("prod");
  });
});

describe("sealing, byte for byte as Ansible's VaultLib with the same salt", () => {
  const salt = Buffer.from("0123456789abcdef0123456789abcdef");
  const keys = deriveKeys(Buffer.from("fixed-salt-password"), salt);

  it("format 1.1: a plaintext padded to its next block", () => {
    expect(formatEnvelope(seal(Buffer.from("a known vector\n"), keys))).toBe(fixture("fixed-salt-1.1.vault").toString());
  });

  it("format 1.2 with a label: a plaintext of exactly one block gets a whole block of padding", () => {
    expect(formatEnvelope(seal(Buffer.from("sixteen bytes!!!"), keys), "lab")).toBe(fixture("fixed-salt-1.2-lab.vault").toString());
  });

  it("lines of 80 hex digits after the header, newline-terminated, as ansible-vault writes them", () => {
    const text = defaultVault().seal(Buffer.from("x".repeat(300)));
    const [header, ...lines] = text.split("\n");
    expect(header).toBe("$ANSIBLE_VAULT;1.1;AES256");
    expect(lines.pop()).toBe("");
    expect(lines.slice(0, -1).every((line) => /^[0-9a-f]{80}$/.test(line))).toBe(true);
    expect(defaultVault().open(text).toString()).toBe("x".repeat(300));
  });

  it("a new salt each time: the same plaintext never gives the same text twice", () => {
    const vault = defaultVault();
    expect(vault.seal("same")).not.toBe(vault.seal("same"));
  });
});

describe("what does not open is one line naming where, with none of the plaintext", () => {
  const text = fixture("vars-1.1.yml").toString();

  it("a wrong password", () => {
    const error = errorOf(() => new Vault([{ label: "default", password: Buffer.from("nope") }]).open(text, "group_vars/all.yml"));
    expect(error.message).toBe("group_vars/all.yml: the vault password does not open it (a wrong password, or the file was changed since it was encrypted: its HMAC does not match)");
  });

  it("several wrong passwords, named by their ids", () => {
    const vault = new Vault([{ label: "dev", password: Buffer.from("a") }, { label: "test", password: Buffer.from("b") }]);
    expect(errorOf(() => vault.open(text, "f.yml")).message).toMatch(/^f\.yml: none of the vault passwords \(ids dev, test\) opens it/);
  });

  it("no password at all, saying how to give one", () => {
    expect(errorOf(() => Vault.none().open(text, "f.yml")).message).toBe(
      "f.yml: vault-encrypted, and no vault password was given (--vault-password-file FILE, --vault-id LABEL@SOURCE or --ask-vault-pass)",
    );
  });

  it("a changed byte of the ciphertext or of the HMAC: the HMAC does not match, nothing is decrypted", () => {
    const lines = text.split("\n");
    for (const at of [3, 1]) {
      const changed = [...lines];
      // one hex digit of the hexlified body changed, so still hex: a flip inside the data
      changed[at] = changed[at]!.slice(0, 10) + (changed[at]![10] === "3" ? "4" : "3") + changed[at]!.slice(11);
      const error = errorOf(() => defaultVault().open(changed.join("\n"), "f.yml"));
      expect(error.message).toMatch(/HMAC does not match/);
      expect(error.message).not.toMatch(/s3cret|alice/);
    }
  });

  it("a broken envelope: not hex, cut short, another format or cipher", () => {
    const vault = defaultVault();
    expect(errorOf(() => vault.open(text.replace(/\n3/, "\nz"), "f")).message).toBe("f: not a valid vault text: its body is not hexadecimal");
    expect(errorOf(() => vault.open(text.split("\n").slice(0, 4).join("\n"), "f")).message).toMatch(/^f: not a valid vault text: /);
    expect(errorOf(() => vault.open(text.replace(";1.1;", ";1.0;"), "f")).message).toBe("f: not a valid vault text: vault format 1.0 is not supported (1.1 and 1.2 are)");
    expect(errorOf(() => vault.open(text.replace("AES256", "AES"), "f")).message).toBe("f: not a valid vault text: cipher AES is not supported (AES256 is)");
  });
});

describe("telling vault texts apart", () => {
  it("by their header, as Ansible does", () => {
    expect(isVaultText(fixture("vars-1.1.yml"))).toBe(true);
    expect(isVaultText("$ANSIBLE_VAULT;1.2;AES256;x\n")).toBe(true);
    expect(isVaultText("db_password: x\n")).toBe(false);
    expect(isVaultText(" $ANSIBLE_VAULT")).toBe(false);
  });
});
