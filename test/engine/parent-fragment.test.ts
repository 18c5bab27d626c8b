import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { parentFragment } from "../../engine/remote-stat";
import { sh } from "../../engine/shell";

/** What the fragment leaves in `d` for `path`, run by the local /bin/sh. */
const parentBy = (path: string) => {
  const r = spawnSync("/bin/sh", ["-c", sh`p=${path}\n${parentFragment("p", "d")}\nprintf '%s' "$d"`.text], { encoding: "utf8" });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
};
/** dirname(1)'s answer, with a trailing newline of the name kept. */
const dirnameOf = (path: string) => spawnSync("/bin/sh", ["-c", 'd=$(dirname -- "$1"; echo .); printf %s "${d%??}"', "sh", path], { encoding: "utf8" }).stdout;

describe("parentFragment: the folder of a path with shell builtins only", () => {
  const paths = ["/a/b", "/a/b/", "/a//b//", "/a", "/", "//", "a", "a/", "a/b", "./a", "../a/b", ".", "..", "/a/b c/d", "/x/new\nline/f", "/tmp/name\n", "/é/ü ✓/f", "/a/*/b", "/a/$(x)/b"];
  it.each(paths)("%j as dirname(1) has it", (path) => {
    expect(parentBy(path)).toBe(dirnameOf(path));
  });

  it("refuses variable names that would be code", () => {
    expect(() => parentFragment("p; rm -rf /", "d")).toThrow(/bad shell variable name/);
  });
});
