/**
 * The run report: one HTML file that holds everything it shows. Its style sheet and script
 * are inline and its Content-Security-Policy allows nothing else (no request leaves the
 * file, even for text that slipped past escaping), so it opens from disk, offline, in any
 * browser. Only the timeline needs the script; the other sections are plain HTML.
 *
 *   writeFileSync("run.html", reportHtml(record, info));
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { EXIT } from "../../run/playbook-runner";
import type { FileDiff } from "../../module";
import { unifiedDiff } from "../diff-text";
import { taskLabel } from "../plain";
import { printable, printableName } from "../printable";
import { shownSource, type RunRecord } from "./record";
import { changeGroups, failureGroups, type ResultGroup } from "./result-groups";
import { slowestTasks } from "./slowest-tasks";
import { timelineData } from "./timeline-data";

/** What the run was, as the command line knew it. */
export interface RunInfo {
  /** the playbook file, or the ad-hoc command */
  title: string;
  inventory: string[];
  /** the options as given, extra vars' values left out (they may be secrets) */
  options: string[];
  check: boolean;
  version: string;
  /** epoch milliseconds */
  startedAt: number;
  endedAt: number;
  exitCode: number;
  /** why the run stopped before or outside its tasks (a playbook or inventory error) */
  error?: string;
}

const CSS = readFileSync(new URL("./page.css", import.meta.url), "utf8");
const SCRIPT = readFileSync(new URL("./page.js", import.meta.url), "utf8");
const hash = (text: string) => `'sha256-${createHash("sha256").update(text).digest("base64")}'`;
const POLICY = `default-src 'none'; style-src ${hash(CSS)}; script-src ${hash(SCRIPT)}; img-src data:; base-uri 'none'; form-action 'none'`;

// a diff longer than this is cut: the report stays small, `--diff` shows the whole of it
const DIFF_LINES = 400;

const OUTCOME: Record<number, string> = {
  [EXIT.ok]: "ok",
  [EXIT.error]: "error in the playbook or inventory",
  [EXIT.failed]: "a task failed",
  [EXIT.unreachable]: "a host was unreachable",
  [EXIT.badOptions]: "bad options",
  [EXIT.interrupted]: "interrupted",
};

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
/** Data as HTML text: markup characters escaped, and control characters shown as escapes as on a terminal. */
const text = (value: string) => printable(value).replace(/[&<>"']/g, (c) => ESCAPES[c]!);
const name = (value: string) => printableName(value).replace(/[&<>"']/g, (c) => ESCAPES[c]!);

export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

const source = (where: string | undefined) => name(shownSource(where));

const when = (epochMs: number) => new Date(epochMs).toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC");

function header(record: RunRecord, info: RunInfo): string {
  const outcome = OUTCOME[info.exitCode] ?? "ended";
  const rows: [string, string][] = [
    ["Inventory", info.inventory.map(name).join(", ") || "localhost"],
    ["Options", info.options.length ? `<code>${name(info.options.join(" "))}</code>` : "none"],
    ["Mode", info.check ? "dry run (<code>--check</code>): nothing was changed; “would change” below is what a real run would change" : "real run"],
    ["Started", when(info.startedAt)],
    ["Duration", duration(info.endedAt - info.startedAt)],
    ["Exit code", `${info.exitCode}: ${outcome}`],
    ["Hosts", String(record.hosts.length)],
    ["tsplay", name(info.version)],
  ];
  const notices = [
    info.error ? `<p class="notice error">ERROR: ${text(info.error)}</p>` : "",
    info.exitCode === EXIT.interrupted ? `<p class="notice interrupted">Interrupted (Ctrl-C): this report holds what ran until then.</p>` : "",
    info.check ? `<p class="notice dry">Dry run: nothing on the hosts was changed.</p>` : "",
  ];
  return `<header><h1>${name(info.title)} <span class="badge exit-${info.exitCode}">${outcome}</span>${info.check ? ` <span class="badge dry">dry run</span>` : ""}</h1>
<dl class="run">${rows.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join("")}</dl>${notices.join("")}</header>`;
}

function timeline(record: RunRecord): string {
  const legend = [["s0", "ok"], ["s1", record.check ? "would change" : "changed"], ["s2", "failed"], ["s5", "failed (ignored)"], ["s3", "unreachable"], ["s4", "skipped"]];
  // `<` escaped: the data cannot close its script element
  const json = JSON.stringify(timelineData(record)).replace(/</g, "\\u003c");
  return `<section id="timeline"><h2>Timeline</h2>
<div class="controls"><input type="search" id="host-filter" placeholder="filter hosts: web*, h1 h2" aria-label="filter hosts">
<select id="host-show" aria-label="which hosts"><option value="all">all hosts</option><option value="changed">hosts with changes</option><option value="failed">hosts with failures</option></select>
<button type="button" id="expand-all">expand all</button><button type="button" id="collapse-all">collapse all</button><span id="hosts-shown" class="muted"></span></div>
<div class="legend">${legend.map(([c, l]) => `<span><i class="${c}"></i>${l}</span>`).join("")}<span class="muted">a row is a host (click it for its tasks); “busy” is its tasks' total time</span></div>
<div id="timeline-rows"><noscript><p class="muted">The timeline is drawn by this page's own script; the sections below need none.</p></noscript></div>
<script type="application/json" id="timeline-data">${json}</script></section>`;
}

function slowest(record: RunRecord): string {
  const tasks = slowestTasks(record);
  if (tasks.length === 0) return `<section id="slowest"><h2>Slowest tasks</h2><p class="muted">No task ran.</p></section>`;
  const rows = tasks.map(
    (t, i) =>
      `<tr><td class="num">${i + 1}</td><td class="num">${duration(t.wallMs)}</td><td>${name(taskLabel(t.task))}${t.task.handler ? ` <span class="muted">(handler)</span>` : ""}</td><td class="mono where">${source(t.task.source)}</td><td class="num">${t.hosts}</td><td>${name(t.slowest.host)} <span class="muted">${duration(t.slowest.durationMs)}</span></td></tr>`,
  );
  return `<section id="slowest"><h2>Slowest tasks</h2><table><thead><tr><th>#</th><th>time</th><th>task</th><th>written at</th><th>hosts</th><th>slowest host</th></tr></thead><tbody>${rows.join("")}</tbody></table></section>`;
}

function diffBlock(d: FileDiff): string {
  const lines = printable(unifiedDiff(d)).split("\n");
  const shown = lines.slice(0, DIFF_LINES).map((line) => {
    const escaped = line.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
    if (line.startsWith("@@")) return `<span class="hunk">${escaped}</span>`;
    if (line.startsWith("+") && !line.startsWith("+++")) return `<span class="add">${escaped}</span>`;
    if (line.startsWith("-") && !line.startsWith("---")) return `<span class="del">${escaped}</span>`;
    return escaped;
  });
  if (lines.length > DIFF_LINES) shown.push(`<span class="muted">… ${lines.length - DIFF_LINES} more lines: run with --diff to see them all</span>`);
  return `<pre class="diff">${shown.join("\n")}</pre>`;
}

function hostList(hosts: string[]): string {
  return `<span class="hosts">on ${hosts.length === 1 ? "" : `${hosts.length} hosts: `}${hosts.map(name).join(", ")}</span>`;
}

function entry(group: ResultGroup, label: string, open: boolean): string {
  const kind = group.ignored ? "ignored" : group.status;
  const where = group.task.source ? ` <span class="mono where">${source(group.task.source)}</span>` : "";
  const delegated = group.delegatedTo ? ` <span class="muted">(ran on ${name(group.delegatedTo)})</span>` : "";
  const out = group.output;
  const output = out
    ? `${out.rc !== undefined ? `<div class="muted">rc=${out.rc}</div>` : ""}${out.stderr ? `<div class="muted">stderr</div><pre>${text(out.stderr)}</pre>` : ""}${out.stdout ? `<div class="muted">stdout</div><pre>${text(out.stdout)}</pre>` : ""}`
    : "";
  const msg = group.msg ? `<pre>${text(group.msg)}</pre>` : "";
  return `<details class="entry ${kind}"${open ? " open" : ""}><summary><span class="status">${label}</span> ${name(taskLabel({ name: group.name, role: group.task.role }))}${where} ${hostList(group.hosts)}${delegated}</summary>${msg}${output}${(group.diff ?? []).map(diffBlock).join("")}</details>`;
}

function failures(record: RunRecord): string {
  const groups = failureGroups(record);
  const body = groups.length
    ? groups.map((g) => entry(g, g.status === "unreachable" ? "unreachable" : g.ignored ? "failed (ignored)" : "failed", true)).join("\n")
    : `<p class="muted">No task failed and every host was reached.</p>`;
  return `<section id="failures"><h2>Failures (${groups.length})</h2>${body}</section>`;
}

function changes(record: RunRecord, check: boolean, diffs: boolean): string {
  const groups = changeGroups(record);
  // open while they can be read one after another; a long list is scanned by title first
  const open = groups.length <= 12;
  const note = diffs ? "" : `<p class="muted">File differences were not recorded for this run.</p>`;
  const body = groups.length ? groups.map((g) => entry(g, check ? "would change" : "changed", open)).join("\n") : `<p class="muted">${check ? "Nothing would change." : "Nothing changed."}</p>`;
  return `<section id="changes"><h2>${check ? "Would change" : "Changes"} (${groups.length})</h2>${note}${body}</section>`;
}

function warnings(record: RunRecord): string {
  if (record.warnings.length === 0) return "";
  return `<section id="warnings"><h2>Warnings (${record.warnings.length})</h2><ul>${record.warnings.map((w) => `<li>${text(w)}</li>`).join("")}</ul></section>`;
}

function recap(record: RunRecord, check: boolean): string {
  const hosts = record.recap ?? {};
  const names = Object.keys(hosts);
  if (names.length === 0) return `<section id="recap"><h2>Recap</h2><p class="muted">The run ended before any host's recap.</p></section>`;
  const columns = ["ok", "changed", "unreachable", "failed", "skipped", "rescued", "ignored"] as const;
  const head = columns.map((c) => `<th>${c === "changed" && check ? "would change" : c}</th>`).join("");
  const rows = names.map((host) => {
    const s = hosts[host]!;
    return `<tr data-host="${name(host)}"${s.failed || s.unreachable ? ` class="bad"` : ""}><td>${name(host)}</td>${columns.map((c) => `<td class="num">${s[c]}</td>`).join("")}</tr>`;
  });
  return `<section id="recap"><h2>Recap</h2><table><thead><tr><th>host</th>${head}</tr></thead><tbody>${rows.join("")}</tbody></table></section>`;
}

/** The whole page. `diffs`: whether the run recorded file differences (--diff or --report). */
export function reportHtml(record: RunRecord, info: RunInfo, { diffs = true }: { diffs?: boolean } = {}): string {
  const failed = failureGroups(record).length;
  const changed = changeGroups(record).length;
  const nav = [["timeline", "Timeline"], ["slowest", "Slowest tasks"], ["failures", `Failures (${failed})`], ["changes", `${info.check ? "Would change" : "Changes"} (${changed})`], ...(record.warnings.length ? [["warnings", "Warnings"]] : []), ["recap", "Recap"]];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${POLICY}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>tsplay: ${name(info.title)} (${OUTCOME[info.exitCode] ?? "ended"})</title>
<style>${CSS}</style></head>
<body>
${header(record, info)}
<nav>${nav.map(([id, label]) => `<a href="#${id}">${label}</a>`).join("")}</nav>
${timeline(record)}
${slowest(record)}
${failures(record)}
${changes(record, info.check, diffs)}
${warnings(record)}
${recap(record, info.check)}
<footer>Written by tsplay ${name(info.version)} on ${when(info.endedAt)}. This file is the whole report: it loads nothing.</footer>
<script>${SCRIPT}</script>
</body></html>
`;
}

/** What the file holds while the run is under way (and if the run is killed outright). */
export function inProgressHtml(info: Pick<RunInfo, "title" | "startedAt">): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'"><title>tsplay: ${name(info.title)} (running)</title></head>
<body><p>tsplay is running ${name(info.title)} (started ${when(info.startedAt)}). This page is replaced by the report when the run ends; if it is still here, the run was killed before it could write it.</p></body></html>
`;
}
