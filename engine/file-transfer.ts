import type { Become, Connection, PutOptions } from "./connection";
import { sh } from "./shell";

export class RemoteCommandError extends Error {
  override name = "RemoteCommandError";
  constructor(
    message: string,
    readonly code: number,
    readonly stderr: string,
  ) {
    super(message);
  }
}

/**
 * The temp file is made by mktemp (mode 0600, owned by whoever runs the script), filled,
 * then given its final owner and mode, then renamed over the target: the content is
 * never more exposed than it is at the end, and readers never see half a file.
 */
export async function putFile(conn: Connection, path: string, data: string | Buffer, options: PutOptions): Promise<void> {
  const steps = [
    sh`set -e; target=${path}; dir=$(dirname -- "$target")`,
    `tmp=$(mktemp "$dir/.tsplay.XXXXXXXX")`,
    `trap 'rm -f -- "$tmp"' EXIT`,
    `cat > "$tmp"`,
  ];
  if (options.owner || options.group) {
    steps.push(sh`chown -- ${(options.owner ?? "") + (options.group ? `:${options.group}` : "")} "$tmp"`);
  } else {
    steps.push(`if [ -e "$target" ]; then chown --reference="$target" -- "$tmp" 2>/dev/null || true; fi`);
  }
  if (options.mode) {
    steps.push(sh`chmod ${options.mode} -- "$tmp"`);
  } else {
    steps.push(`if [ -e "$target" ]; then chmod --reference="$target" -- "$tmp"; else chmod "$(printf '%o' $((0666 & ~$(umask))))" -- "$tmp"; fi`);
  }
  steps.push(`mv -f -- "$tmp" "$target"`, `trap - EXIT`);
  const result = await conn.run(steps.join("\n"), { stdin: data, become: options.become });
  if (result.code !== 0) {
    throw new RemoteCommandError(`could not write ${path}: ${result.stderr.trim() || `exit ${result.code}`}`, result.code, result.stderr);
  }
}

const MISSING = 3;

export async function readFile(conn: Connection, path: string, options: { become?: Become | false }): Promise<Buffer | null> {
  const result = await conn.run(sh`[ -e ${path} ] || exit ${MISSING}; cat -- ${path}`, { become: options.become });
  if (result.code === MISSING) return null;
  if (result.code !== 0) {
    throw new RemoteCommandError(`could not read ${path}: ${result.stderr.trim() || `exit ${result.code}`}`, result.code, result.stderr);
  }
  return result.stdoutBytes;
}
