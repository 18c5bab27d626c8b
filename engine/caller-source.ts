/**
 * The file and line of the code that called a DSL function (a task's `source`): the first
 * frame below that function, wherever the engine's code is (its own files, or one bundle).
 * Read from V8's call sites rather than a formatted stack: in a playbook compiled with a
 * source map, Node maps every frame of every formatted stack, which cost the cluster
 * playbook's ~200 tasks ~10 ms of each start; here only the caller's line is mapped. Where
 * something other than Node formats stacks (vitest maps its own transforms that way), the
 * text it makes is read instead.
 *
 * The call site is read when the task is made; its source map only when the location is
 * first asked for: a listing asks for none, and saves parsing the maps (~10 ms a start).
 */
import { readFileSync } from "node:fs";
import { findSourceMap, SourceMap } from "node:module";
import { fileURLToPath } from "node:url";

const stacks = Error as { prepareStackTrace?: (error: Error, sites: NodeJS.CallSite[]) => unknown };

/** Is it Node's own formatter (a name not known is taken for another one: the text is then read, correct if slower)? */
const nodeFormatsStacks = () => stacks.prepareStackTrace === undefined || stacks.prepareStackTrace.name === "ErrorPrepareStackTrace";

const plainPath = (file: string) => (file.startsWith("file://") ? fileURLToPath(file) : file);

function fromText(dslFunction: (...args: never[]) => unknown): string {
  const holder: { stack?: string } = {};
  Error.captureStackTrace(holder, dslFunction);
  const frame = holder.stack?.split("\n").slice(1).find((line) => !line.includes("node:internal"));
  const match = frame?.match(/\(?((?:file:\/\/)?[^()\s]+):(\d+):\d+\)?$/);
  if (!match) return "<unknown>";
  return `${match[1]!.replace(/^file:\/\//, "")}:${match[2]}`;
}

/** The caller's location, `file:line`, read when first called. */
export function callerSource(dslFunction: (...args: never[]) => unknown): () => string {
  if (!nodeFormatsStacks()) {
    const text = fromText(dslFunction);
    return () => text;
  }
  const nodeFormatter = stacks.prepareStackTrace;
  const holder: { stack?: unknown } = {};
  const limit = Error.stackTraceLimit;
  stacks.prepareStackTrace = (_error, sites) => sites;
  Error.stackTraceLimit = 1;
  let site: NodeJS.CallSite | undefined;
  try {
    Error.captureStackTrace(holder, dslFunction);
    site = (holder.stack as NodeJS.CallSite[])[0];
  } finally {
    stacks.prepareStackTrace = nodeFormatter;
    Error.stackTraceLimit = limit;
  }
  const file = site?.getFileName();
  if (!site || !file) return () => "<unknown>";
  const line = site.getLineNumber() ?? 0;
  const column = site.getColumnNumber() ?? 1;
  let found: string | undefined;
  return () => (found ??= mapped(file, line, column));
}

const besideMaps = new Map<string, SourceMap | undefined>();

/**
 * The map in `file`.map, for code Node did not load as a module and so keeps no map of: the
 * engine's core, run from its code cache (bin/code-cache.js), with the core roles in it.
 */
function mapBeside(file: string): SourceMap | undefined {
  if (!file.endsWith(".cjs")) return undefined;
  if (!besideMaps.has(file)) {
    let map: SourceMap | undefined;
    try {
      map = new SourceMap(JSON.parse(readFileSync(`${file}.map`, "utf8")));
    } catch {
      map = undefined;
    }
    besideMaps.set(file, map);
  }
  return besideMaps.get(file);
}

function mapped(file: string, line: number, column: number): string {
  const original = (findSourceMap(file) ?? mapBeside(file))?.findEntry(line - 1, column - 1) as { originalSource?: string; originalLine?: number } | undefined;
  if (original?.originalSource !== undefined && original.originalLine !== undefined) return `${plainPath(original.originalSource)}:${original.originalLine + 1}`;
  return `${plainPath(file)}:${line}`;
}
