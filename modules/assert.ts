/**
 * Fails the host when a condition does not hold. Conditions are TypeScript, so they
 * are checked by the compiler, not parsed from strings.
 *
 *   task("three etcd members", assert({ that: (h) => h.vars.groups.etcd.length === 3, failMsg: "etcd needs 3 members" }))
 */
import type { Dynamic, Vars } from "../engine/host-context";
import { defineModule, ModuleFailure, type BaseResult, type ModuleCall, type Plan } from "../engine/module";

export interface AssertResult extends BaseResult {
  /** index of the first condition that did not hold */
  failedCondition?: number;
}

const assertModule = defineModule({
  name: "assert",
  args: {
    that: { type: "any", required: true },
    failMsg: { type: "string" },
    successMsg: { type: "string" },
  },
  plan: async (_ctx, args): Promise<Plan<AssertResult>> => {
    const conditions = Array.isArray(args.that) ? args.that : [args.that];
    conditions.forEach((c, i) => {
      if (typeof c !== "boolean") throw new ModuleFailure(`assert: condition ${i + 1} is not a boolean (got ${JSON.stringify(c)})`);
    });
    const failed = conditions.indexOf(false);
    if (failed >= 0) {
      throw new ModuleFailure(args.failMsg ?? `assertion ${failed + 1} of ${conditions.length} failed`, { failedCondition: failed });
    }
    return { changed: false, summary: args.successMsg ?? "all assertions passed" };
  },
});

export function assert<P extends Vars = Vars>(args: { that: Dynamic<boolean | boolean[], P>; failMsg?: Dynamic<string, P>; successMsg?: Dynamic<string, P> }): ModuleCall<AssertResult, P> {
  return assertModule<P>(args);
}
