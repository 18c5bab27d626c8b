/** `--limit`: the hosts a run may touch, or an error that says it came from --limit. */
import type { Inventory } from "../inventory";
import { InventoryError } from "../inventory/errors";

export function limitedHosts(inventory: Inventory, limit: string | undefined): Set<string> | undefined {
  if (limit === undefined) return undefined;
  let hosts: string[];
  try {
    hosts = inventory.select(limit);
  } catch (error) {
    if (error instanceof InventoryError) throw new InventoryError(`--limit: ${error.message}`);
    throw error;
  }
  if (hosts.length === 0) throw new InventoryError(`--limit '${limit}' matches no host of the inventory`);
  return new Set(hosts);
}
