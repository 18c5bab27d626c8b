/**
 * The engine runs as JavaScript compiled from its TypeScript into a cache: in a checkout
 * an edit to an engine file must show on the very next run, never the old build. A copy of
 * the engine (its own node_modules folder, so its own cache) is run, edited and run again.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildsOf, engineCopy } from "./engine-copy";

const copy = engineCopy("tsplay-engine-edit-");
mkdirSync(join(copy, "playbooks"));
const roleFile = join(copy, "playbooks", "steps.ts");
writeFileSync(roleFile, `import { task } from "../engine";\nimport { debug } from "../modules";\nexport const steps = [task("first step", debug({ msg: "hi" }))];\n`);
const playbook = join(copy, "playbooks", "edited.ts");
writeFileSync(playbook, `import { play, playbook } from "../engine";\nimport { steps } from "./steps";\nexport default playbook([play({ name: "edited", hosts: "all", tasks: steps })]);\n`);

function listTasks(file = playbook) {
  const run = spawnSync(process.execPath, [join(copy, "bin/tsplay.js"), file, "-i", "localhost", "--list-tasks", "--no-typecheck"], { cwd: copy, encoding: "utf8" });
  expect(run.stderr).toBe("");
  expect(run.status).toBe(0);
  return run.stdout;
}

const listing = join(copy, "engine/run/listing.ts");
const original = readFileSync(listing, "utf8");
const builds = () => buildsOf(copy);

describe("an edit to the engine in a checkout", () => {
  it("shows on the next run; undone, the earlier build is found again by its content", () => {
    expect(listTasks()).toContain("    first step\tTAGS: []");
    expect(builds()).toHaveLength(1);

    writeFileSync(listing, original.replaceAll("\\tTAGS: [", "\\tLABELS: ["));
    expect(listTasks()).toContain("    first step\tLABELS: []");
    expect(builds()).toHaveLength(2);

    writeFileSync(listing, original);
    expect(listTasks()).toContain("    first step\tTAGS: []");
    expect(builds()).toHaveLength(2);
  });

  it("a file touched without a change builds nothing again", () => {
    listTasks();
    const before = builds().sort();
    const now = new Date();
    utimesSync(listing, now, now);
    expect(listTasks()).toContain("    first step\tTAGS: []");
    expect(builds().sort()).toEqual(before);
  });

  it("a file added to the engine is a source like the others: an edit to it alone shows on the next run", () => {
    listTasks();
    // the build remembers which files are sources; a new one, imported by an edited file, must join them
    const added = join(copy, "engine/run/tag-word.ts");
    writeFileSync(added, `export const TAG_WORD = "MARKS";\n`);
    writeFileSync(listing, `import { TAG_WORD } from "./tag-word";\n${original.replaceAll("\\tTAGS: [", "\\t${TAG_WORD}: [")}`);
    expect(listTasks()).toContain("    first step\tMARKS: []");
    writeFileSync(added, `export const TAG_WORD = "BADGES";\n`);
    expect(listTasks()).toContain("    first step\tBADGES: []");
    writeFileSync(listing, original);
    expect(listTasks()).toContain("    first step\tTAGS: []");
  });

  it("an edit to a file the playbook imports shows on the next run, which bundles it once", () => {
    expect(listTasks()).toContain("first step");
    writeFileSync(roleFile, readFileSync(roleFile, "utf8").replace("first step", "renamed step"));
    const after = listTasks();
    expect(after).toContain("renamed step");
    expect(after).not.toContain("first step");
    const bundles = join(copy, "node_modules/.cache/tsplay/playbook-js");
    const bundled = () => readdirSync(bundles).map((name) => `${name} ${statSync(join(bundles, name)).mtimeMs}`);
    const before = bundled();
    expect(listTasks()).toContain("renamed step");
    expect(bundled()).toEqual(before);
  });

  it("a core role (roles/, compiled with the engine) names its own lines in a failure, and an edit to it shows on the next run", () => {
    mkdirSync(join(copy, "roles"));
    const role = join(copy, "roles", "greet.ts");
    const greeting = (message: string) => `import { task } from "../engine";\nimport { assert } from "../modules";\n\nexport const greet = [task("greet", assert({ that: () => false, failMsg: () => "${message}" }))];\n`;
    writeFileSync(role, greeting("no greeting"));
    const greeted = join(copy, "playbooks", "greeted.ts");
    writeFileSync(greeted, `import { play, playbook } from "../engine";\nimport { greet } from "../roles/greet";\nexport default playbook([play({ name: "greeted", hosts: "all", gatherFacts: false, tasks: greet })]);\n`);
    const run = () => spawnSync(process.execPath, [join(copy, "bin/tsplay.js"), greeted, "-i", "localhost", "--no-typecheck"], { cwd: copy, encoding: "utf8" });
    const failed = run();
    expect(failed.status, failed.stderr).toBe(2);
    expect(failed.stdout + failed.stderr).toContain("no greeting");
    expect(failed.stdout + failed.stderr).toContain(`${role}:4`);

    writeFileSync(role, greeting("still no greeting"));
    expect(run().stdout).toContain("still no greeting");
  });

  it("the playbook shares the engine's classes, imported from its API or from their own file: a UserError it throws is reported as one line", () => {
    for (const from of ["../engine", "../engine/errors"]) {
      const throwing = join(copy, "playbooks", "throws.ts");
      writeFileSync(throwing, `import { UserError } from "${from}";\nthrow new UserError("stop here, said the playbook");\n`);
      const run = spawnSync(process.execPath, [join(copy, "bin/tsplay.js"), throwing, "-i", "localhost", "--list-tasks", "--no-typecheck"], { cwd: copy, encoding: "utf8" });
      expect(run.status, from).toBe(1);
      expect(run.stderr, from).toMatch(/^ERROR: .*stop here, said the playbook\n$/);
    }
  });
});
