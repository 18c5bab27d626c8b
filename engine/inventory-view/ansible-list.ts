/**
 * `tsplay inventory --list` and `--host NAME`: every host's merged inventory variables,
 * in the JSON shape of Ansible's `ansible-inventory`, so that tools reading that output read
 * this too. The variables are what the inventory gives a host (`all` < parent groups <
 * child groups < host, group_vars/ and host_vars/ included), secrets masked unless asked.
 *
 *   {"_meta": {"hostvars": {"node1": {...}}}, "all": {"children": ["ungrouped", "etcd"]}, "etcd": {"hosts": ["node1"]}}
 */
import type { Inventory, Vars } from "../inventory";
import { maskSecrets } from "../secret-vars";

// what ansible-inventory leaves out: facts of the run, not of the inventory
const RUN_VARS = ["inventory_file", "inventory_dir"];

export function hostVars(inventory: Inventory, host: string, { showSecrets }: { showSecrets: boolean }): Vars {
  const vars = inventory.varsFor(host);
  for (const name of RUN_VARS) delete vars[name];
  return showSecrets ? vars : maskSecrets(vars);
}

/** `hosts`: only these (--limit). Empty keys and empty groups are left out, as Ansible does. */
export function inventoryList(inventory: Inventory, { showSecrets, hosts }: { showSecrets: boolean; hosts?: Set<string> }): Record<string, unknown> {
  const included = (host: string) => !hosts || hosts.has(host);
  const list: Record<string, unknown> = {};
  const hostvars: Record<string, Vars> = {};
  for (const host of inventory.hosts.keys()) {
    if (!included(host)) continue;
    const vars = hostVars(inventory, host, { showSecrets });
    if (Object.keys(vars).length) hostvars[host] = vars;
  }
  list._meta = { hostvars };
  for (const group of inventory.groups.values()) {
    const entry: Record<string, string[]> = {};
    const members = group.name === "all" ? [] : group.hosts.filter(included);
    if (members.length) entry.hosts = members;
    if (group.children.length) entry.children = [...group.children];
    if (Object.keys(entry).length) list[group.name] = entry;
  }
  return list;
}
