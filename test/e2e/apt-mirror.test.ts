/**
 * apt against the testbed's package mirror (test/testbed/mirror.sh) on a host as freshly
 * provisioned: no package lists at all. `updateCache` refreshes them however recent the
 * lists folder looks, and `policyRcD: 101` keeps the package's service from starting while
 * it installs, then puts the host's own policy-rc.d back, also when the install fails.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jsonLines, tsplay } from "../cli/cli";
import { onHost, TESTBED_INVENTORY, TESTBED_KNOWN_HOSTS, testbedUp } from "./testbed";

const HOST = "h2";
const SITE_POLICY = "#!/bin/sh\n# the site's own policy\nexit 0\n";
const run = (pkg: string, check = false) => {
  const out = tsplay(["test/e2e/playbooks/service-package.ts", "-i", TESTBED_INVENTORY, "--known-hosts", TESTBED_KNOWN_HOSTS, "-e", `package=${pkg}`, "--output", "json", ...(check ? ["--check"] : [])]);
  const event = jsonLines(out.stdout).find((e) => e.type === "task" && e.task === "install it")!;
  return { code: out.code, event, out: out.stdout + out.stderr };
};
const host = (command: string) => onHost(HOST, command).stdout;

describe.skipIf(!testbedUp)("apt from the testbed's mirror", () => {
  beforeAll(() => {
    // a fresh host: no lists, no stamp, and a policy-rc.d of its own that must survive
    onHost(HOST, "rm -rf /var/lib/apt/lists/* /var/lib/apt/periodic/update-success-stamp; mkdir -p /var/lib/apt/lists/partial");
    onHost(HOST, "cat > /usr/sbin/policy-rc.d && chmod 0755 /usr/sbin/policy-rc.d", Buffer.from(SITE_POLICY));
  });
  afterAll(() => {
    onHost(HOST, "DEBIAN_FRONTEND=noninteractive apt-get purge -y -q haproxy >/dev/null 2>&1; apt-get autoremove --purge -y -q >/dev/null 2>&1; rm -f /usr/sbin/policy-rc.d");
  });

  it("refreshes missing lists, installs without starting the service, and restores policy-rc.d", { timeout: 180_000 }, () => {
    const check = run("haproxy", true);
    expect(check.code, check.out).toBe(0);
    expect([check.event.status, check.event.msg]).toEqual(["changed", "apt: update the package lists; install haproxy"]);
    expect(host("ls /var/lib/apt/lists | grep -c _Packages; true").trim()).toBe("0");

    const first = run("haproxy");
    expect(first.code, first.out).toBe(0);
    expect(first.event.status).toBe("changed");
    expect(host("dpkg-query -W -f '${db:Status-Abbrev}' haproxy")).toBe("ii ");
    // installed and enabled by the package, but not started: the role starts it when configured
    expect(host("systemctl is-enabled haproxy; systemctl is-active haproxy").split("\n").slice(0, 2)).toEqual(["enabled", "inactive"]);
    expect(host("cat /usr/sbin/policy-rc.d; ls /usr/sbin | grep -c tsplay; true")).toBe(`${SITE_POLICY}0\n`);

    const again = run("haproxy");
    expect([again.event.status, again.event.result.cache_updated]).toEqual(["ok", false]);
  });

  it("a failed install still puts the host's policy-rc.d back", () => {
    const failed = run("tsplay-no-such-package");
    expect(failed.code).toBe(2);
    expect(failed.event.msg).toMatch(/apt-get failed to install tsplay-no-such-package/);
    expect(host("cat /usr/sbin/policy-rc.d; ls /usr/sbin | grep -c tsplay; true")).toBe(`${SITE_POLICY}0\n`);
  });
});
