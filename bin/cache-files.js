/**
 * What the caches of compiled code share: stamps of source files (size and modification
 * time), which show with one stat a file and without reading any that nothing changed
 * since a build; names made from digests; and files written whole, since several tsplay
 * processes (a test suite's) may start at once and read what another one writes.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/**
 * The folders of the engine's sources; a compiled file keeps its path below them. The core
 * roles are compiled with the engine rather than bundled with each playbook: an edit to a
 * playbook then bundles that one file, not the ~35 of the roles it uses.
 */
export const ENGINE_FOLDERS = ["engine", "modules", "roles"];

/** Every TypeScript source below `folders` of `root` (declarations left out), sorted; `beforeReading(folder)` is told of each folder. */
export function typescriptSources(root, folders, beforeReading = () => undefined) {
  const found = [];
  const walk = (dir) => {
    beforeReading(dir);
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.[cm]?tsx?$/.test(entry.name) && !/\.d\.[cm]?tsx?$/.test(entry.name)) found.push(path);
    }
  };
  // an installed package ships no roles/: a folder it lacks has no sources
  for (const folder of folders) if (existsSync(join(root, folder))) walk(join(root, folder));
  return found.sort();
}

/**
 * typescriptSources, remembered in `listFile` with the stamps of `root` and of every folder
 * walked: while none changed, no source came or went (a folder's stamp changes when an entry
 * is added, removed or renamed), and the list is read rather than the tree walked (~8 ms).
 */
export function rememberedSources(root, folders, listFile) {
  const known = readJsonFile(listFile);
  if (Array.isArray(known?.sources) && known.roots?.join("\n") === folders.join("\n") && Array.isArray(known.stamps) && unchanged(known.stamps)) return known.sources;
  // each folder stamped before it is read: an entry added after the reading changes the stamp
  const walked = Date.now();
  const stamps = stampsOf([root]);
  const sources = typescriptSources(root, folders, (folder) => stamps.push(...stampsOf([folder])));
  // unless a folder changed just before: a file time comes from a coarser clock, and an entry
  // added within the same tick would leave its folder's stamp as it was (then the next start walks again)
  const settled = [root, ...stamps.slice(1).map((line) => line.slice(0, line.lastIndexOf(" ")))].every((dir) => statSync(dir).mtimeMs < walked - 20);
  if (settled) writeFileAtomically(listFile, JSON.stringify({ roots: folders, sources, stamps }));
  return sources;
}

/** Do these stamps (`stampsOf`'s lines) still hold? */
export const unchanged = (stamps) => stampsOf(stamps.map((line) => line.slice(0, line.lastIndexOf(" ")))).join("\n") === stamps.join("\n");

/** A JSON file's value, or undefined for none (or one being written, or not JSON). */
export function readJsonFile(path) {
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch {
    return undefined;
  }
}

/** A file's (or folder's) stamp; a folder's changes when an entry is added, removed or renamed. */
export function stampOf(path) {
  const stat = statSync(path, { throwIfNoEntry: false });
  return stat ? `${stat.size}:${stat.mtimeMs}` : "missing";
}

export const stampsOf = (paths) => paths.map((path) => `${path} ${stampOf(path)}`);

/**
 * A short hex digest of strings (or buffers), for file names. node:crypto is loaded when
 * first needed: a start that finds its builds by name (fileNameOf) loads none of it (~6 ms).
 */
export function digest(parts) {
  const hash = createRequire(import.meta.url)("node:crypto").createHash("sha256");
  for (const part of parts) hash.update(part).update("\0");
  return hash.digest("hex").slice(0, 32);
}

/** A file name for `text` (a path, say): the text itself, escaped, while short enough; its digest otherwise. */
export function fileNameOf(text) {
  const escaped = encodeURIComponent(text);
  // a digest is 32 hex digits, an escaped absolute path starts with %2F: they never meet
  return escaped.length <= 150 ? escaped : digest([text]);
}

/** Written beside, then renamed: a reader sees the old file or the new one, never half of one. */
export function writeFileAtomically(path, text) {
  mkdirSync(dirname(path), { recursive: true });
  const partial = `${path}.partial-${process.pid}`;
  writeFileSync(partial, text);
  renameSync(partial, path);
}
