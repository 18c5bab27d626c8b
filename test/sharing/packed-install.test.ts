/**
 * tsplay as another team's project uses it: `npm pack`, a project outside the repository
 * installing the tarball, a role kept in its own folder and a module of its own (the
 * fixture in test/fixtures/team-project), run with `npx tsplay`. One npm install per run.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO } from "../cli/cli";

const FIXTURE = join(REPO, "test/fixtures/team-project");
const work = mkdtempSync(join(tmpdir(), "tsplay-sharing-"));
const project = join(work, "team-infra");
const { version } = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as { version: string };
const tarball = join(work, `tsplay-${version}.tgz`);

function run(command: string, args: string[], cwd = project) {
  const out = spawnSync(command, args, { cwd, encoding: "utf8", timeout: 600_000, env: { ...process.env, NO_COLOR: "1" } });
  return { code: out.status, stdout: out.stdout, stderr: out.stderr, output: `${out.stderr}${out.stdout}` };
}

const npxTsplay = (...args: string[]) => run("npx", ["--no-install", "tsplay", ...args]);
const changedTasks = (stdout: string) =>
  stdout
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as { type: string; task?: string; status?: string })
    .filter((e) => e.type === "task" && e.status === "changed")
    .map((e) => e.task);

describe("tsplay packed, installed into another project, and used from there", () => {
  beforeAll(() => {
    const pack = run("npm", ["pack", "--pack-destination", work], REPO);
    if (pack.code !== 0) throw new Error(`npm pack failed: ${pack.output}`);
    cpSync(FIXTURE, project, { recursive: true });
    for (const file of ["package.json", "tsconfig.json"]) renameSync(join(project, "setup", file), join(project, file));
    rmSync(join(project, "setup"), { recursive: true });
    const install = run("npm", ["install", "--no-audit", "--no-fund", `../tsplay-${version}.tgz`]);
    if (install.code !== 0) throw new Error(`npm install failed: ${install.output}`);
  }, 900_000);
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it("the tarball holds the engine, the modules, the docs and the CLI, and no tests", () => {
    const files = run("tar", ["tzf", tarball], work).stdout.split("\n");
    expect(files).toEqual(expect.arrayContaining(["package/bin/tsplay.js", "package/engine/index.ts", "package/modules/index.ts", "package/tsconfig.json", "package/README.md", "package/docs/quick-start.md"]));
    expect(files.filter((f) => f.startsWith("package/test/") || f.startsWith("package/roles/") || f.startsWith("package/playbooks/"))).toEqual([]);
  });

  it("runs the team's playbook with npx tsplay: changes, then changed=0; --check --diff covers the team's own module", () => {
    const root = join(work, "out");
    const args = ["playbook.ts", "-i", "localhost", "-e", `root=${root}`, "--output", "json"];
    const first = npxTsplay(...args);
    expect(first.code, first.output).toBe(0);
    expect(changedTasks(first.stdout)).toEqual(["timesyncd drop-in folder", "timesyncd servers", "app environment", "restart timesyncd"]);
    expect(readFileSync(join(root, "etc/systemd/timesyncd.conf.d/50-tsplay.conf"), "utf8")).toContain("NTP=ntp1.example.net ntp2.example.net");
    expect(readFileSync(join(root, "app.env"), "utf8")).toBe("TZ=UTC\nNTP_SERVERS=ntp1.example.net ntp2.example.net\n");

    const second = npxTsplay(...args);
    expect(second.code, second.output).toBe(0);
    expect(changedTasks(second.stdout)).toEqual([]);
    expect(second.stdout).toContain('{"type":"recap","hosts":{"localhost":{"ok":5,"changed":0,');

    writeFileSync(join(root, "app.env"), "TZ=Europe/Paris\nKEEP=me\n");
    const check = npxTsplay("playbook.ts", "-i", "localhost", "-e", `root=${root}`, "--check", "--diff");
    expect(check.code, check.output).toBe(0);
    expect(check.stdout).toMatch(/changed: \[localhost\] update .*app\.env: TZ, NTP_SERVERS/);
    expect(check.stdout).toContain("-TZ=Europe/Paris\n+TZ=UTC\n KEEP=me\n+NTP_SERVERS=ntp1.example.net ntp2.example.net");
    expect(readFileSync(join(root, "app.env"), "utf8")).toBe("TZ=Europe/Paris\nKEEP=me\n");
  });

  it("a wrong role parameter fails tsc before anything runs; without the type check it fails when the playbook loads", () => {
    const playbook = readFileSync(join(project, "playbook.ts"), "utf8");
    const root = join(work, "never");
    writeFileSync(join(project, "wrong-type.ts"), playbook.replace('"ntp1.example.net", "ntp2.example.net"]', '"ntp1.example.net", 2]'));
    const wrongType = npxTsplay("wrong-type.ts", "-i", "localhost", "-e", `root=${root}`);
    expect(wrongType.code).toBe(1);
    expect(wrongType.stderr).toMatch(/^ERROR: type error: wrong-type\.ts:\d+:\d+: error TS2322: Type 'number' is not assignable to type 'string'/);

    writeFileSync(join(project, "misspelt.ts"), playbook.replace("time_sync_servers:", "time_sync_server:"));
    const misspelt = npxTsplay("misspelt.ts", "-i", "localhost", "-e", `root=${root}`);
    expect(misspelt.code).toBe(1);
    expect(misspelt.stderr).toMatch(/type error: misspelt\.ts:\d+:\d+: error TS\d+: Object literal may only specify known properties.*'time_sync_server'/);
    const unchecked = npxTsplay("misspelt.ts", "-i", "localhost", "-e", `root=${root}`, "--no-typecheck");
    expect(unchecked.code).toBe(1);
    expect(unchecked.stderr).toMatch(/misspelt\.ts:\d+: role time-sync: unknown parameter 'time_sync_server'/);
    expect(run("ls", [work]).stdout).not.toContain("never");
  });
});
