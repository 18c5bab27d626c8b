/**
 * The engine's bundles (front, core, and the packages every start loads) are CommonJS run
 * with V8's code cache beside them (bin/code-cache.js): the first run writes the cache, the
 * next ones load it instead of compiling, and a cache V8 will not take only costs time.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildsOf, engineCopy } from "./engine-copy";

const copy = engineCopy("tsplay-code-cache-");
mkdirSync(join(copy, "playbooks"));
const playbook = join(copy, "playbooks", "listed.ts");
writeFileSync(playbook, `import { play, playbook, task } from "../engine";\nimport { debug } from "../modules";\nexport default playbook([play({ name: "listed", hosts: "all", tasks: [task("say hi", debug({ msg: "hi" }))] })]);\n`);

const tsplay = (args: string[]) => spawnSync(process.execPath, [join(copy, "bin/tsplay.js"), ...args], { cwd: copy, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
const listTasks = () => tsplay([playbook, "-i", "localhost", "--list-tasks", "--no-typecheck"]);
const CACHED = ["front.cjs", "core.cjs", "packages/commander.cjs"];

function theBuild(): string {
  const builds = buildsOf(copy);
  expect(builds).toHaveLength(1);
  return builds[0]!;
}

describe("the engine's code cache", () => {
  it("is written by the first run and taken as it is by the next: nothing compiled is written again", () => {
    expect(listTasks().stdout).toContain("say hi");
    const build = theBuild();
    const caches = CACHED.map((file) => join(build, `${file}.v8-cache`));
    for (const cache of caches) expect(existsSync(cache), cache).toBe(true);
    const written = caches.map((cache) => statSync(cache).mtimeMs);
    const again = listTasks();
    expect(again.stderr).toBe("");
    expect(again.stdout).toContain("say hi");
    // V8 rejecting a cache (or none being there) is what makes a run write one
    expect(caches.map((cache) => statSync(cache).mtimeMs)).toEqual(written);
  });

  it("holds only what was run: a listing of tasks parses no YAML and leaves yaml unloaded, a listing of hosts loads it", () => {
    listTasks();
    const yamlCache = join(theBuild(), "packages/yaml.cjs.v8-cache");
    expect(existsSync(yamlCache)).toBe(false);
    const inventory = join(copy, "hosts.yml");
    writeFileSync(inventory, "all:\n  hosts:\n    web1:\n");
    const hosts = tsplay([playbook, "-i", inventory, "--list-hosts", "--no-typecheck"]);
    expect(hosts.stdout).toMatch(/HOSTS \(1\):\n {4}web1/);
    expect(existsSync(yamlCache)).toBe(true);
  });

  it("that V8 rejects (damaged, or another Node's) only costs time: the run is the same and the cache is made again", () => {
    const before = listTasks().stdout;
    const cache = join(theBuild(), "core.cjs.v8-cache");
    writeFileSync(cache, "not a code cache");
    const run = listTasks();
    expect(run.stderr).toBe("");
    expect(run.stdout).toBe(before);
    expect(readFileSync(cache, "utf8")).not.toBe("not a code cache");
  });

  it("a listing whose check is remembered loads neither node:crypto nor node:child_process: it hashes nothing, starts no tsc", () => {
    const loadedList = join(copy, "loaded.txt");
    const hook = join(copy, "list-loaded.mjs");
    writeFileSync(hook, `import { writeFileSync } from "node:fs";\nprocess.on("exit", () => writeFileSync(${JSON.stringify(loadedList)}, process.moduleLoadList.join("\\n")));\n`);
    const list = () => spawnSync(process.execPath, ["--import", hook, join(copy, "bin/tsplay.js"), playbook, "-i", "localhost", "--list-tasks"], { cwd: copy, encoding: "utf8" });
    // the first run type-checks (tsc, a child process), the second finds the check remembered
    expect(list().status).toBe(0);
    expect(readFileSync(loadedList, "utf8")).toMatch(/^NativeModule child_process$/m);
    const cached = list();
    expect(cached.stderr).toBe("");
    expect(cached.stdout).toContain("say hi");
    const loaded = readFileSync(loadedList, "utf8");
    expect(loaded).not.toMatch(/^NativeModule crypto$/m);
    expect(loaded).not.toMatch(/^NativeModule child_process$/m);
  });

  it("leaves no dynamic import to Node's experimental loader: a run that loads ssh2 warns of nothing", () => {
    for (const bundle of ["front.cjs", "core.cjs"]) expect(readFileSync(join(theBuild(), bundle), "utf8"), bundle).not.toMatch(/\bimport\(/);
    // port 1 of the loopback refuses at once: the run loads ssh2 to connect, and fails
    const inventory = join(copy, "refusing.ini");
    writeFileSync(inventory, "nobody ansible_host=127.0.0.1 ansible_port=1\n");
    const run = tsplay([playbook, "-i", inventory, "--no-typecheck"]);
    expect(run.status).not.toBe(0);
    expect(run.stdout + run.stderr).toMatch(/nobody/);
    expect(run.stdout + run.stderr).not.toMatch(/Warning/);
  });
});
