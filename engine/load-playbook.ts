/**
 * Loads a playbook file in-process, type-checked. It is imported into the same module
 * graph as the engine: the playbook's modules then share the engine's classes (Shell, the
 * error types), which a separate graph would copy. bin/tsplay.js gives the importer that
 * compiles it against the compiled engine; under tsx or vitest the .ts is imported as it is.
 */
import { existsSync, statSync } from "node:fs";
import { relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { Playbook } from "./dsl";
import { typeErrorOf } from "./typecheck";
import { PlaybookError } from "./run/validate";

/** Imports the playbook at an absolute path and returns its module. */
export type PlaybookImporter = (path: string) => Promise<{ default?: unknown }>;

const importAsIs: PlaybookImporter = (path) => import(pathToFileURL(path).href);

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

/** The playbook, type-checked (the check runs while it is compiled and imported). */
export async function loadPlaybook(file: string, options: LoadOptions): Promise<Playbook> {
  const { playbook, typeChecked } = await loadPlaybookWhileChecking(file, options);
  await typeChecked;
  return playbook;
}

interface LoadOptions {
  typecheck: boolean;
  importPlaybook?: PlaybookImporter;
}

/**
 * The playbook as soon as it is imported, its type check still running: `typeChecked`
 * rejects with the type error. A run connects to its hosts meanwhile and starts no task
 * before the check passed. When the import fails too, the type error is the one thrown,
 * being the more precise.
 */
export async function loadPlaybookWhileChecking(file: string, options: LoadOptions): Promise<{ playbook: Playbook; typeChecked: Promise<void> }> {
  const path = resolve(file);
  if (!existsSync(path)) throw new PlaybookError(`playbook not found: ${file}`);
  if (!statSync(path).isFile()) throw new PlaybookError(`${file} is not a file: a playbook is a TypeScript file (.ts)`);
  if (!/\.(c|m)?tsx?$/.test(path)) throw new PlaybookError(`${file}: a playbook is a TypeScript file (.ts)`);
  // tsc checks while the playbook is compiled and imported: its top-level code only builds
  // tasks, as with --no-typecheck
  const typeChecked: Promise<void> = options.typecheck
    ? typeErrorOf(path).then((message) => {
        if (message !== undefined) throw new PlaybookError(message);
      })
    : Promise.resolve();
  // whoever takes the playbook awaits it; until then it is no unhandled rejection
  typeChecked.catch(() => undefined);
  let loaded: { default?: unknown };
  try {
    loaded = await (options.importPlaybook ?? importAsIs)(path);
  } catch (error) {
    await typeChecked;
    if (error instanceof PlaybookError) throw error;
    const wrapped = new PlaybookError(describeLoadError(file, path, error));
    wrapped.cause = error;
    throw wrapped;
  }
  const playbook = loaded.default as Playbook | undefined;
  if (playbook?.kind !== "playbook") {
    await typeChecked;
    throw new PlaybookError(`${file}: must \`export default playbook([...])\``);
  }
  return { playbook, typeChecked };
}
