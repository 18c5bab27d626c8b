/**
 * Every TypeScript example in docs/*.md compiles against the current API: each ```ts block
 * becomes a file (at its `file=PATH` when it names one, so examples can import each other)
 * in a scratch folder inside the repository, and tsc checks them all.
 * Blocks without imports are task snippets: they get every DSL function and module in scope.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import * as api from "../../engine/index";
import * as modules from "../../modules/index";
import { REPO } from "../cli/cli";

const DOCS = join(REPO, "docs");
const valueNames = (module: object) => Object.keys(module).sort().join(", ");
const PRELUDE = `import { ${valueNames(api)} } from "tsplay";\nimport { ${valueNames(modules)} } from "tsplay/modules";\n`;

interface Example {
  doc: string;
  line: number;
  file?: string;
  code: string;
}

function examples(): Example[] {
  const found: Example[] = [];
  for (const doc of readdirSync(DOCS).filter((f) => f.endsWith(".md")).sort()) {
    const text = readFileSync(join(DOCS, doc), "utf8");
    for (const match of text.matchAll(/^```ts(?: file=(\S+))?\n([\s\S]*?)^```$/gm)) {
      found.push({ doc, line: text.slice(0, match.index).split("\n").length, file: match[1], code: match[2]! });
    }
  }
  return found;
}

describe("the docs' TypeScript examples", () => {
  const scratch = mkdtempSync(join(REPO, ".scratch-docs-"));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  const all = examples();

  it("exist in every page that shows code, and the module example is the tested fixture", () => {
    expect(all.length).toBeGreaterThan(10);
    const envFile = all.find((e) => e.file === "modules/env-file.ts");
    expect(envFile?.code).toBe(readFileSync(join(REPO, "test/fixtures/team-project/modules/env-file.ts"), "utf8"));
  });

  it("type-check with tsc", () => {
    const files = all.map((example, i) => {
      const path = example.file ?? `${example.doc.replace(/\.md$/, "")}-line-${example.line}.ts`;
      mkdirSync(dirname(join(scratch, path)), { recursive: true });
      writeFileSync(join(scratch, path), `${/^import /m.test(example.code) ? "" : PRELUDE}${example.code}\nexport {};\n`);
      return { path, where: `docs/${example.doc}:${example.line}`, i };
    });
    writeFileSync(join(scratch, "tsconfig.json"), JSON.stringify({ extends: "../tsconfig.json", include: [], files: files.map((f) => f.path) }));
    const tsc = spawnSync(process.execPath, [join(REPO, "node_modules/typescript/bin/tsc"), "-p", scratch, "--pretty", "false"], { cwd: scratch, encoding: "utf8" });
    // name the doc and line for each error, not the scratch file
    const errors = (tsc.stdout + tsc.stderr).replace(/^(\S+?\.ts)\((\d+),\d+\)/gm, (_, path: string, line: string) => {
      const example = files.find((f) => f.path === path);
      return example ? `${example.where} (+${Number(line) - (/^import /m.test(all[example.i]!.code) ? 0 : 2)})` : path;
    });
    expect(errors).toBe("");
    expect(tsc.status).toBe(0);
  }, 120_000);
});
