/**
 * JSON as Ansible prints it for people (ad-hoc results, ansible-inventory): keys sorted at
 * every level, four-space indents, so that the same data always reads, and diffs, the same.
 *
 *   sortedJson({ b: 1, a: { d: 2, c: 3 } })  // '{\n    "a": {\n        "c": 3, ...'
 */
function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortedKeys((value as Record<string, unknown>)[k])]));
}

export const sortedJson = (value: unknown): string => JSON.stringify(sortedKeys(value), null, 4);
