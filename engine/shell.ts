/**
 * The one way to build a remote command: every interpolated value is shell-quoted,
 * so a file name or variable can never become shell syntax.
 *
 *   sh`mkdir -p -- ${dir} && chmod ${mode} -- ${dir}`
 *
 * Arrays expand to several quoted words; `raw()` marks a trusted fragment
 * (another `sh` result, or a constant written in the code) that is inserted as is.
 */

const RAW = Symbol("raw shell fragment");

export interface RawShell {
  readonly [RAW]: string;
}

export function raw(fragment: string): RawShell {
  return { [RAW]: fragment };
}

export function quote(value: unknown): string {
  if (value !== null && typeof value === "object" && RAW in value) {
    return (value as RawShell)[RAW];
  }
  if (Array.isArray(value)) return value.map(quote).join(" ");
  if (typeof value === "string" || typeof value === "number" || typeof value === "bigint") {
    const text = String(value);
    if (text.includes("\0")) throw new Error("a shell argument cannot contain a NUL byte");
    return `'${text.replace(/'/g, `'\\''`)}'`;
  }
  throw new TypeError(`cannot put a ${value === null ? "null" : typeof value} into a shell command`);
}

/** Builds a command line; the result is itself trusted when interpolated into another `sh`. */
export function sh(strings: TemplateStringsArray, ...values: unknown[]): string {
  let out = strings[0] ?? "";
  values.forEach((value, i) => {
    out += quote(value) + (strings[i + 1] ?? "");
  });
  return out;
}

/** `sh` whose result can be nested in another `sh` without being quoted again. */
export function shFragment(strings: TemplateStringsArray, ...values: unknown[]): RawShell {
  return raw(sh(strings, ...values));
}
