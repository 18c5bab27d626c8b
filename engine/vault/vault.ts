/**
 * The run's vault: the passwords it was given, each with its vault id (Ansible's label,
 * `default` when none was named), and the secret values it has opened so far, which every
 * output masks. Opening tries the passwords whose id the file names first, then the others,
 * as Ansible does; sealing uses the encryption id (`--encrypt-vault-id`, else the first).
 *
 *   const vault = new Vault([{ label: "prod", password: Buffer.from("pw") }]);
 *   const text = vault.seal(Buffer.from("db_password: x\n"));   // "$ANSIBLE_VAULT;1.2;AES256;prod\n..."
 *   vault.open(text, "group_vars/all.yml");                      // Buffer "db_password: x\n"
 *   Vault.none().open(text, "f");                                // VaultError: f: vault-encrypted, and no vault password was given ...
 */
import { createHash } from "node:crypto";
import { UserError } from "../errors";
import { deriveKeys, newSalt, open, seal, type DerivedKeys } from "./aes256";
import { DEFAULT_VAULT_ID, EnvelopeError, formatEnvelope, parseEnvelope } from "./envelope";
import { SecretValues } from "./secret-values";

export interface VaultPassword {
  label: string;
  password: Buffer;
}

/** Vault content that cannot be opened, or a password that cannot be had; `reason` leaves out where, for callers that say it their way. */
export class VaultError extends UserError {
  constructor(
    readonly reason: string,
    where?: string,
  ) {
    super(where === undefined ? reason : `${where}: ${reason}`);
  }
}

/** A vault text of `plaintext` with this password, its header naming `label` (1.1 for Ansible's default id). */
export function sealText(plaintext: Buffer | string, password: Buffer, label?: string): string {
  const data = typeof plaintext === "string" ? Buffer.from(plaintext, "utf8") : plaintext;
  return formatEnvelope(seal(data, deriveKeys(password, newSalt())), label);
}

export const HOW_TO_GIVE_A_PASSWORD = "--vault-password-file FILE, --vault-id LABEL@SOURCE or --ask-vault-pass";

export class Vault {
  /** the plaintext of every vault value and file the run opened, for masking */
  readonly secrets = new SecretValues();
  private readonly keys = new Map<string, DerivedKeys>();
  private readonly opened = new Map<string, Buffer>();
  private readonly encryptWith?: VaultPassword;

  constructor(
    private readonly passwords: readonly VaultPassword[],
    { encryptId }: { encryptId?: string } = {},
  ) {
    if (encryptId !== undefined) {
      this.encryptWith = passwords.find((p) => p.label === encryptId);
      if (!this.encryptWith) throw new VaultError(`--encrypt-vault-id ${encryptId}: no vault id of that label was given (given: ${this.labels.join(", ") || "none"})`);
    } else {
      this.encryptWith = passwords[0];
    }
  }

  static none(): Vault {
    return new Vault([]);
  }

  get hasPasswords(): boolean {
    return this.passwords.length > 0;
  }

  get labels(): string[] {
    return this.passwords.map((p) => p.label);
  }

  /** The label new vault texts are sealed for. */
  get encryptLabel(): string | undefined {
    return this.encryptWith?.label;
  }

  /** The plaintext of a vault text; `where` names it in errors. Throws VaultError, never returns part of it. */
  open(text: string | Buffer, where?: string): Buffer {
    return this.openWithLabel(text, where).plaintext;
  }

  /** As open, the plaintext also recorded as a secret: every output masks it from then on. */
  reveal(text: string | Buffer, where?: string): Buffer {
    const plaintext = this.open(text, where);
    this.secrets.add(plaintext.toString("utf8"));
    return plaintext;
  }

  /** As open, and the password that opened it (edit seals its change with it). */
  openWithLabel(text: string | Buffer, where?: string): { plaintext: Buffer; used: VaultPassword; header: string | undefined } {
    const vaultText = typeof text === "string" ? text : text.toString("latin1");
    const digest = createHash("sha256").update(vaultText).digest("hex");
    if (!this.hasPasswords) throw new VaultError(`vault-encrypted, and no vault password was given (${HOW_TO_GIVE_A_PASSWORD})`, where);
    let envelope;
    try {
      envelope = parseEnvelope(vaultText);
    } catch (error) {
      if (error instanceof EnvelopeError) throw new VaultError(`not a valid vault text: ${error.message}`, where);
      throw error;
    }
    // the password the file names first, as Ansible tries them; the id in a header is a hint, not signed
    const named = this.passwords.filter((p) => p.label === (envelope.label ?? DEFAULT_VAULT_ID));
    for (const candidate of [...named, ...this.passwords.filter((p) => !named.includes(p))]) {
      const key = `${digest}:${this.passwords.indexOf(candidate)}`;
      const plaintext = this.opened.get(key) ?? open(envelope, this.keysFor(candidate, envelope.salt));
      if (plaintext) {
        this.opened.set(key, plaintext);
        return { plaintext, used: candidate, header: envelope.label };
      }
    }
    const which = this.passwords.length === 1 ? "the vault password does not open it" : `none of the vault passwords (ids ${this.labels.join(", ")}) opens it`;
    throw new VaultError(`${which} (a wrong password, or the file was changed since it was encrypted: its HMAC does not match)`, where);
  }

  /** A vault text of `plaintext`, sealed with the encryption id's password. */
  seal(plaintext: Buffer | string): string {
    if (!this.encryptWith) throw new VaultError(`no vault password to encrypt with (${HOW_TO_GIVE_A_PASSWORD})`);
    return sealText(plaintext, this.encryptWith.password, this.encryptWith.label);
  }

  // the derivation is the slow part (PBKDF2, 10000 rounds): a file read by every host derives once
  private keysFor(password: VaultPassword, salt: Buffer): DerivedKeys {
    const key = `${this.passwords.indexOf(password)}:${salt.toString("hex")}`;
    let keys = this.keys.get(key);
    if (!keys) this.keys.set(key, (keys = deriveKeys(password.password, salt)));
    return keys;
  }
}
