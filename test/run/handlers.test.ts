import { describe, expect, it } from "vitest";
import { flushHandlers, handler, play, playbook, task, topic } from "../../engine";
import { command, debug } from "../../modules";
import { run } from "./harness";

const changes = () => command({ cmd: "true" }); // always reports changed
const noChange = () => debug({ msg: "ok" });

describe("handlers", () => {
  it("run once, at the end of the play, only on hosts whose notifying task changed, in definition order", async () => {
    const first = handler("first", debug({ msg: "1" }));
    const second = handler("second", debug({ msg: "2" }));
    const pb = playbook([
      play({
        name: "p",
        hosts: "all",
        gatherFacts: false,
        handlers: [first, second],
        tasks: [
          task("changes on h1", changes(), { when: (h) => h.host === "h1", notify: [second, first] }),
          task("changes again", changes(), { when: (h) => h.host === "h1", notify: [first] }),
          task("no change", noChange(), { notify: [second] }),
          task("last task", noChange()),
        ],
      }),
    ]);
    const r = await run(pb);
    const handlerRuns = r.results.filter((e) => e.task === "first" || e.task === "second").map((e) => `${e.task}@${e.host}`);
    expect(handlerRuns).toEqual(["first@h1", "second@h1"]);
    expect(r.order.indexOf("first@h1")).toBeGreaterThan(r.order.indexOf("last task@h3"));
  });

  it("flushHandlers runs the pending handlers at that point", async () => {
    const h = handler("flushed", debug({ msg: "now" }));
    const pb = playbook([
      play({ name: "p", hosts: "h1", gatherFacts: false, handlers: [h], tasks: [task("c", changes(), { notify: [h] }), flushHandlers(), task("after", noChange())] }),
    ]);
    const r = await run(pb);
    expect(r.order.indexOf("flushed@h1")).toBeLessThan(r.order.indexOf("after@h1"));
    expect(r.results.filter((e) => e.task === "flushed")).toHaveLength(1);
  });

  it("a topic notifies every handler that listens to it", async () => {
    const web = topic("restart web stack");
    const a = handler("restart a", debug({ msg: "a" }), { listen: [web] });
    const b = handler("restart b", debug({ msg: "b" }), { listen: [web] });
    const pb = playbook([play({ name: "p", hosts: "h1", gatherFacts: false, handlers: [a, b], tasks: [task("c", changes(), { notify: [web] })] })]);
    const r = await run(pb);
    expect(r.results.map((e) => e.task)).toEqual(["c", "restart a", "restart b"]);
  });

  it("do not run on a host that failed, unless forced", async () => {
    const h = handler("restart", debug({ msg: "r" }));
    const pb = playbook([
      play({
        name: "p",
        hosts: "h1",
        gatherFacts: false,
        handlers: [h],
        tasks: [task("c", changes(), { notify: [h] }), task("then fails", command({ cmd: "false" }))],
      }),
    ]);
    expect((await run(pb)).results.map((e) => e.task)).toEqual(["c", "then fails"]);
    expect((await run(pb, undefined, { forceHandlers: true })).results.map((e) => e.task)).toEqual(["c", "then fails", "restart"]);
  });

  it("a notified handler that is not in the play is an error before anything runs", async () => {
    const stray = handler("stray", debug({ msg: "x" }));
    const pb = playbook([play({ name: "p", hosts: "h1", gatherFacts: false, tasks: [task("c", changes(), { notify: [stray] })] })]);
    await expect(run(pb)).rejects.toThrow(/task 'c' notifies handler 'stray', which is not in the handlers of play 'p'/);
  });

  it("run in check mode when their task would change", async () => {
    const h = handler("restart", debug({ msg: "r" }));
    const pb = playbook([play({ name: "p", hosts: "h1", gatherFacts: false, handlers: [h], tasks: [task("c", changes(), { notify: [h] })] })]);
    const r = await run(pb, undefined, { check: true });
    expect(r.results.map((e) => `${e.task}:${e.status}`)).toEqual(["c:changed", "restart:ok"]);
  });
});
