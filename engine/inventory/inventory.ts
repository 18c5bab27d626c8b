/** The inventory model: hosts, groups, and the queries the engine asks of them. */
import { dirname } from "node:path";
import { CONTROL_CHARACTER, InventoryError } from "./errors";
import { selectHosts } from "./pattern";

export type Vars = Record<string, unknown>;

export interface InventoryHost {
  name: string;
  /** host vars written in inventory files (INI host lines, YAML host entries) */
  vars: Vars;
  /** vars from host_vars/NAME* beside an inventory source; they override `vars` */
  dirVars: Vars;
  /** absolute path of the inventory file that first named the host (Ansible's inventory_file) */
  source?: string;
}

export interface InventoryGroup {
  name: string;
  /** direct members */
  hosts: string[];
  children: string[];
  /** group vars written in inventory files ([g:vars], YAML vars:) */
  vars: Vars;
  /** vars from group_vars/NAME* beside an inventory source; they override every group's `vars` */
  dirVars: Vars;
}

/** Names Ansible treats as the control machine itself. */
export const LOCALHOST_NAMES: ReadonlySet<string> = new Set(["localhost", "127.0.0.1", "::1"]);

export class Inventory {
  /** in inventory order */
  readonly hosts = new Map<string, InventoryHost>();
  /** always has 'all' and 'ungrouped' */
  readonly groups = new Map<string, InventoryGroup>();
  /** Ansible's implicit localhost: not in any group, but it gets the vars of 'all' */
  private readonly implicit = new Map<string, InventoryHost>();
  /** host -> groups listing it directly, beside each group's ordered list: adding a host stays O(1) in a group of 40000 */
  private readonly directGroups = new Map<string, Set<string>>();
  /** group -> its parent groups, the other way round from `children` */
  private readonly parents = new Map<string, Set<string>>();

  constructor() {
    this.addGroup("all");
    this.addGroup("ungrouped");
    this.addChild("all", "ungrouped");
  }

  // ---- building (used by the parsers) ----

  addGroup(name: string): InventoryGroup {
    let group = this.groups.get(name);
    if (!group) {
      this.groups.set(name, (group = { name, hosts: [], children: [], vars: {}, dirVars: {} }));
      this.parents.set(name, new Set());
    }
    return group;
  }

  /** Adds the host if new, and makes it a direct member of `group` if one is given. */
  addHost(name: string, group?: string, source?: string): InventoryHost {
    let host = this.hosts.get(name);
    if (!host) {
      // a name is printed in every line of output about its host: a control character would garble or drive the terminal
      if (CONTROL_CHARACTER.test(name)) throw new InventoryError(`host name ${JSON.stringify(name)} contains a control character`);
      host = { name, vars: {}, dirVars: {} };
      if (source !== undefined) host.source = source;
      this.hosts.set(name, host);
      this.directGroups.set(name, new Set());
    }
    const groups = this.directGroups.get(name)!;
    if (group !== undefined && !groups.has(group)) {
      this.addGroup(group).hosts.push(name);
      groups.add(group);
    }
    return host;
  }

  addChild(parent: string, child: string): void {
    if (parent === child || this.descendantsOf(child).has(parent)) {
      throw new InventoryError(`making '${child}' a child of '${parent}' would make a loop of groups`);
    }
    const children = this.addGroup(parent).children;
    this.addGroup(child);
    const parents = this.parents.get(child)!;
    if (!parents.has(parent)) {
      children.push(child);
      parents.add(parent);
    }
  }

  /** After parsing, as Ansible does: groups without a parent become children of 'all'; 'ungrouped' holds exactly the hosts in no other group. */
  reconcile(): void {
    const all = this.groups.get("all")!;
    for (const [name, parents] of this.parents) {
      if (name !== "all" && parents.size === 0) {
        all.children.push(name);
        parents.add("all");
      }
    }
    const ungrouped = this.groups.get("ungrouped")!;
    ungrouped.hosts = [];
    for (const [host, groups] of this.directGroups) {
      groups.delete("ungrouped");
      if (groups.size === (groups.has("all") ? 1 : 0)) {
        ungrouped.hosts.push(host);
        groups.add("ungrouped");
      }
    }
  }

  /** The host a name means: an inventory host, else for a localhost name the inventory's localhost-like host or the implicit localhost. */
  resolveHost(name: string): InventoryHost | undefined {
    const host = this.hosts.get(name);
    if (host || !LOCALHOST_NAMES.has(name)) return host;
    return [...this.hosts.values()].find((h) => LOCALHOST_NAMES.has(h.name)) ?? this.implicitLocalhost(name);
  }

  /** The implicit localhost of that name (created on first use), whatever the inventory holds. */
  implicitLocalhost(name: string): InventoryHost {
    let host = this.implicit.get(name);
    if (!host) this.implicit.set(name, (host = { name, vars: { ansible_connection: "local" }, dirVars: {} }));
    return host;
  }

  isImplicit(host: InventoryHost): boolean {
    return this.implicit.get(host.name) === host;
  }

  /** The implicit localhosts made so far (by host_vars/localhost* or by use). */
  implicitHosts(): InventoryHost[] {
    return [...this.implicit.values()];
  }

  // ---- queries ----

  /** Every group the host belongs to, directly or through children, 'all' included, ordered as Ansible applies their vars: by depth from 'all' (shallow first), then ansible_group_priority, then name. */
  groupsOf(hostName: string): string[] {
    const host = this.resolveHost(hostName);
    if (!host) throw new InventoryError(`unknown host '${hostName}'`);
    if (this.isImplicit(host)) return ["all"];
    const found = new Set<string>(["all"]);
    const visit = (g: string) => {
      if (found.has(g)) return;
      found.add(g);
      this.parents.get(g)?.forEach(visit);
    };
    this.directGroups.get(host.name)?.forEach(visit);
    const depth = this.depths();
    const priority = (g: string) => {
      const p = Number(this.groups.get(g)!.vars.ansible_group_priority ?? 1);
      return Number.isFinite(p) ? p : 1;
    };
    return [...found].sort(
      (a, b) => depth(a) - depth(b) || priority(a) - priority(b) || (a < b ? -1 : a > b ? 1 : 0),
    );
  }

  /** Hosts of a group, recursively, in inventory order, no duplicates. */
  hostsIn(groupName: string): string[] {
    if (!this.groups.has(groupName)) throw new InventoryError(`unknown group '${groupName}'`);
    if (groupName === "all") return [...this.hosts.keys()];
    const members = new Set<string>();
    const seen = new Set<string>();
    const visit = (name: string) => {
      if (seen.has(name)) return;
      seen.add(name);
      const g = this.groups.get(name)!;
      g.hosts.forEach((h) => members.add(h));
      g.children.forEach(visit);
    };
    visit(groupName);
    return [...this.hosts.keys()].filter((h) => members.has(h));
  }

  /**
   * Inventory vars for a host, in Ansible's order (later wins, top-level keys replaced, never deep-merged):
   * 'all' < other groups by depth < group_vars/all < group_vars/others < inventory_file/inventory_dir < host vars < host_vars/.
   */
  varsFor(hostName: string): Vars {
    const host = this.resolveHost(hostName);
    if (!host) throw new InventoryError(`unknown host '${hostName}'`);
    const groups = this.groupsOf(hostName).map((g) => this.groups.get(g)!);
    const layers: Vars[] = [...groups.map((g) => g.vars), ...groups.map((g) => g.dirVars)];
    if (host.source !== undefined) {
      layers.push({ inventory_file: host.source, inventory_dir: dirname(host.source) });
    }
    layers.push(host.vars, host.dirVars);
    return structuredClone(Object.assign({}, ...layers) as Vars);
  }

  /** Ansible's `groups` magic variable: group name -> host names (inventory order). */
  groupMap(): Record<string, string[]> {
    const map: Record<string, string[]> = {};
    for (const name of this.groups.keys()) map[name] = this.hostsIn(name);
    return map;
  }

  /** Hosts matching a --limit or play `hosts:` pattern, in inventory order; see pattern.ts. */
  select(pattern: string): string[] {
    return selectHosts(this, pattern);
  }

  // ---- internals ----

  /** depth = the longest path of children from 'all' (Ansible keeps the deepest) */
  private depths(): (group: string) => number {
    const memo = new Map<string, number>();
    const depth = (g: string): number => {
      if (g === "all") return 0;
      let d = memo.get(g);
      if (d === undefined) {
        memo.set(g, 1); // guards against loops made by hand
        d = 1 + Math.max(0, ...[...(this.parents.get(g) ?? [])].map(depth));
        memo.set(g, d);
      }
      return d;
    };
    return depth;
  }

  private descendantsOf(group: string): Set<string> {
    const found = new Set<string>();
    const visit = (name: string) => {
      for (const c of this.groups.get(name)?.children ?? []) {
        if (!found.has(c)) {
          found.add(c);
          visit(c);
        }
      }
    };
    visit(group);
    return found;
  }
}
