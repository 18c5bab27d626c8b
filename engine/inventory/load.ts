/**
 * loadInventory: the -i sources, merged in order, then group_vars/ and host_vars/ beside them, then each host's connection
 * settings checked. The vault, when given, opens vault-encrypted files and `!vault` values among them.
 */
import { stat } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { checkHostConnections } from "./connection-vars";
import { parseDirectory } from "./directory";
import { InventoryError } from "./errors";
import { isHostList, parseHostList } from "./host-list";
import { Inventory } from "./inventory";
import { parseInventoryFile } from "./inventory-file";
import { loadVarsDirs } from "./vars-dirs";
import type { Vault } from "../vault/vault";

/**
 * Each source is a file (INI or YAML), a directory of them, or a literal host list ('localhost', 'h1,h2,')
 * when no such path exists. Later sources add hosts and groups and override vars of earlier ones.
 */
export async function loadInventory(sources: string[], { vault }: { vault?: Vault } = {}): Promise<Inventory> {
  const inv = new Inventory();
  const varsDirs = new Set<string>();
  for (const source of sources) {
    const info = await stat(source).catch(() => undefined);
    if (info?.isDirectory()) {
      await parseDirectory(inv, source, vault);
      varsDirs.add(resolve(source));
    } else if (info) {
      await parseInventoryFile(inv, source, vault);
      varsDirs.add(resolve(dirname(source)));
    } else if (isHostList(source)) {
      parseHostList(inv, source);
    } else {
      throw new InventoryError(
        `inventory source '${source}' does not exist (give a file, a directory, or hosts separated by commas like 'web1,web2,')`,
      );
    }
  }
  inv.reconcile();
  for (const dir of varsDirs) await loadVarsDirs(inv, dir, vault);
  checkHostConnections(inv);
  return inv;
}
