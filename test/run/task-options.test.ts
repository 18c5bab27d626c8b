import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { play, playbook, task, type TaskItem } from "../../engine";
import { command, debug, setFact, shell } from "../../modules";
import { run } from "./harness";
import { tempDir } from "../temp-dir";

const onH1 = (tasks: TaskItem[]) => playbook([play({ name: "p", hosts: "h1", gatherFacts: false, tasks })]);

describe("task options", () => {
  it("when skips a host; loop runs once per item with `item`", async () => {
    const dir = tempDir("tsplay-loop-");
    const pb = playbook([
      play({
        name: "p",
        hosts: "all",
        gatherFacts: false,
        tasks: [
          task("only web", debug({ msg: "x" }), { when: (h) => (h.vars.group_names as string[]).includes("web") }),
          task("items", command({ argv: ["touch", `${dir}/{{inventory_hostname}}-{{item}}`] }), { loop: ["a", "b"], when: (h) => h.host === "h1" }),
          task("named loop var", debug({ msg: "{{pkg}}" }), { loop: ["x"], loopVar: "pkg", when: (h) => h.host === "h1" }),
        ],
      }),
    ]);
    const r = await run(pb);
    expect(r.statusOf("only web", "h3")).toBe("skipped");
    expect(r.statusOf("only web", "h1")).toBe("ok");
    expect(existsSync(`${dir}/h1-a`) && existsSync(`${dir}/h1-b`)).toBe(true);
    expect(r.results.find((e) => e.task === "items" && e.host === "h1")?.result).toMatchObject({ changed: true, results: [{ item: "a" }, { item: "b" }] });
    expect(r.results.find((e) => e.task === "named loop var" && e.host === "h1")?.result).toMatchObject({ results: [{ value: "x" }] });
  });

  it("register gives later tasks the typed result, and the named variable to templates", async () => {
    const who = task("who", command({ cmd: "echo tsplay" }), { register: "who_out", changedWhen: () => false });
    const r = await run(
      onH1([
        who,
        task("typed", debug({ msg: (h) => `${h.result(who)?.stdout.toUpperCase()}` })),
        task("template", debug({ msg: "{{who_out.stdout}}/{{who_out.rc}}" })),
        task("when on result", debug({ msg: "ran" }), { when: (h) => h.result(who)?.rc === 0 }),
      ]),
    );
    expect(r.results.map((e) => e.msg)).toEqual(["run: echo tsplay", "TSPLAY", "tsplay/0", "ran"]);
    expect(r.statusOf("who", "h1")).toBe("ok");
  });

  it("failedWhen and ignoreErrors decide what counts as a failure", async () => {
    const r = await run(
      onH1([
        task("grep finds nothing", command({ cmd: "grep -q nothing-here /etc/hostname" }), { failedWhen: (res) => res.rc > 1 }),
        task("ignored", command({ cmd: "false" }), { ignoreErrors: true }),
        task("still runs", debug({ msg: "x" })),
      ]),
    );
    expect(r.statusOf("grep finds nothing", "h1")).toBe("changed");
    expect(r.results.find((e) => e.task === "ignored")).toMatchObject({ status: "failed", ignored: true });
    expect(r.statusOf("still runs", "h1")).toBe("ok");
    expect(r.stats.h1).toMatchObject({ ignored: 1, failed: 0 });
    expect(r.exitCode).toBe(0);
  });

  it("retries until the condition holds, with attempts in the result", async () => {
    const dir = tempDir("tsplay-retry-");
    const counter = join(dir, "n");
    const r = await run(
      onH1([
        task("count to 3", shell({ cmd: `echo x >> ${counter}; wc -l < ${counter}` }), {
          until: (res) => Number(res.stdout) >= 3,
          retries: 5,
          delay: 0,
        }),
      ]),
    );
    expect(r.results[0]!.result).toMatchObject({ attempts: 3, stdout: "3" });
    const exhausted = await run(onH1([task("never", command({ cmd: "true" }), { until: () => false, retries: 2, delay: 0 })]));
    expect(exhausted.results[0]).toMatchObject({ status: "failed" });
    expect(exhausted.results[0]!.result).toMatchObject({ attempts: 3 });
  });

  it("runOnce runs on the first host and shares the result", async () => {
    const once = task("once", command({ cmd: "echo {{inventory_hostname}}" }), { runOnce: true, register: "first" });
    const pb = playbook([play({ name: "p", hosts: "all", gatherFacts: false, tasks: [once, task("see", debug({ msg: "{{first.stdout}}" }))] })]);
    const r = await run(pb);
    expect(r.results.filter((e) => e.task === "once").map((e) => e.host)).toEqual(["h1"]);
    expect(r.results.filter((e) => e.task === "see").map((e) => e.msg)).toEqual(["h1", "h1", "h1"]);
  });

  it("delegateTo runs on another host with this host's variables", async () => {
    const inventory = "[web]\nh1 ansible_connection=local\nctl ansible_connection=local marker=on-ctl\n";
    const pb = playbook([play({ name: "p", hosts: "h1", gatherFacts: false, tasks: [task("delegated", command({ cmd: "echo {{inventory_hostname}}" }), { delegateTo: "ctl" })] })]);
    const r = await run(pb, inventory);
    expect(r.results[0]).toMatchObject({ host: "h1", status: "changed", delegatedTo: "ctl" });
    expect(r.results[0]!.result).toMatchObject({ stdout: "h1" });
  });

  it("noLog hides messages and results", async () => {
    const r = await run(onH1([task("secret", command({ cmd: "echo hunter2" }), { noLog: true }), task("secret fail", command({ cmd: "echo hunter2; false" }), { noLog: true, ignoreErrors: true })]));
    expect(JSON.stringify(r.results)).not.toContain("hunter2");
  });

  it("checkMode false runs a task for real under --check; true keeps it a dry run", async () => {
    const dir = tempDir("tsplay-check-");
    const r = await run(
      onH1([
        task("real", command({ argv: ["touch", `${dir}/real`] }), { checkMode: false }),
        task("dry", command({ argv: ["touch", `${dir}/dry`] })),
      ]),
      undefined,
      { check: true },
    );
    expect(existsSync(`${dir}/real`)).toBe(true);
    expect(existsSync(`${dir}/dry`)).toBe(false);
    expect(r.statusOf("dry", "h1")).toBe("changed");
    const forced = tempDir("tsplay-check-");
    await run(onH1([task("forced dry", command({ argv: ["touch", `${forced}/x`] }), { checkMode: true })]));
    expect(existsSync(`${forced}/x`)).toBe(false);
  });

  it("--start-at-task skips everything before the named task", async () => {
    const r = await run(onH1([task("a", debug({ msg: "a" })), task("b", debug({ msg: "b" })), task("c", debug({ msg: "c" }))]), undefined, { startAtTask: "b" });
    expect(r.results.map((e) => e.task)).toEqual(["b", "c"]);
    await expect(run(onH1([task("a", debug({ msg: "a" }))]), undefined, { startAtTask: "zz" })).rejects.toThrow(/no task is named 'zz'/);
  });

  it("setFact values are visible to later tasks and plays, and template strings render", async () => {
    const pb = playbook([
      play({ name: "a", hosts: "h1", gatherFacts: false, tasks: [task("port", setFact({ port: 2379 })), task("url", setFact({ url: "https://{{inventory_hostname}}:{{port}}" }))] }),
      play({ name: "b", hosts: "h1", gatherFacts: false, tasks: [task("read", debug({ msg: "{{url}}" }))] }),
    ]);
    expect((await run(pb)).results.find((e) => e.task === "read")?.msg).toBe("https://h1:2379");
  });

  it("argument functions receive the host context", async () => {
    const r = await run(playbook([play({ name: "p", hosts: "all", gatherFacts: false, tasks: [task("fn", debug({ msg: (h) => `${h.host}!` }))] })]));
    expect(r.results.map((e) => e.msg).sort()).toEqual(["h1!", "h2!", "h3!"]);
  });
});
