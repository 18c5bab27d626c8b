import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { play, playbook, task } from "../../engine";
import { ModuleFailure } from "../../engine/module";
import { splitWords } from "../../engine/split-words";
import { assert, command, debug, shell, waitFor } from "../../modules";
import { run as runPlaybook } from "../run/harness";
import { HOSTILE_NAMES, makeContext, run } from "./context";
import { tempDir } from "../temp-dir";

const dir = () => tempDir("tsplay-cmd-");

describe("command", () => {
  it("runs a program without a shell: metacharacters are plain arguments", async () => {
    const d = dir();
    const { result } = await run(command({ argv: ["echo", `$(touch ${d}/pwned)`, "; rm -rf /", "|", "`id`"] }));
    expect(result).toMatchObject({ rc: 0, changed: true, stdout: `$(touch ${d}/pwned) ; rm -rf / | \`id\`` });
    expect(existsSync(`${d}/pwned`)).toBe(false);
  });

  it("splits cmd like a shell would quote, without expanding", async () => {
    expect(splitWords(`echo 'a b' "c \\"d\\"" e\\ f $HOME`)).toEqual(["echo", "a b", 'c "d"', "e f", "$HOME"]);
    expect(() => splitWords("echo 'open")).toThrow(/unterminated/);
    const { result } = await run(command({ cmd: "printf '%s|' 'a b' c" }));
    expect(result.stdout).toBe("a b|c|");
  });

  it("creates and removes make it idempotent; check mode runs nothing", async () => {
    const d = dir();
    const make = command({ argv: ["touch", `${d}/made`], creates: `${d}/made` });
    const checked = await run(make, { check: true });
    expect(checked.plan.changed).toBe(true);
    expect(existsSync(`${d}/made`)).toBe(false);
    expect((await run(make)).result.changed).toBe(true);
    expect((await run(make)).plan).toMatchObject({ changed: false, summary: `skipped, since ${d}/made exists` });
    const remove = command({ argv: ["rm", `${d}/made`], removes: `${d}/made` });
    expect((await run(remove)).result.changed).toBe(true);
    expect((await run(remove)).result.changed).toBe(false);
  });

  it("reports rc, stdout, stderr and failure; chdir, stdin and env reach the program", async () => {
    const d = dir();
    const failed = await run(command({ argv: ["sh", "-c", "echo out; echo err >&2; exit 3"] }));
    expect(failed.result).toMatchObject({ rc: 3, stdout: "out", stderr: "err", failed: true, msg: "non-zero return code 3: err" });
    const { result } = await run(command({ argv: ["sh", "-c", 'pwd; cat; echo "$GREETING"'], chdir: d, stdin: "from stdin\n", env: { GREETING: "it's $(me)" } }));
    expect(result.stdout_lines).toEqual([d, "from stdin", "it's $(me)"]);
  });

  it("fails the task, in one line, when cmd from a variable leaves a quote open", async () => {
    // the module alone, given the rendered value
    const call = command({ cmd: "echo 'open" });
    const error = await call.module.plan(makeContext(), call.args).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModuleFailure);
    expect((error as Error).message).toMatch(/unterminated ' quote/);

    // through the runner, rendered from a variable: a task failure, not an internal error
    const r = await runPlaybook(
      playbook([play({ name: "p", hosts: "h1", gatherFacts: false, tasks: [task("split", command({ cmd: "{{line}}" }), { vars: { line: `printf "%s\n" 'two\nlines` } })] })]),
    );
    const result = r.results.find((e) => e.task === "split");
    expect(result?.status).toBe("failed");
    expect(result?.msg).toMatch(/^cmd cannot be split into words: unterminated ' quote in /);
    expect(result?.msg).not.toMatch(/internal error|\n/);
  });

  it("takes exactly one of cmd and argv", () => {
    expect(() => command({ cmd: "true", argv: ["true"] })).toThrow(/exactly one of 'cmd' and 'argv'/);
    expect(() => command({})).toThrow(/exactly one/);
  });

  it("passes hostile file names through creates safely", async () => {
    for (const name of HOSTILE_NAMES) {
      const d = dir();
      const path = join(d, name);
      writeFileSync(path, "");
      expect((await run(command({ argv: ["false"], creates: path }))).result.changed).toBe(false);
    }
  });
});

describe("shell", () => {
  it("runs shell syntax, with a chosen executable", async () => {
    expect((await run(shell({ cmd: "echo a | tr a b" }))).result.stdout).toBe("b");
    expect((await run(shell({ cmd: "echo ${BASH_VERSION:+bash}", executable: "/bin/bash" }))).result.stdout).toBe("bash");
  });

  it("hands values over through env instead of templating them into code", async () => {
    const d = dir();
    await run(shell({ cmd: 'echo hi > "$TARGET"', chdir: d, env: { TARGET: "a $(touch pwned) b" } }));
    expect(readFileSync(`${d}/a $(touch pwned) b`, "utf8")).toBe("hi\n");
    expect(existsSync(`${d}/pwned`)).toBe(false);
  });
});

describe("debug and assert", () => {
  it("debug shows a message or a variable and changes nothing", async () => {
    expect((await run(debug({ msg: "hello" }))).plan).toMatchObject({ changed: false, summary: "hello" });
    expect((await run(debug({ var: "port" }), { vars: { port: 2379 } })).plan.summary).toBe("port = 2379");
    await expect(run(debug({ var: "nope" }))).rejects.toThrow(/'nope' is not defined/);
  });

  it("assert passes or fails with its message", async () => {
    expect((await run(assert({ that: [true, true] }))).plan.changed).toBe(false);
    await expect(run(assert({ that: [true, false], failMsg: "second is false" }))).rejects.toThrow("second is false");
    await expect(run(assert({ that: false }))).rejects.toThrow("assertion 1 of 1 failed");
  });

});

describe("waitFor", () => {
  it("waits for a path, fails after the timeout, and only reports under --check", async () => {
    const d = dir();
    setTimeout(() => writeFileSync(`${d}/ready`, ""), 700);
    const waited = await run(waitFor({ path: `${d}/ready`, timeout: 10 }));
    expect(waited.plan.changed).toBe(false);
    await expect(run(waitFor({ path: `${d}/never`, timeout: 1 }))).rejects.toThrow(/timed out after 1s waiting for path/);
    const predicted = (await run(waitFor({ path: `${d}/never`, timeout: 1 }), { check: true })).plan;
    expect([predicted.changed, predicted.summary]).toEqual([false, `wait up to 1s for path ${d}/never up`]);
    expect(predicted.uncertain).toMatch(/only a real run waits/);
    expect(waited.result.msg).toMatch(/^path .*\/ready up after \d+s$/);
    expect((await run(waitFor({ path: `${d}/ready`, state: "absent", timeout: 1 })).catch((e) => e)) instanceof Error).toBe(true);
  });

  it("gives the host to bash as an argument, never as script text", async () => {
    const d = dir();
    const marker = `${d}/MARKER`;
    const hosts = [
      `127.0.0.1/1; touch ${marker}; #`,
      `$(touch ${marker})`,
      `127.0.0.1" $(touch ${marker}) "`,
      `127.0.0.1'; touch ${marker}; '`,
      `\`touch ${marker}\``,
    ];
    for (const host of hosts) {
      await expect(run(waitFor({ host, port: 1, timeout: 1 }))).rejects.toThrow(/timed out after 1s waiting for port/);
      expect(existsSync(marker), host).toBe(false);
    }
  });

  it("waits for a TCP port to accept connections", async () => {
    const { createServer } = await import("node:net");
    const server = createServer().listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    const port = (server.address() as { port: number }).port;
    expect((await run(waitFor({ port, timeout: 5 }))).plan.changed).toBe(false);
    server.close();
    await new Promise((r) => server.once("close", r));
    expect((await run(waitFor({ port, state: "stopped", timeout: 5 }))).plan.changed).toBe(false);
  });
});
