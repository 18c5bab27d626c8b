/** Runs the real `tsplay` command, as a user would. */
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";

export const REPO = resolve(import.meta.dirname, "../..");

export function tsplay(args: string[], options: { cwd?: string } = {}) {
  const result = spawnSync(process.execPath, [resolve(REPO, "bin/tsplay.js"), ...args], {
    cwd: options.cwd ?? REPO,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
    timeout: 120_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

export function jsonLines(stdout: string): Record<string, any>[] {
  return stdout
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}
