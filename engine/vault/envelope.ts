/**
 * The text form of an Ansible Vault file: a header line, then the hexlified body wrapped at
 * 80 columns. The body, once unhexlified, is three lines of hex: the salt, the HMAC and the
 * ciphertext. Format 1.1 has no label; 1.2 names the vault id the file was encrypted for.
 *
 *   $ANSIBLE_VAULT;1.2;AES256;prod
 *   6338376465...   (80 hex digits a line)
 *
 *   const { label, salt, hmac, ciphertext } = parseEnvelope(text);
 *   formatEnvelope({ salt, hmac, ciphertext }, "prod");
 */

export const VAULT_HEADER = "$ANSIBLE_VAULT";

/** Ansible's own label for a password given without one; it is never written into a header. */
export const DEFAULT_VAULT_ID = "default";

export interface VaultBody {
  salt: Buffer;
  /** HMAC-SHA256 of the ciphertext */
  hmac: Buffer;
  ciphertext: Buffer;
}

export interface Envelope extends VaultBody {
  version: "1.1" | "1.2";
  /** the vault id of a 1.2 file */
  label?: string;
}

/** A vault text is not well formed; the reason says how, never what it holds. */
export class EnvelopeError extends Error {}

/** True for content that starts as Ansible's vault texts do (as Ansible tells them apart). */
export function isVaultText(data: string | Buffer): boolean {
  const start = typeof data === "string" ? data.slice(0, VAULT_HEADER.length) : data.subarray(0, VAULT_HEADER.length).toString("latin1");
  return start === VAULT_HEADER;
}

const HEX = /^(?:[0-9a-fA-F]{2})*$/;

function unhex(text: string, what: string): Buffer {
  if (!HEX.test(text)) throw new EnvelopeError(`its ${what} is not hexadecimal`);
  return Buffer.from(text, "hex");
}

export function parseEnvelope(text: string): Envelope {
  const [header = "", ...rest] = text.split(/\r?\n/);
  const fields = header.trim().split(";").map((field) => field.trim());
  if (fields[0] !== VAULT_HEADER || fields.length < 3) throw new EnvelopeError(`its first line is not a vault header like ${VAULT_HEADER};1.1;AES256`);
  const [, version, cipher, label] = fields;
  if (version !== "1.1" && version !== "1.2") throw new EnvelopeError(`vault format ${version} is not supported (1.1 and 1.2 are)`);
  if (cipher !== "AES256") throw new EnvelopeError(`cipher ${cipher} is not supported (AES256 is)`);
  // YAML block scalars and editors may leave spaces at line ends; they are no part of the hex
  const body = unhex(rest.map((line) => line.trim()).join(""), "body");
  const parts = body.toString("latin1").split("\n");
  if (parts.length !== 3) throw new EnvelopeError("its body does not hold a salt, an HMAC and a ciphertext");
  const [salt, hmac, ciphertext] = parts.map((part, i) => unhex(part, ["salt", "HMAC", "ciphertext"][i]!)) as [Buffer, Buffer, Buffer];
  if (salt.length === 0 || ciphertext.length === 0 || ciphertext.length % 16 !== 0) throw new EnvelopeError("its salt or ciphertext is cut short");
  return { version, label: label || undefined, salt, hmac, ciphertext };
}

/** The file text, newline-terminated; a label other than Ansible's default makes it format 1.2. */
export function formatEnvelope(body: VaultBody, label?: string): string {
  const inner = [body.salt, body.hmac, body.ciphertext].map((part) => part.toString("hex")).join("\n");
  const hex = Buffer.from(inner, "latin1").toString("hex");
  const withLabel = label !== undefined && label !== "" && label !== DEFAULT_VAULT_ID;
  const header = withLabel ? `${VAULT_HEADER};1.2;AES256;${label}` : `${VAULT_HEADER};1.1;AES256`;
  const lines = [header];
  for (let at = 0; at < hex.length; at += 80) lines.push(hex.slice(at, at + 80));
  return `${lines.join("\n")}\n`;
}
