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
});
