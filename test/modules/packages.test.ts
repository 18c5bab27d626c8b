import { describe, expect, it } from "vitest";
import { describeChanges, packageChanges, packageList, tail } from "../../engine/package-plan";
import { apt, pkg, yum } from "../../modules";
import { parseAptPolicy, parseDpkgQuery } from "../../modules/apt";
import { parseCheckUpdate, parseRpmQuery } from "../../modules/yum";
import { makeContext } from "./context";

describe("package state", () => {
  it("reads rpm -q per package: absent, installed, installed twice", () => {
    const out = "mgr=dnf\n@@\nv=1.0-1.noarch\n@@\npackage nothere is not installed\n@@\nv=5.14-1.x86_64\nv=5.15-1.x86_64\n";
    expect(parseRpmQuery(["demo", "nothere", "kernel"], out)).toEqual({ demo: "1.0-1.noarch", nothere: null, kernel: "5.14-1.x86_64, 5.15-1.x86_64" });
  });

  it("reads check-update, including yum's wrapped long names and an obsoletes section", () => {
    const out = "\ntsplay-tool.noarch   1.1-1   tsplay-test\na-very-long-package-name.x86_64\n                      2.0-1   base\nObsoleting Packages\nnew.noarch 1-1 base\n    old.noarch 1-1 @base\n";
    expect([...parseCheckUpdate(out)]).toEqual(["tsplay-tool", "a-very-long-package-name"]);
  });

  it("reads dpkg-query: only 'installed' counts, config files too when purging", () => {
    const out = "hello\tinstall ok installed\t2.10-3\ntree\tdeinstall ok config-files\t2.1.0-1\n";
    expect(parseDpkgQuery(out)).toEqual({ hello: "2.10-3" });
    expect(parseDpkgQuery(out, true)).toEqual({ hello: "2.10-3", tree: "2.1.0-1" });
  });

  it("reads apt-cache policy: a newer candidate means upgradable", () => {
    const out = "tsplay-tool:\n  Installed: 1.0\n  Candidate: 1.1\n  Version table:\n     1.1 500\nhello:\n  Installed: 2.10-3\n  Candidate: 2.10-3\nnew:\n  Installed: (none)\n  Candidate: 1\n";
    expect([...parseAptPolicy(out)]).toEqual(["tsplay-tool"]);
  });

  it("turns installed versions into installs, upgrades and removals", () => {
    const installed = { a: "1", b: null, c: "2" };
    expect(packageChanges(["a", "b", "c"], "present", installed)).toEqual({ install: ["b"], upgrade: [], remove: [] });
    expect(packageChanges(["a", "b", "c"], "latest", installed, new Set(["c"]))).toEqual({ install: ["b"], upgrade: ["c"], remove: [] });
    const removal = packageChanges(["a", "b"], "absent", installed);
    expect(removal).toEqual({ install: [], upgrade: [], remove: ["a"] });
    expect(describeChanges(removal)).toBe("remove a");
  });

  it("refuses names that a package manager would read as options", () => {
    expect(() => packageList(["ok", "--nodeps"])).toThrow(/not a package name/);
    expect(() => packageList("two words")).toThrow(/not a package name/);
    expect(packageList(" tree ")).toEqual(["tree"]);
  });

  it("keeps the last state of progress lines redrawn with carriage returns", () => {
    expect(tail("a\r\n(Reading 5%\r(Reading 100%\r\nb\n", 2)).toBe("(Reading 100%\nb");
  });

  it("checks arguments when the playbook loads; package needs gathered facts", async () => {
    expect(() => yum({ name: ["a", 1 as unknown as string] })).toThrow(/string or a list of strings/);
    expect(() => apt({})).toThrow(/give 'name', or 'updateCache: true'/);
    const call = pkg({ name: "tree" });
    await expect(call.module.plan(makeContext(), call.args)).rejects.toThrow(/gathered facts/);
  });
});
