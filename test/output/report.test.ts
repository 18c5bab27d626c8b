/**
 * The HTML run report, from events made here (the page's rendering in a browser is in
 * test/report/): what each section holds, that it is escaped and masked, and how small the
 * file stays for a 60-host run.
 */
import { describe, expect, it } from "vitest";
import { RunEventBus, emptyStats, type HostStats, type RunEvents } from "../../engine/events";
import { reportHtml, type RunInfo } from "../../engine/output/report/html";
import { recordRun } from "../../engine/output/report/record";

const info = (over: Partial<RunInfo> = {}): RunInfo => ({
  title: "playbooks/site.ts",
  inventory: ["inventory"],
  options: ["-e password=…"],
  check: false,
  version: "0.1.0",
  startedAt: Date.UTC(2026, 10, 25, 14, 3, 12),
  endedAt: Date.UTC(2026, 10, 25, 14, 3, 54),
  exitCode: 2,
  ...over,
});

/** A run told as the runner tells it, on a clock that moves only when the test says. */
function fakeRun() {
  let clock = 1_000_000;
  const events = new RunEventBus();
  const record = recordRun(events, () => clock);
  const stats: Record<string, HostStats> = {};
  return {
    events,
    record,
    play(hosts: string[], check = false) {
      hosts.forEach((h) => (stats[h] = emptyStats()));
      events.emit("play-start", { name: "site", hosts, check });
    },
    task(name: string, results: (Partial<RunEvents["host-result"]> & { host: string; durationMs: number })[], extra: Partial<RunEvents["task-start"]> = {}) {
      events.emit("task-start", { name, handler: false, hosts: results.map((r) => r.host), play: "site", source: "/repo/roles/app/tasks.ts:12", ...extra });
      // the hosts start together; each result arrives when its host is done
      const start = clock;
      for (const r of [...results].sort((a, b) => a.durationMs - b.durationMs)) {
        clock = start + r.durationMs;
        const status = r.status ?? "ok";
        stats[r.host]![status === "changed" ? "changed" : status === "skipped" ? "skipped" : status === "failed" ? "failed" : status === "unreachable" ? "unreachable" : "ok"]++;
        events.emit("host-result", { task: name, play: "site", source: "/repo/roles/app/tasks.ts:12", msg: "", ...r, status });
      }
      events.emit("task-end", { name });
    },
    recap() {
      events.emit("recap", { hosts: stats });
    },
  };
}

const configDiff = (host: string) => ({
  path: "/etc/app/app.conf",
  before: Array.from({ length: 12 }, (_, i) => `setting_${i} = old\n`).join(""),
  after: Array.from({ length: 12 }, (_, i) => (i % 4 === 0 ? `setting_${i} = ${host}\n` : `setting_${i} = old\n`)).join(""),
});

describe("the HTML run report", () => {
  it("shows the run, the slowest tasks, each failure with host and file:line, each change with its diff, the recap", () => {
    const run = fakeRun();
    run.play(["h1", "h2", "h3"]);
    run.task("config", ["h1", "h2", "h3"].map((host) => ({ host, durationMs: 40, status: "changed" as const, msg: "wrote /etc/app/app.conf", diff: [configDiff(host)] })));
    run.task("migrate", [
      { host: "h1", durationMs: 2300 },
      { host: "h2", durationMs: 900, status: "failed", msg: "non-zero return code 3: schema locked (task at /repo/roles/app/tasks.ts:12)", result: { rc: 3, stderr: "schema locked" } },
      { host: "h3", durationMs: 800 },
    ]);
    run.recap();
    const html = reportHtml(run.record, info());
    expect(html).toContain("<h1>playbooks/site.ts <span class=\"badge exit-2\">a task failed</span>");
    expect(html).toMatch(/<dt>Exit code<\/dt><dd>2: a task failed<\/dd>/);
    expect(html).toMatch(/<dt>Duration<\/dt><dd>42\.0 s<\/dd>/);
    expect(html).toMatch(/<dt>tsplay<\/dt><dd>0\.1\.0<\/dd>/);
    // slowest first, its slowest host named
    expect(html).toMatch(/<tr><td class="num">1<\/td><td class="num">2\.3 s<\/td><td>migrate<\/td>.*<td>h1 <span class="muted">2\.3 s<\/span>/);
    expect(html).toMatch(/<span class="status">failed<\/span> migrate <span class="mono where">\/repo\/roles\/app\/tasks\.ts:12<\/span> <span class="hosts">on h2<\/span>/);
    expect(html).toContain("schema locked");
    expect(html).toContain('<span class="add">+setting_0 = h3</span>');
    expect(html).toMatch(/<tr data-host="h2" class="bad"><td>h2<\/td>/);
  });

  it("a dry run says so, and calls changes 'would change'", () => {
    const run = fakeRun();
    run.play(["h1"], true);
    run.task("config", [{ host: "h1", durationMs: 5, status: "changed" }]);
    run.recap();
    const html = reportHtml(run.record, info({ check: true, exitCode: 0 }));
    expect(html).toContain('<span class="badge dry">dry run</span>');
    expect(html).toContain("<h2>Would change (1)</h2>");
    expect(html).toContain('<span class="status">would change</span> config');
    expect(html).toContain("<th>would change</th>");
  });

  it("an interrupted run and one stopped by an error say what happened", () => {
    const run = fakeRun();
    run.play(["h1"]);
    run.task("config", [{ host: "h1", durationMs: 5 }]);
    run.recap();
    expect(reportHtml(run.record, info({ exitCode: 130 }))).toContain("Interrupted (Ctrl-C): this report holds what ran until then.");
    const empty = fakeRun();
    const html = reportHtml(empty.record, info({ exitCode: 1, error: "playbooks/site.ts:4: file: unknown option 'sate'" }));
    expect(html).toContain("ERROR: playbooks/site.ts:4: file: unknown option &#39;sate&#39;");
    expect(html).toContain("The run ended before any host's recap.");
  });

  it("holds only what the events carry: a no-log task's secret never reaches it", () => {
    const run = fakeRun();
    run.play(["h1"]);
    const hidden = "the output has been hidden: the task is noLog";
    run.task("token", [{ host: "h1", durationMs: 5, status: "changed", msg: hidden, result: { censored: hidden } }]);
    run.task("fails quietly", [{ host: "h1", durationMs: 5, status: "failed", msg: hidden, result: { censored: hidden } }]);
    run.recap();
    const html = reportHtml(run.record, info());
    expect(html).toContain(hidden);
    expect(html).not.toContain("<pre class=\"diff\">");
    expect(html).not.toContain("stderr");
  });

  it("escapes markup and control characters from data; its policy lets only its own style and script run", async () => {
    const run = fakeRun();
    const host = "h1\x1b[2J";
    run.play([host]);
    run.task("</script><img src=x onerror=alert(1)>", [{ host, durationMs: 5, status: "failed", msg: "<b>bold</b>\u202e" }]);
    run.recap();
    const html = reportHtml(run.record, info());
    expect(html).not.toContain("<img");
    expect(html).not.toContain("<b>bold");
    expect(html).toContain("&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;");
    expect(html).toContain("\\u202e");
    expect(html).toContain("h1\\x1b[2J");
    expect(html).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f\u202e]/);
    // the timeline's data cannot end its script element early
    const data = html.match(/<script type="application\/json" id="timeline-data">(.*?)<\/script>/s)![1]!;
    expect(JSON.parse(data).tasks[0][0]).toBe("</script><img src=x onerror=alert(1)>");
    const { createHash } = await import("node:crypto");
    const sha = (s: string) => `'sha256-${createHash("sha256").update(s).digest("base64")}'`;
    const style = html.match(/<style>(.*?)<\/style>/s)![1]!;
    const script = html.match(/<script>(.*?)<\/script>/s)![1]!;
    expect(html).toContain(`default-src 'none'; style-src ${sha(style)}; script-src ${sha(script)};`);
    expect(html).not.toMatch(/\b(src|href)="(?!#)/);
  });

  it("stays small for 60 hosts: one entry for a change alike on every host, compact timeline data", () => {
    const hosts = Array.from({ length: 60 }, (_, i) => `node${String(i + 1).padStart(2, "0")}.example.internal`);
    const run = fakeRun();
    run.play(hosts);
    for (let t = 0; t < 50; t++) {
      const name = `role-${t % 5} : task number ${t}`;
      if (t === 10) run.task(name, hosts.map((host) => ({ host, durationMs: 30, status: "changed" as const, msg: "wrote /etc/app/app.conf", diff: [configDiff(host)] })));
      else if (t === 11) run.task(name, hosts.map((host) => ({ host, durationMs: 30, status: "changed" as const, msg: "wrote /etc/app/common.conf", diff: [configDiff("all")] })));
      else if (t === 20) run.task(name, hosts.map((host, i) => ({ host, durationMs: 200 + i, ...(i < 2 ? { status: "failed" as const, msg: `non-zero return code 1: unit failed on ${host}` } : {}) })));
      else run.task(name, hosts.map((host, i) => ({ host, durationMs: 20 + ((i * 7 + t) % 40), status: t % 7 === 0 ? ("skipped" as const) : ("ok" as const) })));
    }
    run.recap();
    const html = reportHtml(run.record, info());
    const data = JSON.parse(html.match(/id="timeline-data">(.*?)<\/script>/s)![1]!);
    expect(data.hosts).toHaveLength(60);
    expect(data.results).toHaveLength(3000);
    expect(html.match(/<details class="entry changed"/g)).toHaveLength(61);
    expect(html).toContain("on 60 hosts: node01.example.internal, node02.example.internal");
    const kb = Buffer.byteLength(html) / 1024;
    console.log(`report of 60 hosts x 50 tasks (60 host-specific diffs, 1 shared): ${kb.toFixed(0)} KB, timeline data ${(Buffer.byteLength(JSON.stringify(data)) / 1024).toFixed(0)} KB`);
    expect(kb).toBeLessThan(300);
  });
});
