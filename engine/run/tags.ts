/**
 * Ansible's tag rules: `always` runs unless skipped by name, `never` runs only when one
 * of its tags is asked for, `tagged`/`untagged`/`all` select by having tags at all.
 */
export interface TagSelection {
  tags: string[];
  skipTags: string[];
}

export function selectedByTags(taskTags: readonly string[], selection: TagSelection): boolean {
  const has = (tag: string) => taskTags.includes(tag);
  const wanted = selection.tags.length ? selection.tags : ["all"];
  const skip = selection.skipTags;
  if (skip.some((tag) => has(tag) || (tag === "tagged" && taskTags.length > 0) || (tag === "untagged" && taskTags.length === 0))) {
    return false;
  }
  if (has("always") && !skip.includes("always")) return true;
  const explicitlyAsked = wanted.some((tag) => has(tag));
  if (has("never")) return explicitlyAsked;
  return (
    explicitlyAsked ||
    wanted.includes("all") ||
    (wanted.includes("tagged") && taskTags.length > 0) ||
    (wanted.includes("untagged") && taskTags.length === 0)
  );
}
