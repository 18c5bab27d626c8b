import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { jsonLines, tsplay } from "./cli";
import { tempDir } from "../temp-dir";

const freshRoot = () => tempDir("tsplay-hello-");
const hello = (root: string, ...more: string[]) => tsplay(["playbooks/hello.ts", "-i", "localhost", "-e", `root=${root}`, "--output", "json", ...more]);
const changedTasks = (stdout: string) =>
  jsonLines(stdout)
    .filter((e) => e.type === "task" && e.status === "changed")
    .map((e) => e.task);

describe("playbooks/hello.ts against -i localhost", () => {
  it("changes on the first run, nothing on the second, and --check predicts exactly", async () => {
    const predictedRoot = freshRoot();
    const check = hello(predictedRoot, "--check");
    expect(check.code, check.stderr).toBe(0);
    expect(readdirSync(predictedRoot)).toEqual([]);

    const root = freshRoot();
    const first = hello(root);
    expect(first.code, first.stderr).toBe(0);
    expect(changedTasks(first.stdout)).toEqual(changedTasks(check.stdout));
    expect(changedTasks(first.stdout)).toEqual(["greeter folder", "greeting", "greeting settings", "marker", "record greeting change"]);
    expect(readFileSync(join(root, "greeter/greeting.txt"), "utf8")).toMatch(/^Hello, tsplay users!\nWritten by tsplay on localhost \(Debian\)\.\n$/);
    expect(statSync(join(root, "greeter/marker")).mode & 0o777).toBe(0o600);

    const second = hello(root);
    expect(second.code).toBe(0);
    const recap = jsonLines(second.stdout).at(-1)!;
    expect(recap).toMatchObject({ type: "recap", hosts: { localhost: { changed: 0, failed: 0 } } });
    expect(hello(root, "--check").stdout).not.toContain('"status":"changed"');
  });

  it("--tags runs the tagged tasks (and those tagged always) only", () => {
    const root = freshRoot();
    hello(root);
    const run = hello(root, "--tags", "settings", "-e", "audience=ops");
    expect(run.code, run.stderr).toBe(0);
    const ran = jsonLines(run.stdout).filter((e) => e.type === "task").map((e) => `${e.task}:${e.status}`);
    expect(ran).toEqual(["Gathering Facts:ok", "root is an absolute folder:ok", "greeting settings:changed"]);
    expect(readFileSync(join(root, "greeter/settings.conf"), "utf8")).toBe("audience=ops\n");
    expect(readFileSync(join(root, "greeter/greeting.txt"), "utf8")).toMatch(/tsplay users/);
  });

  it("prints plain Ansible-like lines and a PLAY RECAP when not on a terminal", () => {
    const root = freshRoot();
    const out = tsplay(["playbooks/hello.ts", "-i", "localhost", "-e", `root=${root}`]);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toMatch(/PLAY \[say hello\]/);
    expect(out.stdout).toMatch(/TASK \[greeter : greeting\]/);
    expect(out.stdout).toMatch(/changed: \[localhost\]/);
    expect(out.stdout).toMatch(/PLAY RECAP/);
    expect(out.stdout).toMatch(/localhost\s+: ok=\d+\s+changed=5\s+unreachable=0\s+failed=0\s+skipped=0\s+rescued=0\s+ignored=0/);
  });

  it("--diff shows a unified diff of a changed file", () => {
    const root = freshRoot();
    hello(root);
    const out = tsplay(["playbooks/hello.ts", "-i", "localhost", "-e", `root=${root}`, "-e", "audience=everyone", "--diff", "--check"]);
    expect(out.stdout).toMatch(/-Hello, tsplay users!/);
    expect(out.stdout).toMatch(/\+Hello, everyone!/);
  });

  it("--list-tasks, --list-tags and --list-hosts describe the run without running it", () => {
    const tasks = tsplay(["playbooks/hello.ts", "-i", "localhost", "--list-tasks", "--tags", "settings"]);
    expect(tasks.code).toBe(0);
    expect(tasks.stdout).toMatch(/greeting settings\tTAGS: \[greeter, settings\]/);
    expect(tasks.stdout).toMatch(/root is an absolute folder\tTAGS: \[always\]/);
    expect(tasks.stdout).not.toMatch(/marker/);
    expect(tsplay(["playbooks/hello.ts", "-i", "localhost", "--list-tags"]).stdout).toMatch(/TASK TAGS: \[always, greeter, marker, settings\]/);
    expect(tsplay(["playbooks/hello.ts", "-i", "a,b,", "--list-hosts"]).stdout).toMatch(/HOSTS \(2\):\n {4}a\n {4}b/);
  });

  it("--list-tasks and --list-tags read no inventory (they show none of it); --list-hosts does", () => {
    for (const listing of ["--list-tasks", "--list-tags"]) {
      const listed = tsplay(["playbooks/hello.ts", "-i", "no-such-inventory", listing]);
      expect(listed.stderr, listing).toBe("");
      expect(listed.code, listing).toBe(0);
      expect(listed.stdout, listing).toMatch(/greeter/);
    }
    const hosts = tsplay(["playbooks/hello.ts", "-i", "no-such-inventory", "--list-hosts"]);
    expect(hosts.code).toBe(1);
    expect(hosts.stderr).toMatch(/inventory source 'no-such-inventory' does not exist/);
  });
});
