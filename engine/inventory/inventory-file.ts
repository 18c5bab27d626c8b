/** One inventory file: INI or YAML, told apart by extension, else by content. */
import { readFile } from "node:fs/promises";
import { extname, resolve } from "node:path";
import { parseIni } from "./ini";
import type { Inventory } from "./inventory";
import { parseYamlInventory } from "./yaml";
import { isAlias, isMap, isScalar, parseDocument } from "yaml";
import { isVaultText } from "../vault/envelope";
import type { Vault } from "../vault/vault";
import { openVaultFile } from "../vault/yaml-values";
import { InventoryError } from "./errors";

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

export async function parseInventoryFile(inv: Inventory, file: string, vault?: Vault): Promise<void> {
  const text = await readFile(file, "utf8");
  const format = detectFormat(file, isVaultText(text) ? openVaultFile(text, file, vault) : text);
  // a vault-encrypted YAML file is opened again by readYaml (the vault keeps what it opened), which marks its values secret
  if (format === "yaml") return parseYamlInventory(inv, text, file, resolve(file), vault);
  if (isVaultText(text)) throw new InventoryError("a vault-encrypted INI inventory is not read: its values could not be kept secret; keep secrets in group_vars/ or host_vars/ files, or write the inventory in YAML", { file });
  parseIni(inv, text, file, resolve(file));
}
