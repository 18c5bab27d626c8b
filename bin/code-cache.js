/**
 * Runs a CommonJS file of the engine's build with V8's code cache beside it, so that a start
 * deserializes the compiled code instead of compiling the file again (~45 ms a start for the
 * core, yaml and commander). Node 20 caches no ES module's code, so the build's largest files
 * are CommonJS behind small ES modules (bin/compile-engine.js writes both), which call this:
 *
 *   export const { m0, m1 } = runCached(new URL("./core.cjs", import.meta.url), { "./engine/errors.mjs": errors }, (s) => import(s));
 *
 * The cache is written when a run ends, with what the run compiled by then; V8 rejects one
 * made by another V8 or with other flags, and the next run's end writes it again.
 */
import { readFileSync } from "node:fs";
import { createRequire, isBuiltin } from "node:module";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import vm from "node:vm";
import { writeFileAtomically } from "./cache-files.js";

/**
 * The `module.exports` of the CommonJS file at `url`. Its `require` gives `esModules[id]` for
 * the ES modules it imports (imported before, by the caller), Node's require otherwise (Node's
 * modules, loaded when first used: see lazyBuiltin; CommonJS packages). Its dynamic imports were written as `__tsplayImport(id)`:
 * `dynamicImport` resolves them from the caller's module, as `import()` would from the file.
 */
export function runCached(url, esModules, dynamicImport) {
  const file = fileURLToPath(url);
  const cacheFile = `${file}.v8-cache`;
  // one line, so that every line of the file keeps its number in a stack trace
  const source = `(function (exports, require, module, __filename, __dirname, __tsplayImport) {"use strict";${readFileSync(file, "utf8")}\n})`;
  const cachedData = readCache(cacheFile);
  // a dynamic import left as `import()` still works (Node warns that this loader is experimental)
  const script = new vm.Script(source, { filename: file, cachedData, importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER });
  if (!cachedData || script.cachedDataRejected) process.once("exit", () => writeCache(cacheFile, script));
  const nodeRequire = createRequire(file);
  const module = { exports: {} };
  const require = (id) => (Object.hasOwn(esModules, id) ? esModules[id] : isBuiltin(id) ? lazyBuiltin(() => nodeRequire(id)) : nodeRequire(id));
  script.runInThisContext()(module.exports, require, module, file, dirname(file), dynamicImport);
  return module.exports;
}

function readCache(path) {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

/** Best effort: a build that cannot be written to runs as fast as one without a cache. */
function writeCache(path, script) {
  try {
    writeFileAtomically(path, script.createCachedData());
  } catch {
    // the next run tries again
  }
}

/**
 * One of Node's modules, loaded when code first reads from it: a bundle requires all its
 * files need when it starts, and a listing needs neither node:crypto nor node:child_process
 * (~8 ms of each start). A name read when a file starts loads it then, as before.
 */
function lazyBuiltin(load) {
  let loaded;
  const module = () => (loaded ??= load());
  return new Proxy(Object.create(null), {
    get: (_target, key) => module()[key],
    has: (_target, key) => key in module(),
    ownKeys: () => Reflect.ownKeys(module()),
    // a proxy may not say a property is fixed that its (empty) target lacks
    getOwnPropertyDescriptor: (_target, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(module(), key);
      return descriptor && { ...descriptor, configurable: true };
    },
  });
}
