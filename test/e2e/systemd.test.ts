/** The systemd module against the real systemd of the test hosts. */
import { afterAll, describe, expect, it } from "vitest";
import { jsonLines, tsplay } from "../cli/cli";
import { HOSTS, onHost, TESTBED_INVENTORY, TESTBED_KNOWN_HOSTS, testbedUp } from "./testbed";

const run = (playbook: string, extra: string[], check = false) => {
  const out = tsplay([playbook, "-i", TESTBED_INVENTORY, "--known-hosts", TESTBED_KNOWN_HOSTS, "--output", "json", ...extra, ...(check ? ["--check"] : [])]);
  return { code: out.code, events: jsonLines(out.stdout).filter((e) => e.type === "task"), stderr: out.stderr };
};
const changed = (events: Record<string, any>[]) => events.filter((e) => e.status === "changed").map((e) => `${e.host}:${e.task}`).sort();
const onAll = (tasks: string[]) => HOSTS.flatMap((h) => tasks.map((t) => `${h}:${t}`)).sort();
const PLAYBOOK = "test/e2e/playbooks/systemd.ts";

function converges(extra: string[], expected: string[]) {
  const check = run(PLAYBOOK, extra, true);
  expect(check.code, check.stderr + JSON.stringify(check.events.filter((e) => e.status === "failed"))).toBe(0);
  const first = run(PLAYBOOK, extra);
  expect(first.code, JSON.stringify(first.events.filter((e) => e.status === "failed"))).toBe(0);
  expect(changed(first.events)).toEqual(changed(check.events));
  expect(changed(first.events)).toEqual(expected);
  expect(changed(run(PLAYBOOK, extra).events)).toEqual([]);
  expect(changed(run(PLAYBOOK, extra, true).events)).toEqual([]);
  return { check, first };
}

describe.skipIf(!testbedUp)("systemd on the test hosts", () => {
  afterAll(() => {
    for (const host of HOSTS) {
      onHost(host, "systemctl disable --now tsplay-sleeper.service 2>/dev/null; systemctl unmask tsplay-never.service; rm -f /etc/systemd/system/tsplay-sleeper.service /etc/systemd/system/tsplay-broken.service; systemctl daemon-reload; systemctl reset-failed tsplay-broken.service tsplay-sleeper.service 2>/dev/null; true");
    }
  });

  it("starts and enables a unit an earlier task installs (--check: would start), masks one; a second run changes nothing", () => {
    const { check, first } = converges([], onAll(["sleeper unit", "sleeper", "never", "restart sleeper"]));
    expect(check.events.find((e) => e.task === "sleeper")?.msg).toContain("(not installed now: an earlier task may install it)");
    expect(first.events.find((e) => e.task === "sleeper")?.result.actions).toEqual(["enable", "start"]);
    for (const host of HOSTS) {
      expect(onHost(host, "systemctl is-active tsplay-sleeper; systemctl is-enabled tsplay-sleeper tsplay-never").stdout).toBe("active\nenabled\nmasked\n");
    }
  });

  it("a changed unit file is re-read (not a change by itself) and its handler restarts it", () => {
    const { first } = converges(["-e", "sleep_seconds=2001"], onAll(["sleeper unit", "restart sleeper"]));
    const sleeper = first.events.find((e) => e.task === "sleeper");
    expect(sleeper).toMatchObject({ status: "ok", result: { actions: ["daemon-reload"], daemon_reloaded: true } });
    for (const host of HOSTS) expect(onHost(host, "ps -eo args | grep -x '/bin/sleep 2001'").stdout).toBe("/bin/sleep 2001\n");
  });

  it("stops and disables", () => {
    converges(["-e", "sleep_seconds=2001", "-e", "sleeper=off"], onAll(["sleeper"]));
    for (const host of HOSTS) expect(onHost(host, "systemctl is-active tsplay-sleeper; systemctl is-enabled tsplay-sleeper").stdout).toBe("inactive\ndisabled\n");
  });

  it("a start that fails fails the task with the unit's status and journal", () => {
    const out = run("test/e2e/playbooks/systemd-broken.ts", ["--limit", "h1"]);
    expect(out.code).toBe(2);
    const failed = out.events.find((e) => e.task === "start it");
    expect(failed?.status).toBe("failed");
    expect(failed?.msg).toContain("start tsplay-broken.service failed");
    expect(failed?.msg).toContain("status=3");
    expect(failed?.msg).toContain("tsplay-boom");
  });
});
