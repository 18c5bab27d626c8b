/**
 * The options of tasks, handlers, blocks and plays, checked when the playbook loads: tsc
 * checks typed playbooks, this catches the rest (`as any`, plain JavaScript, generated
 * code), so a misspelt `whne:` or a `loop` that is not a list fails before any host is
 * touched, as an unknown module option does.
 */
import { ArgumentError } from "./module-args";

type Kind = "function" | "boolean" | "number" | "string" | "strings" | "list" | "record" | "list or function" | "string or function" | "notify";

const TASK: Record<string, Kind> = {
  when: "function",
  loop: "list or function",
  loopVar: "string",
  register: "string",
  tags: "strings",
  notify: "notify",
  become: "boolean",
  becomeUser: "string",
  checkMode: "boolean",
  diff: "boolean",
  ignoreErrors: "boolean",
  changedWhen: "function",
  failedWhen: "function",
  retries: "number",
  until: "function",
  delay: "number",
  delegateTo: "string or function",
  runOnce: "boolean",
  noLog: "boolean",
  vars: "record",
};

export const OPTION_KINDS = {
  task: TASK,
  handler: { ...TASK, listen: "list" },
  block: { when: "function", tags: "strings", become: "boolean", becomeUser: "string", vars: "record", ignoreErrors: "boolean", noLog: "boolean", rescue: "list", always: "list" },
  play: {
    name: "string",
    hosts: "string",
    vars: "record",
    roles: "list",
    preTasks: "list",
    tasks: "list",
    postTasks: "list",
    handlers: "list",
    gatherFacts: "boolean",
    serial: "any",
    anyErrorsFatal: "boolean",
    maxFailPercentage: "number",
    become: "boolean",
    becomeUser: "string",
    tags: "strings",
    forceHandlers: "boolean",
  },
  "role use": { tags: "strings", when: "function" },
} satisfies Record<string, Record<string, Kind | "any">>;

function fits(kind: Kind | "any", value: unknown): boolean {
  switch (kind) {
    case "any":
      return true;
    case "function":
      return typeof value === "function";
    case "boolean":
    case "number":
    case "string":
      return typeof value === kind && (kind !== "number" || Number.isFinite(value));
    case "strings":
      return Array.isArray(value) && value.every((v) => typeof v === "string");
    case "list":
      return Array.isArray(value);
    case "record":
      return value !== null && typeof value === "object" && !Array.isArray(value);
    case "list or function":
      return Array.isArray(value) || typeof value === "function";
    case "string or function":
      return typeof value === "string" || typeof value === "function";
    case "notify":
      return Array.isArray(value) && value.every((v) => v !== null && typeof v === "object" && (v.kind === "handler" || v.kind === "topic"));
  }
}

/** Throws an ArgumentError naming the thing, the option and what it must be. */
export function checkOptions(what: keyof typeof OPTION_KINDS, name: string, options: unknown): void {
  const kinds: Record<string, Kind | "any"> = OPTION_KINDS[what];
  if (options === null || typeof options !== "object" || Array.isArray(options)) throw new ArgumentError(`${what} '${name}': options must be an object`);
  for (const [key, value] of Object.entries(options)) {
    const kind = kinds[key];
    if (kind === undefined) throw new ArgumentError(`${what} '${name}': unknown option '${key}' (options: ${Object.keys(kinds).join(", ")})`);
    if (value !== undefined && !fits(kind, value)) {
      const wanted = kind === "notify" ? "a list of handlers and topics" : kind === "strings" ? "a list of strings" : /^[aeiou]/.test(kind) ? `an ${kind}` : `a ${kind}`;
      throw new ArgumentError(`${what} '${name}': option '${key}' must be ${wanted}, got ${typeof value === "function" ? "a function" : JSON.stringify(value)}`);
    }
  }
}
