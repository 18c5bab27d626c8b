import { describe, expect, it } from "vitest";
import { play, playbook, task } from "../../engine";
import { command, debug } from "../../modules";
import { serialBatches } from "../../engine/run/serial";
import { run } from "./harness";

describe("serial", () => {
  it("splits hosts by number, percentage and list (the last size repeats)", () => {
    const hosts = ["a", "b", "c", "d", "e"];
    expect(serialBatches(hosts, 2)).toEqual([["a", "b"], ["c", "d"], ["e"]]);
    expect(serialBatches(hosts, "40%")).toEqual([["a", "b"], ["c", "d"], ["e"]]);
    expect(serialBatches(hosts, "10%")).toEqual([["a"], ["b"], ["c"], ["d"], ["e"]]);
    expect(serialBatches(hosts, [1, 3])).toEqual([["a"], ["b", "c", "d"], ["e"]]);
    expect(serialBatches(hosts, undefined)).toEqual([hosts]);
    expect(() => serialBatches(hosts, "many")).toThrow(/serial/);
  });

  it("runs the whole play on one batch before the next batch starts", async () => {
    const pb = playbook([
      play({ name: "p", hosts: "all", gatherFacts: false, serial: 1, tasks: [task("one", debug({ msg: "1" })), task("two", debug({ msg: "2" }))] }),
    ]);
    const { results } = await run(pb);
    expect(results.map((e) => `${e.task}@${e.host}`)).toEqual(["one@h1", "two@h1", "one@h2", "two@h2", "one@h3", "two@h3"]);
  });

  it("stops the play when every host of a batch failed", async () => {
    const pb = playbook([play({ name: "p", hosts: "all", gatherFacts: false, serial: 1, tasks: [task("fail h1", command({ cmd: "test {{inventory_hostname}} != h1" }))] })]);
    const { results } = await run(pb);
    expect(results.map((e) => e.host)).toEqual(["h1"]);
  });

  it("takes its size from a template, as a variable the play or -e sets", async () => {
    const pb = playbook([
      play({ name: "p", hosts: "all", gatherFacts: false, serial: "{{batch}}", vars: { batch: "2" }, tasks: [task("one", debug({ msg: "1" })), task("two", debug({ msg: "2" }))] }),
    ]);
    // a batch of two: both run each task before the next; h3 comes after them, alone
    const byPlay = (await run(pb)).results.map((e) => `${e.task}@${e.host}`);
    expect([byPlay.slice(0, 2).sort(), byPlay.slice(2, 4).sort(), byPlay.slice(4)]).toEqual([["one@h1", "one@h2"], ["two@h1", "two@h2"], ["one@h3", "two@h3"]]);
    const byExtra = (await run(pb, undefined, { extraVars: { batch: "34%" } })).results.map((e) => `${e.task}@${e.host}`);
    expect(byExtra).toEqual(["one@h1", "two@h1", "one@h2", "two@h2", "one@h3", "two@h3"]);
  });
});
