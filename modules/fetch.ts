/**
 * fetch: a file on the host is copied to the controller — an etcd snapshot kept as a
 * backup, a kubeconfig a host generated.
 *
 *   task("keep the snapshot", fetch({ src: "/var/backups/etcd.db", dest: "backups/etcd-{{inventory_hostname}}-{{date}}.db", flat: true }))
 *   task("kubelet configs", fetch({ src: "/etc/kubernetes/kubelet.kubeconfig", dest: "fetched" }))
 *   // → fetched/<inventory_hostname>/etc/kubernetes/kubelet.kubeconfig, one folder per host
 *
 * Ansible's layout: without `flat`, the file lands in dest/<inventory_hostname>/<src path>,
 * so the same file fetched from several hosts never overwrites itself; with `flat: true`,
 * `dest` is the file (a `dest` ending in "/" receives dest/<basename of src>), and a dest
 * that does not name the host is written by every host in turn. A relative `dest` is taken
 * from the playbook's folder, as Ansible does. The controller file is mode 0600 unless
 * `mode` says otherwise: a pulled file often holds secrets (a snapshot holds every secret
 * of the cluster). It belongs to whoever runs tsplay; `become` only reads src.
 *
 * The host's sha256 of src is taken in the same round trip as its stat; a controller file
 * with that sha256 is left alone, so --check knows exactly whether a run would fetch.
 * The bytes received are hashed again on the controller and must match (a file rewritten
 * while it was read fails, and nothing is written). They go to a temp file beside dest
 * created with the final mode, renamed over dest: never readable by others, never half a
 * file. src travels whole in memory (as `conn.read` returns it): fine for files of tens or
 * hundreds of MB, not for multi-GB ones. A missing src fails, or with `failOnMissing:
 * false` leaves the task ok; under --check it is a predicted fetch, since an earlier task
 * may make it. A src that cannot be read fails either way. Importing `fetch` hides the
 * global fetch() in that file: `import { fetch as fetchFile }` where a playbook needs both.
 */
import { createHash, randomBytes } from "node:crypto";
import { constants, createReadStream } from "node:fs";
import { chmod, lstat, mkdir, open, rename, rm } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, join, posix, resolve } from "node:path";
import { RemoteCommandError } from "../engine/file-transfer";
import { defineModule, ModuleFailure, needsEarlierTask, type BaseResult, type FileDiff, type ModuleContext, type Plan } from "../engine/module";
import { normalizeMode } from "../engine/module-args";
import { displayPath, modeText, probe, readStat, statFragment, type RemoteStat } from "../engine/remote-stat";
import { sh } from "../engine/shell";

export interface FetchResult extends BaseResult {
  /** the file on the host */
  src: string;
  /** the controller file written (or that would be) */
  dest: string;
  /** sha256 of the file's bytes */
  checksum?: string;
  size?: number;
  mode?: string;
}

export const fetch = defineModule({
  name: "fetch",
  args: {
    src: { type: "string", required: true, doc: "the file on the host" },
    dest: { type: "string", required: true, doc: "a controller path: a folder for dest/<host>/<src>, or with flat the file itself" },
    flat: { type: "boolean", doc: "dest is the file (or, ending in '/', the folder for src's basename)" },
    mode: { type: "mode", doc: "of the controller file; default 0600" },
    failOnMissing: { type: "boolean", doc: "false: a missing src leaves the task ok" },
    validateChecksum: { type: "boolean", doc: "false: do not compare the bytes received with the host's sha256" },
  },
  check(args) {
    if (args.src === "") return "'src' must not be empty";
    if (args.dest === "") return "'dest' must not be empty";
    return undefined;
  },
  async plan(ctx, args): Promise<Plan<FetchResult>> {
    const mode = normalizeMode(args.mode ?? "0600");
    const dest = controllerPath(ctx, args);
    const source = await probeSource(ctx, args.src);
    const local = await inspectControllerFile(dest);
    const src = displayPath(args.src);
    const shown = displayPath(dest);
    const result: FetchResult = { changed: false, src: args.src, dest, mode };

    if (source.type === "absent" || source.type === "link") {
      const why = source.type === "link" ? "is a symlink to a missing file" : "does not exist";
      if (args.failOnMissing === false) {
        // the real run plans again and finds the same: apply has nothing to do, but under
        // --check an earlier task may still make src, which the prediction must own up to
        const summary = `src ${src} ${why}; nothing fetched (failOnMissing: false)`;
        return { changed: false, summary, result, apply: async () => ({}), uncertain: `src ${src} ${why} now; if an earlier task makes it, it is fetched` };
      }
      return needsEarlierTask(`src ${src} ${why} (failOnMissing: false lets the task go on without it)`, {
        changed: true,
        summary: `fetch ${src}, which does not exist yet (an earlier task may make it), to ${shown}`,
        result,
      });
    }
    if (source.type === "directory") throw new ModuleFailure(`src ${src} is a directory; fetch takes one file`);
    if (source.type === "other") throw new ModuleFailure(`src ${src} is not a regular file`);
    if (local.type === "directory") {
      throw new ModuleFailure(`dest ${shown} is a folder on the controller${args.flat ? '; end dest with "/" to fetch into it' : ""}`);
    }
    if (local.type === "other") throw new ModuleFailure(`dest ${shown} exists on the controller and is not a regular file`);

    const expected = source.sha256;
    if (expected === undefined) throw new ModuleFailure(`could not checksum src ${src} on the host`);
    const wanted = parseInt(mode, 8);
    Object.assign(result, { checksum: expected, size: source.size });
    const refetch = local.type !== "file" || local.sha256 !== expected;
    const modeChange = local.type === "file" && local.mode !== wanted ? `mode ${modeText(local.mode)} → ${mode}` : undefined;
    if (!refetch && !modeChange) return { changed: false, result };

    const size = `${source.size} bytes`;
    const fetching = local.type === "absent" ? `fetch ${src} (${size}) to ${shown}` : local.type === "link" ? `replace symlink ${shown} with ${src} (${size})` : `update ${shown} from ${src} (${size})`;
    const summary = refetch ? [fetching, modeChange].filter(Boolean).join(", ") : `${shown}: ${modeChange}`;
    const after: ControllerFile = { type: "file", mode: wanted, size: source.size, sha256: expected };
    const diff: FileDiff[] | undefined = ctx.diff && !ctx.noLog ? [{ path: dest, before: describe(local), after: describe(after) }] : undefined;

    const apply = async (): Promise<Partial<FetchResult>> => {
      if (!refetch) {
        await failing(`could not set the mode of ${shown}`, () => chmod(dest, wanted));
        return {};
      }
      const data = await readSource(ctx, args.src);
      const checksum = sha256(data);
      if (args.validateChecksum !== false && checksum !== expected) {
        throw new ModuleFailure(`src ${src} changed while it was fetched (sha256 on the host ${expected}, received ${checksum}); nothing written`);
      }
      await failing(`could not write ${shown}`, async () => {
        await mkdir(dirname(dest), { recursive: true });
        await writeFileAtomically(dest, data, wanted);
      });
      return { checksum, size: data.length };
    };
    return { changed: true, summary, diff, result, apply };
  },
});

/** Where the file goes on the controller, for this host. */
function controllerPath(ctx: ModuleContext, args: { src: string; dest: string; flat?: boolean }): string {
  const base = typeof ctx.vars.playbook_dir === "string" ? ctx.vars.playbook_dir : process.cwd();
  const dest = resolve(base, args.dest === "~" || args.dest.startsWith("~/") ? homedir() + args.dest.slice(1) : args.dest);
  if (args.flat) return args.dest.endsWith("/") ? join(dest, posix.basename(args.src)) : dest;
  if (ctx.host.includes("/") || ctx.host === "." || ctx.host === "..") {
    throw new ModuleFailure(`host name ${JSON.stringify(ctx.host)} cannot name a folder; use flat: true with a dest of your own`);
  }
  // a src of "../../x" joined under "/" cannot climb out of the host's folder
  return join(dest, ctx.host, posix.join("/", args.src));
}

async function probeSource(ctx: ModuleContext, src: string): Promise<RemoteStat> {
  const fields = await probe(ctx.conn, [
    sh`p=${src}`,
    // `[ -e ]` is also false behind a folder the user may not enter: only ls tells "missing" from "denied"
    sh`if [ ! -e "$p" ] && [ ! -L "$p" ]; then case $(LC_ALL=C ls -d -- "$p" 2>&1 >/dev/null) in *"Permission denied"*) echo denied=1;; esac; fi`,
    // last: a file that cannot be read fails sha256sum, and with it the probe
    statFragment("p", "", { follow: true, sha256: true }),
  ]);
  if (fields.has("denied")) throw new ModuleFailure(`src ${displayPath(src)} cannot be reached: permission denied (does the task need become?)`);
  return readStat(fields, "");
}

async function readSource(ctx: ModuleContext, src: string): Promise<Buffer> {
  let data: Buffer | null;
  try {
    data = await ctx.conn.read(src);
  } catch (error) {
    if (error instanceof RemoteCommandError) throw new ModuleFailure(error.message);
    throw error;
  }
  if (data === null) throw new ModuleFailure(`src ${displayPath(src)} was removed before it could be fetched`);
  return data;
}

interface ControllerFile {
  type: RemoteStat["type"];
  mode?: number;
  size?: number;
  sha256?: string;
}

async function inspectControllerFile(path: string): Promise<ControllerFile> {
  try {
    const st = await lstat(path);
    if (st.isSymbolicLink()) return { type: "link" };
    if (st.isDirectory()) return { type: "directory" };
    if (!st.isFile()) return { type: "other" };
    return { type: "file", mode: st.mode & 0o7777, size: st.size, sha256: await fileSha256(path) };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return { type: "absent" };
    if (code === "ENOTDIR") throw new ModuleFailure(`cannot write ${displayPath(path)}: one of its parent folders is a file`);
    throw new ModuleFailure(`cannot inspect ${displayPath(path)} on the controller: ${(error as Error).message}`);
  }
}

/** Streamed: the controller's copy of a large file need not sit in memory to be compared. */
async function fileSha256(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

function sha256(data: Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

/** What --diff shows of a controller file: never its content, which may be binary or secret. */
function describe(file: ControllerFile): string {
  if (file.type !== "file") return `state: ${file.type}\n`;
  return `state: file\nmode: ${modeText(file.mode)}\nsize: ${file.size}\nsha256: ${file.sha256}\n`;
}

async function failing<T>(what: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    throw new ModuleFailure(`${what}: ${(error as Error).message}`);
  }
}

/**
 * Writes `data` to `path` through a temp file beside it, created (O_EXCL, never through a
 * symlink) with `mode` already: the umask can only narrow it, and the fchmod that restores
 * the exact mode runs while the file is still empty. Synced before the rename, so a
 * crash leaves the old file or the whole new one. On failure the temp file is removed and
 * `path` is as it was. `move` is the rename, replaceable to observe the temp file.
 */
export async function writeFileAtomically(path: string, data: Buffer, mode: number, move: (from: string, to: string) => Promise<void> = rename): Promise<void> {
  const temp = join(dirname(path), `.tsplay.${randomBytes(6).toString("hex")}`);
  const handle = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, mode);
  try {
    try {
      await handle.chmod(mode);
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await move(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
