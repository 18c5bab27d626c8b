/**
 * Runs a CommonJS file of the engine's build with V8's code cache beside it, so that a start
 * deserializes the compiled code instead of compiling the file again (~45 ms a start for the
 * core, yaml and commander). Node 20 caches no ES module's code, so the build's largest files
 * are CommonJS behind small ES modules (bin/compile-engine.js writes both), which call this:
 *
 *   export const { m0, m1 } = runCached(new URL("./core.cjs", import.meta.url), { esModules: { "./engine/errors.mjs": front.m5 } }, (s) => import(s));
 *
 * The cache is written when a run ends, with what the run compiled by then; V8 rejects one
 * made by another V8, with other flags or for a source of another length, and the next run's
 * end writes it again. V8 compares no more of the source: a bundle's text never changes (a
 * build is named by its content), and this file counts as the compiler does in a build's name.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import vm from "node:vm";
import { writeFileAtomically } from "./cache-files.js";

/** What each file run here exported: a file is run once, whoever asks for it (its ES module or a bundle's require). */
const exported = new Map();

/**
 * The `module.exports` of the CommonJS file at `url`. Its `require` gives `esModules[id]` for
 * the ES modules it imports (imported before, by the caller); for `commonJs[id]` (a path
 * relative to `url`), that file's exports, run here when first read from; Node's modules,
 * loaded when first read from (see lazily); Node's require otherwise (CommonJS packages).
 * Its dynamic imports were written as `__tsplayImport(id)`: `dynamicImport` resolves them
 * from the caller's module, as `import()` would from the file.
 */
export function runCached(url, { esModules = {}, commonJs = {} }, dynamicImport) {
  const file = fileURLToPath(url);
  if (exported.has(file)) return exported.get(file);
  const cacheFile = `${file}.v8-cache`;
  // one line, so that every line of the file keeps its number in a stack trace
  const source = `(function (exports, require, module, __filename, __dirname, __tsplayImport) {${readFileSync(file, "utf8")}\n})`;
  const cachedData = readCache(cacheFile);
  // the engine's bundles have no import() left (bin/compile-engine.js checks); a package's would
  // find Node's loader from 20.12 on (which warns that it is experimental)
  const script = new vm.Script(source, { filename: file, cachedData, importModuleDynamically: vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER });
  if (!cachedData || script.cachedDataRejected) process.once("exit", () => writeCache(cacheFile, script));
  const nodeRequire = createRequire(file);
  const require = (id) => {
    if (Object.hasOwn(esModules, id)) return esModules[id];
    if (Object.hasOwn(commonJs, id)) return lazily(() => runCached(new URL(commonJs[id], url), {}, dynamicImport));
    return LAZY_BUILTINS.has(id) ? lazily(() => nodeRequire(id)) : nodeRequire(id);
  };
  const module = { exports: {} };
  script.runInThisContext()(module.exports, require, module, file, dirname(file), dynamicImport);
  exported.set(file, module.exports);
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
 * Node's modules a listing needs none of (~8 ms of each start), which many of the engine's
 * files require: plain objects of functions, loaded when first read from (see lazily).
 */
const LAZY_BUILTINS = new Set(["node:crypto", "crypto", "node:child_process", "child_process"]);

/**
 * A module loaded when code first reads from it: a bundle requires all its files need when it
 * starts, and a listing needs neither node:crypto nor node:child_process nor yaml (~4 ms). A
 * name read when a file starts (a default or `* as` import) loads it then. For objects only
 * (a proxy of an empty object is not a function); what is written through it reaches the module.
 */
function lazily(load) {
  let loaded;
  const module = () => (loaded ??= load());
  return new Proxy(Object.create(null), {
    get: (_target, key) => module()[key],
    set: (_target, key, value) => Reflect.set(module(), key, value),
    has: (_target, key) => key in module(),
    ownKeys: () => Reflect.ownKeys(module()),
    // a proxy may not say a property is fixed that its (empty) target lacks
    getOwnPropertyDescriptor: (_target, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(module(), key);
      return descriptor && { ...descriptor, configurable: true };
    },
    defineProperty: (_target, key, descriptor) => Reflect.defineProperty(module(), key, descriptor),
    deleteProperty: (_target, key) => Reflect.deleteProperty(module(), key),
  });
}
