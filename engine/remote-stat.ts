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
import { joinShell, raw, sh, type Shell } from "./shell";

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

/** A shell variable's name, spliced in unquoted (`$name`, `name=`): so a code constant, checked here. */
function variable(name: string): Shell {
  if (!WORD.test(name)) throw new Error(`bad shell variable name ${JSON.stringify(name)}`);
  return raw(name);
}

/**
 * Shell lines describing the path held in the shell variable `name`, every key
 * prefixed with `prefix` so one probe can describe several paths. Both are code
 * constants, checked here, never user values.
 */
export function statFragment(name: string, prefix: string, options: StatOptions = {}): Shell {
  if (!(prefix === "" || WORD.test(prefix))) throw new Error(`bad probe prefix ${JSON.stringify(prefix)}`);
  const p = sh`"$${variable(name)}"`;
  const typeTest = options.follow
    ? sh`if [ -d ${p} ]; then t=directory; elif [ -f ${p} ]; then t=file; elif [ -e ${p} ]; then t=other; elif [ -L ${p} ]; then t=link; else t=absent; fi`
    : sh`if [ -L ${p} ]; then t=link; elif [ -d ${p} ]; then t=directory; elif [ -f ${p} ]; then t=file; elif [ -e ${p} ]; then t=other; else t=absent; fi`;
  const fields = ["mode=%a", "owner=%U", "group=%G", "uid=%u", "gid=%g", "size=%s"].map((f) => `${prefix}${f}\\n`).join("");
  // a followed dangling link can only be described as the link itself
  const deref = options.follow ? sh`if [ "$t" = link ]; then l=; else l=-L; fi` : sh`l=`;
  const lines = [
    typeTest,
    sh`echo ${`${prefix}type=`}"$t"`,
    deref,
    sh`if [ "$t" != absent ]; then stat $l --printf ${fields} -- ${p}; fi`,
    sh`if [ "$t" = link ]; then printf ${`${prefix}link=`}; readlink -n -- ${p} | base64 -w0; echo; fi`,
  ];
  const max = options.contentUpTo ?? 0;
  // Hashing stdin keeps sha256sum from escaping odd file names in its output; it prints
  // "HASH  -", cut to the hash by readStat (no `cut` process: each one costs 2-10 ms on a
  // busy host). A file whose whole content is printed is hashed by readStat instead.
  if (options.sha256 && max !== Infinity) lines.push(sh`if [ "$t" = file ]; then printf ${`${prefix}sha256=`}; sha256sum < ${p}; fi`);
  if (max > 0) {
    const small = Number.isFinite(max) ? sh` && [ "$(stat -L -c %s -- ${p})" -le ${Math.floor(max)} ]` : sh``;
    lines.push(sh`if [ "$t" = file ]${small}; then printf ${`${prefix}content=`}; base64 -w0 < ${p}; echo; fi`);
  }
  return joinShell(lines, "\n");
}

/**
 * Shell that sets the variable `to` to the folder of the path in `from`, as dirname(1)
 * would ("/a/b/" → "/a", "a" → ".", "/a" → "/"), with builtins only: no process, and a
 * trailing newline of the name is kept. Both names are code constants, checked here.
 */
export function parentFragment(from: string, to: string): Shell {
  const f = variable(from);
  const t = variable(to);
  const strip = sh`while :; do case $${t} in */) [ "$${t}" = / ] && break; ${t}=\${${t}%/};; *) break;; esac; done`;
  return joinShell(
    [sh`${t}=$${f}`, strip, sh`case $${t} in */*) ${t}=\${${t}%/*}; ${strip}; [ -n "$${t}" ] || ${t}=/;; *) ${t}=.;; esac`],
    "\n",
  );
}

/** Runs a read-only probe script and returns its `key=value` lines. */
export async function probe(conn: Connection, lines: readonly Shell[]): Promise<Map<string, string>> {
  const result = await conn.run(joinShell(lines, "\n"));
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
export async function runChange(conn: Connection, command: Shell, what: string): Promise<void> {
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

/** Shell that prints `key=<base64 of what the shell expression expands to>`. */
export function printBase64(key: string, expression: Shell): Shell {
  // the key is printf's format: no `%` may get in
  if (!WORD.test(key)) throw new Error(`bad probe key ${key}`);
  return sh`printf ${`${key}=`}; printf %s ${expression} | base64 -w0; echo`;
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
export function setAttributesCommand(path: string, wanted: Attributes, { link = false } = {}): Shell {
  const steps: Shell[] = [];
  if (wanted.owner !== undefined || wanted.group !== undefined) {
    const who = (wanted.owner ?? "") + (wanted.group !== undefined ? `:${wanted.group}` : "");
    steps.push(link ? sh`chown -h -- ${who} ${path}` : sh`chown -- ${who} ${path}`);
  }
  const mode = modeText(wanted.mode);
  if (mode !== undefined && !link) steps.push(sh`chmod -- ${mode} ${path}`);
  return joinShell(steps, "\n");
}

/** A path for a one-line summary: quoted when it holds control characters or edge spaces. */
export function displayPath(path: string): string {
  return /[\x00-\x1f\x7f]|^\s|\s$/.test(path) ? JSON.stringify(path) : path;
}
