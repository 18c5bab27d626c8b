/**
 * The report as a person sees it: a real run on three inventory hosts that are this
 * machine (one of them fails), rendered by headless Chromium; and a 60-host report, filtered
 * and folded. Checks what is on the rendered page, that no secret is in its text, and that
 * it asked for nothing but its own file. (test/e2e/report.test.ts does the same for a run
 * on the test hosts.)
 *
 * TSPLAY_UPDATE_SCREENSHOT=1 also saves the screenshot shown in the README (docs/report.png).
 */
import { statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RunEventBus, emptyStats } from "../../engine/events";
import { reportHtml } from "../../engine/output/report/html";
import { recordRun } from "../../engine/output/report/record";
import { REPO, tsplay } from "../cli/cli";
import { tempDir } from "../temp-dir";
import { chromiumInstalled, openPage, type PageView } from "./browser";

const SECRET = "s3cret-token-4711";
const BECOME_PASSWORD = "hunter2-become";

// CI installs it (test/install-tools.sh): there a missing browser fails the tests rather than skipping them
const skip = !chromiumInstalled && !process.env.CI;
if (skip) console.warn("report page tests skipped: Debian's chromium is not installed (bash test/install-tools.sh as root installs it)");

describe.skipIf(skip)("the report in a browser", () => {
  let view: PageView;
  let file: string;

  beforeAll(async () => {
    const dir = tempDir("tsplay-report-page-");
    const inventory = join(dir, "hosts.ini");
    writeFileSync(inventory, `[web]\nweb1 nap=0.2\nweb2 nap=0.4\n[db]\ndb1 nap=0.9\n[all:vars]\nansible_connection=local\nansible_become_password=${BECOME_PASSWORD}\n`);
    file = join(dir, "run.html");
    const run = tsplay(["test/report/playbooks/reported.ts", "-i", inventory, "-e", `root=${dir}/hosts`, "-e", "fail_on=web2", "-e", `secret=${SECRET}`, "--report", file]);
    expect(run.code, run.stderr).toBe(2);
    view = await openPage(file, { width: 1100, height: 1250 });
  }, 60_000);

  afterAll(async () => {
    await view?.close();
  });

  it("shows a row per host, the failure, the diffs, the recap; no secret; nothing requested but the file", async () => {
    const { page } = view;
    expect(await page.locator("#timeline-rows details.host .hostname").allInnerTexts()).toEqual(["web1", "web2", "db1"]);
    expect(await page.innerText("details.host.slowest .total")).toMatch(/^slowest\s*\d/);
    // three hosts start open: each task of each host is a line
    expect(await page.locator("#timeline-rows details.host[open] .tasks .row").count()).toBeGreaterThanOrEqual(3 * 8);
    const failures = await page.innerText("#failures");
    expect(failures).toMatch(/FAILED\s+break one host test\/report\/playbooks\/reported\.ts:\d+ on web2/);
    expect(failures).toContain("the disk is on fire");
    expect(failures).toMatch(/FAILED \(IGNORED\)\s+may fail .* on 3 hosts: web1, web2, db1/);
    const changes = await page.innerText("#changes");
    expect(changes).toContain("+port=8080");
    expect(changes).toContain("+host=web2");
    expect(await page.innerText("#timeline-rows")).toContain("reload the app");
    expect(await page.innerText("#recap")).toMatch(/web2\s+5\s+3\s+0\s+1\s+1\s+0\s+1/);
    const text = await page.innerText("body");
    const html = await page.content();
    for (const secret of [SECRET, BECOME_PASSWORD]) {
      expect(text).not.toContain(secret);
      expect(html).not.toContain(secret);
    }
    expect(view.requests).toEqual([pathToFileURL(file).href]);
    expect(view.errors).toEqual([]);
  });

  it("filters hosts by name and by what happened to them", async () => {
    const { page } = view;
    await page.fill("#host-filter", "web*");
    expect(await page.locator("#timeline-rows details.host:visible .hostname").allInnerTexts()).toEqual(["web1", "web2"]);
    expect(await page.locator("#recap tbody tr:visible").count()).toBe(2);
    await page.fill("#host-filter", "");
    await page.selectOption("#host-show", "failed");
    expect(await page.innerText("#hosts-shown")).toBe("showing 1 of 3 hosts");
    await page.selectOption("#host-show", "all");
    expect(await page.innerText("#hosts-shown")).toBe("showing 3 of 3 hosts");
  });

  it("looks right: a screenshot of the top of the page", async () => {
    await view.page.locator("#host-filter").blur();
    const shot = join(tempDir("tsplay-report-shot-"), "report.png");
    await view.page.screenshot({ path: shot });
    expect(statSync(shot).size).toBeLessThan(200 * 1024);
    if (process.env.TSPLAY_UPDATE_SCREENSHOT === "1") await view.page.screenshot({ path: join(REPO, "docs/report.png") });
  });

  it("a 60-host run is folded, can be filtered, and opens a host on click", async () => {
    const hosts = Array.from({ length: 60 }, (_, i) => `node${String(i + 1).padStart(2, "0")}`);
    let clock = 0;
    const events = new RunEventBus();
    const record = recordRun(events, () => clock);
    events.emit("play-start", { name: "site", hosts, check: false });
    for (let t = 0; t < 40; t++) {
      events.emit("task-start", { name: `task ${t}`, handler: false, hosts, play: "site" });
      const start = clock;
      hosts.forEach((host, i) => {
        clock = start + 10 + ((i * 13 + t) % 50);
        events.emit("host-result", { task: `task ${t}`, host, play: "site", status: t === 7 && i === 41 ? "failed" : t % 9 === 0 ? "changed" : "ok", msg: "", durationMs: clock - start });
      });
    }
    events.emit("recap", { hosts: Object.fromEntries(hosts.map((h) => [h, emptyStats()])) });
    const big = join(tempDir("tsplay-report-60-"), "sixty.html");
    writeFileSync(big, reportHtml(record, { title: "site.ts", inventory: ["inventory"], options: [], check: false, version: "test", startedAt: 0, endedAt: clock, exitCode: 2 }));
    const sixty = await openPage(big);
    try {
      const { page } = sixty;
      expect(await page.locator("details.host").count()).toBe(60);
      expect(await page.locator("details.host[open]").count()).toBe(0);
      expect(await page.locator("details.host .bar").count()).toBe(60 * 40);
      await page.fill("#host-filter", "node0*");
      expect(await page.innerText("#hosts-shown")).toBe("showing 9 of 60 hosts");
      await page.fill("#host-filter", "");
      await page.selectOption("#host-show", "failed");
      expect(await page.locator("details.host:visible .hostname").allInnerTexts()).toEqual(["node42"]);
      await page.click("details.host:visible summary");
      // the rows are drawn by the toggle event, which the browser fires after the click returns
      await page.waitForSelector("details.host[open] .tasks .row");
      expect(await page.locator("details.host[open] .tasks .row").count()).toBe(40);
      expect(sixty.requests).toHaveLength(1);
      expect(sixty.errors).toEqual([]);
    } finally {
      await sixty.close();
    }
  });
});
