/**
 * Type-checks a playbook with the project's own tsc before it runs, so a typed
 * playbook fails before touching a host. A check that passed is remembered with the
 * size and mtime of every file tsc read; an unchanged playbook is not checked again.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { PlaybookError } from "./run/validate";

const engineRoot = resolve(import.meta.dirname, "..");
const cacheDir = join(engineRoot, "node_modules", ".cache", "tsplay");

function nearestTsconfig(from: string): string {
  for (let dir = dirname(from); ; dir = dirname(dir)) {
    const candidate = join(dir, "tsconfig.json");
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return join(engineRoot, "tsconfig.json");
  }
}

const fingerprint = (files: string[]) =>
  files.map((f) => {
    try {
      const s = statSync(f);
      return `${f}:${s.size}:${s.mtimeMs}`;
    } catch {
      return `${f}:missing`;
    }
  });

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

function runTsc(args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((done, fail) => {
    tscCommand().then(([command, ...first]) => {
      execFile(command!, [...first, ...args], { maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
        done({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, out: stdout + stderr });
      });
    }, fail);
  });
}

export async function typecheckPlaybook(file: string): Promise<void> {
  const path = resolve(file);
  mkdirSync(cacheDir, { recursive: true });
  const key = createHash("sha256").update(path).digest("hex").slice(0, 16);
  const record = join(cacheDir, `typecheck-${key}.json`);
  if (existsSync(record)) {
    const seen = JSON.parse(readFileSync(record, "utf8")) as { files: string[]; stamps: string[] };
    if (fingerprint(seen.files).join("\n") === seen.stamps.join("\n")) return;
  }
  const config = join(cacheDir, `tsconfig-${key}.json`);
  writeFileSync(config, JSON.stringify({ extends: nearestTsconfig(path), files: [path], include: [], compilerOptions: { noEmit: true } }));
  // incremental: after an edit tsc checks again what the edit can change, not every file (~0.4 s → ~0.15 s)
  const { code, out } = await runTsc(["-p", config, "--pretty", "false", "--listFiles", "--incremental", "--tsBuildInfoFile", join(cacheDir, `typecheck-${key}.tsbuildinfo`)]);
  const lines = out.split("\n");
  const errors = lines.filter((line) => /error TS\d+:/.test(line));
  if (code !== 0 || errors.length) {
    const first = (errors[0] ?? lines.find((l) => l.trim()) ?? `tsc exited with ${code}`).replace(/^(.*?)\((\d+),(\d+)\)/, "$1:$2:$3");
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more; run tsc --noEmit to see all)` : "";
    throw new PlaybookError(`type error: ${first}${more}`);
  }
  const files = lines.filter((l) => l.startsWith("/") && !l.includes("/node_modules/"));
  writeFileSync(record, JSON.stringify({ files, stamps: fingerprint(files) }));
}
