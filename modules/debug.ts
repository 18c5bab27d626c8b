/**
 * Prints a message or a variable in the task's output. Changes nothing.
 *
 *   task("show address", debug({ msg: "etcd at {{ansible_host}}" }))
 *   task("show result", debug({ var: "out" }))
 */
import { defineModule, ModuleFailure, type BaseResult, type Plan } from "../engine/module";

export interface DebugResult extends BaseResult {
  value?: unknown;
}

const show = (value: unknown) => (typeof value === "string" ? value : JSON.stringify(value));

export const debug = defineModule({
  name: "debug",
  args: {
    msg: { type: "any" },
    var: { type: "string" },
  },
  check: (args) => (args.msg !== undefined && args.var !== undefined ? "give 'msg' or 'var', not both" : undefined),
  plan: async (ctx, args): Promise<Plan<DebugResult>> => {
    if (args.var !== undefined) {
      if (!(args.var in ctx.vars)) throw new ModuleFailure(`debug: variable '${args.var}' is not defined`);
      const value = ctx.vars[args.var];
      return { changed: false, summary: `${args.var} = ${show(value)}`, result: { value } };
    }
    const value = args.msg ?? "Hello world!";
    return { changed: false, summary: show(value), result: { value } };
  },
});
