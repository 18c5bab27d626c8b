/**
 * A file whose whole content a module decides: copy, template, lineinfile (and cert,
 * kubeconfig). One probe round trip reports the file's type, owner, mode and sha256 (and
 * its content when an edit or a diff needs it); the plan compares them with the wanted
 * content on the controller; apply writes with `conn.put` (atomic, owner and mode set
 * before the rename), or only runs chown/chmod when the content already matches.
 *
 *   const plan = await planFileContent(ctx, "/etc/motd", { content: "hello\n", mode: "0644" });
 */
import { createHash } from "node:crypto";
import { isAbsolute, join, posix } from "node:path";
import type { ControllerFiles } from "./controller-files";
import { RemoteCommandError } from "./file-transfer";
import { ModuleFailure, type BaseResult, type FileDiff, type ModuleContext, type Plan } from "./module";
import {
  attributeChanges,
  displayPath,
  modeText,
  parentFragment,
  printBase64,
  probe,
  runChange,
  readBase64,
  readStat,
  setAttributesCommand,
  statFragment,
  type Attributes,
  type RemoteStat,
} from "./remote-stat";
import { sh } from "./shell";
import { showBytes } from "./text-bytes";

export interface ManagedFileResult extends BaseResult {
  dest: string;
  /** sha256 of the wanted content */
  checksum: string;
  size: number;
  mode?: string;
  owner?: string;
  group?: string;
  /** the copy kept before overwriting, with `backup: true` */
  backup_file?: string;
}

export interface ProbeOptions {
  /** when dest is a directory, write to dest/<this name> (copy's `src` basename) */
  intoDirectory?: string;
  /** edits (lineinfile) need the content; otherwise it is read only for a small diff */
  readContent?: boolean;
  /** write through a symlink at dest (lineinfile) instead of replacing it (copy) */
  follow?: boolean;
}

export interface ProbedFile {
  /** the path that will be written: dest, dest/<name>, or a followed link's target */
  path: string;
  stat: RemoteStat;
  parentExists: boolean;
}

export interface WantedFile extends Attributes {
  content: string | Buffer;
  backup?: boolean;
  /** false: leave an existing file alone (copy's `force: false`) */
  force?: boolean;
  /** create missing parent directories (lineinfile's `create`) instead of failing */
  makeParents?: boolean;
  /** how a rewrite of the existing file is told (default `update PATH`): bytes that change while what they say does not, say so */
  rewriteSummary?: (shown: string) => string;
}

const DIFF_LIMIT = 64 * 1024;

export async function probeFile(ctx: ModuleContext, dest: string, options: ProbeOptions = {}): Promise<ProbedFile> {
  const lines = [sh`p=${dest}`];
  if (options.intoDirectory !== undefined) {
    lines.push(sh`if [ -d "$p" ]; then p="$p"/${options.intoDirectory}; echo into=1; fi`);
  }
  if (options.follow) {
    // `echo .` keeps a trailing newline of the target from being eaten by $( )
    lines.push(sh`if [ -L "$p" ]; then p=$(readlink -m -- "$p"; echo .); p=\${p%??}; ${printBase64("real", sh`"$p"`)}; fi`);
  }
  lines.push(parentFragment("p", "d"), sh`if [ -d "$d" ]; then echo parent=1; fi`);
  const contentUpTo = options.readContent ? Infinity : ctx.diff && !ctx.noLog ? DIFF_LIMIT : 0;
  lines.push(statFragment("p", "", { sha256: true, contentUpTo }));
  const fields = await probe(ctx.conn, lines);
  let path = fields.has("into") ? `${dest.replace(/\/+$/, "")}/${options.intoDirectory}` : dest;
  path = readBase64(fields, "real") ?? path;
  return { path, stat: readStat(fields, ""), parentExists: fields.has("parent") };
}

export function sha256(data: string | Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

/** Text for a diff (bytes that are not UTF-8 as \xNN), or undefined for binary content (a NUL byte). */
function diffText(data: Buffer | undefined): string | undefined {
  if (data === undefined || data.includes(0)) return undefined;
  return showBytes(data);
}

export function planFileWrite(ctx: ModuleContext, probed: ProbedFile, wanted: WantedFile): Plan<ManagedFileResult> {
  const { path, stat } = probed;
  const shown = displayPath(path);
  if (stat.type === "directory") throw new ModuleFailure(`${shown} is a directory; give the file's full path`);
  if (stat.type === "other") throw new ModuleFailure(`${shown} exists and is not a regular file`);
  const data = Buffer.isBuffer(wanted.content) ? wanted.content : Buffer.from(wanted.content, "utf8");
  const checksum = sha256(data);
  const result: ManagedFileResult = {
    changed: false,
    dest: path,
    checksum,
    size: data.length,
    // a symlink's own attributes say nothing about the file that will replace it
    mode: modeText(wanted.mode ?? (stat.type === "file" ? stat.mode : undefined)),
    owner: wanted.owner ?? (stat.type === "file" ? stat.owner : undefined),
    group: wanted.group ?? (stat.type === "file" ? stat.group : undefined),
  };
  if (stat.type !== "absent" && wanted.force === false) {
    return { changed: false, summary: `${shown} exists; force: false leaves it alone`, result };
  }
  const rewrite = stat.type !== "file" || stat.sha256 !== checksum;
  const attributes = stat.type === "file" ? attributeChanges(stat, wanted) : [];
  if (!rewrite && attributes.length === 0) return { changed: false, result };

  const summary =
    stat.type === "absent"
      ? `create ${shown}${describe(wanted)}`
      : stat.type === "link"
        ? `replace symlink ${shown} with a file`
        : rewrite
          ? [wanted.rewriteSummary?.(shown) ?? `update ${shown}`, ...attributes].join(", ")
          : `${shown}: ${attributes.join(", ")}`;

  let diff: FileDiff[] | undefined;
  if (ctx.diff && !ctx.noLog && rewrite) {
    const before = stat.type === "absent" ? "" : diffText(stat.content);
    const after = data.length <= DIFF_LIMIT ? diffText(data) : undefined;
    if (before !== undefined && after !== undefined) diff = [{ path, before, after }];
  }

  const apply = async (): Promise<Partial<ManagedFileResult>> => {
    if (!probed.parentExists && wanted.makeParents) {
      await runChange(ctx.conn, sh`mkdir -p -- ${posix.dirname(path)}`, `could not create the directory of ${shown}`);
    } else if (!probed.parentExists) {
      throw new ModuleFailure(`cannot write ${shown}: its directory does not exist (create it first, e.g. with file state: directory)`);
    }
    let backup_file: string | undefined;
    if (wanted.backup && rewrite && stat.type !== "absent") {
      backup_file = `${path}.${backupStamp(new Date())}~`;
      await runChange(ctx.conn, sh`cp -pP -- ${path} ${backup_file}`, `could not back up ${shown}`);
    }
    if (rewrite) {
      try {
        await ctx.conn.put(path, data, { mode: modeText(wanted.mode), owner: wanted.owner, group: wanted.group });
      } catch (error) {
        if (error instanceof RemoteCommandError) throw new ModuleFailure(error.message);
        throw error;
      }
    } else {
      await runChange(ctx.conn, setAttributesCommand(path, wanted), `could not set attributes of ${shown}`);
    }
    return backup_file ? { backup_file } : {};
  };
  return { changed: true, summary, diff, result, apply, writes: rewrite ? [{ path, content: data }] : [] };
}

/** Probe then plan: what copy, template, cert and kubeconfig need. */
export async function planFileContent(
  ctx: ModuleContext,
  dest: string,
  wanted: WantedFile,
  options: Omit<ProbeOptions, "readContent"> = {},
): Promise<Plan<ManagedFileResult>> {
  return planFileWrite(ctx, await probeFile(ctx, dest, options), wanted);
}

function describe(wanted: Attributes): string {
  const words = [
    wanted.mode !== undefined ? `mode ${modeText(wanted.mode)}` : "",
    wanted.owner !== undefined ? `owner ${wanted.owner}` : "",
    wanted.group !== undefined ? `group ${wanted.group}` : "",
  ].filter(Boolean);
  return words.length ? ` (${words.join(", ")})` : "";
}

/** Ansible's backup name: `dest.2024-05-01@13:45:07~` */
function backupStamp(date: Date): string {
  const two = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())}@${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`;
}

/**
 * A controller file named by a module's `src`: absolute, or the first match in the
 * search folders (the role's, then the playbook's).
 */
export function findSource(files: ControllerFiles, src: string, dirs: readonly string[], kind: string): string {
  const candidates = isAbsolute(src) ? [src] : dirs.map((dir) => join(dir, src));
  const found = candidates.find((candidate) => files.kind(candidate) !== undefined);
  if (!found) {
    const where = isAbsolute(src) ? "" : ` in ${dirs.length ? dirs.join(", ") : "(no search folders)"}`;
    throw new ModuleFailure(`${kind} '${src}' not found${where}`);
  }
  if (files.kind(found) === "directory") throw new ModuleFailure(`${kind} '${found}' is a directory; name a file`);
  return found;
}

/** The controller file `src` names (see findSource): its path and its bytes as the run sees them. */
export function readSource(ctx: ModuleContext, src: string, dirs: readonly string[], kind: string): { path: string; content: Buffer } {
  const path = findSource(ctx.controller, src, dirs, kind);
  return { path, content: ctx.controller.read(path)! };
}

/** copy and template into a directory: dest ending in "/" means dest/<basename of src>. */
export function destInDirectory(dest: string, src: string | undefined): string {
  return src !== undefined && dest.endsWith("/") ? dest + posix.basename(src) : dest;
}
