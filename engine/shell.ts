/**
 * Commands are quoted by construction: a command is a `Shell` value, never a string, and
 * the only ways to make one are the `sh` tagged template, which shell-quotes every
 * interpolated value, `raw()` for a constant written in the code, and `joinShell()`.
 * `Connection.run` takes only a `Shell`, so a command composed with a template string or
 * `+` does not compile, and a `Shell` dropped into a template string throws.
 *
 *   sh`mkdir -p -- ${dir} && chmod ${mode} -- ${dir}`
 *   sh`cd ${dir} && ${script}`                     // a Shell nests as is, not quoted again
 *   sh`sudo -n -- /bin/sh -c ${script.text}`        // its text is quoted: one argument
 *
 * Strings and numbers become one quoted word each, arrays several words, `Shell` values
 * are inserted as they are; anything else is refused.
 */
import { UserError } from "./errors";

export type ShellValue = string | number | bigint | Shell | readonly ShellValue[];

/** How `joinShell` may put parts together: fixed separators only, never free text. */
const SEPARATORS = ["\n", " && ", " || ", "; ", " "] as const;
export type ShellSeparator = (typeof SEPARATORS)[number];

let make: (text: string) => Shell;

export class Shell {
  static {
    make = (text) => new Shell(text);
  }

  // a private field makes the type nominal: no object literal passes for a Shell
  readonly #brand = true;

  /** the command line, for a transport to send */
  private constructor(readonly text: string) {}

  /** A Shell in a template string or `+` would lose its quoting guarantee: fail loudly instead. */
  toString(): never {
    // the text is left out of the message: it may hold a secret
    throw new TypeError("a shell command was turned into a plain string: compose commands with sh`...` or joinShell(), and use .text only to hand one to a transport");
  }

  static isShell(value: unknown): value is Shell {
    return typeof value === "object" && value !== null && #brand in value;
  }
}

/** One word, single-quoted, for the shell to read back exactly as `value`. */
export function quote(value: string | number | bigint): string {
  if (typeof value !== "string" && typeof value !== "number" && typeof value !== "bigint") {
    throw new TypeError(`cannot put a ${value === null ? "null" : typeof value} into a shell command`);
  }
  const text = String(value);
  if (text.includes("\0")) throw new UserError("a shell argument cannot contain a NUL byte");
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

function insert(value: unknown): string {
  if (Shell.isShell(value)) return value.text;
  if (Array.isArray(value)) return value.map(insert).join(" ");
  return quote(value as string);
}

/** Builds a command; the result nests as is when interpolated into another `sh`. */
export function sh(strings: TemplateStringsArray, ...values: ShellValue[]): Shell {
  let out = strings[0] ?? "";
  values.forEach((value, i) => {
    out += insert(value) + (strings[i + 1] ?? "");
  });
  return make(out);
}

/**
 * Shell syntax taken as is: only for a constant written in the code (a fixed script, a
 * flag), never for data. The `shell` module's user script is the one other use.
 */
export function raw(text: string): Shell {
  if (typeof text !== "string") throw new TypeError(`raw() takes a string, not a ${typeof text}`);
  if (text.includes("\0")) throw new UserError("a shell command cannot contain a NUL byte");
  return make(text);
}

/** Parts joined by a fixed separator; absent and empty parts are left out. */
export function joinShell(parts: readonly (Shell | false | null | undefined)[], separator: ShellSeparator): Shell {
  const kept = parts.filter((part): part is Shell => part !== false && part !== null && part !== undefined && part.text !== "");
  if (!SEPARATORS.includes(separator)) throw new TypeError(`joinShell() takes one of the fixed separators, not ${JSON.stringify(separator)}`);
  for (const part of kept) if (!Shell.isShell(part)) throw new TypeError("joinShell() joins Shell values only");
  return make(kept.map((part) => part.text).join(separator));
}
