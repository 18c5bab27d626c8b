import { createRequire } from "node:module";
import type * as DiffLibrary from "diff";
import type { FileDiff } from "../module";

// Loaded on the first diff shown: most runs show none, and its ES build (19 modules) adds
// ~30 ms to every start.
let diffLibrary: typeof DiffLibrary | undefined;
const diff = () => (diffLibrary ??= createRequire(import.meta.url)("diff") as typeof DiffLibrary);

/** A unified diff of one file, as `--diff` shows it. */
export function unifiedDiff(d: FileDiff): string {
  return diff()
    .createTwoFilesPatch(`before: ${d.path}`, `after: ${d.path}`, d.before, d.after, undefined, undefined, { context: 3 })
    .split("\n")
    .slice(1)
    .join("\n")
    .trimEnd();
}
