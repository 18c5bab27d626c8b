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

  constructor() {
    this.addGroup("all");
    this.addGroup("ungrouped");
    this.addChild("all", "ungrouped");
  }

  // ---- building (used by the parsers) ----

  addGroup(name: string): InventoryGroup {
    let group = this.groups.get(name);
    if (!group) this.groups.set(name, (group = { name, hosts: [], children: [], vars: {}, dirVars: {} }));
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
    }
    if (group !== undefined) {
      const members = this.addGroup(group).hosts;
      if (!members.includes(name)) members.push(name);
    }
    return host;
  }

  addChild(parent: string, child: string): void {
    if (parent === child || this.descendantsOf(child).has(parent)) {
      throw new InventoryError(`making '${child}' a child of '${parent}' would make a loop of groups`);
    }
    const children = this.addGroup(parent).children;
    this.addGroup(child);
    if (!children.includes(child)) children.push(child);
  }

  /** After parsing, as Ansible does: groups without a parent become children of 'all'; 'ungrouped' holds exactly the hosts in no other group. */
  reconcile(): void {
    const all = this.groups.get("all")!;
    const ungrouped = this.groups.get("ungrouped")!;
    const withParent = new Set([...this.groups.values()].flatMap((g) => g.children));
    for (const name of this.groups.keys()) if (name !== "all" && !withParent.has(name)) all.children.push(name);
    const grouped = new Set<string>();
    for (const g of this.groups.values()) if (g !== all && g !== ungrouped) g.hosts.forEach((h) => grouped.add(h));
    ungrouped.hosts = [...this.hosts.keys()].filter((h) => !grouped.has(h));
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
    const parents = this.parentMap();
    const found = new Set<string>(["all"]);
    const visit = (g: string) => {
      if (found.has(g)) return;
      found.add(g);
      parents.get(g)?.forEach(visit);
    };
    for (const g of this.groups.values()) if (g.hosts.includes(host.name)) visit(g.name);
    const depth = this.depths(parents);
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

  private parentMap(): Map<string, string[]> {
    const parents = new Map<string, string[]>();
    for (const g of this.groups.values()) {
      for (const c of g.children) parents.set(c, [...(parents.get(c) ?? []), g.name]);
    }
    return parents;
  }

  /** depth = the longest path of children from 'all' (Ansible keeps the deepest) */
  private depths(parents: Map<string, string[]>): (group: string) => number {
    const memo = new Map<string, number>();
    const depth = (g: string): number => {
      if (g === "all") return 0;
      let d = memo.get(g);
      if (d === undefined) {
        memo.set(g, 1); // guards against loops made by hand
        d = 1 + Math.max(0, ...(parents.get(g) ?? []).map(depth));
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
