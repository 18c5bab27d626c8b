/**
 * Several files of one certificate (its PEM, its key, the CA's) looked at in a single
 * round trip: type, owner, mode, sha256 and content of each, as planFileWrite needs them.
 * Contents travel base64-encoded on the probe's stdout and stay in memory only.
 */
import type { ProbedFile } from "../managed-file";
import type { ModuleContext } from "../module";
import { probe, readStat, statFragment } from "../remote-stat";
import { sh } from "../shell";

export async function probeFiles(ctx: ModuleContext, paths: readonly string[]): Promise<ProbedFile[]> {
  const lines = paths.flatMap((path, i) => [
    sh`p=${path}`,
    // `echo .` keeps a trailing newline of the name from being eaten by $( )
    sh`d=$(dirname -- "$p"; echo .); d=\${d%??}; if [ -d "$d" ]; then echo ${`f${i}_parent=1`}; fi`,
    statFragment("p", `f${i}_`, { sha256: true, contentUpTo: Infinity }),
  ]);
  const fields = await probe(ctx.conn, lines);
  return paths.map((path, i) => ({ path, stat: readStat(fields, `f${i}_`), parentExists: fields.has(`f${i}_parent`) }));
}
