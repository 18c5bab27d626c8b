import { createTwoFilesPatch } from "diff";
import type { FileDiff } from "../module";

/** A unified diff of one file, as `--diff` shows it. */
export function unifiedDiff(d: FileDiff): string {
  return createTwoFilesPatch(`before: ${d.path}`, `after: ${d.path}`, d.before, d.after, undefined, undefined, { context: 3 })
    .split("\n")
    .slice(1)
    .join("\n")
    .trimEnd();
}
