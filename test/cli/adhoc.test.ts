/**
 * `tsplay adhoc` from the real command line on -i localhost: Ansible's ad-hoc lines, the
 * default `command` module, check mode, debug of a variable, JSON output and the report,
 * and argument mistakes refused (exit 5, with the module's options) before any host is contacted.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../temp-dir";
import { jsonLines, tsplay } from "./cli";

const adhoc = (...args: string[]) => tsplay(["adhoc", ...args]);

describe("tsplay adhoc", () => {
  it("runs `command` by default and prints its output as Ansible does", () => {
    const run = adhoc("all", "-a", "echo hello  there");
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe("localhost | CHANGED | rc=0 >>\nhello there\n");
  });

  it("shell: pipes and quotes reach the shell as written; a failure is exit 2", () => {
    const ok = adhoc("localhost", "-m", "shell", "-a", `printf '%s\\n' "a  b" | tr a A`);
    expect(ok.stdout).toBe("localhost | CHANGED | rc=0 >>\nA  b\n");
    const failed = adhoc("localhost", "-m", "shell", "-a", "echo oops >&2; exit 3");
    expect(failed.code).toBe(2);
    expect(failed.stdout).toBe("localhost | FAILED | rc=3 >>\noops\nnon-zero return code 3: oops\n");
  });

  it("file: removes a path; under --check it only says it would", () => {
    const dir = tempDir("tsplay-adhoc-");
    const path = join(dir, "x");
    writeFileSync(path, "x");
    const check = adhoc("all", "-m", "file", "-a", `path=${path} state=absent`, "--check");
    expect(check.code, check.stderr).toBe(0);
    expect(check.stdout).toMatch(/^localhost \| CHANGED => \{\n {4}"changed": true,/);
    expect(existsSync(path)).toBe(true);
    const run = adhoc("all", "-m", "ansible.builtin.file", "-a", `path=${path} state=absent`);
    expect(run.code, run.stderr).toBe(0);
    expect(existsSync(path)).toBe(false);
    expect(adhoc("all", "-m", "file", "-a", `path=${path} state=absent`).stdout).toMatch(/^localhost \| SUCCESS => \{\n {4}"changed": false,/);
  });

  it("debug -a var=NAME prints the variable's value under its name, from the inventory or -e", () => {
    const dir = tempDir("tsplay-adhoc-");
    const inventory = join(dir, "hosts.ini");
    writeFileSync(inventory, "[etcd]\nlocalhost etcd_name=infra1 ansible_connection=local\n");
    const fromInventory = adhoc("etcd", "-i", inventory, "-m", "debug", "-a", "var=etcd_name");
    expect(fromInventory.code, fromInventory.stderr).toBe(0);
    expect(fromInventory.stdout).toBe('localhost | SUCCESS => {\n    "etcd_name": "infra1"\n}\n');
    expect(adhoc("all", "-m", "debug", "-a", "var=answer", "-e", '{"answer": [42]}').stdout).toBe('localhost | SUCCESS => {\n    "answer": [\n        42\n    ]\n}\n');
    expect(adhoc("all", "-m", "debug", "-a", 'msg="hi there"').stdout).toBe('localhost | SUCCESS => {\n    "msg": "hi there"\n}\n');
  });

  it("--list-hosts and --limit select as a playbook's hosts do", () => {
    const list = adhoc("all", "-i", "a,b,c,", "--limit", "all:!b", "--list-hosts");
    expect(list.code).toBe(0);
    expect(list.stdout).toBe("  hosts (2):\n    a\n    c\n");
  });

  it("--output json and --report are the playbook's", () => {
    const file = join(tempDir("tsplay-adhoc-"), "adhoc.html");
    const run = adhoc("all", "-a", "uname -s", "--output", "json", "--report", file);
    expect(run.code, run.stderr).toBe(0);
    const lines = jsonLines(run.stdout);
    expect(lines.find((e) => e.type === "task")).toMatchObject({ task: "command", host: "localhost", status: "changed", result: { stdout: "Linux", rc: 0 } });
    expect(lines.at(-1)).toMatchObject({ type: "recap", report: file });
    const html = readFileSync(file, "utf8");
    expect(html).toContain("<h1>adhoc all -m command -a uname -s <span class=\"badge exit-0\">ok</span>");
  });

  it("an unreachable host is exit 4, said as Ansible says it", () => {
    const run = adhoc("all", "-i", "nohost.invalid,", "-a", "true");
    expect(run.code).toBe(4);
    expect(run.stdout).toMatch(/^nohost\.invalid \| UNREACHABLE! => \{\n {4}"changed": false,\n {4}"msg": "nohost\.invalid: cannot connect/);
  });

  it("argument mistakes are exit 5 with the module's options, before any host is contacted", () => {
    // the host does not exist: reaching for it would be exit 4
    const base = ["all", "-i", "nohost.invalid,"];
    const cases: [string[], RegExp][] = [
      [["-m", "file", "-a", "path=/tmp/x sate=absent"], /^ERROR: file: unknown option 'sate'; file takes: path \(string, required\), state \(directory\|file\|absent\|link\|touch\), mode/],
      [["-m", "wait_for", "-a", "port=http"], /^ERROR: waitFor: option 'port' must be a number, got "http"; waitFor takes: port \(number\)/],
      [["-m", "systemd", "-a", "name=etcd state=bounced"], /^ERROR: systemd: option 'state' must be one of started, stopped, restarted, reloaded, got "bounced"; systemd takes/],
      [["-m", "debug", "-a", "msg=a var=b"], /^ERROR: debug: give 'msg' or 'var', not both; debug takes: msg \(any\), var \(string\)/],
      [["-m", "nosuch"], /^ERROR: -m nosuch: no such module \(modules: command, shell, file, copy/],
    ];
    for (const [args, message] of cases) {
      const run = adhoc(...base, ...args);
      expect(run.code, args.join(" ")).toBe(5);
      expect(run.stderr).toMatch(message);
      expect(run.stderr.trim().split("\n")).toHaveLength(1);
      expect(run.stdout).toBe("");
    }
  });
});
