/**
 * A playbook and the user's TypeScript it imports (roles, modules of their own) as one ES
 * module for bin/compiled-playbook.js, whose imports of the engine point at the engine's
 * compiled files: one module graph, so the engine's classes are the playbook's.
 */
import { writeFile } from "node:fs/promises";
import { dirname, relative, sep } from "node:path";
import { pathToFileURL } from "node:url";
import { stampOf } from "./cache-files.js";
import { common, compiledName, explained, isEngineSource, isTypeScript, loadEsbuild, tsplayPlugin, withInlineSourceMap } from "./compile.js";

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
          beforeReading: (path) => read.set(path, stampOf(path)),
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
  await writeFile(outFile, withInlineSourceMap(result.outputFiles, outFile));
  return { read, outside: [...outside] };
}
