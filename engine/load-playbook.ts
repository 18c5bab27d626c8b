/**
 * Loads a playbook file in-process, type-checked. It is imported into the same module
 * graph as the engine: the playbook's modules then share the engine's classes (Shell, the
 * error types), which a separate graph would copy. bin/tsplay.js gives the importer that
 * compiles it against the compiled engine; under tsx or vitest the .ts is imported as it is.
 */
import { existsSync, statSync } from "node:fs";
import { relative, resolve } from "node:path";
import type { Playbook } from "./dsl";
import { typeErrorOf } from "./typecheck";
import { PlaybookError } from "./run/validate";

/** Imports the playbook at an absolute path and returns its module. */
export type PlaybookImporter = (path: string) => Promise<{ default?: unknown }>;

const importAsIs: PlaybookImporter = async (path) => (await import("./import-as-is")).importFile(path);

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

function describeLoadError(file: string, path: string, error: unknown): string {
  const err = error as { message?: string; errors?: { text: string; location?: { file: string; line: number; column: number } | null }[] };
  const first = err.errors?.[0];
  if (first) {
    // esbuild's: the playbook named as given, another file (a role) from the current folder
    const where = first.location?.file ? resolve(first.location.file) : path;
    return `${where === path ? file : relative(process.cwd(), where)}:${first.location?.line ?? "?"}:${first.location?.column ?? "?"}: ${first.text}`;
  }
  // esbuild through tsx: "Transform failed with 1 error:\n/abs/file.ts:3:33: ERROR: Expected ..."
  const transform = new RegExp(`^${escapeRegExp(path)}:(\\d+):(\\d+): ERROR: (.*)$`, "m").exec(String(err.message ?? ""));
  if (transform) return `${file}:${transform[1]}:${transform[2]}: syntax error: ${transform[3]}`;
  const message = String(err.message ?? error).split("\n")[0];
  // an argument error thrown while the playbook builds its tasks: point at the playbook's line
  const line = (error as Error).stack?.match(new RegExp(`${escapeRegExp(path)}:(\\d+)`))?.[1];
  return `${file}${line ? `:${line}` : ""}: ${message}`;
}

export async function loadPlaybook(file: string, options: { typecheck: boolean; importPlaybook?: PlaybookImporter }): Promise<Playbook> {
  const path = resolve(file);
  if (!existsSync(path)) throw new PlaybookError(`playbook not found: ${file}`);
  if (!statSync(path).isFile()) throw new PlaybookError(`${file} is not a file: a playbook is a TypeScript file (.ts)`);
  if (!/\.(c|m)?tsx?$/.test(path)) throw new PlaybookError(`${file}: a playbook is a TypeScript file (.ts)`);
  // tsc checks while the playbook is compiled and imported: its top-level code only builds
  // tasks, as with --no-typecheck. Nothing runs on a host before the check passed, and when
  // both fail the type error is the one reported, being the more precise.
  const checked = options.typecheck
    ? typeErrorOf(path).then(
        (message) => (message === undefined ? undefined : { error: new PlaybookError(message) }),
        (error: unknown) => ({ error }),
      )
    : undefined;
  let loaded: { default?: unknown } | undefined;
  let loadError: { error: unknown } | undefined;
  try {
    loaded = await (options.importPlaybook ?? importAsIs)(path);
  } catch (error) {
    loadError = { error };
  }
  const typeError = await checked;
  if (typeError) throw typeError.error;
  if (loadError) {
    if (loadError.error instanceof PlaybookError) throw loadError.error;
    const wrapped = new PlaybookError(describeLoadError(file, path, loadError.error));
    wrapped.cause = loadError.error;
    throw wrapped;
  }
  const playbook = loaded?.default as Playbook | undefined;
  if (playbook?.kind !== "playbook") throw new PlaybookError(`${file}: must \`export default playbook([...])\``);
  return playbook;
}
