/**
 * Errors are told apart by class, not by name: a UserError (ModuleFailure, TemplateError, ...)
 * is one line; anything else a module throws is a bug, shown as an internal error with its stack.
 */
import { describe, expect, it } from "vitest";
import { defineModule, ModuleFailure, play, playbook, task } from "../../engine";
import { run } from "./harness";

class OddName extends Error {
  override name = "SomethingFailed";
}

const thrower = defineModule({
  name: "thrower",
  args: { kind: { type: "string", required: true } },
  plan: async (_ctx, args) => {
    if (args.kind === "failure") throw new ModuleFailure("the service is not installed");
    if (args.kind === "odd") throw new OddName("looks like a user error by its name");
    throw new TypeError("cannot read properties of undefined");
  },
});

const runKind = async (kind: string) => {
  const r = await run(playbook([play({ name: "p", hosts: "h1", gatherFacts: false, tasks: [task("t", thrower({ kind }))] })]));
  return r.results[0]!;
};

describe("errors by class", () => {
  it("a module failure is one line naming the task's source", async () => {
    const e = await runKind("failure");
    expect(e.status).toBe("failed");
    expect(e.msg).toMatch(/^the service is not installed \(task at .*errors\.test\.ts:\d+\)$/);
  });

  it("anything else a module throws is an internal error, labelled, with its stack", async () => {
    for (const kind of ["type", "odd"]) {
      const e = await runKind(kind);
      expect(e.status).toBe("failed");
      expect(e.msg).toMatch(/^internal error in module thrower \(a bug: please report it\): (TypeError|SomethingFailed): /);
      expect(e.msg).toMatch(/\n\s+at /);
    }
  });

  it("a playbook function that throws fails its task with its message, without a stack", async () => {
    const r = await run(playbook([play({ name: "p", hosts: "h1", gatherFacts: false, tasks: [task("t", thrower({ kind: () => { throw new Error("no such group"); } }))] })]));
    expect(r.results[0]!.msg).toMatch(/^no such group \(task at /);
  });
});
