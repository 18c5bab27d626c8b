/**
 * Sets host variables that later tasks and plays see (above play and task vars,
 * below extra vars). Runs in check mode too; never reports a change.
 *
 *   task("pick leader", setFact({ etcd_leader: (h) => h.vars.groups.etcd[0] }))
 */
import type { HostContext, Vars } from "../engine/host-context";
import { defineModule, type BaseResult, type ModuleCall, type Plan } from "../engine/module";

export interface SetFactResult extends BaseResult {
  facts: Vars;
}

const setFactModule = defineModule({
  name: "setFact",
  args: { facts: { type: "record", required: true } },
  plan: async (_ctx, args): Promise<Plan<SetFactResult>> => ({
    changed: false,
    setFacts: args.facts,
    result: { facts: args.facts },
    summary: Object.keys(args.facts).join(", "),
  }),
});

/** Each value is a plain value or a function of the host (written so the function is typed). */
export function setFact<P extends Vars = Vars>(facts: { [name: string]: {} | null | ((h: HostContext<P>) => unknown) }): ModuleCall<SetFactResult, P> {
  return setFactModule<P>({
    facts: (h) => Object.fromEntries(Object.entries(facts).map(([k, v]) => [k, typeof v === "function" ? v(h) : v])),
  });
}
