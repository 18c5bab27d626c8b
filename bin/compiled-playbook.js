/**
 * Imports a playbook compiled by bin/compile-playbook.js: the bundle of the playbook and
 * the user's files it imports is kept in node_modules/.cache/tsplay/playbook-js/ with the
 * stamps of every file it was made from (and of their folders, so that a file added where
 * an import could now resolve to it counts as a change). An unchanged playbook is imported
 * at once; a changed one is bundled again first (esbuild, ~0.1 s).
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { fileNameOf, readJsonFile, stampsOf, unchanged, writeFileAtomically } from "./cache-files.js";

/** Made for this engine build (its files are named by their place), from files as they are now? */
function upToDate(record, engineDir) {
  const known = readJsonFile(record);
  return known?.engineDir === engineDir && Array.isArray(known.stamps) && unchanged(known.stamps);
}

/** Bundles made for an engine build that is gone (pruned after edits to the engine) are of no use. */
function pruneBundles(cache) {
  for (const name of readdirSync(cache).filter((n) => n.endsWith(".json") && !n.includes(".partial-"))) {
    // undefined while another start writes it, or when it is not ours to judge
    const engineDir = readJsonFile(join(cache, name))?.engineDir;
    if (engineDir && !existsSync(engineDir)) for (const file of [name, name.replace(/\.json$/, ".mjs")]) rmSync(join(cache, file), { force: true });
  }
}

/** A function that imports the playbook at an absolute path, for the engine compiled into `engineDir`. */
export function playbookImporter(root, engineDir) {
  return async (playbook) => {
    const cache = join(root, "node_modules", ".cache", "tsplay", "playbook-js");
    // the bundle names the engine's files by their place: another build of the engine needs another bundle
    // named by the build's digest and the playbook's path: a build of another checkout with the same name is told apart by the record
    const name = `${basename(engineDir)}-${fileNameOf(playbook)}`;
    const bundle = join(cache, `${name}.mjs`);
    const record = join(cache, `${name}.json`);
    if (!existsSync(bundle) || !upToDate(record, engineDir)) {
      mkdirSync(cache, { recursive: true });
      const partial = join(cache, `${name}.partial-${process.pid}.mjs`);
      try {
        // the bundler is loaded only to bundle: a start with a bundle loads none of it
        const { bundlePlaybook } = await import("./compile-playbook.js");
        const { read, outside } = await bundlePlaybook({ playbook, root, engineDir, outFile: partial });
        // the bundler's own code decides what a bundle holds, as the playbook's files do
        const compiler = ["compile.js", "compile-playbook.js"].map((file) => join(root, "bin", file));
        const folders = [...new Set([...read.keys()].map((file) => dirname(file)))];
        const stamps = [...[...read].map(([file, stamp]) => `${file} ${stamp}`), ...stampsOf([...folders, ...outside, ...compiler])].sort();
        renameSync(partial, bundle);
        writeFileAtomically(record, JSON.stringify({ playbook, engineDir, stamps }, null, 1));
      } finally {
        rmSync(partial, { force: true });
      }
      pruneBundles(cache);
    }
    // stack traces (and the file and line each task records) name the playbook's own lines
    process.setSourceMapsEnabled(true);
    return import(pathToFileURL(bundle).href);
  };
}
