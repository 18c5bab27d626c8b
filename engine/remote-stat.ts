/**
 * How modules look at a remote path in one round trip, and how they compare and set its
 * owner, group and mode.
 *
 *   const out = await probe(ctx.conn, [sh`p=${path}`, statFragment("p", "", { sha256: true })]);
 *   const stat = readStat(out, "");   // { type: "file", mode: 0o644, owner: "root", sha256: "…" }
 *
 * The probe prints `key=value` lines and never the path itself: a path may hold newlines,
 * quotes or `$()`. Anything of arbitrary text (link target, resolved path, content) is
 * base64-encoded, so no file name or content can break the parsing.
 */
import { createHash } from "node:crypto";
import type { Connection } from "./connection";
import { ModuleFailure } from "./module";
import { normalizeMode } from "./module-args";
import { sh } from "./shell";

export type RemoteType = "absent" | "file" | "directory" | "link" | "other";

export interface RemoteStat {
  type: RemoteType;
  /** permission bits, e.g. 0o644 */
  mode?: number;
  owner?: string;
  group?: string;
  uid?: string;
  gid?: string;
  size?: number;
  sha256?: string;
  /** where a symlink points, as written in the link */
  linkTarget?: string;
  /** a regular file's bytes, when asked for and not larger than asked */
  content?: Buffer;
}

export interface StatOptions {
  /** report what a symlink points to rather than the link (a dangling link stays `link`) */
  follow?: boolean;
  sha256?: boolean;
  /** print a regular file's content when it has at most this many bytes */
  contentUpTo?: number;
}

const WORD = /^[a-z_][a-z0-9_]*$/;

/**
 * Shell lines describing the path held in the shell variable `variable`, every key
 * prefixed with `prefix` so one probe can describe several paths. Both names are code
 * constants, checked here, never user values.
 */
export function statFragment(variable: string, prefix: string, options: StatOptions = {}): string {
  if (!WORD.test(variable) || !(prefix === "" || WORD.test(prefix))) throw new Error(`bad probe names ${variable}/${prefix}`);
  const p = `"$${variable}"`;
  const typeTest = options.follow
    ? `if [ -d ${p} ]; then t=directory; elif [ -f ${p} ]; then t=file; elif [ -e ${p} ]; then t=other; elif [ -L ${p} ]; then t=link; else t=absent; fi`
    : `if [ -L ${p} ]; then t=link; elif [ -d ${p} ]; then t=directory; elif [ -f ${p} ]; then t=file; elif [ -e ${p} ]; then t=other; else t=absent; fi`;
  const fields = ["mode=%a", "owner=%U", "group=%G", "uid=%u", "gid=%g", "size=%s"].map((f) => `${prefix}${f}\\n`).join("");
  // a followed dangling link can only be described as the link itself
  const deref = options.follow ? `if [ "$t" = link ]; then l=; else l=-L; fi` : `l=`;
  const lines = [
    typeTest,
    `echo "${prefix}type=$t"`,
    deref,
    `if [ "$t" != absent ]; then stat $l --printf '${fields}' -- ${p}; fi`,
    `if [ "$t" = link ]; then printf '${prefix}link='; readlink -n -- ${p} | base64 -w0; echo; fi`,
  ];
  const max = options.contentUpTo ?? 0;
  // Hashing stdin keeps sha256sum from escaping odd file names in its output; it prints
  // "HASH  -", cut to the hash by readStat (no `cut` process: each one costs 2-10 ms on a
  // busy host). A file whose whole content is printed is hashed by readStat instead.
  if (options.sha256 && max !== Infinity) lines.push(`if [ "$t" = file ]; then printf '${prefix}sha256='; sha256sum < ${p}; fi`);
  if (max > 0) {
    const small = Number.isFinite(max) ? ` && [ "$(stat -L -c %s -- ${p})" -le ${Math.floor(max)} ]` : "";
    lines.push(`if [ "$t" = file ]${small}; then printf '${prefix}content='; base64 -w0 < ${p}; echo; fi`);
  }
  return lines.join("\n");
}

/**
 * Shell that sets the variable `to` to the folder of the path in `from`, as dirname(1)
 * would ("/a/b/" → "/a", "a" → ".", "/a" → "/"), with builtins only: no process, and a
 * trailing newline of the name is kept. Both names are code constants, checked here.
 */
export function parentFragment(from: string, to: string): string {
  if (!WORD.test(from) || !WORD.test(to)) throw new Error(`bad variable names ${from}/${to}`);
  const strip = `while :; do case $${to} in */) [ "$${to}" = / ] && break; ${to}=\${${to}%/};; *) break;; esac; done`;
  return [
    `${to}=$${from}`,
    strip,
    `case $${to} in */*) ${to}=\${${to}%/*}; ${strip}; [ -n "$${to}" ] || ${to}=/;; *) ${to}=.;; esac`,
  ].join("\n");
}

/** Runs a read-only probe script and returns its `key=value` lines. */
export async function probe(conn: Connection, lines: string[]): Promise<Map<string, string>> {
  const result = await conn.run(lines.join("\n"));
  if (result.code !== 0) {
    throw new ModuleFailure(`could not inspect the host: ${result.stderr.trim() || `exit code ${result.code}`}`);
  }
  const fields = new Map<string, string>();
  for (const line of result.stdout.split("\n")) {
    const eq = line.indexOf("=");
    if (eq > 0) fields.set(line.slice(0, eq), line.slice(eq + 1));
  }
  return fields;
}

/** Runs a script that changes the host; a failure names what was being done. */
export async function runChange(conn: Connection, command: string, what: string): Promise<void> {
  const result = await conn.run(command);
  if (result.code !== 0) throw new ModuleFailure(`${what}: ${result.stderr.trim() || `exit code ${result.code}`}`);
}

export function readStat(fields: Map<string, string>, prefix: string): RemoteStat {
  const get = (key: string) => fields.get(prefix + key);
  const type = get("type") as RemoteType | undefined;
  if (!type) throw new ModuleFailure("could not inspect the host: the probe printed no file type");
  const decode = (key: string) => {
    const value = get(key);
    return value === undefined ? undefined : Buffer.from(value, "base64");
  };
  const mode = get("mode");
  const size = get("size");
  const content = decode("content");
  const sha256 = get("sha256")?.slice(0, 64) ?? (type === "file" && content ? createHash("sha256").update(content).digest("hex") : undefined);
  return {
    type,
    mode: mode === undefined ? undefined : parseInt(mode, 8),
    owner: get("owner"),
    group: get("group"),
    uid: get("uid"),
    gid: get("gid"),
    size: size === undefined ? undefined : Number(size),
    sha256,
    linkTarget: decode("link")?.toString("utf8"),
    content,
  };
}

/** Decodes a value printed by `printBase64`. */
export function readBase64(fields: Map<string, string>, key: string): string | undefined {
  const value = fields.get(key);
  return value === undefined ? undefined : Buffer.from(value, "base64").toString("utf8");
}

/** Shell that prints `key=<base64 of the shell expression>`; `expression` is code, not a user value. */
export function printBase64(key: string, expression: string): string {
  if (!WORD.test(key)) throw new Error(`bad probe key ${key}`);
  return `printf '${key}='; printf %s ${expression} | base64 -w0; echo`;
}

export interface Attributes {
  mode?: string | number;
  owner?: string;
  group?: string;
}

export function modeText(mode: string | number | undefined): string | undefined {
  return mode === undefined ? undefined : normalizeMode(mode);
}

/** An owner may be given by name or by number. */
function sameId(wanted: string, name: string | undefined, id: string | undefined): boolean {
  return wanted === name || wanted === id;
}

/** The attribute changes needed, as words for a summary: ["mode 0644 → 0600", "owner nobody → root"]. */
export function attributeChanges(stat: RemoteStat, wanted: Attributes): string[] {
  const changes: string[] = [];
  const mode = modeText(wanted.mode);
  if (mode !== undefined && parseInt(mode, 8) !== stat.mode) changes.push(`mode ${modeText(stat.mode) ?? "?"} → ${mode}`);
  if (wanted.owner !== undefined && !sameId(wanted.owner, stat.owner, stat.uid)) changes.push(`owner ${stat.owner ?? "?"} → ${wanted.owner}`);
  if (wanted.group !== undefined && !sameId(wanted.group, stat.group, stat.gid)) changes.push(`group ${stat.group ?? "?"} → ${wanted.group}`);
  return changes;
}

/**
 * chown before chmod: chown clears setuid/setgid bits, chmod then sets what was asked.
 * `link` changes a symlink's own owner (chown -h); Linux has no mode for links.
 */
export function setAttributesCommand(path: string, wanted: Attributes, { link = false } = {}): string {
  const steps: string[] = [];
  if (wanted.owner !== undefined || wanted.group !== undefined) {
    const who = (wanted.owner ?? "") + (wanted.group !== undefined ? `:${wanted.group}` : "");
    steps.push(link ? sh`chown -h -- ${who} ${path}` : sh`chown -- ${who} ${path}`);
  }
  const mode = modeText(wanted.mode);
  if (mode !== undefined && !link) steps.push(sh`chmod -- ${mode} ${path}`);
  return steps.join("\n");
}

/** A path for a one-line summary: quoted when it holds control characters or edge spaces. */
export function displayPath(path: string): string {
  return /[\x00-\x1f\x7f]|^\s|\s$/.test(path) ? JSON.stringify(path) : path;
}
