/**
 * The engine's TypeScript as JavaScript, for bin/compiled-engine.js. Every source has a
 * module at its own path in the build (engine/dsl.ts → engine/dsl.mjs), so a playbook can
 * import any of them. What a playbook run loads at once (the "core": what the public API,
 * the modules, the inventory and the runner import, ~100 files) is one module, core.mjs,
 * and the core files' own modules only re-export from it: Node loads one file instead of
 * ~100 (a --list-tasks of the cluster playbook: 0.173 → 0.160 s). The command line's front
 * (option parsing: `--help` loads no more) and what is loaded only when used (scaffolding,
 * adhoc, the terminal output, ssh's pieces) stay compiled one by one.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve, sep } from "node:path";
import { pathToFileURL } from "node:url";
import { common, compiledName, explained, isEngineSource, loadEsbuild, specifier, TASK_FOLDERS, tsplayPlugin, withInlineSourceMap } from "./compile.js";

/**
 * Packages every start loads that are made of many CommonJS files: each bundled into one
 * ES module of the build, which Node loads in about half the time (yaml ~30 → ~13 ms,
 * commander ~20 → ~13 ms). Other packages are imported as installed.
 */
export const BUNDLED_PACKAGES = ["yaml", "commander"];

/**
 * What is loaded before the command line knows what it is asked (`--help` needs no more),
 * and the type check bin/tsplay.js starts before that: these, with all they import, stay
 * modules of their own, out of the core.
 */
const FRONT_ROOTS = ["engine/cli.ts", "engine/typecheck.ts"];

/** What a playbook run loads at once, and so the core with all they import (dynamic imports and the front aside). */
const CORE_ROOTS = [
  "engine/index.ts",
  "modules/index.ts",
  // what engine/cli.ts loads once a playbook command's options parsed
  "engine/extra-vars.ts",
  "engine/inventory/index.ts",
  "engine/load-playbook.ts",
  "engine/run/settings.ts",
  "engine/run/listing.ts",
  "engine/cli/output-writer.ts",
  "engine/cli/run-from-cli.ts",
];

/** The package.json (so the version) of a bundled package: a build depends on it as on a source. */
export function packageJsonOf(root, name) {
  const entry = createRequire(join(root, "package.json")).resolve(name);
  const folder = `${sep}node_modules${sep}${name}${sep}`;
  return `${entry.slice(0, entry.lastIndexOf(folder) + folder.length)}package.json`;
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

/** Each module of `build` written with its map inline, so that a role's tasks name the role's own lines. */
async function writeWithSourceMaps(build) {
  const modules = build.outputFiles.filter((file) => file.path.endsWith(".mjs"));
  await Promise.all(
    modules.map(async (file) => {
      await mkdir(dirname(file.path), { recursive: true });
      await writeFile(file.path, withInlineSourceMap(build.outputFiles, file.path));
    }),
  );
}

/** A module that is a core file's: its names, taken from core.mjs's namespace of that file. */
function facade(coreSpecifier, index, names) {
  const lines = [`import { m${index} as m } from ${JSON.stringify(coreSpecifier)};`];
  // a const a name: the engine exports no `let`, so no binding changes after it is taken
  names.forEach((name, i) => lines.push(`const e${i} = m[${JSON.stringify(name)}];`, `export { e${i} as ${JSON.stringify(name)} };`));
  return `${lines.join("\n")}\n`;
}

/**
 * The engine's `sources` (below `root`) into `outDir`, compiled from `contents` (path to
 * text) as the caller read them, with BUNDLED_PACKAGES in `outDir`/packages. Another
 * package is imported by name as the source does: the build is below the engine's own
 * node_modules, so Node finds the same one from there. Files are named as below `root`,
 * which the build mirrors.
 */
export async function compileEngine(root, sources, outDir, contents) {
  const esbuild = await loadEsbuild();
  const packageFile = (name) => join(root, "packages", `${name}.mjs`);
  const bare = (importer, name) => ({ path: BUNDLED_PACKAGES.includes(name) ? specifier(importer, packageFile(name)) : name, external: true });
  const fail = async (failure) => {
    throw await explained(esbuild, failure, process.cwd());
  };
  await Promise.all(BUNDLED_PACKAGES.map((name) => bundlePackage(esbuild, root, name, join(outDir, "packages", `${name}.mjs`))));

  // every source as a module of its own, importing the others by their compiled names
  const eachOf = (entryPoints, options) =>
    esbuild
      .build({
        ...common,
        entryPoints,
        outdir: outDir,
        outbase: root,
        outExtension: { ".js": ".mjs" },
        metafile: true,
        ...options,
        plugins: [
          tsplayPlugin({
            contents,
            bare,
            route: (importer, path) => (isEngineSource(root, path) ? { path: specifier(importer, compiledName(path)), external: true } : { path: pathToFileURL(path).href, external: true }),
          }),
        ],
      })
      .catch(fail);
  const withTasks = sources.filter((file) => TASK_FOLDERS.some((folder) => file.startsWith(`${root}${sep}${folder}${sep}`)));
  const each = await eachOf(sources.filter((file) => !withTasks.includes(file)));
  if (withTasks.length) await writeWithSourceMaps(await eachOf(withTasks, { sourcemap: "external", sourcesContent: false, write: false }));

  // the front and the core: their roots with what they import, dynamic imports aside
  const closure = async (roots) => {
    const found = await esbuild
      .build({
        ...common,
        entryPoints: roots.map((file) => join(root, file)),
        outdir: join(outDir, "unused"),
        write: false,
        metafile: true,
        plugins: [
          tsplayPlugin({
            contents,
            bare: (_importer, name) => ({ path: name, external: true }),
            route: (_importer, path, kind) => (isEngineSource(root, path) && kind !== "dynamic-import" ? { path } : { path, external: true }),
          }),
        ],
      })
      .catch(fail);
    return Object.keys(found.metafile.inputs)
      .map((input) => resolve(process.cwd(), input))
      .filter((path) => isEngineSource(root, path));
  };
  const front = new Set(await closure(FRONT_ROOTS));
  const core = (await closure(CORE_ROOTS)).filter((file) => !front.has(file)).sort();
  const inCore = new Set(core);

  // core.mjs, its files' namespaces exported as m0, m1, …; other files (the front's too) imported by their modules
  const coreFile = join(root, "core.mjs");
  await esbuild
    .build({
      ...common,
      stdin: { contents: core.map((file, i) => `export * as m${i} from ${JSON.stringify(file)};`).join("\n"), resolveDir: root, loader: "js" },
      outfile: join(outDir, "core.mjs"),
      plugins: [
        tsplayPlugin({
          contents,
          bare: (_importer, name) => bare(coreFile, name),
          route: (_importer, path) => (inCore.has(path) ? { path } : isEngineSource(root, path) ? { path: specifier(coreFile, compiledName(path)), external: true } : { path: pathToFileURL(path).href, external: true }),
        }),
      ],
    })
    .catch(fail);

  // each core file's own module becomes a facade of core.mjs, with the names it exported;
  // names re-exported with `export *` from outside would be missing, so none may be
  const starred = core.find((file) => /^export \*/m.test(contents.get(file) ?? ""));
  if (starred) throw new Error(`${relative(root, starred)}: \`export * from\` in the engine's core: name what it re-exports (bin/compile-engine.js writes its names out)`);
  const exportsOf = new Map(Object.values(each.metafile.outputs).flatMap((output) => (output.entryPoint ? [[resolve(process.cwd(), output.entryPoint), output.exports]] : [])));
  await Promise.all(
    core.map((file, i) => writeFile(join(outDir, compiledName(relative(root, file))), facade(specifier(join(root, compiledName(relative(root, file))), coreFile), i, exportsOf.get(file) ?? []))),
  );
}
