/**
 * The report of a real run on the three test hosts, looked at in headless Chromium: a row
 * per host, h2's failure with its file:line, each host's own diff, no secret in the page,
 * and no request but the file itself.
 */
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { jsonLines, tsplay } from "../cli/cli";
import { chromiumInstalled, openPage } from "../report/browser";
import { tempDir } from "../temp-dir";
import { HOSTS, onHost, TESTBED_INVENTORY, TESTBED_KNOWN_HOSTS, testbedUp } from "./testbed";

const root = `/tmp/tsplay-report-${process.pid}`;
const SECRET = "s3cret-token-on-hosts-0815";

describe.skipIf(!testbedUp)("the report of a run on the test hosts", () => {
  afterAll(() => {
    for (const host of HOSTS) onHost(host, `rm -rf ${root}`);
  });

  it("shows every host, h2's failure, each host's diff; holds no secret; loads nothing", async () => {
    // CI installs Chromium with the other tools (test/install-tools.sh): a missing one is a failure there
    expect(chromiumInstalled, "Debian's chromium is needed: bash test/install-tools.sh").toBe(true);
    const file = join(tempDir("tsplay-report-e2e-"), "hosts.html");
    const run = tsplay([
      "test/report/playbooks/reported.ts",
      "-i", TESTBED_INVENTORY, "--known-hosts", TESTBED_KNOWN_HOSTS,
      "-e", `root=${root}`, "-e", "fail_on=h2", "-e", `secret=${SECRET}`,
      "--output", "json", "--report", file,
    ]);
    expect(run.code, run.stderr).toBe(2);
    expect(jsonLines(run.stdout).at(-1)).toMatchObject({ type: "recap", report: file });
    // the no-log file did reach the hosts: the report hides it, the run did not skip it
    expect(onHost("h1", `cat ${root}/h1/app/token`).stdout).toBe(`token=${SECRET}\n`);

    const view = await openPage(file);
    try {
      const { page } = view;
      expect(await page.locator("#timeline-rows details.host .hostname").allInnerTexts()).toEqual(expect.arrayContaining(["h1", "h3"]));
      expect(await page.locator("#timeline-rows details.host").count()).toBe(3);
      const failures = await page.innerText("#failures");
      expect(failures).toMatch(/FAILED\s+break one host test\/report\/playbooks\/reported\.ts:\d+ on h2/);
      expect(failures).toContain("the disk is on fire");
      const changes = await page.innerText("#changes");
      for (const host of HOSTS) expect(changes).toContain(`+host=${host}`);
      expect(await page.innerText("#recap")).toMatch(/h2\s+\d+\s+\d+\s+0\s+1/);
      expect(await page.innerText("body")).not.toContain(SECRET);
      expect(await page.content()).not.toContain(SECRET);
      expect(view.requests).toEqual([pathToFileURL(file).href]);
      expect(view.errors).toEqual([]);
    } finally {
      await view.close();
    }
  }, 120_000);
});
