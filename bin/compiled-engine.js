/**
 * The engine as JavaScript, built once per content of its sources into
 * node_modules/.cache/tsplay/engine-js/, so that a start loads JavaScript (bundles with V8's
 * code cache: bin/compile-engine.js) instead of compiling ~150 TypeScript files through a
 * loader thread.
 *
 * A start stats every source (one stat a file) and takes the build of the last start when
 * the stamps are those it had, else looks up the build made for exactly those stamps.
 * Stamps that changed while the content did not (a git checkout and back, a touch) find the
 * same build by a hash of the content; content that changed is built again (~1 s, once). So
 * a checkout never runs JavaScript older than its sources.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { digest, ENGINE_FOLDERS, fileNameOf, readJsonFile, rememberedSources, stampsOf, unchanged, writeFileAtomically } from "./cache-files.js";

/** Builds kept for other stamps (a branch switched to and back builds nothing again). */
const KEEP_BUILDS = 4;
const BUILD_NAME = /^[0-9a-f]{32}$/;

/** One folder a checkout: builds of another checkout sharing node_modules (a worktree) are not its to prune. */
export const engineCacheOf = (root) => join(root, "node_modules", ".cache", "tsplay", "engine-js", fileNameOf(root));

/**
 * The folder of the compiled engine for `root`'s sources as they are now, built if need be.
 * The bundled packages' package.json files count as sources; found by resolving them only
 * when a build is looked for by content (they are stamped in the record of the stamps).
 */
export async function compiledEngine(root) {
  const cache = engineCacheOf(root);
  const sources = rememberedSources(root, ENGINE_FOLDERS, join(cache, "sources.json"));
  // the compiler's own code decides what a build holds, as the sources do
  const compiler = ["compile.js", "compile-engine.js", "code-cache.js"].map((file) => join(root, "bin", file));
  const stamps = stampsOf([...sources, ...compiler]);
  // the build of the last start, when nothing changed since: found without a digest
  const lastStart = join(cache, "last-start.json");
  const last = readRecord(lastStart);
  if (last && last.sourceStamps?.join("\n") === stamps.join("\n") && unchanged(last.stamps) && existsSync(join(cache, last.build))) return join(cache, last.build);
  const record = join(cache, "by-stamps", digest([root, ...stamps]));
  const known = readRecord(record);
  if (known && unchanged(known.stamps) && existsSync(join(cache, known.build))) {
    remember(lastStart, { ...known, sourceStamps: stamps });
    return join(cache, known.build);
  }

  // the compiler is loaded only to build (or to find a build by content): a start with a build loads none of it
  const { BUNDLED_PACKAGES, compileEngine, packageJsonOf } = await import("./compile-engine.js");
  const packages = BUNDLED_PACKAGES.map((name) => packageJsonOf(root, name));
  // read once: the build is compiled from exactly the text its name was made from
  const contents = new Map([...sources, ...compiler, ...packages].map((file) => [file, readFileSync(file, "utf8")]));
  const build = digest([root, ...[...contents].flat()]);
  const dir = join(cache, build);
  if (!existsSync(dir)) {
    await buildInto((partial) => compileEngine(root, sources, partial, contents), cache, build);
    prune(cache, build);
  }
  writeFileAtomically(record, JSON.stringify({ build, stamps: stampsOf(packages) }));
  remember(lastStart, { build, stamps: stampsOf(packages), sourceStamps: stamps });
  return dir;
}

/** The build of the last start, written when it can be: a build found in a cache this user cannot write to is used all the same. */
function remember(lastStart, record) {
  try {
    writeFileAtomically(lastStart, JSON.stringify(record));
  } catch {
    // the next start looks the build up by its stamps' digest
  }
}

/** A record of stamps, or undefined for none (or one this version of tsplay cannot read). */
function readRecord(path) {
  const record = readJsonFile(path);
  return typeof record?.build === "string" && Array.isArray(record.stamps) ? record : undefined;
}

/** `compile(folder)` builds beside the final folder, then it is renamed: a start never sees half a build, and of two at once one wins. */
async function buildInto(compile, cache, build) {
  const partial = join(cache, `${build}.partial-${process.pid}`);
  mkdirSync(cache, { recursive: true });
  try {
    await compile(partial);
    renameSync(partial, join(cache, build));
  } catch (error) {
    if (!existsSync(join(cache, build))) throw error;
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
}

/** Keeps the newest builds, and the stamps that point at them; drops what a killed build left. */
function prune(cache, current) {
  const entries = readdirSync(cache).map((name) => ({ name, mtime: statSync(join(cache, name)).mtimeMs }));
  const builds = entries.filter((e) => BUILD_NAME.test(e.name) && e.name !== current).sort((a, b) => b.mtime - a.mtime);
  const stale = [...builds.slice(KEEP_BUILDS - 1), ...entries.filter((e) => e.name.includes(".partial-") && e.mtime < Date.now() - 3_600_000)];
  for (const { name } of stale) rmSync(join(cache, name), { recursive: true, force: true });
  const pointers = join(cache, "by-stamps");
  for (const name of existsSync(pointers) ? readdirSync(pointers) : []) {
    if (name.includes(".partial-")) continue;
    const known = readRecord(join(pointers, name));
    if (!known || !existsSync(join(cache, known.build))) rmSync(join(pointers, name), { force: true });
  }
}
