/** `tsplay adhoc` on the test hosts: command, debug of an inventory variable, shell, file (--check, --limit), systemd. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tsplay } from "../cli/cli";
import { addressOf, HOSTS, onHost, TESTBED_INVENTORY, TESTBED_KNOWN_HOSTS, testbedUp } from "./testbed";

const marker = `/tmp/tsplay-adhoc-${process.pid}`;
const UNIT = "tsplay-adhoc-sleeper";
const adhoc = (...args: string[]) => tsplay(["adhoc", ...args, "-i", TESTBED_INVENTORY, "--known-hosts", TESTBED_KNOWN_HOSTS]);
const mainPid = (host: string) => onHost(host, `systemctl show -p MainPID --value ${UNIT}`).stdout.trim();

describe.skipIf(!testbedUp)("tsplay adhoc on the test hosts", () => {
  beforeAll(() => {
    for (const host of HOSTS) {
      onHost(host, `printf '[Service]\\nExecStart=/bin/sleep infinity\\n' > /etc/systemd/system/${UNIT}.service && systemctl daemon-reload && systemctl start ${UNIT}`);
    }
  });

  afterAll(() => {
    for (const host of HOSTS) onHost(host, `systemctl stop ${UNIT}; rm -f /etc/systemd/system/${UNIT}.service ${marker}; systemctl daemon-reload`);
  });

  it("command (the default) on every host, each host's output under its name", () => {
    const run = adhoc("testbed", "-a", "cat /etc/hostname");
    expect(run.code, run.stderr).toBe(0);
    for (const host of HOSTS) expect(run.stdout).toContain(`${host} | CHANGED | rc=0 >>\n${onHost(host, "cat /etc/hostname").stdout.trim()}\n`);
  });

  it("debug -a var=ansible_host: each host's value from the inventory", () => {
    const run = adhoc("all", "-m", "debug", "-a", "var=ansible_host");
    expect(run.code, run.stderr).toBe(0);
    for (const host of HOSTS) expect(run.stdout).toContain(`${host} | SUCCESS => {\n    "ansible_host": "${addressOf(host)}"\n}`);
  });

  it("shell writes a file; file state=absent removes it on --limit's host only, and --check removes nothing", () => {
    expect(adhoc("all", "-m", "shell", "-a", `echo $((6 * 7)) > ${marker}`).code).toBe(0);
    for (const host of HOSTS) expect(onHost(host, `cat ${marker}`).stdout).toBe("42\n");
    const check = adhoc("all", "-m", "file", "-a", `path=${marker} state=absent`, "--check");
    expect(check.code, check.stderr).toBe(0);
    for (const host of HOSTS) expect(check.stdout).toContain(`${host} | CHANGED => {`);
    const run = adhoc("all", "-m", "file", "-a", `path=${marker} state=absent`, "--limit", "h2");
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^h2 \| CHANGED => \{/);
    expect(HOSTS.map((h) => onHost(h, `test -e ${marker} && echo there || echo gone`).stdout.trim())).toEqual(["there", "gone", "there"]);
  });

  it("systemd state=restarted restarts the unit on each host, one host at a time with --forks 1", () => {
    const before = HOSTS.map(mainPid);
    const run = adhoc("all", "-m", "systemd", "-a", `name=${UNIT} state=restarted`, "--forks", "1");
    expect(run.code, run.stderr).toBe(0);
    for (const host of HOSTS) expect(run.stdout).toContain(`${host} | CHANGED => {`);
    const after = HOSTS.map(mainPid);
    HOSTS.forEach((_, i) => {
      expect(after[i]).not.toBe("0");
      expect(after[i]).not.toBe(before[i]);
    });
  });
});
