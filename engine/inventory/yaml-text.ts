/**
 * Reads one YAML file (an inventory, a vars file, an `-e @file`) as Ansible does: YAML 1.1, so yes/no/on/off are booleans;
 * a file ansible-vault encrypted, and `!vault` values, opened with the run's vault (engine/vault/yaml-values.ts).
 * Every problem is one InventoryError naming the file and, when the parser knows it, the line.
 *
 *   readYaml("port: 22\n", "group_vars/all.yml").data   // { port: 22 }
 *   readYaml(text, "group_vars/all.yml", vault)        // vault-encrypted text or !vault values opened
 */
import { isAlias, isCollection, isMap, isNode, isPair, isScalar, LineCounter, parseDocument, type Document, type Node, type Pair, type YAMLMap } from "yaml";
import { isVaultText } from "../vault/envelope";
import type { Vault } from "../vault/vault";
import { openVaultFile, openVaultValues, VAULT_TAG } from "../vault/yaml-values";
import { InventoryError } from "./errors";

/**
 * The most values aliases may copy in one file. Enough for thousands of hosts sharing `<<: *defaults`,
 * while a "billion laughs" file (aliases of aliases, growing nine-fold a line) stops after a few lines.
 */
export const MAX_ALIAS_VALUES = 1_000_000;

/** Parsed YAML with a way back from a key path to its line, for error messages. */
export interface YamlText {
  data: unknown;
  lineOf(path: string[]): number | undefined;
}

export function readYaml(text: string, file: string, vault?: Vault): YamlText {
  const lines = new LineCounter();
  const encrypted = isVaultText(text);
  const plain = encrypted ? openVaultFile(text, file, vault) : text;
  // the parser's own duplicate-key check searches the mapping for each key: 40000 hosts took 11 s; checkNodes does it
  const doc = parseDocument(plain, { version: "1.1", lineCounter: lines, uniqueKeys: false, customTags: [VAULT_TAG] });
  const error = doc.errors[0];
  if (error) {
    const line = error.linePos?.[0].line;
    // the parser's message goes on with a code frame over several lines, and names its own API for this one
    const why =
      error.code === "MULTIPLE_DOCS"
        ? "a second document ('---'); a file holds one"
        : error.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
    throw new InventoryError(`invalid YAML: ${why}`, { file, line });
  }
  let data: unknown;
  try {
    checkNodes(doc, file, lines);
    openVaultValues(doc, file, lines, vault);
    // checkNodes bounds what aliases copy; the package's own per-anchor count would also refuse many hosts sharing one anchor
    data = doc.toJS({ maxAliasCount: -1 });
    // every value of a vault-encrypted file is a secret: the file was encrypted to keep them so
    if (encrypted) vault?.secrets.addAll(data);
  } catch (e) {
    if (e instanceof InventoryError) throw e;
    throw new InventoryError(`invalid YAML: ${(e as Error).message.split("\n")[0]}`, { file }); // nesting too deep for the stack
  }
  return { data, lineOf: (path) => lineOfPath(doc, lines, path) };
}

/**
 * Refuses, at its line, a key given twice in one mapping, and an alias of no earlier anchor, of the node
 * it is in, or one that takes the values copied by aliases past MAX_ALIAS_VALUES.
 */
function checkNodes(doc: Document, file: string, lines: LineCounter): void {
  const sizes = new Map<string, number>(); // anchor -> values in its node, aliases counted in full; a later anchor of a name replaces it, as in YAML
  const inside = new Set<string>();
  let copied = 0;
  const fail = (node: Node, why: string): never => {
    throw new InventoryError(`invalid YAML: ${why}`, { file, line: node.range ? lines.linePos(node.range[0]).line : undefined });
  };
  const size = (node: unknown): number => {
    if (isAlias(node)) {
      if (inside.has(node.source)) fail(node, `alias *${node.source} is inside the node it refers to`);
      const n = sizes.get(node.source) ?? fail(node, `alias *${node.source} comes before any anchor &${node.source}`);
      copied += n;
      if (copied > MAX_ALIAS_VALUES) fail(node, `aliases expand past ${MAX_ALIAS_VALUES} values here (the limit for one file)`);
      return n;
    }
    const anchor = isNode(node) ? node.anchor : undefined;
    if (anchor) inside.add(anchor);
    if (isMap(node)) {
      const keys = new Set<unknown>();
      for (const { key } of node.items) {
        if (!isScalar(key)) continue;
        if (keys.has(key.value)) fail(key, `key '${String(key.value)}' is given twice in one mapping`);
        keys.add(key.value);
      }
    }
    let n = 1;
    if (isCollection(node)) for (const item of node.items) n += isPair(item) ? size(item.key) + size(item.value) : size(item);
    if (anchor) {
      inside.delete(anchor);
      sizes.set(anchor, n);
    }
    return n;
  };
  size(doc.contents);
}

function lineOfPath(doc: Document, lines: LineCounter, path: string[]): number | undefined {
  let node: unknown = doc.contents;
  let line: number | undefined;
  for (const key of path) {
    if (!isMap(node)) break;
    const pair = pairsByKey(node).get(key);
    const range = isScalar(pair?.key) ? pair.key.range : undefined;
    if (!pair || !range) break;
    line = lines.linePos(range[0]).line;
    node = pair.value;
  }
  return line;
}

/** A mapping's pairs by key, made once per mapping: a search of its items for each of 40000 hosts would take minutes. */
const pairIndex = new WeakMap<YAMLMap, Map<string, Pair>>();

function pairsByKey(map: YAMLMap): Map<string, Pair> {
  let index = pairIndex.get(map);
  if (!index) {
    index = new Map();
    for (const pair of map.items) {
      const key = String(isScalar(pair.key) ? pair.key.value : pair.key);
      if (!index.has(key)) index.set(key, pair); // the first, as a search would find
    }
    pairIndex.set(map, index);
  }
  return index;
}
