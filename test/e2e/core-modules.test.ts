import { describe, expect, it } from "vitest";
import { jsonLines, tsplay } from "../cli/cli";
import { HOSTS, TESTBED_INVENTORY, TESTBED_KNOWN_HOSTS, onHost, testbedUp } from "./testbed";

const PLAYBOOK = "test/e2e/playbooks/core-modules.ts";
const changed = (stdout: string) =>
  jsonLines(stdout)
    .filter((e) => e.type === "task" && e.status === "changed")
    .map((e) => `${e.host}:${e.task}`)
    .sort();

describe.skipIf(!testbedUp)("core modules over SSH on three test hosts", () => {
  it("first run changes, second changes nothing, --check predicts exactly and touches nothing", () => {
    const root = `/tmp/tsplay-e2e-${process.pid}-${Date.now()}`;
    const args = [PLAYBOOK, "-i", TESTBED_INVENTORY, "--known-hosts", TESTBED_KNOWN_HOSTS, "-e", `root=${root}`, "--output", "json"];

    const marker = `/tmp/tsplay-e2e-started-${process.pid}`;
    for (const host of HOSTS) onHost(host, `touch ${marker}`);
    const check = tsplay([...args, "--check"]);
    expect(check.code, check.stderr + check.stdout).toBe(0);
    for (const host of HOSTS) expect(onHost(host, `test -e ${root}`).code).toBe(1);

    const first = tsplay(args);
    expect(first.code, first.stderr + first.stdout).toBe(0);
    expect(changed(first.stdout)).toEqual(changed(check.stdout));
    expect(changed(first.stdout).filter((c) => c.startsWith("h1:"))).toEqual(
      ["command creates", "copy", "lineinfile", "link", "nasty folder", "note the change", "root folder", "secret", "shell creates", "template"].map((t) => `h1:${t}`),
    );
    expect(first.stdout).not.toContain("not really");

    const second = tsplay(args);
    expect(second.code).toBe(0);
    expect(changed(second.stdout)).toEqual([]);
    expect(changed(tsplay([...args, "--check"]).stdout)).toEqual([]);

    for (const host of HOSTS) {
      const dir = `${root}/we ird \\$(touch pwned); 'q' \\"dq\\" ü`;
      const look = onHost(host, `cd "${dir}" && stat -c '%a %n' * && cat host.conf settings.conf && ls -a ${root} && find / -xdev -name pwned -newer ${marker} 2>/dev/null | wc -l`);
      expect(look.code, look.stderr).toBe(0);
      expect(look.stdout).toContain("600 secret-key.pem");
      expect(look.stdout).toContain("640 copied $(id)");
      expect(look.stdout).toContain(`name=${host}\nport=1\nport=2379\n`);
      expect(look.stdout).toMatch(/handler-ran/);
      expect(look.stdout.trim().endsWith("\n0")).toBe(true);
      onHost(host, `rm -rf ${root} ${marker}`);
    }
  });
});
