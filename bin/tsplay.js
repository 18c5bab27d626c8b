#!/usr/bin/env node
/**
 * The `tsplay` command. `tsplay --version` is answered here, before anything is loaded.
 * Everything else runs the engine as JavaScript compiled from its sources once (and again
 * after any edit: bin/compiled-engine.js), and imports the playbook compiled the same way
 * into the same module graph. Where that cache cannot be written (a read-only install),
 * tsx's loader compiles the engine and the playbook in-process instead, as slowly as before.
 */
import { readFileSync, realpathSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";

const CANNOT_WRITE = new Set(["EACCES", "EPERM", "EROFS"]);

async function startEngine() {
  const root = realpathSync(fileURLToPath(new URL("..", import.meta.url)));
  try {
    const [{ compiledEngine }, { playbookImporter }] = await Promise.all([import("./compiled-engine.js"), import("./compiled-playbook.js")]);
    const engine = await compiledEngine(root);
    // tsc, the longest step after an edit, starts before the engine loads beside it
    const typecheck = await import(pathToFileURL(`${engine}/engine/typecheck.mjs`).href);
    typecheck.startTypecheckFromArgv(process.argv);
    const { main } = await import(pathToFileURL(`${engine}/engine/cli.mjs`).href);
    return { main, runtime: { importPlaybook: playbookImporter(root, engine) }, done: typecheck.abandonTypechecks };
  } catch (error) {
    if (!CANNOT_WRITE.has(error?.code)) throw error;
    const { register } = await import("tsx/esm/api");
    register();
    return { main: (await import("../engine/cli.ts")).main, runtime: {}, done: () => undefined };
  }
}

if (process.argv.length === 3 && (process.argv[2] === "--version" || process.argv[2] === "-V")) {
  process.stdout.write(`${JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")).version}\n`);
} else {
  const { main, runtime, done } = await startEngine();
  try {
    process.exitCode = await main(process.argv, runtime);
  } finally {
    done();
  }
}
