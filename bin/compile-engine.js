/**
 * The engine's TypeScript as JavaScript, for bin/compiled-engine.js. Every source has a
 * module at its own path in the build (engine/dsl.ts → engine/dsl.mjs), so a playbook can
 * import any of them. What every start loads is bundled, and those files' own modules only
 * re-export from their bundle: the front (front.cjs: the command line, `--help` loads no
 * more) and the core (core.cjs: what a playbook run loads at once, with the core roles,
 * ~130 files). A bundle is CommonJS, run with V8's code cache (bin/code-cache.js) behind an
 * ES module (front.mjs, core.mjs): Node 20 caches no ES module's compiled code. What is
 * loaded only when used (scaffolding, adhoc, the terminal output, ssh's pieces) and the type
 * check bin/tsplay.js starts first stay compiled one by one.
 */
import { writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join, relative, resolve, sep } from "node:path";
import { pathToFileURL } from "node:url";
import { common, compiledName, explained, isEngineSource, loadEsbuild, mapNamingSourcesByUrl, specifier, tsplayPlugin } from "./compile.js";

/**
 * Packages made of many CommonJS files that most starts load: each bundled into one file of
 * the build and run with its code cache (yaml ~30 → ~7 ms, commander ~20 → ~4 ms), by a
 * bundle when first used. Other packages are imported (or, from a bundle, required) as installed.
 */
export const BUNDLED_PACKAGES = ["yaml", "commander"];

/** What runs the build's CommonJS files with a code cache: named by its place, as the build is made for one checkout. */
const CODE_CACHE = new URL("./code-cache.js", import.meta.url).href;

/** What bin/tsplay.js loads first, to start tsc before the rest: a module of its own, as are all it imports. */
const ALONE_ROOTS = ["engine/typecheck.ts"];

/** What is loaded before the command line knows what it is asked (`--help` needs no more): front.cjs. */
const FRONT_ROOTS = ["engine/cli.ts"];

/**
 * The roles shipped with tsplay, in the core too: a playbook that uses one uses several, and
 * as modules of their own they were half of the modules a listing of the cluster loaded.
 * A bundle runs all its files when it loads: a role in roles/ that throws as its tasks are
 * made stops every playbook in the checkout, not only those that use it.
 */
const CORE_ROLES = "roles";

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

/** A package as one CommonJS file, `packages/NAME.cjs`, behind `packages/NAME.mjs`, which exports its names as the package's are. */
async function bundlePackage(esbuild, root, name, outDir) {
  // imported here (bin/ is beside engine/, so the same package is found) to list its names
  const module = await import(name);
  const names = Object.keys(module).filter((key) => key !== "default" && /^[A-Za-z_$][\w$]*$/.test(key));
  const cjs = join(outDir, "packages", `${name}.cjs`);
  await esbuild.build({ ...common, format: "cjs", stdin: { contents: `module.exports = require(${JSON.stringify(name)});`, resolveDir: root, loader: "js" }, outfile: cjs });
  const shim = [
    `import { runCached } from ${JSON.stringify(CODE_CACHE)};`,
    `const m = runCached(new URL(${JSON.stringify(`./${name}.cjs`)}, import.meta.url), {}, (id) => import(id));`,
    `export const { ${names.join(", ")} } = m;`,
    "export default m;",
  ];
  await writeFile(join(outDir, "packages", `${name}.mjs`), `${shim.join("\n")}\n`);
}

/**
 * A bundle as the build made it (NAME.cjs, its dynamic imports made `__tsplayImport(id)`, and
 * its map), and NAME.mjs, which imports the ES modules NAME.cjs requires and runs it
 * (bin/code-cache.js), the bundled packages to be run when first used. A file of another
 * bundle is taken from that bundle's module rather than its facade: one module loaded, not
 * one a file (`places`: see placesOf).
 * Packages that NAME.cjs requires by name are loaded by Node's require: a package that ships
 * only an ES module would fail there; route it to packages/ with BUNDLED_PACKAGES. A default
 * import of one of the ES modules gets its namespace (CommonJS's view): the engine imports names.
 */
async function writeBundle(outDir, name, built, count, places) {
  // the bundle imports from the build's root: "./engine/x.mjs" is the file engine/x.mjs
  const placeOf = (path) => (path.startsWith("./") && Object.hasOwn(places, path.slice(2)) ? places[path.slice(2)] : undefined);
  const output = built.outputFiles.find((file) => file.path.endsWith(".cjs"));
  const { imports } = built.metafile.outputs[relative(process.cwd(), output.path)];
  const requires = [...new Set(imports.filter((i) => i.external && i.kind !== "dynamic-import" && /^(\.|file:)/.test(i.path)).map((i) => i.path))];
  const packages = requires.filter((path) => /^\.\/packages\/[^/]+\.mjs$/.test(path));
  const esModules = requires.filter((path) => !packages.includes(path));
  let text = output.text;
  for (const { path } of imports.filter((i) => i.kind === "dynamic-import")) {
    const place = placeOf(path);
    const loaded = place ? `__tsplayImport(${JSON.stringify(`./${place.bundle}`)}).then((bundle) => bundle.m${place.index})` : `__tsplayImport(${JSON.stringify(path)})`;
    text = text.replaceAll(`import(${JSON.stringify(path)})`, loaded);
  }
  // a bundle runs outside Node's module loader: an import() of a computed name would find no loader there
  const unrouted = text.match(/(?<![\w$.])import\(.{0,60}/);
  if (unrouted) throw new Error(`${name}.cjs: a dynamic import of a computed name (${unrouted[0]}…): import a module of its own by a literal name, and the computed one there (see engine/import-as-is.ts)`);
  await writeFile(join(outDir, `${name}.cjs`), text);
  await writeFile(join(outDir, `${name}.cjs.map`), mapNamingSourcesByUrl(built.outputFiles, `${output.path}.map`));
  const moduleOf = (path) => (placeOf(path) ? `./${placeOf(path).bundle}` : path);
  const imported = [...new Set(esModules.map(moduleOf))];
  const binding = (path) => `x${imported.indexOf(moduleOf(path))}${placeOf(path) ? `.m${placeOf(path).index}` : ""}`;
  const names = Array.from({ length: count }, (_, i) => `m${i}`);
  const shim = [
    `import { runCached } from ${JSON.stringify(CODE_CACHE)};`,
    ...imported.map((path, i) => `import * as x${i} from ${JSON.stringify(path)};`),
    `const esModules = { ${esModules.map((path) => `${JSON.stringify(path)}: ${binding(path)}`).join(", ")} };`,
    `const commonJs = { ${packages.map((path) => `${JSON.stringify(path)}: ${JSON.stringify(path.replace(/\.mjs$/, ".cjs"))}`).join(", ")} };`,
    `export const { ${names.join(", ")} } = runCached(new URL(${JSON.stringify(`./${name}.cjs`)}, import.meta.url), { esModules, commonJs }, (id) => import(id));`,
  ];
  await writeFile(join(outDir, `${name}.mjs`), `${shim.join("\n")}\n`);
}

/** The build's list of its bundled files (placesOf), for bin/compile-playbook.js. */
export const BUNDLED_FILES = "bundled.json";

/**
 * Where each bundled file is: its compiled name (engine/x.mjs) to its bundle's module
 * (core.mjs), its index there (the bundle exports its namespace as m0, m1, …) and its names.
 */
const placesOf = (bundles, root, exportsOf) =>
  Object.fromEntries(
    Object.entries(bundles).flatMap(([name, files]) => files.map((file, index) => [compiledName(relative(root, file)), { bundle: `${name}.mjs`, index, names: exportsOf.get(file) ?? [] }])),
  );

/** A module that is a bundled file's: its names, taken from the bundle's namespace of that file. */
export function facade(bundleSpecifier, index, names) {
  const lines = [`import { m${index} as m } from ${JSON.stringify(bundleSpecifier)};`];
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
  await Promise.all(BUNDLED_PACKAGES.map((name) => bundlePackage(esbuild, root, name, outDir)));

  // every source as a module of its own, importing the others by their compiled names
  const eachOf = (entryPoints) =>
    esbuild
      .build({
        ...common,
        entryPoints,
        outdir: outDir,
        outbase: root,
        outExtension: { ".js": ".mjs" },
        metafile: true,
        plugins: [
          tsplayPlugin({
            contents,
            bare,
            route: (importer, path) => (isEngineSource(root, path) ? { path: specifier(importer, compiledName(path)), external: true } : { path: pathToFileURL(path).href, external: true }),
          }),
        ],
      })
      .catch(fail);
  const each = await eachOf(sources);

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
  // typecheck.ts stays a module of its own: bin/tsplay.js starts tsc with it before the rest loads
  const alone = new Set(await closure(ALONE_ROOTS));
  const front = (await closure(FRONT_ROOTS)).filter((file) => !alone.has(file));
  const roles = sources.filter((file) => file.startsWith(`${root}${sep}${CORE_ROLES}${sep}`)).map((file) => relative(root, file));
  const core = (await closure([...CORE_ROOTS, ...roles])).filter((file) => !alone.has(file) && !front.includes(file));

  // each bundle's files' namespaces exported as m0, m1, …; other files imported by their modules
  const bundle = async (name, files) => {
    const inBundle = new Set(files);
    const bundleFile = join(root, `${name}.mjs`);
    const built = await esbuild
      .build({
        ...common,
        format: "cjs",
        // its files were ES modules, strict as such: the bundle says so for the function bin/code-cache.js wraps it in
        banner: { js: '"use strict";' },
        stdin: { contents: files.map((file, i) => `export * as m${i} from ${JSON.stringify(file)};`).join("\n"), resolveDir: root, loader: "js" },
        outfile: join(outDir, `${name}.cjs`),
        write: false,
        metafile: true,
        // for the lines of the tasks the core roles make (engine/caller-source.ts reads it when asked)
        sourcemap: "external",
        sourcesContent: false,
        plugins: [
          tsplayPlugin({
            contents,
            bare: (_importer, name) => bare(bundleFile, name),
            route: (_importer, path) =>
              inBundle.has(path) ? { path } : isEngineSource(root, path) ? { path: specifier(bundleFile, compiledName(path)), external: true } : { path: pathToFileURL(path).href, external: true },
          }),
        ],
      })
      .catch(fail);
    await writeBundle(outDir, name, built, files.length, places);
    // each file's own module becomes a facade of the bundle, with the names it exported;
    // names re-exported with `export *` from outside would be missing, so none may be
    const starred = files.find((file) => /^export \*/m.test(contents.get(file) ?? ""));
    if (starred) throw new Error(`${relative(root, starred)}: \`export * from\` in a bundle of the engine: name what it re-exports (bin/compile-engine.js writes its names out)`);
    await Promise.all(
      files.map((file) => {
        const compiled = compiledName(relative(root, file));
        const { index, names } = places[compiled];
        return writeFile(join(outDir, compiled), facade(specifier(join(root, compiled), bundleFile), index, names));
      }),
    );
  };
  const exportsOf = new Map(Object.values(each.metafile.outputs).flatMap((output) => (output.entryPoint ? [[resolve(process.cwd(), output.entryPoint), output.exports]] : [])));
  const bundles = { front: front.sort(), core: core.sort() };
  const places = placesOf(bundles, root, exportsOf);
  await Promise.all(Object.entries(bundles).map(([name, files]) => bundle(name, files)));
  // a playbook's bundle takes a bundled file's names from its bundle, as the file's facade does
  await writeFile(join(outDir, BUNDLED_FILES), JSON.stringify(places));
}
