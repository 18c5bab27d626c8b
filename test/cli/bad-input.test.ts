import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO, tsplay } from "./cli";

// Bad playbooks live inside the repo so they resolve the engine like real ones do.
const scratch = mkdtempSync(join(REPO, "test/cli/.scratch-"));
const write = (name: string, text: string) => {
  const path = join(scratch, name);
  writeFileSync(path, text);
  return path;
};
const header = `import { play, playbook, task, handler } from "../../../engine";\nimport { copy, debug, file } from "../../../modules";\n`;

function expectCleanError(result: ReturnType<typeof tsplay>, code: number, message: RegExp) {
  expect(result.code, result.stdout + result.stderr).toBe(code);
  expect(result.stderr).toMatch(message);
  expect(result.stderr.trim().split("\n")).toHaveLength(1);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

describe("bad input: a one-line error, exit 1 or 5, nothing touched", () => {
  it("a missing playbook", () => {
    expectCleanError(tsplay(["nope.ts", "-i", "localhost"]), 1, /playbook not found: nope\.ts/);
  });

  it("a TypeScript syntax error names the file and line", () => {
    const file = write("syntax.ts", `${header}export default playbook([\n  play({ name: "x", hosts: "all" ),\n]);\n`);
    expectCleanError(tsplay([file, "-i", "localhost"]), 1, /syntax\.ts:4:\d+.*error TS/);
  });

  it("a type error names the file and line", () => {
    const file = write("types.ts", `${header}export default playbook([\n  play({ name: "x", hosts: "all", tasks: [task("t", file({ path: 42 }))] }),\n]);\n`);
    expectCleanError(tsplay([file, "-i", "localhost"]), 1, /types\.ts:4:\d+: error TS2322/);
  });

  it("a type error stops the run whether the check started ahead (playbook first) or with the options", () => {
    const file = write("types-order.ts", `${header}export default playbook([\n  play({ name: "x", hosts: "all", tasks: [task("t", file({ path: 42 }))] }),\n]);\n`);
    expectCleanError(tsplay([file, "-i", "localhost", "--list-tasks"]), 1, /types-order\.ts:4:\d+: error TS2322/);
    expectCleanError(tsplay(["-i", "localhost", "--list-tasks", file]), 1, /types-order\.ts:4:\d+: error TS2322/);
    // a bad option ends the command: the check started ahead is abandoned, its result not reported
    expectCleanError(tsplay([file, "-i", "localhost", "--no-such-option"]), 5, /unknown option '--no-such-option'/);
  });

  it("an unknown module option names the option (also with --no-typecheck)", () => {
    const file = write("option.ts", `${header}export default playbook([\n  play({ name: "x", hosts: "all", tasks: [task("t", file({ path: "/tmp/x", sate: "directory" } as any))] }),\n]);\n`);
    expectCleanError(tsplay([file, "-i", "localhost", "--no-typecheck"]), 1, /option\.ts:4: file: unknown option 'sate'/);
  });

  it("a handler that is not in the play", () => {
    const file = write(
      "handler.ts",
      `${header}const h = handler("restart", debug({ msg: "x" }));\nexport default playbook([\n  play({ name: "x", hosts: "all", tasks: [task("t", debug({ msg: "x" }), { notify: [h] })] }),\n]);\n`,
    );
    expectCleanError(tsplay([file, "-i", "localhost"]), 1, /handler\.ts:5: task 't' notifies handler 'restart', which is not in the handlers of play 'x'/);
  });

  it("an INI line that does not parse", () => {
    const inventory = write("hosts.ini", "[web]\nh1 ansible_host=\n[web:vars\n");
    expectCleanError(tsplay(["playbooks/hello.ts", "-i", inventory]), 1, /hosts\.ini:3/);
  });

  it("an unknown group in --limit", () => {
    expectCleanError(tsplay(["playbooks/hello.ts", "-i", "localhost", "--limit", "etcd"]), 1, /unknown host or group 'etcd'/);
  });

  it("an undefined template variable fails the task, naming task, host and variable", () => {
    const file = write("undefined.ts", `${header}export default playbook([\n  play({ name: "x", hosts: "all", gatherFacts: false, tasks: [task("uses missing", debug({ msg: "{{nope}}" }))] }),\n]);\n`);
    const run = tsplay([file, "-i", "localhost"]);
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(/fatal: \[localhost\]: FAILED! undefined variable 'nope' \(task at .*undefined\.ts:4\)/);
    expect(run.stdout).toMatch(/TASK \[uses missing\]/);
  });

  it("bad options exit 5", () => {
    expect(tsplay(["playbooks/hello.ts", "--forks", "zero"]).code).toBe(5);
    expect(tsplay(["playbooks/hello.ts", "--output", "xml"]).code).toBe(5);
    expect(tsplay(["playbooks/hello.ts", "--no-such-option"]).code).toBe(5);
  });

  it("a --forks that is not a whole number of at least 1 exits 5 saying so", () => {
    for (const forks of ["0", "-1", "abc", "1.5"]) {
      expectCleanError(tsplay(["playbooks/hello.ts", "-i", "localhost", `--forks=${forks}`]), 5, new RegExp(`'-f, --forks <n>' argument '${forks.replace(".", "\\.")}' is invalid\\. It must be a whole number of at least 1`));
    }
    expectCleanError(tsplay(["playbooks/hello.ts", "-i", "localhost", "-f", "abc"]), 5, /argument 'abc' is invalid/);
  });

  it("a --limit that matches nothing says it came from --limit", () => {
    expectCleanError(tsplay(["playbooks/hello.ts", "-i", "localhost", "--limit", "etcd"]), 1, /^ERROR: --limit: unknown host or group 'etcd'/);
    expectCleanError(tsplay(["playbooks/hello.ts", "-i", "h1,h2,", "--limit", "h1:&h2", "--list-hosts"]), 1, /^ERROR: --limit 'h1:&h2' matches no host of the inventory$/m);
  });

  it("a folder named like a playbook is not a file", () => {
    const folder = join(scratch, "folder.ts");
    mkdirSync(folder);
    expectCleanError(tsplay([folder, "-i", "localhost"]), 1, /folder\.ts is not a file/);
  });

  it("a syntax error keeps its reason without the type check too", () => {
    const file = write("syntax-raw.ts", `${header}export default playbook([\n  play({ name: "x", hosts: "all" ),\n]);\n`);
    expectCleanError(tsplay([file, "-i", "localhost", "--no-typecheck"]), 1, /syntax-raw\.ts:4:\d+: syntax error: Expected "}" but found "\)"/);
  });

  it("a misspelt task option or a loop that is not a list fails when the playbook loads (untyped callers)", () => {
    const misspelt = write("whne.ts", `${header}export default playbook([\n  play({ name: "x", hosts: "all", tasks: [task("t", debug({ msg: "x" }), { whne: () => true } as any)] }),\n]);\n`);
    expectCleanError(tsplay([misspelt, "-i", "localhost", "--no-typecheck"]), 1, /whne\.ts:4: task 't': unknown option 'whne' \(options: when, loop/);
    const loop = write("loop.ts", `${header}export default playbook([\n  play({ name: "x", hosts: "all", tasks: [task("t", debug({ msg: "x" }), { loop: "abc" } as any)] }),\n]);\n`);
    expectCleanError(tsplay([loop, "-i", "localhost", "--no-typecheck"]), 1, /loop\.ts:4: task 't': option 'loop' must be a list or function, got "abc"/);
  });

  it("output closed early (| head) ends quietly, and the run still goes to its end", () => {
    const root = mkdtempSync(join(tmpdir(), "tsplay-epipe-"));
    const r = spawnSync("bash", ["-c", `"$0" bin/tsplay.js playbooks/hello.ts -i localhost -e root="$1" | head -c 1 >/dev/null; echo "rc=\${PIPESTATUS[0]}"`, process.execPath, root], { cwd: REPO, encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("rc=0\n");
    expect(existsSync(join(root, "greeter/marker"))).toBe(true);
    rmSync(root, { recursive: true, force: true });
  });
});
