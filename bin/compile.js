/**
 * What compile-engine.js and compile-playbook.js share: esbuild, and a plugin that resolves
 * every import as esbuild does and lets the build say where it goes. TypeScript is loaded
 * so that every compiled file keeps its source's `import.meta.url`, `dirname` and
 * `filename`: code reads files beside it (a role's templates, the report's page.css).
 */
import { readFile } from "node:fs/promises";
import { createRequire, isBuiltin } from "node:module";
import { dirname, relative, resolve, sep } from "node:path";
import { pathToFileURL } from "node:url";
import { ENGINE_FOLDERS } from "./cache-files.js";

/**
 * The source map a build made at `mapPath` (`write: false`, `sourcemap: "external"`), naming
 * its sources by absolute URL: relative to the build, Node would look for them from where it
 * found the module (through a symlinked node_modules, elsewhere). Stack traces and task
 * locations then name the TypeScript's own lines.
 */
export function mapNamingSourcesByUrl(outputFiles, mapPath) {
  const map = JSON.parse(outputFiles.find((output) => output.path === mapPath).text);
  map.sources = map.sources.map((source) => pathToFileURL(resolve(dirname(mapPath), source)).href);
  return JSON.stringify(map);
}

/** The module a build made at `path`, with its map (see mapNamingSourcesByUrl) inline. */
export function withInlineSourceMap(outputFiles, path) {
  const text = outputFiles.find((output) => output.path === path).text;
  return `${text}//# sourceMappingURL=data:application/json;base64,${Buffer.from(mapNamingSourcesByUrl(outputFiles, `${path}.map`)).toString("base64")}\n`;
}

/** Where the compiler's output runs: the Node version package.json's `engines` asks for. */
const TARGET = "node20";

/** Runs from a cache folder below node_modules, where no package.json says "module": .mjs says it. */
export const compiledName = (source) => source.replace(/\.[cm]?tsx?$/, ".mjs");

let loading;

/** esbuild, which tsx (a dependency) brings: resolved from tsx, so no second copy is needed. */
export function loadEsbuild() {
  loading ??= (async () => {
    const require = createRequire(import.meta.url);
    const esbuild = createRequire(require.resolve("tsx/package.json")).resolve("esbuild");
    const module = await import(pathToFileURL(esbuild).href);
    return module.default ?? module;
  })();
  return loading;
}

export const isTypeScript = (path) => /\.[cm]?tsx?$/.test(path) && !/\.d\.[cm]?tsx?$/.test(path);

/** Is `path` one of the engine's sources below `root`? */
export const isEngineSource = (root, path) => isTypeScript(path) && ENGINE_FOLDERS.some((folder) => path.startsWith(`${root}${sep}${folder}${sep}`));

/**
 * `import.meta.X` becomes `META.X`, and each file declares its own META with its source's
 * values (esbuild renames the declarations apart in a bundle). The declaration goes before
 * the file's first line, on that line, so that every other line keeps its number.
 */
const META = "__tsplayImportMeta";
const define = Object.fromEntries(["url", "dirname", "filename"].map((key) => [`import.meta.${key}`, `${META}.${key}`]));

async function withImportMeta(path, contents, beforeReading) {
  beforeReading?.(path);
  const source = contents?.get(path) ?? (await readFile(path, "utf8"));
  const meta = `const ${META} = ${JSON.stringify({ url: pathToFileURL(path).href, dirname: dirname(path), filename: path })};`;
  // a #! line must stay first
  const shebang = source.startsWith("#!") ? source.slice(0, source.indexOf("\n") + 1) : "";
  return { contents: `${shebang}${meta}${source.slice(shebang.length)}`, loader: path.endsWith("x") ? "tsx" : "ts" };
}

/**
 * The plugin every build shares: every import is resolved as esbuild resolves it, then
 * `route(importer, path, kind)` says where it goes (`{ path, external }`); `bare`, when given, routes a
 * package's import unresolved. `contents` has sources as the caller already read them (to
 * name the build), read again otherwise, after `beforeReading(path)`; JSON is read likewise.
 */
export function tsplayPlugin({ bare, route, contents, beforeReading }) {
  const resolving = { tsplayResolving: true };
  return {
    name: "tsplay",
    setup(build) {
      build.onResolve({ filter: /.*/ }, async (args) => {
        if (args.kind === "entry-point" || args.pluginData?.tsplayResolving) return undefined;
        if (isBuiltin(args.path)) return { path: args.path, external: true };
        if (bare && !/^[./]/.test(args.path)) return bare(args.importer, args.path);
        const resolved = await build.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: resolving });
        if (resolved.errors.length) return { errors: resolved.errors };
        return route(args.importer, resolved.path, args.kind);
      });
      build.onLoad({ filter: /\.[cm]?tsx?$/ }, (args) => withImportMeta(args.path, contents, beforeReading));
      build.onLoad({ filter: /\.json$/ }, async (args) => {
        beforeReading?.(args.path);
        return { contents: await readFile(args.path, "utf8"), loader: "json" };
      });
    },
  };
}

export const common = { bundle: true, format: "esm", platform: "node", target: TARGET, logLevel: "silent", define };

/**
 * A failed build, its errors said as a user reads them: a file that does not parse is a
 * syntax error (esbuild does not say which of its errors are, so the file is parsed alone).
 */
export async function explained(esbuild, failure, workingDir) {
  if (!Array.isArray(failure.errors)) return failure;
  for (const message of failure.errors) {
    const file = message.location?.file && resolve(workingDir, message.location.file);
    if (!file || !isTypeScript(file)) continue;
    const parses = await esbuild.transform(await readFile(file, "utf8"), { loader: file.endsWith("x") ? "tsx" : "ts" }).then(() => true, () => false);
    if (!parses) message.text = `syntax error: ${message.text}`;
  }
  return failure;
}


/** An import specifier from the file at `from` to the one at `to`. */
export function specifier(from, to) {
  const path = relative(dirname(from), to).split(sep).join("/");
  return path.startsWith(".") ? path : `./${path}`;
}
