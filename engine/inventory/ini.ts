/**
 * Ansible's INI inventory format:
 *   web1 ansible_host=10.0.0.1      # hosts before any section are ungrouped
 *   [web]                           # a group and its hosts; ranges: web[01:20], db-[a:c], n[0:9:3]
 *   web2:2222 role="front end"      # inline host vars, shell-quoted
 *   [web:vars]                      # one key=value per line
 *   [prod:children]                 # child groups, one per line
 * Every value, on host lines and in [g:vars], goes through Python's literal_eval (pythonLiteral),
 * as Ansible's INI plugin does: 5 -> 5, True -> true, true -> "true", "a b" -> "a b".
 * Comments: lines starting with # or ;, and an unquoted # on a host line.
 */
import { checkConnectionVar, SECRET_VARIABLES } from "./connection-vars";
import { atLine, InventoryError } from "./errors";
import { expandHostPattern } from "./host-range";
import type { Inventory, Vars } from "./inventory";
import { pythonLiteral } from "./python-literal";
import { shlexSplit } from "./shlex";

type SectionKind = "hosts" | "vars" | "children";

/** A group that a [x:vars] section or a child list named before any [x] or [x:children] declared it. */
interface Pending {
  line: number;
  kind: "vars" | "children";
  parents: string[];
}

const SECTION = /^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:[#;].*)?$/;
const GROUP_NAME = /^([^:\]\s]+)\s*(?:[#;].*)?$/;
const HOST_LINE = "expected: HOST [key=value ...]";

export function parseIni(inv: Inventory, text: string, file: string, source?: string): void {
  let group = "ungrouped";
  let kind: SectionKind = "hosts";
  const pending = new Map<string, Pending>();
  const lines = text.split(/\r\n|\r|\n/);

  lines.forEach((raw, index) =>
    atLine(file, index + 1, () => {
      const line = raw.trim();
      if (line === "" || line.startsWith("#") || line.startsWith(";")) return;
      const section = SECTION.exec(line);
      if (section) {
        [group, kind] = openSection(inv, section[1], section[2], index + 1, pending);
      } else if (line.startsWith("[") && line.endsWith("]")) {
        throw new InventoryError(
          `cannot parse section header '${line}' (expected [group], [group:vars] or [group:children]; group names cannot contain spaces or ':')`,
        );
      } else if (kind === "hosts") {
        addHostLine(inv, line, group, source);
      } else if (kind === "vars") {
        const eq = line.indexOf("=");
        const key = line.slice(0, Math.max(eq, 0)).trim();
        if (eq < 0 || key === "") throw new InventoryError(`cannot parse ${quoted(line)} (expected: key=value in [${group}:vars])`);
        const value = pythonLiteral(line.slice(eq + 1).trim());
        checkConnectionVar(key, value);
        inv.groups.get(group)!.vars[key] = value;
      } else {
        const child = GROUP_NAME.exec(line)?.[1];
        if (child === undefined) {
          throw new InventoryError(`cannot parse ${quoted(line)} (expected: one group name per line in [${group}:children])`);
        }
        if (inv.groups.has(child)) inv.addChild(group, child);
        else addPending(pending, child, { line: index + 1, kind: "children", parents: [group] });
      }
    }),
  );

  for (const [name, p] of pending) {
    const fix = `declare it with a [${name}] section, even an empty one`;
    const message =
      p.kind === "vars"
        ? `[${name}:vars] is for group '${name}', which is never declared (${fix})`
        : `[${p.parents[0]}:children] includes undefined group '${name}' (${fix})`;
    throw new InventoryError(message, { file, line: p.line });
  }
}

function openSection(inv: Inventory, name: string, tag: string | undefined, line: number, pending: Map<string, Pending>): [string, SectionKind] {
  const kind = tag ?? "hosts";
  if (kind !== "hosts" && kind !== "vars" && kind !== "children") {
    throw new InventoryError(`unknown section type '[${name}:${kind}]' (expected [${name}], [${name}:vars] or [${name}:children])`);
  }
  if (!inv.groups.has(name)) {
    // [x] or [x:children] declares x; [x:vars] alone does not (Ansible's rule), so note it until the end of the file
    if (kind === "vars") addPending(pending, name, { line, kind, parents: [] });
    inv.addGroup(name);
  }
  const waiting = pending.get(name);
  if (waiting && kind !== "vars") {
    for (const parent of waiting.parents) inv.addChild(parent, name);
    pending.delete(name);
  }
  return [name, kind];
}

function addPending(pending: Map<string, Pending>, name: string, p: Pending): void {
  const existing = pending.get(name);
  if (existing) existing.parents.push(...p.parents);
  else pending.set(name, p);
}

function addHostLine(inv: Inventory, line: string, group: string, source: string | undefined): void {
  let words: string[];
  try {
    words = shlexSplit(line);
  } catch (e) {
    throw new InventoryError(`cannot parse ${quoted(line)} (${(e as Error).message}; ${HOST_LINE})`);
  }
  if (words.length === 0) return;
  const [pattern, ...assignments] = words;
  if (pattern.includes("=")) {
    const where = group === "ungrouped" ? "hosts before the first section" : `[${group}] lists hosts`;
    const varsSection = group === "ungrouped" ? "all" : group;
    throw new InventoryError(
      `cannot parse ${quoted(line)}: ${quoted(pattern)} looks like a variable, but ${where} (${HOST_LINE}; put group variables under [${varsSection}:vars])`,
    );
  }
  if (pattern === "---") throw new InventoryError(`'---' starts a YAML document: name a YAML inventory *.yml or *.yaml`);
  const vars: Vars = {};
  const { names, port } = expandHostPattern(pattern);
  if (port !== undefined) vars.ansible_port = port;
  const seen = new Set<string>();
  for (const assignment of assignments) {
    const eq = assignment.indexOf("=");
    if (eq <= 0) throw new InventoryError(`cannot parse ${quoted(line)} (${HOST_LINE})`);
    const key = assignment.slice(0, eq);
    // the second value would silently win; the line itself is not quoted, as it may hold a password
    if (seen.has(key)) throw new InventoryError(`'${pattern}' sets '${key}' twice on one line (keep one)`);
    seen.add(key);
    const value = pythonLiteral(assignment.slice(eq + 1));
    checkConnectionVar(key, value);
    vars[key] = value;
  }
  for (const name of names) Object.assign(inv.addHost(name, group, source).vars, structuredClone(vars));
}

/** From a password variable's name to the end of the line; longest names first, so the whole name is kept. */
const SECRET_TAIL = new RegExp(`(${[...SECRET_VARIABLES].sort((a, b) => b.length - a.length).join("|")})(\\s*=)?.*$`);

/** The text in quotes for a message, cut after a password variable's name: error output ends up in logs and CI output. */
function quoted(text: string): string {
  return `'${text.replace(SECRET_TAIL, "$1$2...")}'`;
}
