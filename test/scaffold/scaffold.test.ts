import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { scaffoldName } from "../../engine/scaffold/names";
import { scratchProject } from "./scratch";

describe("role and playbook names", () => {
  it("take kebab-case or snake_case and give a camelCase export and a snake_case variable prefix", () => {
    expect(scaffoldName("log-rotate")).toEqual({ name: "log-rotate", camel: "logRotate", snake: "log_rotate" });
    expect(scaffoldName("time_sync2")).toEqual({ name: "time_sync2", camel: "timeSync2", snake: "time_sync2" });
    expect(scaffoldName("nginx")).toEqual({ name: "nginx", camel: "nginx", snake: "nginx" });
  });

  it.each(["LogRotate", "log rotate", "log--rotate", "-log", "log-", "1st", "log-rotate_x", "lög", "a/b", ""])("refuse %j", (name) => {
    expect(() => scaffoldName(name)).toThrow(/kebab-case or snake_case/);
  });

  it.each(["class", "new", "file", "template", "role"])("refuse %j, which cannot be the exported name", (name) => {
    expect(() => scaffoldName(name)).toThrow(/reserved word or a name the generated code imports/);
  });
});

describe("tsplay new", () => {
  const scratch = scratchProject();
  afterAll(() => scratch.remove());

  it("creates a role folder and a playbook, each with its test, that type-check as created", () => {
    const role = scratch.newFiles("role", "log-rotate");
    expect(role.code, role.stderr).toBe(0);
    expect(role.stdout).toContain("created roles/log-rotate/index.ts\ncreated roles/log-rotate/templates/log-rotate.conf.mustache\ncreated roles/log-rotate/tests/playbook.ts\ncreated roles/log-rotate/tests/log-rotate.test.ts\n");
    const index = readFileSync(join(scratch.dir, "roles/log-rotate/index.ts"), "utf8");
    expect(index).toContain('import { role, roleParams } from "tsplay";');
    expect(index).toContain('import { command, file, template } from "tsplay/modules";');
    expect(index).toContain("export const logRotate = role({");
    expect(index).toMatch(/roleParams\(\{\n\s+log_rotate_dir: "\/etc\/log-rotate",\n\s+log_rotate_port: 8080,/);

    const book = scratch.newFiles("playbook", "deploy_site");
    expect(book.code, book.stderr).toBe(0);
    expect(book.stdout).toContain("created playbooks/deploy_site.ts\ncreated playbooks/tests/deploy_site.test.ts\n");

    const other = scratch.newFiles("role", "time-sync", "--dir", "team/roles");
    expect(other.code, other.stderr).toBe(0);
    expect(existsSync(join(scratch.dir, "team/roles/time-sync/index.ts"))).toBe(true);
    expect(readFileSync(join(scratch.dir, "team/roles/time-sync/tests/time-sync.test.ts"), "utf8")).toContain("npx vitest run team/roles/time-sync/tests");

    const tsc = scratch.typecheck([
      "roles/log-rotate/index.ts",
      "roles/log-rotate/tests/playbook.ts",
      "roles/log-rotate/tests/log-rotate.test.ts",
      "playbooks/deploy_site.ts",
      "playbooks/tests/deploy_site.test.ts",
      "team/roles/time-sync/index.ts",
    ]);
    expect(tsc.output).toBe("");
    expect(tsc.code).toBe(0);
  });

  it("refuses to overwrite: when any file exists, writes nothing and exits 1", () => {
    const path = join(scratch.dir, "roles/keep/templates/keep.conf.mustache");
    expect(scratch.newFiles("role", "keep").code).toBe(0);
    writeFileSync(path, "mine\n");
    const again = scratch.newFiles("role", "keep");
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/not overwriting roles\/keep\/index\.ts, roles\/keep\/templates\/keep\.conf\.mustache/);
    expect(readFileSync(path, "utf8")).toBe("mine\n");

    writeFileSync(join(scratch.dir, "playbooks-only.ts"), "");
    const partial = scratch.newFiles("playbook", "playbooks-only", "--dir", ".");
    expect(partial.code).toBe(1);
    expect(existsSync(join(scratch.dir, "tests/playbooks-only.test.ts"))).toBe(false);
  });

  it("refuses bad names and kinds with exit code 5", () => {
    expect(scratch.newFiles("role", "LogRotate")).toMatchObject({ code: 5, stderr: expect.stringMatching(/invalid name "LogRotate"/) });
    expect(scratch.newFiles("module", "x")).toMatchObject({ code: 5, stderr: expect.stringMatching(/'role' or 'playbook'/) });
    expect(scratch.newFiles("role").code).toBe(5);
    expect(existsSync(join(scratch.dir, "roles/LogRotate"))).toBe(false);
  });

  it("generates a test that, without test hosts, skips saying why, and fails in CI", () => {
    scratch.newFiles("role", "no-hosts");
    const test = "roles/no-hosts/tests/no-hosts.test.ts";
    const skipped = scratch.vitest({ TSPLAY_TEST_INVENTORY: "/nonexistent/inventory.ini", CI: undefined }, test);
    expect(skipped.code, skipped.output).toBe(0);
    expect(skipped.output).toContain("role no-hosts test skipped: no test inventory at /nonexistent/inventory.ini");
    expect(skipped.summary).toMatchObject({ numTotalTests: 1, numPendingTests: 1, numPassedTests: 0 });

    const ci = scratch.vitest({ TSPLAY_TEST_INVENTORY: "/nonexistent/inventory.ini", CI: "1" }, test);
    expect(ci.code).not.toBe(0);
    expect(ci.output).toContain("no test inventory at /nonexistent/inventory.ini");
  });
});
