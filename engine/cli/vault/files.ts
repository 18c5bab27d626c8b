/**
 * Reading and writing what `tsplay vault` works on: a file, or stdin/stdout for `-` (and
 * for no file at all, as ansible-vault does). Files are written atomically, through a 0600
 * temporary file beside them renamed over them, so a reader never sees half a vault file
 * and a plaintext never sits in a file others may read.
 *
 *   const text = readInput("group_vars/all/vault.yml");
 *   writeOutput("group_vars/all/vault.yml", sealed, { keepModeOf: "group_vars/all/vault.yml" });
 */
import { randomBytes } from "node:crypto";
import { chmodSync, chownSync, closeSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { VaultError } from "../../vault/vault";

export const STDIO = "-";

export function readInput(path: string): Buffer {
  if (path === STDIO) return readFileSync(0);
  try {
    return readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new VaultError(code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory; give a file" : `cannot be read (${code})`, path);
  }
}

/**
 * `data` into `path` (stdout for `-`): 0600, as ansible-vault writes what it encrypts or
 * decrypts, or the mode and owner of `keepModeOf` (rekey and edit keep the file's own).
 */
export function writeOutput(path: string, data: Buffer | string, { keepModeOf }: { keepModeOf?: string } = {}): void {
  const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
  // stdout is written synchronously on Linux, pipes included: all of it is out before the command ends
  if (path === STDIO) {
    process.stdout.write(bytes);
    return;
  }
  const before = keepModeOf === undefined ? undefined : statSync(keepModeOf);
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(temp, "wx", 0o600);
    for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at);
    closeSync(fd);
    fd = undefined;
    if (before) {
      chmodSync(temp, before.mode & 0o7777);
      try {
        chownSync(temp, before.uid, before.gid);
      } catch {
        // only root may give a file away; the file stays the writer's, as a new one would be
      }
    }
    renameSync(temp, path);
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    rmSync(temp, { force: true });
    const code = (error as NodeJS.ErrnoException).code;
    throw new VaultError(`cannot be written (${code ?? (error as Error).message})`, path);
  }
}
