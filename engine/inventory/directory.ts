/** A directory given as an inventory source: every inventory file in it, subdirectories included, in name order. */
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { statEntry } from "./dir-entry";
import type { Inventory } from "./inventory";
import { parseInventoryFile } from "./inventory-file";
import type { Vault } from "../vault/vault";

/** Skipped as Ansible skips them: hidden entries, group_vars/, host_vars/, and docs, backups and leftovers. */
const IGNORED = /^\.|^(group_vars|host_vars|vars_plugins)$|(\.pyc|\.pyo|\.swp|\.bak|~|\.rpm|\.md|\.txt|\.rst|\.orig|\.cfg|\.retry)$/;

export async function parseDirectory(inv: Inventory, dir: string, vault?: Vault): Promise<void> {
  for (const name of (await readdir(dir)).sort()) {
    if (IGNORED.test(name)) continue;
    const path = join(dir, name);
    const info = await statEntry(path);
    if (info?.isDirectory()) await parseDirectory(inv, path, vault);
    else if (info?.isFile()) await parseInventoryFile(inv, path, vault);
  }
}
