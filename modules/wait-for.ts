/**
 * Waits on the host until a TCP port accepts connections (or stops accepting), or
 * a path appears (or goes away). Reads only, and only in a real run: under --check it
 * reports what it would wait for, since the thing it waits for may only exist after a
 * real run.
 *
 *   task("etcd listens", waitFor({ port: 2379, timeout: 60 }))
 *   task("flannel wrote its env", waitFor({ path: "/run/flannel/subnet.env" }))
 */
import { defineModule, ModuleFailure, type BaseResult, type Plan } from "../engine/module";
import { joinShell, sh } from "../engine/shell";

export interface WaitForResult extends BaseResult {
  elapsed: number;
}

export const waitFor = defineModule({
  name: "waitFor",
  args: {
    port: { type: "number" },
    host: { type: "string" },
    path: { type: "string" },
    state: { type: "string", choices: ["started", "stopped", "present", "absent"] },
    /** seconds */
    timeout: { type: "number" },
    delay: { type: "number" },
  },
  check: (args) => ((args.port === undefined) === (args.path === undefined) ? "give exactly one of 'port' and 'path'" : undefined),
  plan: async (ctx, args): Promise<Plan<WaitForResult>> => {
    const timeout = args.timeout ?? 300;
    const what = args.port !== undefined ? `port ${args.host ?? "127.0.0.1"}:${args.port}` : `path ${args.path}`;
    const wantUp = !args.state || args.state === "started" || args.state === "present";
    const waiting = `wait up to ${timeout}s for ${what} ${wantUp ? "up" : "down"}`;
    // host and port reach bash as arguments ($1, $2), never as part of its script
    const probe =
      args.port !== undefined
        ? sh`timeout 2 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ ${args.host ?? "127.0.0.1"} ${args.port} 2>/dev/null`
        : sh`[ -e ${args.path ?? ""} ]`;
    const condition = wantUp ? probe : sh`! { ${probe}; }`;
    const seconds = (n: number) => Math.max(0, Math.ceil(n));
    // the limit goes through a variable: a quoted number is not valid inside $((...))
    const script = joinShell(
      [
        sh`limit=${seconds(timeout)}; sleep ${seconds(args.delay ?? 0)}; start=$(date +%s); deadline=$((start + limit))`,
        sh`until ${condition}; do [ "$(date +%s)" -ge "$deadline" ] && exit 1; sleep 0.5; done`,
        sh`echo $(( $(date +%s) - start ))`,
      ],
      "\n",
    );
    return {
      changed: false,
      summary: waiting,
      uncertain: "only a real run waits: what it waits for may exist only after earlier tasks have run",
      apply: async () => {
        const result = await ctx.conn.run(script);
        if (result.code !== 0) throw new ModuleFailure(`timed out after ${timeout}s waiting for ${what} to be ${wantUp ? "up" : "down"}`);
        const elapsed = Number(result.stdout.trim()) || 0;
        return { elapsed, msg: `${what} ${wantUp ? "up" : "down"} after ${elapsed}s` };
      },
    };
  },
});
