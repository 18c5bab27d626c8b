/**
 * What `git add` of a PKI folder would commit in clear, found as a reviewer would grep for
 * it: PEM private-key headers, the bootstrap token, embedded client keys. Empty for a
 * folder whose secrets the vault keeps.
 *
 *   expect(plaintextSecrets(pkiDir, token)).toEqual([]);
 */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

export function plaintextSecrets(dir: string, token: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const text = readFileSync(join(dir, name), "utf8");
    if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text)) found.push(`${name}: a PEM private key`);
    if (text.includes(token)) found.push(`${name}: the bootstrap token`);
    if (text.includes("client-key-data")) found.push(`${name}: client-key-data`);
  }
  return found;
}

/** The bootstrap token in token.csv's text. */
export const tokenOf = (tokenCsv: string): string => /^([0-9a-f]{32}),/.exec(tokenCsv)![1]!;
