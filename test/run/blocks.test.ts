import { describe, expect, it } from "vitest";
import { block, play, playbook, task } from "../../engine";
import { command, debug } from "../../modules";
import { run } from "./harness";

describe("blocks", () => {
  it("rescue runs for hosts that failed in the block; always runs for all; the host counts as rescued", async () => {
    const pb = playbook([
      play({
        name: "p",
        hosts: "all",
        gatherFacts: false,
        tasks: [
          block("b", [task("fails on h1", command({ cmd: "test {{inventory_hostname}} != h1" })), task("rest of block", debug({ msg: "x" }))], {
            rescue: [task("rescue", debug({ msg: "r" }))],
            always: [task("always", debug({ msg: "a" }))],
          }),
          task("after", debug({ msg: "x" })),
        ],
      }),
    ]);
    const r = await run(pb);
    expect(r.results.filter((e) => e.task === "rescue").map((e) => e.host)).toEqual(["h1"]);
    expect(r.results.filter((e) => e.task === "rest of block").map((e) => e.host).sort()).toEqual(["h2", "h3"]);
    expect(r.results.filter((e) => e.task === "always").map((e) => e.host).sort()).toEqual(["h1", "h2", "h3"]);
    expect(r.results.filter((e) => e.task === "after").map((e) => e.host).sort()).toEqual(["h1", "h2", "h3"]);
    expect(r.stats.h1).toMatchObject({ failed: 0, rescued: 1 });
    expect(r.exitCode).toBe(0);
  });

  it("without rescue, always still runs and the host stays failed", async () => {
    const pb = playbook([
      play({
        name: "p",
        hosts: "h1",
        gatherFacts: false,
        tasks: [block("b", [task("fails", command({ cmd: "false" }))], { always: [task("cleanup", debug({ msg: "c" }))] }), task("after", debug({ msg: "x" }))],
      }),
    ]);
    const r = await run(pb);
    expect(r.results.map((e) => `${e.task}:${e.status}`)).toEqual(["fails:failed", "cleanup:ok"]);
    expect(r.exitCode).toBe(2);
  });

  it("a block's when applies to each of its tasks", async () => {
    const pb = playbook([
      play({ name: "p", hosts: "all", gatherFacts: false, tasks: [block("db only", [task("t1", debug({ msg: "x" })), task("t2", debug({ msg: "x" }))], { when: (h) => h.host === "h3" })] }),
    ]);
    const r = await run(pb);
    expect(r.results.filter((e) => e.status === "ok").map((e) => `${e.task}@${e.host}`)).toEqual(["t1@h3", "t2@h3"]);
    expect(r.results.filter((e) => e.status === "skipped")).toHaveLength(4);
  });
});
