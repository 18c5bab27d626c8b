import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ExtraVarsError, loadExtraVars } from "../../engine/extra-vars";
import { tempDir } from "../temp-dir";

const dir = tempDir("tsplay-extra-vars-");
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

function errorOf(values: string[]): Error {
  try {
    loadExtraVars(values);
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected an error, but none was thrown");
}

describe("-e values", () => {
  it("merges key=value, JSON objects and files in order, later ones winning", () => {
    const vars = file("vars.yaml", "a: from-file\nb: [1, 2]\nc: yes\n");
    expect(loadExtraVars(["a=1", `@${vars}`, '{"d": {"e": 1}}', "c=text"])).toEqual({ a: "from-file", b: [1, 2], c: "text", d: { e: 1 } });
  });

  it("reads a file as inventory vars files are read: YAML 1.1, JSON too", () => {
    expect(loadExtraVars([`@${file("v.yml", "on_off: on\nquoted: 'on'\n")}`])).toEqual({ on_off: true, quoted: "on" });
    expect(loadExtraVars([`@${file("v.json", '{"n": 1}')}`])).toEqual({ n: 1 });
  });

  it("allows many aliases of one anchor", () => {
    const text = `base: &b { x: 1 }\n${Array.from({ length: 500 }, (_, i) => `v${i}: *b`).join("\n")}\n`;
    expect(Object.keys(loadExtraVars([`@${file("aliases.yaml", text)}`]))).toHaveLength(501);
  });
});

describe("-e mistakes are one ExtraVarsError line naming the option", () => {
  mkdirSync(join(dir, "adir"));
  const bomb = ["a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1]"];
  for (const name of "bcdefghij") bomb.push(`${name}: &${name} [${Array(9).fill(`*${bomb.at(-1)![0]}`).join(", ")}]`);

  it.each([
    ["a missing file", [`@${join(dir, "missing.yaml")}`], `-e @${join(dir, "missing.yaml")}: no such file`],
    ["a directory", [`@${join(dir, "adir")}`], `-e @${join(dir, "adir")}: is a directory; give a YAML or JSON file`],
    [
      "a YAML syntax error",
      [`@${file("syntax.yaml", "a: 1\nb: [1, 2\nc: 3\n")}`],
      `-e @${join(dir, "syntax.yaml")}:3: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]`,
    ],
    [
      "an alias bomb",
      [`@${file("bomb.yaml", bomb.join("\n"))}`],
      `-e @${join(dir, "bomb.yaml")}:7: invalid YAML: aliases expand past 1000000 values here (the limit for one file)`,
    ],
    ["a file holding a list", [`@${file("list.yaml", "- a\n- b\n")}`], `-e @${join(dir, "list.yaml")}: expected a mapping of variable names to values, got a list`],
    ["an empty file", [`@${file("empty.yaml", "")}`], `-e @${join(dir, "empty.yaml")}: expected a mapping of variable names to values, got nothing`],
    ["malformed inline JSON", ['{"a":'], "-e {...}: not valid JSON (Unexpected end of JSON input)"],
    ["a word without '='", ["oops"], "-e expects key=value, @file.yaml or a JSON object, got 'oops'"],
  ])("%s", (_, values, message) => {
    const error = errorOf(values);
    expect(error).toBeInstanceOf(ExtraVarsError);
    expect(error.message).toBe(message);
  });
});
