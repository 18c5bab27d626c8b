import { describe, expect, it } from "vitest";
import { play, playbook, task } from "../../engine";
import { command, debug } from "../../modules";
import { run } from "./harness";
import { tempDir } from "../temp-dir";

describe("linear strategy", () => {
  it("runs each task on every host before the next task starts", async () => {
    const pb = playbook([
      play({ name: "p", hosts: "all", gatherFacts: false, tasks: [task("one", debug({ msg: "1" })), task("two", debug({ msg: "2" }))] }),
    ]);
    const { order, exitCode } = await run(pb);
    expect(exitCode).toBe(0);
    const lastOne = Math.max(...["h1", "h2", "h3"].map((h) => order.indexOf(`one@${h}`)));
    expect(lastOne).toBeLessThan(order.indexOf("start:two"));
  });

  it("runs hosts in parallel, at most --forks at once", async () => {
    // each host leaves a marker, then waits (2 s at most) until three markers exist:
    // that only succeeds for all hosts when three run at the same time
    const rendezvous = (dir: string) =>
      playbook([
        play({
          name: "p",
          hosts: "all",
          gatherFacts: false,
          tasks: [
            task("meet", command({ argv: ["sh", "-c", 'touch "$1/$2"; for i in $(seq 20); do [ $(ls "$1" | wc -l) -ge 3 ] && exit 0; sleep 0.1; done; exit 1', "sh", dir, "{{inventory_hostname}}"] })),
          ],
        }),
      ]);
    const wide = tempDir("tsplay-forks-");
    expect((await run(rendezvous(wide), undefined, { forks: 10 })).exitCode).toBe(0);
    const narrow = tempDir("tsplay-forks-");
    const bounded = await run(rendezvous(narrow), undefined, { forks: 2 });
    expect(bounded.results.map((e) => `${e.host}:${e.status}`).sort(), JSON.stringify(bounded.results)).toEqual(["h1:failed", "h2:failed", "h3:changed"]);
  });

  it("stops a failed host and goes on with the others; exit code 2", async () => {
    const pb = playbook([
      play({
        name: "p",
        hosts: "all",
        gatherFacts: false,
        tasks: [task("fails on h2", command({ cmd: "test {{inventory_hostname}} != h2" })), task("after", debug({ msg: "x" }))],
      }),
    ]);
    const r = await run(pb);
    expect(r.statusOf("fails on h2", "h2")).toBe("failed");
    expect(r.statusOf("after", "h1")).toBe("ok");
    expect(r.statusOf("after", "h3")).toBe("ok");
    expect(r.statusOf("after", "h2")).toBeUndefined();
    expect(r.stats.h2).toMatchObject({ failed: 1, ok: 0 });
    expect(r.exitCode).toBe(2);
  });

  it("leaves hosts that failed out of later plays", async () => {
    const pb = playbook([
      play({ name: "a", hosts: "all", gatherFacts: false, tasks: [task("fail h1", command({ cmd: "test {{inventory_hostname}} != h1" }))] }),
      play({ name: "b", hosts: "all", gatherFacts: false, tasks: [task("second play", debug({ msg: "x" }))] }),
    ]);
    const r = await run(pb);
    expect(r.results.filter((e) => e.task === "second play").map((e) => e.host).sort()).toEqual(["h2", "h3"]);
  });

  it("gathers facts in one step per host unless the play skips it", async () => {
    const pb = playbook([
      play({ name: "a", hosts: "h1", tasks: [task("family", debug({ msg: "{{facts.os_family}}/{{facts.pkg_mgr}}/{{facts.architecture}}" }))] }),
    ]);
    const r = await run(pb);
    expect(r.statusOf("Gathering Facts", "h1")).toBe("ok");
    expect(r.results.find((e) => e.task === "family")?.msg).toMatch(/^Debian\/apt\/(x86_64|aarch64)$/);
    const skipped = await run(playbook([play({ name: "a", hosts: "h1", gatherFacts: false, tasks: [task("t", debug({ msg: "x" }))] })]));
    expect(skipped.statusOf("Gathering Facts", "h1")).toBeUndefined();
  });

  it("anyErrorsFatal ends the play for every host after the failing task", async () => {
    const pb = playbook([
      play({
        name: "p",
        hosts: "all",
        gatherFacts: false,
        anyErrorsFatal: true,
        tasks: [task("fail h1", command({ cmd: "test {{inventory_hostname}} != h1" })), task("never reached", debug({ msg: "x" }))],
      }),
    ]);
    const r = await run(pb);
    expect(r.results.filter((e) => e.task === "never reached")).toHaveLength(0);
    expect(r.exitCode).toBe(2);
  });

  it("maxFailPercentage ends the play when more hosts than that failed", async () => {
    const failH1 = task("fail h1", command({ cmd: "test {{inventory_hostname}} != h1" }));
    const next = task("next", debug({ msg: "x" }));
    const over = await run(playbook([play({ name: "p", hosts: "all", gatherFacts: false, maxFailPercentage: 30, tasks: [failH1, next] })]));
    expect(over.results.filter((e) => e.task === "next")).toHaveLength(0);
    const under = await run(playbook([play({ name: "p", hosts: "all", gatherFacts: false, maxFailPercentage: 40, tasks: [failH1, next] })]));
    expect(under.results.filter((e) => e.task === "next")).toHaveLength(2);
  });
});
