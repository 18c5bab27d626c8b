/**
 * TypeScript to JavaScript with esbuild, for bin/tsplay.js: the engine file by file (its
 * module graph kept as it is, so a playbook can import any of its files), and a playbook
 * with the user's own files as one bundle whose imports of the engine point at the
 * engine's compiled files: one module graph, so the engine's classes are the playbook's.
 *
 * Every compiled file keeps its source's `import.meta.url`, `dirname` and `filename`: code
 * reads files beside it (a role's templates, the report's page.css) from there.
 */
import { readFile, writeFile } from "node:fs/promises";
import { createRequire, isBuiltin } from "node:module";
import { dirname, join, relative, resolve, sep } from "node:path";
import { pathToFileURL } from "node:url";

/** Where the compiler's output runs: the Node version package.json's `engines` asks for. */
const TARGET = "node20";

/** The folders of the engine's sources; a compiled file keeps its path below them. */
export const ENGINE_FOLDERS = ["engine", "modules"];

/** Runs from a cache folder below node_modules, where no package.json says "module": .mjs says it. */
export const compiledName = (source) => source.replace(/\.[cm]?tsx?$/, ".mjs");

/**
 * Packages every start loads that are made of many CommonJS files: each bundled into one
 * ES module of the build, which Node loads in about half the time (yaml ~30 → ~13 ms,
 * commander ~20 → ~13 ms). Other packages are imported as installed.
 */
export const BUNDLED_PACKAGES = ["yaml", "commander"];

/** The package.json (so the version) of a bundled package: a build depends on it as on a source. */
export function packageJsonOf(root, name) {
  const entry = createRequire(join(root, "package.json")).resolve(name);
  const folder = `${sep}node_modules${sep}${name}${sep}`;
  return `${entry.slice(0, entry.lastIndexOf(folder) + folder.length)}package.json`;
}

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

const isTypeScript = (path) => /\.[cm]?tsx?$/.test(path) && !/\.d\.[cm]?tsx?$/.test(path);

/** Is `path` one of the engine's sources below `root`? */
export const isEngineSource = (root, path) => isTypeScript(path) && ENGINE_FOLDERS.some((folder) => path.startsWith(`${root}${sep}${folder}${sep}`));

/**
 * `import.meta.X` becomes `META.X`, and each file declares its own META with its source's
 * values (esbuild renames the declarations apart in a bundle). The declaration goes before
 * the file's first line, on that line, so that every other line keeps its number.
 */
const META = "__tsplayImportMeta";
const define = Object.fromEntries(["url", "dirname", "filename"].map((key) => [`import.meta.${key}`, `${META}.${key}`]));

async function withImportMeta(path, contents) {
  const source = contents?.get(path) ?? (await readFile(path, "utf8"));
  const meta = `const ${META} = ${JSON.stringify({ url: pathToFileURL(path).href, dirname: dirname(path), filename: path })};`;
  // a #! line must stay first
  const shebang = source.startsWith("#!") ? source.slice(0, source.indexOf("\n") + 1) : "";
  return { contents: `${shebang}${meta}${source.slice(shebang.length)}`, loader: path.endsWith("x") ? "tsx" : "ts" };
}

/**
 * The plugin both builds share: every import is resolved as esbuild resolves it, then
 * `route` says where it goes (`{ path, external }`); `bare`, when given, routes a
 * package's import unresolved. `contents` has sources as the caller already read them (to
 * name the build), read again otherwise.
 */
function tsplayPlugin({ bare, route, contents }) {
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
        return route(args.importer, resolved.path);
      });
      build.onLoad({ filter: /\.[cm]?tsx?$/ }, (args) => withImportMeta(args.path, contents));
    },
  };
}

const common = { bundle: true, format: "esm", platform: "node", target: TARGET, logLevel: "silent", define };

/**
 * A failed build, its errors said as a user reads them: a file that does not parse is a
 * syntax error (esbuild does not say which of its errors are, so the file is parsed alone).
 */
async function explained(esbuild, failure, workingDir) {
  if (!Array.isArray(failure.errors)) return failure;
  for (const message of failure.errors) {
    const file = message.location?.file && resolve(workingDir, message.location.file);
    if (!file || !isTypeScript(file)) continue;
    const parses = await esbuild.transform(await readFile(file, "utf8"), { loader: file.endsWith("x") ? "tsx" : "ts" }).then(() => true, () => false);
    if (!parses) message.text = `syntax error: ${message.text}`;
  }
  return failure;
}

/** A package as one ES module at `outFile`, with its names exported as the package's are. */
async function bundlePackage(esbuild, root, name, outFile) {
  // imported here (bin/ is beside engine/, so the same package is found) to list its names
  const module = await import(name);
  const names = Object.keys(module).filter((key) => key !== "default" && /^[A-Za-z_$][\w$]*$/.test(key));
  const entry = [`import * as m from ${JSON.stringify(name)};`, `export const { ${names.join(", ")} } = m;`, ...("default" in module ? ["export default m.default;"] : [])];
  await esbuild.build({
    ...common,
    stdin: { contents: entry.join("\n"), resolveDir: root, loader: "js" },
    outfile: outFile,
    // CommonJS inside asks for Node's modules with require(), which an ES module has to make
    banner: { js: 'import { createRequire as __tsplayCreateRequire } from "node:module";\nconst require = __tsplayCreateRequire(import.meta.url);' },
  });
}

/**
 * The engine's `sources` (below `root`) into `outDir`, one .mjs a source at the same path,
 * compiled from `contents` (path to text) as the caller read them, and BUNDLED_PACKAGES
 * into `outDir`/packages. Another package is imported by name as the source does: the
 * cache folder is below the engine's own node_modules, so Node finds the same one there.
 */
export async function compileEngine(root, sources, outDir, contents) {
  const esbuild = await loadEsbuild();
  const specifier = (from, to) => {
    const path = relative(dirname(from), to).split(sep).join("/");
    return path.startsWith(".") ? path : `./${path}`;
  };
  const packageFile = (name) => join(root, "packages", `${name}.mjs`);
  await Promise.all(BUNDLED_PACKAGES.map((name) => bundlePackage(esbuild, root, name, join(outDir, "packages", `${name}.mjs`))));
  await esbuild
    .build({
      ...common,
      entryPoints: sources,
      outdir: outDir,
      outbase: root,
      outExtension: { ".js": ".mjs" },
      plugins: [
        tsplayPlugin({
          contents,
          // paths as below root, where the outputs mirror them
          bare: (importer, name) => ({ path: BUNDLED_PACKAGES.includes(name) ? specifier(importer, packageFile(name)) : name, external: true }),
          route: (importer, path) => (isEngineSource(root, path) ? { path: specifier(importer, compiledName(path)), external: true } : { path: pathToFileURL(path).href, external: true }),
        }),
      ],
    })
    .catch(async (failure) => {
      throw await explained(esbuild, failure, process.cwd());
    });
}

/**
 * A playbook and the user's TypeScript it imports (roles, modules) as one .mjs file; the
 * engine's files and every package stay outside, imported by their absolute URL. Returns
 * the files the bundle depends on, for the cache to stamp.
 */
export async function bundlePlaybook({ playbook, root, engineDir, outFile }) {
  const esbuild = await loadEsbuild();
  const outside = new Set();
  const workingDir = dirname(playbook);
  const result = await esbuild
    .build({
      ...common,
      entryPoints: [playbook],
      outfile: outFile,
      absWorkingDir: workingDir,
      sourcemap: "external",
      sourcesContent: false,
      write: false,
      metafile: true,
      plugins: [
        tsplayPlugin({
          route: (_importer, path) => {
            if (isEngineSource(root, path)) return { path: pathToFileURL(`${engineDir}${sep}${compiledName(relative(root, path))}`).href, external: true };
            if (isTypeScript(path) || path.endsWith(".json")) return { path };
            outside.add(path);
            return { path: pathToFileURL(path).href, external: true };
          },
        }),
      ],
    })
    .catch(async (failure) => {
      throw await explained(esbuild, failure, workingDir);
    });
  const code = result.outputFiles.find((file) => file.path.endsWith(".mjs")).text;
  const map = JSON.parse(result.outputFiles.find((file) => file.path.endsWith(".map")).text);
  // esbuild names sources relative to the bundle, which Node would resolve from where the
  // bundle really is (a symlinked node_modules is elsewhere): named absolutely instead
  map.sources = map.sources.map((source) => pathToFileURL(resolve(dirname(outFile), source)).href);
  await writeFile(outFile, `${code}//# sourceMappingURL=data:application/json;base64,${Buffer.from(JSON.stringify(map)).toString("base64")}\n`);
  const bundled = Object.keys(result.metafile.inputs).map((input) => resolve(workingDir, input));
  return [...bundled, ...outside];
}
