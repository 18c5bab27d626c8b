/** A literal host list given as an inventory source: 'web1,web2:2222,' or the single word 'localhost'. */
import { splitHostPort } from "./host-range";
import type { Inventory } from "./inventory";

/** A source that is not an existing path is a host list when it has a comma, or is exactly 'localhost'. */
export function isHostList(source: string): boolean {
  return source.includes(",") || source.trim() === "localhost";
}

/** Adds the hosts as ungrouped; `host:port` sets ansible_port. Ranges are not expanded (as Ansible's host_list). */
export function parseHostList(inv: Inventory, source: string): void {
  for (const entry of source.split(",")) {
    const text = entry.trim();
    if (text === "") continue;
    const { host, port } = splitHostPort(text);
    const h = inv.addHost(host, "ungrouped");
    if (port !== undefined) h.vars.ansible_port = port;
  }
}
