/**
 * Imports a playbook compiled by bin/compile.js: the bundle of the playbook and the
 * user's files it imports is kept in node_modules/.cache/tsplay/playbook-js/ with the
 * stamps of every file it was made from (and of their folders, so that a file added where
 * an import could now resolve to it counts as a change). An unchanged playbook is imported
 * at once; a changed one is bundled again first (esbuild, ~0.1 s).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { bundlePlaybook } from "./compile-playbook.js";
import { digest, stampsOf, writeFileAtomically } from "./cache-files.js";

const dependencies = (files) => [...new Set([...files, ...files.map((file) => dirname(file))])].sort();

function upToDate(record) {
  if (!existsSync(record)) return false;
  const { stamps } = JSON.parse(readFileSync(record, "utf8"));
  return stampsOf(stamps.map((line) => line.slice(0, line.lastIndexOf(" ")))).join("\n") === stamps.join("\n");
}

const changedSince = (stamps, time) => stamps.some((line) => Number(line.split(":").at(-1)) >= time);

/** Bundles made for an engine build that is gone (pruned after edits to the engine) are of no use. */
function pruneBundles(cache) {
  for (const name of readdirSync(cache).filter((n) => n.endsWith(".json") && !n.includes(".partial-"))) {
    const { engineDir } = JSON.parse(readFileSync(join(cache, name), "utf8"));
    if (engineDir && !existsSync(engineDir)) for (const file of [name, name.replace(/\.json$/, ".mjs")]) rmSync(join(cache, file), { force: true });
  }
}

/** A function that imports the playbook at an absolute path, for the engine compiled into `engineDir`. */
export function playbookImporter(root, engineDir) {
  return async (playbook) => {
    const cache = join(root, "node_modules", ".cache", "tsplay", "playbook-js");
    // the bundle names the engine's files by their place: another build of the engine needs another bundle
    const name = digest([engineDir, playbook]);
    const bundle = join(cache, `${name}.mjs`);
    const record = join(cache, `${name}.json`);
    if (!existsSync(bundle) || !upToDate(record)) {
      mkdirSync(cache, { recursive: true });
      const partial = join(cache, `${name}.partial-${process.pid}.mjs`);
      try {
        const started = Date.now();
        const files = await bundlePlaybook({ playbook, root, engineDir, outFile: partial });
        // the bundler's own code decides what a bundle holds, as the playbook's files do
        const compiler = ["compile.js", "compile-playbook.js"].map((file) => join(root, "bin", file));
        const stamps = stampsOf(dependencies([...files, ...compiler]));
        renameSync(partial, bundle);
        // a file changed while it was bundled may be in the bundle as it was: stamped as it is
        // now, it would look up to date, so the next start bundles again instead
        if (!changedSince(stamps, started - 2000)) writeFileAtomically(record, JSON.stringify({ playbook, engineDir, stamps }, null, 1));
        else rmSync(record, { force: true });
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
