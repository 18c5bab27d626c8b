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

function tscPath(): string {
  // typescript's package exports do not list bin/tsc; find it beside its package.json
  return join(dirname(createRequire(join(engineRoot, "package.json")).resolve("typescript/package.json")), "bin", "tsc");
}

function runTsc(args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [tscPath(), ...args], { maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      done({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, out: stdout + stderr });
    });
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
  const { code, out } = await runTsc(["-p", config, "--pretty", "false", "--listFiles"]);
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
