/**
 * kube-apiserver's static token file, one credential a line, as the guide writes it:
 *
 *   0123456789abcdef0123456789abcdef,kubelet-bootstrap,10001,"system:kubelet-bootstrap"
 *
 * The token is 128 bits from the system's cryptographic RNG in 32 hex digits, what
 * `head -c 16 /dev/urandom | od -An -t x | tr -d ' '` prints.
 */
import { randomBytes } from "node:crypto";
import { RequestError } from "./request-error";

export interface TokenEntry {
  token: string;
  user: string;
  uid: string;
  /** comma-separated, written quoted */
  groups: string;
}

export function newToken(): string {
  return randomBytes(16).toString("hex");
}

/**
 * A token worth keeping. The guide warns of a token.csv holding a literal
 * `${BOOTSTRAP_TOKEN}` left by a heredoc; that, or any other odd text, is replaced.
 */
export function usableToken(token: string): boolean {
  return /^[A-Za-z0-9._~-]{16,}$/.test(token);
}

export function formatEntry(entry: TokenEntry): string {
  return `${entry.token},${entry.user},${entry.uid},"${entry.groups}"`;
}

/** The entry a line holds, or undefined for a line that is not one (kept as it is). */
export function parseEntry(line: string): TokenEntry | undefined {
  const match = /^([^,]*),([^,]*),([^,]*)(?:,"?([^"]*)"?)?$/.exec(line.trim());
  if (!match) return undefined;
  return { token: match[1]!, user: match[2]!, uid: match[3]!, groups: match[4] ?? "" };
}

export function checkEntryFields(fields: Omit<TokenEntry, "token">): void {
  for (const [name, value] of Object.entries({ user: fields.user, uid: fields.uid })) {
    if (value === "" || /[,"\n\r]/.test(value)) throw new RequestError(`${name} must be non-empty text without commas, quotes or newlines, got ${JSON.stringify(value)}`);
  }
  if (/["\n\r]/.test(fields.groups)) throw new RequestError(`groups must not hold quotes or newlines, got ${JSON.stringify(fields.groups)}`);
}
