/**
 * checksum: files on the host have the checksums given, or the task fails naming each file
 * that differs (with the checksum expected and the one it has) or is missing. It changes
 * nothing, so it runs the same under --check; one round trip hashes every file.
 *
 *   task("the downloaded tarballs are the published ones", checksum({
 *     files: [{ path: "/srv/dl/kubernetes-server-linux-amd64.tar.gz", checksum: "sha256:08d64a59..." }],
 *   }))
 *   task("the release files are the manifest's", checksum({ chdir: "/software", files: [{ path: "etcd-v3.2.11-linux-amd64/etcd", checksum: "sha256:..." }] }))
 *
 * A checksum is written ALGORITHM:HEX, as Ansible's get_url takes it (`sha256` or `sha512`);
 * a bare 64-digit value is a sha256. Relative paths are below `chdir`, and are named as given.
 * `hint` ends the failure message: what the reader should do about it.
 */
import type { Dynamic, Vars } from "../engine/host-context";
import { defineModule, ModuleFailure, type BaseResult, type ModuleCall, type Plan } from "../engine/module";
import { displayPath } from "../engine/remote-stat";
import { joinShell, raw, sh, type Shell } from "../engine/shell";

export interface ExpectedChecksum {
  path: string;
  /** sha256:HEX or sha512:HEX */
  checksum: string;
}

export interface ChecksumResult extends BaseResult {
  /** each file's checksum as found, ALGORITHM:HEX */
  files: { path: string; checksum: string }[];
  /** the files whose checksum differs from the one given */
  mismatched?: string[];
  /** the files that are not there (or not regular files) */
  missing?: string[];
}

const HEX_DIGITS = { sha256: 64, sha512: 128 } as const;
type Algorithm = keyof typeof HEX_DIGITS;
// constants, one process per file: `sha256sum < FILE` prints "HEX  -" whatever the file is named
const HASHERS: Record<Algorithm, Shell> = { sha256: raw("sha256sum"), sha512: raw("sha512sum") };

/** "sha256:HEX", "sha512:HEX" or a bare sha256 → its parts (hex in lower case), else undefined. */
export function parseChecksum(text: string): { algorithm: Algorithm; hex: string } | undefined {
  const m = /^(?:(sha256|sha512):)?([0-9a-fA-F]+)$/.exec(text.trim());
  const algorithm = (m?.[1] ?? "sha256") as Algorithm;
  if (!m || m[2]!.length !== HEX_DIGITS[algorithm]) return undefined;
  return { algorithm, hex: m[2]!.toLowerCase() };
}

interface Wanted {
  path: string;
  algorithm: Algorithm;
  hex: string;
}

function wantedFiles(files: unknown[]): Wanted[] | string {
  const wanted: Wanted[] = [];
  for (const [i, file] of files.entries()) {
    const { path, checksum } = (file ?? {}) as { path?: unknown; checksum?: unknown };
    if (typeof path !== "string" || path === "" || typeof checksum !== "string") return `files[${i}] must be { path, checksum } strings`;
    const parsed = parseChecksum(checksum);
    if (!parsed) return `the checksum of ${displayPath(path)} must be sha256:HEX (64 digits) or sha512:HEX (128 digits), got ${JSON.stringify(checksum)}`;
    wanted.push({ path, ...parsed });
  }
  return wanted;
}

const checksumModule = defineModule({
  name: "checksum",
  args: {
    files: { type: "list", required: true, doc: "[{ path, checksum }]: checksum is sha256:HEX or sha512:HEX" },
    chdir: { type: "string", doc: "the folder relative paths are below" },
    hint: { type: "string", doc: "a last line for the failure message: what to do about it" },
  },
  check: (args) => {
    const wanted = wantedFiles(args.files);
    return typeof wanted === "string" ? wanted : undefined;
  },
  plan: async (ctx, args): Promise<Plan<ChecksumResult>> => {
    const wanted = wantedFiles(args.files);
    if (typeof wanted === "string") throw new ModuleFailure(wanted);
    const lines = [
      args.chdir === undefined ? undefined : sh`cd -- ${args.chdir} 2>/dev/null || { echo nodir=1; exit 0; }`,
      ...wanted.map((w, i) => {
        const key = `c${i}=`;
        return sh`p=${w.path}; if [ -f "$p" ]; then printf %s ${key}; ${HASHERS[w.algorithm]} < "$p" || exit 1; else echo ${`${key}absent`}; fi`;
      }),
    ];
    const result = await ctx.conn.run(joinShell(lines, "\n"));
    if (result.code !== 0) throw new ModuleFailure(`could not hash the files: ${result.stderr.trim() || `exit code ${result.code}`}`);
    const found = new Map(result.stdout.split("\n").map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]));
    if (found.has("nodir")) throw new ModuleFailure(`chdir ${displayPath(args.chdir!)} is not a folder on the host`);

    const files: ChecksumResult["files"] = [];
    const problems: string[] = [];
    const mismatched: string[] = [];
    const missing: string[] = [];
    wanted.forEach((w, i) => {
      const value = found.get(`c${i}`) ?? "absent";
      if (value === "absent") {
        missing.push(w.path);
        problems.push(`${displayPath(w.path)}: missing (or not a regular file)`);
        return;
      }
      const hex = value.slice(0, HEX_DIGITS[w.algorithm]);
      files.push({ path: w.path, checksum: `${w.algorithm}:${hex}` });
      if (hex !== w.hex) {
        mismatched.push(w.path);
        problems.push(`${displayPath(w.path)}: ${w.algorithm} is ${hex}, expected ${w.hex}`);
      }
    });
    if (problems.length > 0) {
      const where = args.chdir === undefined ? "" : ` (in ${displayPath(args.chdir)})`;
      const lines = [`${problems.length} of ${wanted.length} files do not have their checksums${where}:`, ...problems, ...(args.hint ? [args.hint] : [])];
      throw new ModuleFailure(lines.join("\n"), { files, mismatched, missing });
    }
    return { changed: false, summary: `${wanted.length} files have their checksums`, result: { files } };
  },
});

export function checksum<P extends Vars = Vars>(args: { files: Dynamic<ExpectedChecksum[], P>; chdir?: Dynamic<string, P>; hint?: Dynamic<string, P> }): ModuleCall<ChecksumResult, P> {
  return checksumModule<P>(args);
}
