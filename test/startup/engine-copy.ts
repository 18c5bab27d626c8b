/**
 * A copy of the engine in a temp folder, with node_modules of its own (the packages linked)
 * and so a cache of compiled code of its own: a test may edit it, break its cache and watch
 * what a start builds, without touching the checkout's.
 *
 *   const copy = engineCopy("tsplay-engine-edit-");
 *   spawnSync(process.execPath, [join(copy, "bin/tsplay.js"), ...], { cwd: copy });
 */
import { cpSync, mkdirSync, readdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { REPO } from "../cli/cli";
import { tempDir } from "../temp-dir";

export function engineCopy(prefix: string, entries = ["bin", "engine", "modules", "package.json", "tsconfig.json"]): string {
  const copy = tempDir(prefix);
  for (const entry of entries) cpSync(join(REPO, entry), join(copy, entry), { recursive: true });
  mkdirSync(join(copy, "node_modules"));
  for (const name of readdirSync(join(REPO, "node_modules"))) if (name !== ".cache") symlinkSync(join(REPO, "node_modules", name), join(copy, "node_modules", name));
  return copy;
}

/** The folders of the builds in `copy`'s cache. */
export const buildsOf = (copy: string): string[] => {
  const cache = join(copy, "node_modules/.cache/tsplay/engine-js");
  return readdirSync(cache).flatMap((root) => readdirSync(join(cache, root)).filter((n) => /^[0-9a-f]{32}$/.test(n)).map((n) => join(cache, root, n)));
};
