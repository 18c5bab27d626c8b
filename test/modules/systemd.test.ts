import { describe, expect, it } from "vitest";
import { systemd } from "../../modules";
import { parseSystemctlShow, planUnit, unitStatus, type UnitStatus } from "../../modules/systemd";

const SHOW = `Id=etcd.service
LoadState=loaded
ActiveState=active
SubState=running
FragmentPath=/lib/systemd/system/etcd.service
UnitFileState=enabled
NeedDaemonReload=no
`;
const unit = (fields: Partial<UnitStatus>): UnitStatus => ({ ...unitStatus(parseSystemctlShow(SHOW)[0]!), ...fields });
const missing = unit({ id: "x.service", load_state: "not-found", active_state: "inactive", sub_state: "dead", unit_file_state: "", fragment_path: "" });

describe("systemd", () => {
  it("reads `systemctl show` records, in whatever order systemd prints the properties", () => {
    const [record, other] = parseSystemctlShow(`${SHOW}\nId=a.service\nNeedDaemonReload=yes\n`);
    expect(unitStatus(record!)).toEqual({
      id: "etcd.service", load_state: "loaded", active_state: "active", sub_state: "running",
      unit_file_state: "enabled", fragment_path: "/lib/systemd/system/etcd.service", need_daemon_reload: false,
    });
    expect(other).toEqual({ Id: "a.service", NeedDaemonReload: "yes" });
  });

  it("does nothing when the unit already is as wished", () => {
    expect(planUnit(unit({}), { state: "started", enabled: true })).toEqual({ actions: [], changed: false, missing: false });
    expect(planUnit(unit({ unit_file_state: "static" }), { enabled: true }).actions).toEqual([]);
    expect(planUnit(unit({ active_state: "inactive", unit_file_state: "disabled" }), { state: "stopped", enabled: false }).actions).toEqual([]);
  });

  it("orders the actions: reload, unmask, enable, start; stop before mask", () => {
    expect(planUnit(unit({ need_daemon_reload: true, active_state: "inactive", unit_file_state: "disabled" }), { state: "started", enabled: true }).actions).toEqual(["daemon-reload", "enable", "start"]);
    expect(planUnit(unit({ load_state: "masked", unit_file_state: "masked", active_state: "inactive" }), { masked: false, enabled: true, state: "started" }).actions).toEqual(["unmask", "enable", "start"]);
    expect(planUnit(unit({}), { masked: true, state: "stopped" }).actions).toEqual(["stop", "mask"]);
    expect(planUnit(unit({}), { enabled: false }).actions).toEqual(["disable"]);
  });

  it("a daemon-reload alone is not a change; restarted and reloaded always are", () => {
    expect(planUnit(unit({ need_daemon_reload: true }), { state: "started" })).toEqual({ actions: ["daemon-reload"], changed: false, missing: false });
    expect(planUnit(undefined, { daemonReload: true }, true).actions).toEqual(["daemon-reload"]);
    expect(planUnit(undefined, { daemonReload: true }, false).actions).toEqual([]);
    expect(planUnit(unit({}), { state: "restarted" }).actions).toEqual(["restart"]);
    expect(planUnit(unit({}), { state: "reloaded" }).actions).toEqual(["reload"]);
    expect(planUnit(unit({ active_state: "inactive" }), { state: "reloaded" }).actions).toEqual(["start"]);
  });

  it("a unit that does not exist yet would be enabled and started (what --check reports)", () => {
    expect(planUnit(missing, { state: "started", enabled: true })).toEqual({ actions: ["enable", "start"], changed: true, missing: true });
    expect(planUnit(missing, { state: "stopped", enabled: false }).actions).toEqual([]);
  });

  it("refuses contradictory or incomplete arguments when the playbook loads", () => {
    expect(() => systemd({ state: "started" })).toThrow(/need 'name'/);
    expect(() => systemd({})).toThrow(/give 'name', or 'daemonReload: true'/);
    expect(() => systemd({ name: "x", masked: true, state: "started" })).toThrow(/masked unit/);
    expect(() => systemd({ name: "x", state: "running" as "started" })).toThrow(/must be one of/);
  });
});
