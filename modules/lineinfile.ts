/**
 * lineinfile: one line of a text file is present (or absent), the rest left as is.
 *
 *   task("ip forwarding", lineinfile({ path: "/etc/sysctl.conf", regexp: "^net\\.ipv4\\.ip_forward", line: "net.ipv4.ip_forward = 1" }))
 *   task("no swap", lineinfile({ path: "/etc/fstab", regexp: "\\sswap\\s", state: "absent" }))
 *
 * Ansible's semantics: `regexp` replaces the LAST matching line; without a match the line
 * is inserted after the last line matching `insertafter` (or before the last matching
 * `insertbefore`), "BOF"/"EOF" meaning the file's ends, EOF by default. "absent" removes
 * every line matching `regexp`, or equal to `line`. A missing file fails unless `create`
 * (in check mode it is reported as a change: an earlier task may create it). Regular
 * expressions are JavaScript's, tested against each line without its line ending.
 * A replaced line keeps the ending it had; added lines use the file's (LF or CRLF). Lines
 * it does not touch come back byte for byte, in any encoding: a line is decoded as UTF-8
 * only to be matched. A symlink at `path` is followed: its target is edited.
 */
import { planFileWrite, probeFile, type ManagedFileResult } from "../engine/managed-file";
import { defineModule, ModuleFailure, type Plan } from "../engine/module";
import { displayPath } from "../engine/remote-stat";
import { joinLines, splitLines, type Line } from "../engine/text-bytes";

export interface LineinfileResult extends ManagedFileResult {
  /** the file edited (a followed symlink's target) */
  path: string;
  /** state absent: how many lines were (or would be) removed */
  found?: number;
}

interface LineArgs {
  line?: string;
  regexp?: string;
  insertafter?: string;
  insertbefore?: string;
}

export const lineinfile = defineModule({
  name: "lineinfile",
  args: {
    path: { type: "string", required: true },
    line: { type: "string" },
    regexp: { type: "string", doc: "a JavaScript regular expression matched against each line" },
    state: { type: "string", choices: ["present", "absent"] },
    insertafter: { type: "string", doc: "'BOF', 'EOF' or a regular expression" },
    insertbefore: { type: "string", doc: "'BOF' or a regular expression" },
    create: { type: "boolean" },
    mode: { type: "mode" },
    owner: { type: "string" },
    group: { type: "string" },
    backup: { type: "boolean" },
  },
  check(args) {
    const state = args.state ?? "present";
    if (state === "present" && args.line === undefined) return "state 'present' needs 'line'";
    if (state === "absent" && args.line === undefined && args.regexp === undefined) return "state 'absent' needs 'regexp' or 'line'";
    // a line holding a newline could never be found again: every run would add it
    if (args.line !== undefined && /[\r\n]/.test(args.line)) return "'line' must be one line, without line breaks";
    if (args.insertafter !== undefined && args.insertbefore !== undefined) return "give 'insertafter' or 'insertbefore', not both";
    for (const key of ["regexp", "insertafter", "insertbefore"] as const) {
      const value = args[key];
      if (value === undefined || value === "BOF" || value === "EOF") continue;
      try {
        new RegExp(value);
      } catch (error) {
        return `'${key}' is not a valid regular expression: ${(error as Error).message}`;
      }
    }
    return undefined;
  },
  async plan(ctx, args): Promise<Plan<LineinfileResult>> {
    const state = args.state ?? "present";
    const probed = await probeFile(ctx, args.path, { readContent: true, follow: true });
    const shown = displayPath(probed.path);
    const missing = probed.stat.type === "absent";
    const wanted = { mode: args.mode, owner: args.owner, group: args.group, backup: args.backup, makeParents: true };

    if (missing && state === "absent") {
      return { changed: false, summary: `${shown} does not exist`, result: { path: probed.path, dest: probed.path, found: 0 } };
    }
    if (missing && !args.create) {
      return {
        changed: true,
        summary: `add a line to ${shown}, which does not exist yet (an earlier task may create it)`,
        result: { path: probed.path, dest: probed.path },
        apply: async () => {
          throw new ModuleFailure(`${shown} does not exist; set create: true to create it`);
        },
      };
    }
    const before = probed.stat.content ?? Buffer.alloc(0);
    const edit = state === "present" ? addLine(before, args as LineArgs & { line: string }) : removeLines(before, args);
    const plan = planFileWrite(ctx, probed, { content: edit.content, ...wanted });
    const summary = plan.changed && edit.msg ? `${edit.msg}: ${plan.summary}` : plan.summary;
    const result = { ...plan.result, path: probed.path, msg: edit.msg, found: edit.found };
    return { ...plan, summary, result };
  },
});

interface Edit {
  content: Buffer;
  msg?: string;
  found?: number;
}

function addLine(data: Buffer, args: LineArgs & { line: string }): Edit {
  const lines: (Line | string)[] = splitLines(data);
  const text = (l: Line | string) => (typeof l === "string" ? l.replace(/\r?\n$/, "") : l.text);
  const eol = typeof lines[0] === "object" && lines[0].ending === "\r\n" ? "\r\n" : "\n";
  const { line } = args;
  const matches = args.regexp === undefined ? (l: Line | string) => text(l) === line : regexTest(args.regexp);
  const anchor = args.insertafter ?? args.insertbefore;
  const anchorTest = anchor === undefined || anchor === "BOF" || anchor === "EOF" ? undefined : regexTest(anchor);

  let matched = -1;
  let insertAt = -1;
  lines.forEach((l, i) => {
    if (matches(l)) matched = i;
    else if (anchorTest?.(l)) insertAt = args.insertafter !== undefined ? i + 1 : i;
  });
  // a last line without its newline gets one before a line is added after it
  const endLine = (i: number) => {
    const last = lines[i];
    if (typeof last === "object" && last.ending === "") lines[i] = { ...last, bytes: joinLines([last, eol]), ending: eol };
  };

  if (matched >= 0) {
    const old = lines[matched] as Line;
    if (old.text === line) return { content: data };
    lines[matched] = line + old.ending;
    return { content: joinLines(lines), msg: "line replaced" };
  }
  if (anchor === "BOF") {
    lines.unshift(line + eol);
  } else if (insertAt === -1 || anchor === "EOF") {
    if (lines.length > 0) endLine(lines.length - 1);
    lines.push(line + eol);
  } else {
    // insertafter: the line already right after the anchor means nothing to do
    const next = args.insertafter !== undefined ? lines[insertAt] : undefined;
    if (next !== undefined && text(next) === line) return { content: data };
    if (insertAt === lines.length) endLine(insertAt - 1);
    lines.splice(insertAt, 0, line + eol);
  }
  return { content: joinLines(lines), msg: "line added" };
}

function removeLines(data: Buffer, args: LineArgs): Edit {
  const lines = splitLines(data);
  const matches = args.regexp !== undefined ? regexTest(args.regexp) : (l: Line) => l.text === args.line;
  const kept = lines.filter((l) => !matches(l));
  const found = lines.length - kept.length;
  if (found === 0) return { content: data, found };
  return { content: joinLines(kept), msg: `${found} line${found === 1 ? "" : "s"} removed`, found };
}

function regexTest(source: string): (line: Line | string) => boolean {
  const re = new RegExp(source);
  return (line) => re.test(typeof line === "string" ? line.replace(/\r?\n$/, "") : line.text);
}
