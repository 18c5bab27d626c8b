/**
 * `--report FILE.html` from the real command line on -i localhost: written for a failed run,
 * a dry run, an interrupted one (once: after what was in flight; twice: at once), named by
 * `--output json`'s last line, and refused before the run when it cannot be written.
 */
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../temp-dir";
import { jsonLines, REPO, tsplay } from "./cli";

const SECRET = "s3cret-token-4711";
const fixture = (root: string, ...more: string[]) => ["test/report/playbooks/reported.ts", "-i", "localhost", "-e", `root=${root}`, "-e", "fail_on=localhost", "-e", `secret=${SECRET}`, ...more];

/** tsplay as a child process, and the JSON lines it has printed so far. */
function started(args: string[]) {
  const child = spawn(process.execPath, [join(REPO, "bin/tsplay.js"), ...args], { cwd: REPO });
  let stdout = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, exited, lines: () => jsonLines(stdout.split("\n").slice(0, -1).join("\n")) };
}

async function until(what: string, condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe("--report", () => {
  it("writes the report of a failed run: the failure, the changes with diffs, no secret; the JSON recap names it", () => {
    const dir = tempDir("tsplay-report-");
    const file = join(dir, "run.html");
    const run = tsplay([...fixture(dir), "--report", file, "--output", "json"]);
    expect(run.code, run.stderr).toBe(2);
    const recap = jsonLines(run.stdout).at(-1)!;
    expect(recap).toMatchObject({ type: "recap", report: file });
    // the report records diffs; the output shows them only with --diff
    expect(jsonLines(run.stdout).some((e) => e.diff)).toBe(false);
    const html = readFileSync(file, "utf8");
    expect(html).toContain('<span class="badge exit-2">a task failed</span>');
    expect(html).toMatch(/<span class="status">failed<\/span> break one host <span class="mono where">test\/report\/playbooks\/reported\.ts:\d+<\/span> <span class="hosts">on localhost<\/span>/);
    expect(html).toContain("the disk is on fire");
    expect(html).toContain('<span class="add">+port=8080</span>');
    expect(html).toContain("app token");
    expect(html).not.toContain(SECRET);
    expect(html).toContain("-e secret=…");
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it("labels a --check run a dry run, and leaves the plain output without diffs", () => {
    const dir = tempDir("tsplay-report-");
    const file = join(dir, "check.html");
    const run = tsplay([...fixture(dir), "--check", "--report", file]);
    // commands are not run under --check: the step that fails for real is a prediction here
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).not.toContain("+port=8080");
    const html = readFileSync(file, "utf8");
    expect(html).toContain('<span class="badge dry">dry run</span>');
    expect(html).toContain('<span class="status">would change</span> app config');
    expect(html).toContain('<span class="add">+port=8080</span>');
    expect(existsSync(join(dir, "localhost"))).toBe(false);
  });

  it("Ctrl-C once: the report holds what ran, after the task in flight; exit 130", async () => {
    const file = join(tempDir("tsplay-report-"), "interrupted.html");
    const run = started(["test/report/playbooks/slow.ts", "-i", "localhost", "--output", "json", "--report", file]);
    await until("the first task's result", () => run.lines().some((e) => e.task === "first"));
    expect(readFileSync(file, "utf8")).toContain("This page is replaced by the report when the run ends");
    run.child.kill("SIGINT");
    expect(await run.exited).toBe(130);
    const html = readFileSync(file, "utf8");
    expect(html).toContain("Interrupted (Ctrl-C): this report holds what ran until then.");
    expect(html).toContain("long wait");
    expect(html).not.toContain("never started when interrupted");
  });

  it("Ctrl-C twice: the process ends at once, and the report of what ran is still written", async () => {
    const file = join(tempDir("tsplay-report-"), "killed.html");
    const run = started(["test/report/playbooks/slow.ts", "-i", "localhost", "--output", "json", "--report", file]);
    await until("the first task's result", () => run.lines().some((e) => e.task === "first"));
    const at = Date.now();
    run.child.kill("SIGINT");
    await until("the interruption", () => run.lines().some((e) => e.type === "warning"));
    run.child.kill("SIGINT");
    expect(await run.exited).toBe(130);
    expect(Date.now() - at).toBeLessThan(1500);
    const html = readFileSync(file, "utf8");
    expect(html).toContain("Interrupted (Ctrl-C)");
    expect(html).toContain('[["first",');
  });

  it("a report that cannot be written is refused before anything runs (exit 5)", () => {
    const dir = tempDir("tsplay-report-");
    const run = tsplay([...fixture(dir), "--report", join(dir, "no/such/folder/r.html")]);
    expect(run.code).toBe(5);
    expect(run.stderr).toMatch(/^ERROR: --report .*no\/such\/folder\/r\.html: cannot write it: ENOENT\n$/);
    expect(run.stdout).toBe("");
    expect(existsSync(join(dir, "localhost"))).toBe(false);
  });

  it("a playbook error still leaves a report that says what went wrong (exit 1)", () => {
    const file = join(tempDir("tsplay-report-"), "error.html");
    const run = tsplay(["test/report/playbooks/missing.ts", "-i", "localhost", "--report", file]);
    expect(run.code).toBe(1);
    expect(readFileSync(file, "utf8")).toContain("ERROR: playbook not found: test/report/playbooks/missing.ts");
  });
});
