/** `tsplay --version` and `tsplay --help`: answered without a playbook, from package.json's version. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO, tsplay } from "../cli/cli";

const { version } = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as { version: string };

describe("tsplay --version and --help", () => {
  it("--version and -V print package.json's version alone", () => {
    for (const flag of ["--version", "-V"]) expect(tsplay([flag])).toMatchObject({ code: 0, stdout: `${version}\n`, stderr: "" });
  });

  it("--help lists the options and the other commands, --version among them", () => {
    const help = tsplay(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: tsplay \[options\] <playbook>/);
    expect(help.stdout).toContain("-V, --version");
    expect(help.stdout).toContain("tsplay adhoc PATTERN");
  });
});
