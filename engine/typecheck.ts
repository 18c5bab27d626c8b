/**
 * Type-checks a playbook with the project's own tsc before it runs, so a typed
 * playbook fails before touching a host. A check that passed is remembered with the
 * size and mtime of every file tsc read; an unchanged playbook is not checked again.
 *
 * tsc is the longest step of a start after an edit (~0.3 s alone, more beside the engine
 * loading), so bin/tsplay.js starts it first of all (startTypecheckFromArgv), and the
 * engine, asking later, gets the same check. This module imports nothing of the engine
 * (only bin's cache helpers, which bin/tsplay.js has loaded already): it is loaded before
 * the engine is.
 */
import type { ChildProcess } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { totalmem } from "node:os";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { fileNameOf, readJsonFile, stampsOf, unchanged, writeFileAtomically } from "../bin/cache-files.js";

const engineRoot = resolve(import.meta.dirname, "..");
const cacheDir = join(engineRoot, "node_modules", ".cache", "tsplay");

function nearestTsconfig(from: string): string {
  for (let dir = dirname(from); ; dir = dirname(dir)) {
    const candidate = join(dir, "tsconfig.json");
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return join(engineRoot, "tsconfig.json");
  }
}

/** Node's module `name`, loaded when first used: a start whose check is remembered runs no tsc and does not load node:child_process. */
const nodeModule = <T>(name: string): T => createRequire(import.meta.url)(name) as T;

/**
 * How to start tsc. TypeScript 7's bin/tsc is a Node script that starts the native
 * compiler: started directly, a check saves a Node start (~70 ms). Older ones are the script.
 */
async function tscCommand(): Promise<string[]> {
  // typescript's package exports list neither bin/tsc nor lib/getExePath.js: found beside its package.json
  const dir = dirname(createRequire(join(engineRoot, "package.json")).resolve("typescript/package.json"));
  const locate = join(dir, "lib", "getExePath.js");
  if (existsSync(locate)) {
    try {
      const exe = ((await import(pathToFileURL(locate).href)) as { default: () => string }).default();
      if (existsSync(exe)) return [exe];
    } catch {
      // not a native TypeScript after all: its script below
    }
  }
  return [process.execPath, join(dir, "bin", "tsc")];
}

/**
 * TypeScript 7's tsc is a Go program, whose collector by default runs whenever the heap
 * doubles: ~15% of a check's CPU here, taken from the engine starting beside it. It runs at
 * five-fold growth instead, capped at a quarter of the memory the process may use (a
 * container's limit, else the machine's). The cluster playbook's check peaked at 74-75 MB
 * with the default, with this and with no collector at all. The user's own settings win.
 */
const GO_MEMORY = { GOGC: "400", GOMEMLIMIT: `${Math.floor((process.constrainedMemory?.() || totalmem()) / 4 / 2 ** 20)}MiB` };

/** The tsc processes running: a command that ends before its check did (a bad option) ends them. */
const running = new Set<ChildProcess>();
let abandoned = false;

function runTsc(args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((done, fail) => {
    tscCommand().then(([command, ...first]) => {
      if (abandoned) return fail(new Error("the type check was abandoned: the command ended first"));
      const child = nodeModule<typeof import("node:child_process")>("node:child_process").execFile(command!, [...first, ...args], { maxBuffer: 64 * 1024 * 1024, env: { ...GO_MEMORY, ...process.env } }, (error, stdout, stderr) => {
        running.delete(child);
        done({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, out: stdout + stderr });
      });
      running.add(child);
    }, fail);
  });
}

/** Ends the checks still running, whose answer nobody waits for any more (tsc survives a torn build-info file). */
export function abandonTypechecks(): void {
  abandoned = true;
  for (const child of running) child.kill();
}

/** Checks started ahead (startTypecheckFromArgv), each taken by the first to ask for its playbook. */
const startedAhead = new Map<string, Promise<string | undefined>>();

/** The first type error of the playbook at `path` (with how many more), or undefined when it type-checks. */
export function typeErrorOf(path: string): Promise<string | undefined> {
  const ahead = startedAhead.get(path);
  startedAhead.delete(path);
  return ahead ?? typecheck(path);
}

/**
 * Starts checking the playbook of a command line `tsplay PLAYBOOK.ts …` before anything
 * else loads, and returns that check. Only that plain form counts: another (options first,
 * `--no-typecheck`, `--help`, a subcommand) starts nothing, and the engine checks once it
 * has parsed the options.
 */
export function startTypecheckFromArgv(argv: string[]): Promise<string | undefined> | undefined {
  const [playbook, ...rest] = argv.slice(2);
  if (!playbook || !/\.(c|m)?tsx?$/.test(playbook) || rest.some((arg) => arg === "--no-typecheck" || arg === "-h" || arg === "--help" || arg === "--")) return undefined;
  if (!statSync(playbook, { throwIfNoEntry: false })?.isFile()) return undefined;
  const check = typecheck(resolve(playbook));
  // a failure to even start tsc is the engine's to report when it asks
  check.catch(() => undefined);
  startedAhead.set(resolve(playbook), check);
  return check;
}

async function typecheck(path: string): Promise<string | undefined> {
  // named as bin/ names its caches: the path itself, escaped (no node:crypto loaded for a digest)
  const key = fileNameOf(path);
  const record = join(cacheDir, `typecheck-${key}.json`);
  const seen = (readJsonFile(record) as { stamps?: unknown } | undefined)?.stamps;
  if (Array.isArray(seen) && unchanged(seen)) return undefined;
  const config = join(cacheDir, `tsconfig-${key}.json`);
  writeFileAtomically(config, JSON.stringify({ extends: nearestTsconfig(path), files: [path], include: [], compilerOptions: { noEmit: true } }));
  const started = Date.now();
  // incremental: after an edit tsc checks again what the edit can change, not every file (~0.4 s → ~0.15 s)
  const { code, out } = await runTsc(["-p", config, "--pretty", "false", "--listFiles", "--incremental", "--tsBuildInfoFile", join(cacheDir, `typecheck-${key}.tsbuildinfo`)]);
  const lines = out.split("\n");
  const errors = lines.filter((line) => /error TS\d+:/.test(line));
  if (code !== 0 || errors.length) {
    const first = (errors[0] ?? lines.find((l) => l.trim()) ?? `tsc exited with ${code}`).replace(/^(.*?)\((\d+),(\d+)\)/, "$1:$2:$3");
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more; run tsc --noEmit to see all)` : "";
    return `type error: ${first}${more}`;
  }
  const files = lines.filter((l) => l.startsWith("/") && !l.includes("/node_modules/"));
  // a file saved while tsc ran may not be what it checked: no record, the next run checks again
  // (file times come from a coarser clock than Date.now(): a few ms of slack)
  const savedSince = files.some((file) => (statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? Infinity) >= started - 20);
  if (!savedSince) writeFileAtomically(record, JSON.stringify({ stamps: stampsOf(files) }));
  return undefined;
}
