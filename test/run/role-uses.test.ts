/**
 * Each use of a role is private: its parameters on its own defaults, its vars, its handler
 * runs. The reproduction of issue 12: `leak` used three times printed first/blue/true,
 * second/blue/true, second/blue/true (every use's .with() merged into one play-wide map).
 */
import { describe, expect, it } from "vitest";
import { play, playbook, role, roleParams, task } from "../../engine";
import { assert, debug, setFact } from "../../modules";
import { run } from "./harness";

const p = roleParams({ leak_name: "default", leak_color: "red", leak_flag: false });
const restart = p.handler("restart {{leak_name}}", debug({ msg: (h) => `restarted ${h.params.leak_name} in ${h.params.leak_color}` }));
const leak = role({
  name: "leak",
  defaults: p.defaults,
  vars: { leak_private: "role var" },
  handlers: [restart],
  tasks: [
    p.task("{{leak_name}}: show", debug({ msg: (h) => `${h.params.leak_name}/${h.params.leak_color}/${h.params.leak_flag}` })),
    p.task("change", setFact({ leak_changed: true }), { when: (h) => h.params.leak_flag || h.params.leak_name === "first", changedWhen: () => true, notify: [restart] }),
  ],
});
const uses = [leak.with({ leak_name: "first" }), leak.with({ leak_name: "second", leak_color: "blue", leak_flag: true }), leak];
const threeUses = (tasks = [task("after the roles", debug({ msg: "{{leak_name}}" }), { ignoreErrors: true })]) =>
  playbook([play({ name: "p", hosts: "h1", gatherFacts: false, roles: uses, tasks })]);

describe("role uses are private", () => {
  for (const check of [false, true]) {
    it(`each use sees its own parameters on its own defaults${check ? " (--check too)" : ""}`, async () => {
      const r = await run(threeUses(), undefined, { check });
      expect(r.results.filter((e) => e.task.endsWith(": show")).map((e) => e.msg)).toEqual(["first/red/false", "second/blue/true", "default/red/false"]);
    });
  }

  it("a role's defaults, parameters and vars are not seen by the rest of the play", async () => {
    const peek = task("peek", debug({ msg: "{{leak_private}}" }), { ignoreErrors: true });
    const r = await run(threeUses([task("after the roles", debug({ msg: "{{leak_name}}" }), { ignoreErrors: true }), peek]));
    expect(r.results.find((e) => e.task === "after the roles")?.msg).toMatch(/undefined variable 'leak_name'/);
    expect(r.results.find((e) => e.task === "peek")?.msg).toMatch(/undefined variable 'leak_private'/);
    expect(r.results.find((e) => e.task === "first: show")).toBeDefined();
  });

  it("a handler runs once per use that notified it, with that use's values", async () => {
    const r = await run(threeUses());
    const handlers = r.results.filter((e) => e.task.startsWith("restart "));
    expect(handlers.map((e) => `${e.task}: ${e.msg}`)).toEqual(["restart first: restarted first in red", "restart second: restarted second in blue"]);
    expect(handlers.map((e) => e.role)).toEqual(["leak (leak_name=first)", "leak (leak_name=second)"]);
  });

  it("a role's handler notified from outside the role runs for each of its uses", async () => {
    const pb = playbook([
      play({ name: "p", hosts: "h1", gatherFacts: false, roles: uses.slice(0, 2), tasks: [task("outside", setFact({ x: 1 }), { changedWhen: () => true, notify: [restart] })] }),
    ]);
    const r = await run(pb);
    expect(r.results.filter((e) => e.task.startsWith("restart ")).map((e) => e.msg)).toEqual(["restarted first in red", "restarted second in blue"]);
  });

  it("events name the play, the role use and the task's source; a templated name is rendered", async () => {
    const r = await run(threeUses());
    const shown = r.results.filter((e) => e.task.endsWith(": show"));
    expect(shown.map((e) => e.task)).toEqual(["first: show", "second: show", "default: show"]);
    expect(shown.map((e) => e.role)).toEqual(["leak (leak_name=first)", "leak (leak_name=second)", "leak (leak_name=default)"]);
    for (const e of shown) {
      expect(e.play).toBe("p");
      expect(e.source).toMatch(/test\/run\/role-uses\.test\.ts:19$/);
    }
    // no parameter differs in every use: all that differ; none differ: the use's number
    const twoKinds = await run(playbook([play({ name: "p", hosts: "h1", gatherFacts: false, roles: [leak.with({ leak_color: "blue" }), leak, leak.with({ leak_color: "blue" })] })]));
    expect([...new Set(twoKinds.results.filter((e) => e.task.endsWith(": show")).map((e) => e.role))]).toEqual(["leak (leak_color=blue)", "leak (leak_color=red)"]);
    const same = await run(playbook([play({ name: "p", hosts: "h1", gatherFacts: false, roles: [leak, leak] })]));
    expect(same.results.filter((e) => e.task.endsWith(": show")).map((e) => e.role)).toEqual(["leak (#1)", "leak (#2)"]);
    // a role used once is named by its name alone
    const once = await run(playbook([play({ name: "p", hosts: "h1", gatherFacts: false, roles: [leak.with({ leak_name: "only" })] })]));
    expect(once.results[0]!.role).toBe("leak");
  });

  it("a parameter set by the inventory must have its default's type, or the role's tasks fail saying so", async () => {
    const r = await run(playbook([play({ name: "p", hosts: "h1", gatherFacts: false, roles: [leak] })]), "h1 ansible_connection=local leak_flag='yes'\n");
    expect(r.results[0]!.status).toBe("failed");
    expect(r.results[0]!.msg).toMatch(/^role leak: parameter 'leak_flag' must be a boolean, got "yes" \(set by the inventory or vars\)/);
  });

  it("types role parameters inside the role's own code", () => {
    const q = roleParams({ port: 80, name: "web" });
    q.task("typed", debug({ msg: (h) => `${h.params.port.toFixed(0)} ${h.params.name.toUpperCase()}` }));
    q.task("typed assert", assert({ that: (h) => h.params.port > 0, failMsg: (h) => h.params.name }));
    q.task("typed fact", setFact({ doubled: (h) => h.params.port * 2 }), { when: (h) => h.params.name.length > 0 });
    // @ts-expect-error: no such parameter
    q.task("misspelt", debug({ msg: (h) => String(h.params.prot) }));
    // @ts-expect-error: a role's typed task does not belong in a role with other parameters
    role({ name: "other", defaults: { other: 1 }, tasks: [q.task("x", debug({ msg: (h) => h.params.name }))] });
  });
});
