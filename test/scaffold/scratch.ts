/** A scratch project inside the repository (so that `tsplay` and `vitest` resolve), for generated code. */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { REPO, tsplay } from "../cli/cli";

interface VitestSummary {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTotalTests: number;
}

/** A hidden folder at the repository's top: outside tsconfig's and vitest's own file lists. */
export function scratchProject() {
  const dir = mkdtempSync(join(REPO, ".scratch-scaffold-"));
  return {
    dir,
    newFiles: (...args: string[]) => tsplay(["new", ...args], { cwd: dir }),
    /** tsc with the repository's settings on the given files */
    typecheck(files: string[]) {
      writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ extends: relative(dir, join(REPO, "tsconfig.json")), include: [], files }));
      const out = spawnSync(process.execPath, [join(REPO, "node_modules/typescript/bin/tsc"), "-p", dir], { encoding: "utf8" });
      return { code: out.status, output: out.stdout + out.stderr };
    },
    /** vitest on the scratch folder alone, as a user runs the generated tests; returns its JSON report */
    vitest(env: Record<string, string | undefined>, ...files: string[]) {
      writeFileSync(join(dir, "vitest.config.ts"), "export default {};\n");
      const report = join(dir, "report.json");
      const childEnv = Object.fromEntries(Object.entries({ ...process.env, ...env }).filter(([k, v]) => v !== undefined && !k.startsWith("VITEST")));
      const out = spawnSync(process.execPath, [join(REPO, "node_modules/vitest/vitest.mjs"), "run", "--root", dir, "--config", "vitest.config.ts", "--reporter=json", `--outputFile=${report}`, "--reporter=default", ...files], {
        cwd: dir,
        encoding: "utf8",
        env: childEnv as NodeJS.ProcessEnv,
        timeout: 900_000,
      });
      const summary: VitestSummary | undefined = existsSync(report) ? JSON.parse(readFileSync(report, "utf8")) : undefined;
      return { code: out.status, output: out.stdout + out.stderr, summary };
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
