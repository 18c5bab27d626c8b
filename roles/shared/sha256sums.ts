/**
 * A SHA256SUMS file as GNU sha256sum writes it and `sha256sum -c` checks it: one
 * "HEX  NAME" line per file. A name holding a backslash, newline or carriage return is
 * escaped (\\, \n, \r) and its line starts with a backslash, as sha256sum does.
 *
 *   formatSha256Sums(new Map([["etcd-v3.2.11-linux-amd64/etcd", "a1b2..."]]))   // "a1b2...  etcd-v3.2.11-linux-amd64/etcd\n"
 */

const LINE = /^(\\?)([0-9a-fA-F]{64}) [ *](.+)$/;

function escapeName(name: string): string {
  return name.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/\r/g, "\\r");
}

function unescapeName(name: string): string {
  return name.replace(/\\(\\|n|r)/g, (_, c: string) => (c === "n" ? "\n" : c === "r" ? "\r" : "\\"));
}

/** name → sha256 (lower case) of every well-formed line; other lines are left out. */
export function parseSha256Sums(text: string): Map<string, string> {
  const sums = new Map<string, string>();
  for (const line of text.split("\n")) {
    const m = LINE.exec(line);
    if (m) sums.set(m[1] ? unescapeName(m[3]!) : m[3]!, m[2]!.toLowerCase());
  }
  return sums;
}

/** The file's text, one line per name in code-point order, so that the same sums give the same bytes. */
export function formatSha256Sums(sums: ReadonlyMap<string, string>): string {
  return [...sums.keys()]
    .sort()
    .map((name) => (/[\\\n\r]/.test(name) ? `\\${sums.get(name)}  ${escapeName(name)}\n` : `${sums.get(name)}  ${name}\n`))
    .join("");
}

/** `existing` with the sums of `updated` added or replacing theirs. */
export function mergeSha256Sums(existing: string, updated: ReadonlyMap<string, string>): string {
  return formatSha256Sums(new Map([...parseSha256Sums(existing), ...updated]));
}
