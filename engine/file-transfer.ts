import { createHash, randomBytes } from "node:crypto";
import { UserError } from "./errors";
import type { Become, Connection, PutOptions } from "./connection";
import { parentFragment } from "./remote-stat";
import { joinShell, sh, type Shell } from "./shell";

export class RemoteCommandError extends UserError {
  constructor(
    message: string,
    readonly code: number,
    readonly stderr: string,
  ) {
    super(message);
  }
}

/**
 * The temp file is created beside the target under a random name with O_EXCL (the shell's
 * noclobber: never through an existing file or symlink), mode 0600 or already the wanted
 * mode, owned by whoever runs the script; filled, checked against the sha256 of what was
 * sent (a connection cut mid-transfer looks like a short stdin, not an error), given its
 * final owner and mode, then renamed over the target: the content is never more exposed
 * than it is at the end, and readers never see half a file. Only builtins besides cat,
 * sha256sum and mv (and chown/chmod when needed): each process costs 2-10 ms on a busy host.
 * Through a remote shell, whose stdin cannot arrive cut short, not even cat and sha256sum.
 */
export async function putFile(conn: Connection, path: string, data: string | Buffer, options: PutOptions): Promise<void> {
  const bytes = typeof data === "string" ? Buffer.from(data) : data;
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  const wanted = options.mode !== undefined && /^[0-7]{1,4}$/.test(options.mode) ? parseInt(options.mode, 8) : undefined;
  // a mode within rw-rw-rw- is the temp file's from its creation (through the umask): no chmod
  const atCreation = wanted !== undefined && (wanted & ~0o666) === 0;
  const steps: Shell[] = [
    sh`set -e; target=${path}`,
    parentFragment("target", "dir"),
    sh`tmp="$dir"/${`.tsplay.${randomBytes(6).toString("hex")}`}`,
    atCreation ? sh`umask ${(0o777 & ~wanted!).toString(8)}; set -C; : > "$tmp"; set +C` : sh`(umask 077; set -C; : > "$tmp")`,
    sh`trap 'rm -f -- "$tmp"' EXIT`,
    sh`trap 'exit 129' HUP INT TERM PIPE`,
    // a remote shell may hand over the text itself (engine/connections/remote-shell.ts)
    sh`if [ -n "\${__tsplay_stdin_text+set}" ]; then printf '%s\\n' "$__tsplay_stdin_text" > "$tmp"; else cat > "$tmp"; fi`,
    sh`if [ -z "\${__tsplay_stdin_whole:-}" ]; then sum=$(sha256sum < "$tmp"); [ "\${sum%% *}" = ${sha256} ] || { echo "transfer incomplete: checksum differs" >&2; exit 1; }; fi`,
  ];
  if (options.owner || options.group) {
    steps.push(sh`chown -- ${(options.owner ?? "") + (options.group ? `:${options.group}` : "")} "$tmp"`);
  } else {
    steps.push(sh`if [ -e "$target" ]; then chown --reference="$target" -- "$tmp" 2>/dev/null || true; fi`);
  }
  if (atCreation) {
    // set as the file was created
  } else if (options.mode) {
    steps.push(sh`chmod ${options.mode} -- "$tmp"`);
  } else {
    steps.push(sh`if [ -e "$target" ]; then chmod --reference="$target" -- "$tmp"; else chmod "$(printf '%o' $((0666 & ~$(umask))))" -- "$tmp"; fi`);
  }
  steps.push(sh`mv -f -- "$tmp" "$target"`, sh`trap - EXIT`);
  const result = await conn.run(joinShell(steps, "\n"), { stdin: bytes, become: options.become });
  if (result.code !== 0) {
    throw new RemoteCommandError(`could not write ${path}: ${result.stderr.trim() || `exit ${result.code}`}`, result.code, result.stderr);
  }
}

export async function readFile(conn: Connection, path: string, options: { become?: Become | false }): Promise<Buffer | null> {
  // `[ -e ]` is also false when a parent folder is unreadable: only cat's own ENOENT means "missing"
  const result = await conn.run(sh`cat -- ${path}`, { become: options.become });
  if (result.code !== 0 && /No such file or directory/.test(result.stderr)) return null;
  if (result.code !== 0) {
    throw new RemoteCommandError(`could not read ${path}: ${result.stderr.trim() || `exit ${result.code}`}`, result.code, result.stderr);
  }
  return result.stdoutBytes;
}
