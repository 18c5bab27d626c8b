/**
 * A playbook and the user's TypeScript it imports (roles, modules of their own) as one ES
 * module for bin/compiled-playbook.js, whose imports of the engine point at the engine's
 * compiled files: one module graph, so the engine's classes are the playbook's.
 */
import { readFile, writeFile } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";
import { pathToFileURL } from "node:url";
import { stampOf } from "./cache-files.js";
import { common, compiledName, explained, isEngineSource, isTypeScript, loadEsbuild, tsplayPlugin, withInlineSourceMap } from "./compile.js";
import { BUNDLED_FILES, facade } from "./compile-engine.js";

const FACADE = "tsplay-facade";

/** The facade of a bundled file (bin/compile-engine.js), its bundle named by absolute URL. */
function facades(engineDir, bundled) {
  return {
    name: "tsplay-facades",
    setup(build) {
      build.onLoad({ filter: /.*/, namespace: FACADE }, (args) => {
        const { bundle, index, names } = bundled[args.path];
        return { contents: facade(pathToFileURL(join(engineDir, bundle)).href, index, names), loader: "js" };
      });
      build.onResolve({ filter: /^file:/, namespace: FACADE }, (args) => ({ path: args.path, external: true }));
    },
  };
}

/**
 * The bundle of `playbook` at `outFile`: the engine's files (compiled into `engineDir`)
 * and every package stay outside, imported by their absolute URL. Returns what the bundle
 * depends on, for the cache: each file read with its stamp taken just before it was read
 * (an edit made meanwhile then shows as a change), and the files imported from outside.
 */
export async function bundlePlaybook({ playbook, root, engineDir, outFile }) {
  const esbuild = await loadEsbuild();
  const outside = new Set();
  const read = new Map();
  const workingDir = dirname(playbook);
  const bundled = JSON.parse(await readFile(join(engineDir, BUNDLED_FILES), "utf8"));
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
        facades(engineDir, bundled),
        tsplayPlugin({
          beforeReading: (path) => read.set(path, stampOf(path)),
          route: (_importer, path) => {
            const compiled = isEngineSource(root, path) && compiledName(relative(root, path));
            // a file of one of the engine's bundles is its facade, inlined: the bundle is then the one module imported for it
            if (compiled && Object.hasOwn(bundled, compiled)) return { path: compiled, namespace: FACADE };
            if (compiled) return { path: pathToFileURL(`${engineDir}${sep}${compiled}`).href, external: true };
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
  await writeFile(outFile, withInlineSourceMap(result.outputFiles, outFile));
  return { read, outside: [...outside] };
}
