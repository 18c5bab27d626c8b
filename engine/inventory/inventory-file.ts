/** One inventory file: INI or YAML, told apart by extension, else by content. */
import { readFile } from "node:fs/promises";
import { extname, resolve } from "node:path";
import { parseIni } from "./ini";
import type { Inventory } from "./inventory";
import { parseYamlInventory } from "./yaml";
import { isAlias, isMap, isScalar, parseDocument } from "yaml";

export type InventoryFormat = "ini" | "yaml";

/** .yml/.yaml/.json are YAML, .ini is INI; otherwise YAML when the text reads as a mapping of groups, else INI. */
export function detectFormat(file: string, text: string): InventoryFormat {
  const ext = extname(file).toLowerCase();
  if (ext === ".yml" || ext === ".yaml" || ext === ".json") return "yaml";
  if (ext === ".ini") return "ini";
  const first = text.split(/\r?\n/).map((l) => l.trim()).find((l) => l !== "" && !l.startsWith("#") && !l.startsWith(";"));
  if (first === undefined || first.startsWith("[")) return "ini";
  if (first === "---" || /^[^\s=]+:\s*(#.*)?$/.test(first)) return "yaml"; // `all:` on its own line
  // the shape is read from the parsed nodes, not from their values: making values would expand an alias bomb
  const doc = parseDocument(text, { version: "1.1" });
  if (doc.errors.length > 0 || !isMap(doc.contents)) return "ini";
  const isGroup = (node: unknown): boolean =>
    node === null || isMap(node) || (isScalar(node) && node.value === null) || (isAlias(node) && isMap(node.resolve(doc)));
  return doc.contents.items.every((pair) => isGroup(pair.value)) ? "yaml" : "ini";
}

export async function parseInventoryFile(inv: Inventory, file: string): Promise<void> {
  const text = await readFile(file, "utf8");
  const parseAs = detectFormat(file, text) === "yaml" ? parseYamlInventory : parseIni;
  parseAs(inv, text, file, resolve(file));
}
