/**
 * group_vars/ and host_vars/ beside an inventory source (in a directory source, or next to a file).
 * For a group or host NAME the first that exists of NAME (a file, or a directory of files read in
 * name order, recursively), NAME.yml, NAME.yaml, NAME.json. Each must hold a YAML mapping; a file
 * ansible-vault encrypted, or `!vault` values in one, are opened with the run's vault.
 *
 *   await loadVarsDirs(inventory, "/srv/site/inventory", vault);   // group_vars/web/vault.yml and all
 */
import { readdir, readFile } from "node:fs/promises";
import { extname, join } from "node:path";
import { checkConnectionVar } from "./connection-vars";
import { statEntry } from "./dir-entry";
import { atLine, InventoryError } from "./errors";
import { LOCALHOST_NAMES, type Inventory, type Vars } from "./inventory";
import type { Vault } from "../vault/vault";
import { describe, isPlainObject } from "./yaml";
import { readYaml } from "./yaml-text";

const EXTENSIONS = [".yml", ".yaml", ".json"];

/** A group_vars/ or host_vars/ directory with the names in it, listed once: a lookup on disk for each of 100000 hosts takes half a minute. */
interface VarsDir {
  path: string;
  names: Set<string>;
}

export async function loadVarsDirs(inv: Inventory, basedir: string, vault?: Vault): Promise<void> {
  const groupVars = await openVarsDir(join(basedir, "group_vars"));
  for (const group of inv.groups.values()) Object.assign(group.dirVars, await varsFor(groupVars, group.name, vault));
  const hostVars = await openVarsDir(join(basedir, "host_vars"));
  for (const host of inv.hosts.values()) Object.assign(host.dirVars, await varsFor(hostVars, host.name, vault));
  for (const name of LOCALHOST_NAMES) {
    if (inv.hosts.has(name)) continue;
    const vars = await varsFor(hostVars, name, vault);
    if (Object.keys(vars).length > 0) Object.assign(inv.implicitLocalhost(name).dirVars, vars);
  }
}

async function openVarsDir(path: string): Promise<VarsDir> {
  const info = await statEntry(path);
  return { path, names: new Set(info?.isDirectory() ? await readdir(path) : []) };
}

async function varsFor(dir: VarsDir, name: string, vault: Vault | undefined): Promise<Vars> {
  const vars: Vars = {};
  for (const file of await filesFor(dir, name)) Object.assign(vars, await readVarsFile(file, vault));
  return vars;
}

async function filesFor(dir: VarsDir, name: string): Promise<string[]> {
  for (const ext of ["", ...EXTENSIONS]) {
    if (!dir.names.has(name + ext)) continue;
    const path = join(dir.path, name + ext);
    const info = await statEntry(path);
    if (info?.isDirectory()) return filesIn(path);
    if (info?.isFile()) return [path];
  }
  return [];
}

async function filesIn(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const name of (await readdir(dir)).sort()) {
    if (name.startsWith(".") || name.endsWith("~")) continue;
    const path = join(dir, name);
    const ext = extname(name);
    const info = await statEntry(path);
    if (!info) continue; // removed while we read the directory
    if (info.isDirectory() && ext === "") found.push(...(await filesIn(path)));
    else if (info.isFile() && (ext === "" || EXTENSIONS.includes(ext))) found.push(path);
  }
  return found;
}

async function readVarsFile(file: string, vault: Vault | undefined): Promise<Vars> {
  const { data, lineOf } = readYaml(await readFile(file, "utf8"), file, vault);
  if (data === null || data === undefined) return {};
  if (!isPlainObject(data)) throw new InventoryError(`expected a mapping of variable names to values, got ${describe(data)}`, { file });
  for (const [key, value] of Object.entries(data)) atLine(file, lineOf([key]), () => checkConnectionVar(key, value));
  return data;
}
