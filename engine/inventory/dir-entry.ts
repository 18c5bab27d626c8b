/** The entries of inventory directories and group_vars/ and host_vars/, looked up so that a broken one is reported, not skipped. */
import type { Stats } from "node:fs";
import { lstat, readlink, stat } from "node:fs/promises";
import { InventoryError } from "./errors";

/**
 * What is at `path`, or undefined when nothing is. A symbolic link to nothing is an error naming it:
 * skipping it would leave its vars out of the run without a word.
 */
export async function statEntry(path: string): Promise<Stats | undefined> {
  try {
    return await stat(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== "ENOENT" && code !== "ENOTDIR") throw new InventoryError(`cannot be read (${code ?? (e as Error).message})`, { file: path });
    const link = await lstat(path).catch(() => undefined);
    if (!link?.isSymbolicLink()) return undefined;
    const target = await readlink(path).catch(() => "?");
    throw new InventoryError(`is a symbolic link to '${target}', which does not exist`, { file: path });
  }
}
