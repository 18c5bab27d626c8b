#!/usr/bin/env node
/**
 * The `tsplay` command. `tsplay --version` is answered here, before anything is loaded;
 * everything else goes to the engine, TypeScript that tsx compiles (with the playbook) in-process.
 */
import { readFileSync } from "node:fs";

if (process.argv.length === 3 && (process.argv[2] === "--version" || process.argv[2] === "-V")) {
  process.stdout.write(`${JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")).version}\n`);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  const { main } = await import("../engine/cli.ts");
  process.exitCode = await main(process.argv);
}
