/**
 * `tsplay inventory --graph [GROUP]`: the groups and hosts as a tree, exactly as Ansible's
 * `ansible-inventory --graph` draws it (child groups, then hosts, each sorted by name).
 *
 *   @all:
 *     |--@ungrouped:
 *     |--@etcd:
 *     |  |--node1
 */
import type { Inventory } from "../inventory";
import { InventoryError } from "../inventory/errors";
import { printableName } from "../output/printable";

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const indent = (name: string, depth: number) => (depth ? `${"  |".repeat(depth)}--${name}` : name);

/** `hosts`: only these (--limit); groups are drawn even when none of their hosts is. */
export function inventoryGraph(inventory: Inventory, group = "all", hosts?: Set<string>): string[] {
  if (!inventory.groups.has(group)) throw new InventoryError(`--graph: no group named '${group}'`);
  const lines: string[] = [];
  const draw = (name: string, depth: number, path: Set<string>) => {
    const g = inventory.groups.get(name)!;
    lines.push(indent(`@${printableName(name)}:`, depth));
    for (const child of [...g.children].sort(byName)) if (!path.has(child)) draw(child, depth + 1, new Set([...path, child]));
    // Ansible lists no host directly under 'all': each is under its groups or 'ungrouped'
    if (name === "all") return;
    for (const host of [...g.hosts].sort(byName)) if (!hosts || hosts.has(host)) lines.push(indent(printableName(host), depth + 1));
  };
  draw(group, 0, new Set([group]));
  return lines;
}
