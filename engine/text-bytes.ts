/**
 * Text files as their bytes. A module that edits some lines of a file (lineinfile, the
 * token.csv of bootstrapToken) must give every other byte back exactly as it found it,
 * whatever the file's encoding: a line is kept as its bytes and decoded only to be matched.
 * A diff shows bytes that are not UTF-8 as `\xNN`, so that a change to them shows.
 *
 *   const lines = splitLines(bytes);            // [{ bytes, text, ending }, ...]
 *   joinLines([...lines.slice(0, 1), "new line\n", ...lines.slice(1)]);
 */

export interface Line {
  /** the line's bytes, its ending included */
  bytes: Buffer;
  /** the line decoded as UTF-8 without its ending, for matching only */
  text: string;
  ending: "\n" | "\r\n" | "";
}

export function splitLines(data: Buffer): Line[] {
  const lines: Line[] = [];
  let start = 0;
  while (start < data.length) {
    const newline = data.indexOf(0x0a, start);
    const end = newline === -1 ? data.length : newline + 1;
    const bytes = data.subarray(start, end);
    const ending = newline === -1 ? "" : end - start >= 2 && data[end - 2] === 0x0d ? "\r\n" : "\n";
    lines.push({ bytes, text: bytes.subarray(0, bytes.length - ending.length).toString("utf8"), ending });
    start = end;
  }
  return lines;
}

/** Lines back into bytes: kept lines as they were, new ones (strings) as UTF-8. */
export function joinLines(lines: readonly (Line | string)[]): Buffer {
  return Buffer.concat(lines.map((line) => (typeof line === "string" ? Buffer.from(line, "utf8") : line.bytes)));
}

/** Text for a diff: UTF-8 as it is, every byte that is not part of valid UTF-8 as `\xNN`. */
export function showBytes(data: Buffer): string {
  let out = "";
  let i = 0;
  while (i < data.length) {
    const length = sequenceLength(data, i);
    if (length === 0) {
      out += `\\x${data[i]!.toString(16).padStart(2, "0")}`;
      i += 1;
    } else {
      out += data.subarray(i, i + length).toString("utf8");
      i += length;
    }
  }
  return out;
}

/** The length of the valid UTF-8 sequence starting at `i`, or 0 when there is none. */
function sequenceLength(data: Buffer, i: number): number {
  const b = data[i]!;
  const [length, min, max] = b < 0x80 ? [1, 0, 0] : b >= 0xc2 && b <= 0xdf ? [2, 0x80, 0xbf] : b >= 0xe0 && b <= 0xef ? [3, 0x80, 0xbf] : b >= 0xf0 && b <= 0xf4 ? [4, 0x80, 0xbf] : [0, 0, 0];
  if (length <= 1) return length;
  if (i + length > data.length) return 0;
  // the second byte's range narrows for E0, ED, F0 and F4 (no overlongs, surrogates or > U+10FFFF)
  const second = data[i + 1]!;
  const [low, high] = b === 0xe0 ? [0xa0, 0xbf] : b === 0xed ? [0x80, 0x9f] : b === 0xf0 ? [0x90, 0xbf] : b === 0xf4 ? [0x80, 0x8f] : [min, max];
  if (second < low || second > high) return 0;
  for (let k = 2; k < length; k++) if (data[i + k]! < 0x80 || data[i + k]! > 0xbf) return 0;
  return length;
}
