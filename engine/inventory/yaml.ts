/**
 * Ansible's YAML (and JSON) inventory format:
 *   all:
 *     vars: { ntp: pool.ntp.org }
 *     hosts: { web1: { ansible_host: 10.0.0.1 }, web[02:03]: }
 *     children:
 *       etcd: { hosts: { etcd1: null }, children: { ... } }
 * Top-level keys are groups. YAML 1.1, as Ansible reads it: yes/no/on/off are booleans.
 */
import { checkConnectionVar } from "./connection-vars";
import { atLine, InventoryError } from "./errors";
import { expandHostPattern } from "./host-range";
import type { Inventory, Vars } from "./inventory";
import { readYaml } from "./yaml-text";
import type { Vault } from "../vault/vault";

export function isPlainObject(value: unknown): value is Vars {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

export function describe(value: unknown): string {
  if (Array.isArray(value)) return "a list";
  if (value === null) return "nothing";
  return isPlainObject(value) ? "a mapping" : `${typeof value} '${String(value)}'`;
}

export function parseYamlInventory(inv: Inventory, text: string, file: string, source?: string, vault?: Vault): void {
  const yaml = readYaml(text, file, vault);
  const fail = (message: string, path: string[]): never => {
    throw new InventoryError(message, { file, line: yaml.lineOf(path) });
  };
  const checkVars = (vars: Vars, path: string[]) => {
    for (const [key, value] of Object.entries(vars)) atLine(file, yaml.lineOf([...path, key]), () => checkConnectionVar(key, value));
  };
  if (yaml.data === null || yaml.data === undefined) return;
  if (!isPlainObject(yaml.data)) return fail(`expected a mapping of group names at the top level, got ${describe(yaml.data)}`, []);
  if (typeof yaml.data.plugin === "string") {
    return fail(`inventory plugins ('plugin: ${yaml.data.plugin}') are not supported; list hosts and groups instead`, ["plugin"]);
  }

  const parseGroup = (name: string, data: unknown, path: string[]): void => {
    inv.addGroup(name);
    if (data === null || data === undefined) return;
    if (!isPlainObject(data)) {
      return fail(`group '${name}' must be a mapping with hosts:, children: or vars:, got ${describe(data)}`, path);
    }
    for (const [key, raw] of Object.entries(data)) {
      const at = [...path, key];
      const value = typeof raw === "string" && key !== "vars" ? { [raw]: null } : raw; // `hosts: web1` is allowed
      if (value === null || value === undefined) continue;
      if (key !== "hosts" && key !== "children" && key !== "vars") {
        return fail(`unexpected key '${key}' in group '${name}' (expected hosts:, children: or vars:; hosts go under hosts:)`, at);
      }
      if (!isPlainObject(value)) return fail(`'${key}' of group '${name}' must be a mapping, got ${describe(value)}`, at);
      if (key === "vars") {
        checkVars(value, at);
        Object.assign(inv.groups.get(name)!.vars, value);
      } else if (key === "children") {
        for (const [child, childData] of Object.entries(value)) {
          parseGroup(child, childData, [...at, child]);
          atLine(file, yaml.lineOf([...at, child]), () => inv.addChild(name, child));
        }
      } else {
        for (const [pattern, hostVars] of Object.entries(value)) {
          const hostAt = [...at, pattern];
          if (hostVars !== null && !isPlainObject(hostVars)) {
            return fail(`host '${pattern}' in group '${name}' must map to its variables or to nothing, got ${describe(hostVars)}`, hostAt);
          }
          checkVars(hostVars ?? {}, hostAt);
          atLine(file, yaml.lineOf(hostAt), () => {
            const { names, port } = expandHostPattern(pattern);
            for (const host of names) {
              const vars = inv.addHost(host, name, source).vars;
              if (port !== undefined) vars.ansible_port = port;
              Object.assign(vars, structuredClone(hostVars ?? {}));
            }
          });
        }
      }
    }
  };

  for (const [name, data] of Object.entries(yaml.data)) parseGroup(name, data, [name]);
}
