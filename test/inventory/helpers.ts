/** Shared by the inventory tests: build an inventory from inline text, find fixtures, read error messages. */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Inventory } from "../../engine/inventory";
import { parseIni } from "../../engine/inventory/ini";
import { parseYamlInventory } from "../../engine/inventory/yaml";

/** Removes the indentation common to all lines, so inline inventories can be indented in tests. */
export function dedent(text: string): string {
  const lines = text.replace(/^\n/, "").split("\n");
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => /^ */.exec(l)![0].length));
  return lines.map((l) => l.slice(indent)).join("\n");
}

export function fromIni(text: string, file = "inventory/hosts"): Inventory {
  const inv = new Inventory();
  parseIni(inv, dedent(text), file);
  inv.reconcile();
  return inv;
}

export function fromYaml(text: string, file = "inventory/hosts.yml"): Inventory {
  const inv = new Inventory();
  parseYamlInventory(inv, dedent(text), file);
  inv.reconcile();
  return inv;
}

export const fixture = (...parts: string[]): string => join(dirname(fileURLToPath(import.meta.url)), "fixtures", ...parts);

/** The message of the error `fn` throws (sync or async); fails the test when it does not throw. */
export function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("expected an error, but none was thrown");
}

export async function asyncErrorOf(fn: () => Promise<unknown>): Promise<string> {
  try {
    await fn();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("expected an error, but none was thrown");
}
