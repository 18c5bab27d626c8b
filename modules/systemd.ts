/**
 * systemd: a unit is started, stopped, restarted or reloaded, enabled or disabled,
 * masked or not; systemd re-reads changed unit files first.
 *
 *   task("etcd unit", copy({ src: "etcd.service", dest: "/lib/systemd/system/etcd.service" }))
 *   task("etcd runs", systemd({ name: "etcd", state: "started", enabled: true }))
 *   task("reload units", systemd({ daemonReload: true }))
 *
 * The unit's state is read with one `systemctl show`. A daemon-reload runs when the unit
 * reports NeedDaemonReload=yes (its file or a drop-in changed on disk since systemd read
 * it: exact, and no task has to tell another), or, with `daemonReload: true`, when any
 * loaded unit does. A daemon-reload alone is reported "ok", not "changed": the change was
 * the unit file's, reported by the task that wrote it, and --check (where that file was
 * not written) then agrees with a real run. `restarted` and `reloaded` always change.
 * A unit that does not exist yet is, in --check, what an earlier task would install: it is
 * reported as "would start"; in a real run it fails. A failed start fails the task with
 * `systemctl status` and the unit's last journal lines.
 */
import { defineModule, ModuleFailure, type BaseResult, type Plan } from "../engine/module";
import { joinShell, sh, type Shell } from "../engine/shell";

export interface UnitStatus {
  id: string;
  load_state: string;
  active_state: string;
  sub_state: string;
  unit_file_state: string;
  fragment_path: string;
  need_daemon_reload: boolean;
}

export interface SystemdResult extends BaseResult {
  /** the unit as systemd names it, e.g. etcd.service */
  name?: string;
  /** the unit as found, before any change */
  status?: UnitStatus;
  /** what was (or in --check would be) run, in order: "daemon-reload", "enable", "start", ... */
  actions: string[];
  daemon_reloaded: boolean;
}

export type UnitState = "started" | "stopped" | "restarted" | "reloaded";

export interface UnitWish {
  state?: UnitState;
  enabled?: boolean;
  masked?: boolean;
  daemonReload?: boolean;
}

const PROPERTIES = ["Id", "LoadState", "ActiveState", "SubState", "UnitFileState", "FragmentPath", "NeedDaemonReload"];
// `systemctl is-enabled` exits 0 for these: enabling them again changes nothing
const ENABLED = new Set(["enabled", "enabled-runtime", "linked", "linked-runtime", "alias", "static", "indirect", "generated", "transient"]);
const DISABLEABLE = new Set(["enabled", "enabled-runtime", "linked", "linked-runtime"]);
const RUNNING = new Set(["active", "activating", "reloading"]);

/** `systemctl show` output: one record per unit, records separated by blank lines. */
export function parseSystemctlShow(text: string): Record<string, string>[] {
  return text
    .split(/\n\s*\n/)
    .map((block) => {
      const record: Record<string, string> = {};
      for (const line of block.split("\n")) {
        const eq = line.indexOf("=");
        if (eq > 0) record[line.slice(0, eq)] = line.slice(eq + 1);
      }
      return record;
    })
    .filter((record) => Object.keys(record).length > 0);
}

export function unitStatus(record: Record<string, string>): UnitStatus {
  return {
    id: record.Id ?? "",
    load_state: record.LoadState ?? "",
    active_state: record.ActiveState ?? "",
    sub_state: record.SubState ?? "",
    unit_file_state: record.UnitFileState ?? "",
    fragment_path: record.FragmentPath ?? "",
    need_daemon_reload: record.NeedDaemonReload === "yes",
  };
}

export interface UnitPlan {
  /** systemctl verbs, in the order they must run */
  actions: string[];
  /** true when an action beyond daemon-reload changes the unit */
  changed: boolean;
  /** the unit does not exist: in --check, an earlier task would install it */
  missing: boolean;
}

/** What must run to bring a unit from `status` to `wish`; pure, so the order is tested alone. */
export function planUnit(status: UnitStatus | undefined, wish: UnitWish, otherUnitsNeedReload = false): UnitPlan {
  const missing = status !== undefined && status.load_state === "not-found";
  const actions: string[] = [];
  if (status?.need_daemon_reload || (wish.daemonReload && otherUnitsNeedReload)) actions.push("daemon-reload");
  if (!status) return { actions, changed: false, missing: false };
  const masked = status.load_state === "masked" || status.unit_file_state.startsWith("masked");
  if (wish.masked === false && masked) actions.push("unmask");
  const maskedAfter = wish.masked ?? masked;
  if (!maskedAfter) {
    if (wish.enabled === true && (missing || !ENABLED.has(status.unit_file_state) || masked)) actions.push("enable");
    if (wish.enabled === false && DISABLEABLE.has(status.unit_file_state)) actions.push("disable");
  }
  const running = !missing && RUNNING.has(status.active_state);
  switch (wish.state) {
    case "started":
      if (!running) actions.push("start");
      break;
    case "stopped":
      if (running) actions.push("stop");
      break;
    case "restarted":
      actions.push("restart");
      break;
    case "reloaded":
      actions.push(running ? "reload" : "start");
      break;
  }
  // masking does not stop a running unit (neither does Ansible's); say `state: stopped` too
  if (wish.masked === true && !masked) actions.push("mask");
  return { actions, changed: actions.some((a) => a !== "daemon-reload"), missing };
}

/** One action as a shell line; a failed start or restart prints the unit's status and journal. */
function actionCommand(action: string, unit: string): Shell {
  if (action === "daemon-reload") return sh`systemctl daemon-reload || exit 10`;
  const run = sh`systemctl ${action} -- ${unit}`;
  if (action === "start" || action === "restart" || action === "reload") {
    return sh`${run} || { rc=$?; echo '@@status'; systemctl status --no-pager -l -n 20 -- ${unit}; exit 11; }`;
  }
  return sh`${run} || exit 12`;
}

export const systemd = defineModule({
  name: "systemd",
  args: {
    name: { type: "string", doc: "the unit; `.service` may be left out" },
    state: { type: "string", choices: ["started", "stopped", "restarted", "reloaded"] },
    enabled: { type: "boolean" },
    masked: { type: "boolean" },
    daemonReload: { type: "boolean", doc: "reload when any loaded unit's file changed (the named unit's is always checked)" },
  },
  check(args) {
    if (args.name === undefined && (args.state !== undefined || args.enabled !== undefined || args.masked !== undefined)) return "'state', 'enabled' and 'masked' need 'name'";
    if (args.name === undefined && !args.daemonReload) return "give 'name', or 'daemonReload: true'";
    if (args.masked === true && (args.enabled === true || (args.state !== undefined && args.state !== "stopped"))) return "a masked unit can be neither enabled nor started";
    return undefined;
  },
  async plan(ctx, args): Promise<Plan<SystemdResult>> {
    const lines: Shell[] = [];
    if (args.name !== undefined) lines.push(sh`systemctl show -p ${PROPERTIES.join(",")} -- ${args.name} || exit 1`);
    if (args.daemonReload) lines.push(sh`echo '@@all'`, sh`systemctl show -p Id,NeedDaemonReload '*' || exit 1`);
    const read = await ctx.conn.run(joinShell(lines, "\n"));
    if (read.code !== 0) throw new ModuleFailure(`could not read the state of ${args.name ?? "systemd's units"}: ${read.stderr.trim() || `exit code ${read.code}`}`);
    const [own = "", all = ""] = read.stdout.split("@@all\n");
    const status = args.name !== undefined ? unitStatus(parseSystemctlShow(own)[0] ?? {}) : undefined;
    const othersNeedReload = parseSystemctlShow(all).some((record) => record.NeedDaemonReload === "yes");
    const unitPlan = planUnit(status, args, othersNeedReload);
    const unit = status?.id || args.name || "";
    const result: Partial<SystemdResult> = { name: unit || undefined, status, actions: unitPlan.actions, daemon_reloaded: false };
    if (unitPlan.actions.length === 0) return { changed: false, result };

    const missingNote = unitPlan.missing ? " (not installed now: an earlier task may install it)" : "";
    const summary = `${unitPlan.actions.join(", ")}${unit ? ` ${unit}` : ""}${missingNote}`;
    return {
      changed: unitPlan.changed,
      summary,
      result,
      apply: async () => {
        const script = joinShell(unitPlan.actions.map((action) => actionCommand(action, unit)), "\n");
        const run = await ctx.conn.run(script);
        if (run.code !== 0) {
          const [, status = ""] = run.stdout.split("@@status\n");
          const what = run.code === 10 ? "daemon-reload failed" : `${unitPlan.actions.join(", ")} ${unit} failed`;
          const details = [run.stderr.trim(), status.trim()].filter(Boolean).join("\n");
          throw new ModuleFailure(`${what}${details ? `:\n${details}` : ""}`, { actions: unitPlan.actions });
        }
        return { daemon_reloaded: unitPlan.actions.includes("daemon-reload") };
      },
    };
  },
});
