/**
 * unarchive: the files of a tar archive on the host (gzip, xz, bzip2 or plain: GNU tar
 * tells) unpacked into a folder there. Only the files whose content or mode differs from
 * the archive's are written, so a re-run changes nothing and --check names exactly what a
 * run would write. Ansible's unarchive with `remote_src: true`: `src` is a file on the host.
 *
 *   task("etcd from its release tarball", unarchive({
 *     src: "/srv/dl/etcd-v3.2.11-linux-amd64.tar.gz",
 *     dest: "/software/etcd-v3.2.11-linux-amd64",
 *     include: ["etcd-v3.2.11-linux-amd64/etcd", "etcd-v3.2.11-linux-amd64/etcdctl"],
 *     stripComponents: 1,
 *   }))
 *
 * `include` names members as the archive lists them (`tar -tf`); a folder member brings the
 * files below it; without it every regular file is unpacked. A member that is not in the
 * archive fails the task. `dest` and its folders are made when missing. The plan reads the
 * archive once, hashing each member as it streams by (nothing is written); a run unpacks
 * into a temp folder inside `dest`, then renames each file that differs into place, with
 * the archive's mode and the user running tsplay as owner. The result lists every file,
 * relative to dest, with its sha256, in the order of their names.
 */
import { defineModule, ModuleFailure, type BaseResult, type Plan } from "../engine/module";
import { displayPath, runChange } from "../engine/remote-stat";
import { joinShell, raw, sh } from "../engine/shell";

export interface UnarchivedFile {
  /** relative to dest, after stripComponents */
  path: string;
  sha256: string;
  /** as in the archive, "0755" */
  mode: string;
}

export interface UnarchiveResult extends BaseResult {
  dest: string;
  files: UnarchivedFile[];
}

// GNU tar runs this for each regular member, its content on stdin and its name in TAR_FILENAME
// (stripped): one line, "m=NAME_BASE64 SHA256 MODE" and what dest holds under that name.
const DESCRIBE_MEMBER = raw(
  [
    "set -- $(sha256sum); h=$1",
    'n=$(printf %s "$TAR_FILENAME" | base64 -w0)',
    'f=$D/$TAR_FILENAME',
    'if [ -L "$f" ]; then s=link; elif [ -f "$f" ]; then set -- $(sha256sum < "$f"); s="$1 $(stat -c %a -- "$f")"; elif [ -e "$f" ]; then s=other; else s=absent; fi',
    'echo "m=$n $h $TAR_MODE $s"',
  ].join("\n"),
);

interface Member extends UnarchivedFile {
  /** what dest holds at that path: a file's sha256 and mode, or its kind */
  present: { sha256: string; mode: number } | "absent" | "link" | "other";
}

function readMembers(stdout: string): Member[] {
  return stdout
    .split("\n")
    .filter((line) => line.startsWith("m="))
    .map((line): Member => {
      const [name, sha256, mode, state, destMode] = line.slice(2).split(" ");
      const present = state === "absent" || state === "link" || state === "other" ? state : { sha256: state!, mode: parseInt(destMode!, 8) };
      return { path: Buffer.from(name!, "base64").toString("utf8"), sha256: sha256!, mode: mode!.padStart(4, "0"), present };
    })
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

const differs = (m: Member) => typeof m.present === "string" || m.present.sha256 !== m.sha256 || (m.present.mode & 0o7777) !== (parseInt(m.mode, 8) & 0o7777);

export const unarchive = defineModule({
  name: "unarchive",
  args: {
    src: { type: "string", required: true, doc: "a tar archive on the host" },
    dest: { type: "string", required: true, doc: "the folder on the host it is unpacked into" },
    include: { type: "strings", doc: "members as the archive names them; default: every file" },
    stripComponents: { type: "number", doc: "leading folders dropped from each name (tar's --strip-components)" },
  },
  check: (args) => (args.stripComponents !== undefined && !(Number.isInteger(args.stripComponents) && args.stripComponents >= 0) ? "stripComponents must be a whole number" : undefined),
  plan: async (ctx, args): Promise<Plan<UnarchiveResult>> => {
    const strip = args.stripComponents ? sh`--strip-components=${args.stripComponents}` : sh``;
    const members = args.include ?? [];
    const read = await ctx.conn.run(
      joinShell([sh`[ -f ${args.src} ] || { echo nosrc=1; exit 0; }`, sh`D=${args.dest} tar -x -f ${args.src} ${strip} --to-command=${DESCRIBE_MEMBER.text} -- ${members}`], "\n"),
    );
    if (read.stdout.startsWith("nosrc=")) throw new ModuleFailure(`${displayPath(args.src)} does not exist on the host (or is not a file)`);
    if (read.code !== 0) throw new ModuleFailure(`could not read ${displayPath(args.src)}: ${read.stderr.trim().split("\n").slice(0, 5).join("; ") || `exit code ${read.code}`}`);

    const all = readMembers(read.stdout);
    if (all.length === 0) throw new ModuleFailure(`${displayPath(args.src)} holds no file${members.length ? ` under ${members.join(", ")}` : ""}`);
    const blocked = all.find((m) => m.present === "other");
    if (blocked) throw new ModuleFailure(`${displayPath(`${args.dest}/${blocked.path}`)} exists and is not a regular file`);
    const files = all.map(({ path, sha256, mode }) => ({ path, sha256, mode }));
    const result = { dest: args.dest, files };
    const changed = all.filter(differs);
    if (changed.length === 0) return { changed: false, summary: `the ${all.length} files of ${displayPath(args.src)} are in ${displayPath(args.dest)}`, result };

    const named = changed.slice(0, 5).map((m) => displayPath(m.path) + (m.present === "absent" ? "" : " (differs)"));
    const more = changed.length > named.length ? `, and ${changed.length - named.length} more` : "";
    return {
      changed: true,
      summary: `unpack ${changed.length} of the ${all.length} files of ${displayPath(args.src)} into ${displayPath(args.dest)}: ${named.join(", ")}${more}`,
      result,
      apply: async () => {
        // unpacked beside its final place, then renamed: a file is never seen half written
        const script = joinShell(
          [
            sh`set -e; set -- ${changed.map((m) => m.path)}`,
            sh`d=${args.dest}; mkdir -p -- "$d"`,
            sh`t=$(mktemp -d -- "$d/.unarchive.XXXXXX"); trap 'rm -rf -- "$t"' EXIT`,
            sh`tar -x -f ${args.src} -C "$t" --no-same-owner --preserve-permissions ${strip} -- ${members}`,
            sh`for f in "$@"; do case $f in */*) mkdir -p -- "$d/\${f%/*}";; esac; mv -f -- "$t/$f" "$d/$f"; done`,
          ],
          "\n",
        );
        await runChange(ctx.conn, script, `could not unpack ${displayPath(args.src)} into ${displayPath(args.dest)}`);
      },
    };
  },
});
