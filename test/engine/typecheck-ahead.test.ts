/** A check started ahead from the command line is the engine's answer once, never a stale one after an edit. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startTypecheckFromArgv, typeErrorOf } from "../../engine/typecheck";
import { REPO } from "../cli/cli";

const scratch = mkdtempSync(join(REPO, "test/engine/.scratch-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const header = `import { play, playbook, task } from "../../../engine";\nimport { file } from "../../../modules";\n`;
const playbookWith = (path: unknown) => `${header}export default playbook([\n  play({ name: "x", hosts: "all", tasks: [task("t", file({ path: ${JSON.stringify(path)} }))] }),\n]);\n`;

describe("the type check started ahead", () => {
  it("answers the engine's first ask; an edit after it is checked again", async () => {
    const path = join(scratch, "ahead.ts");
    writeFileSync(path, playbookWith(42));
    const ahead = startTypecheckFromArgv([process.execPath, "tsplay", path, "-i", "localhost"]);
    expect(ahead).toBeDefined();
    const asked = typeErrorOf(path);
    // the check started ahead, not a second one
    expect(asked).toBe(ahead);
    expect(await asked).toMatch(/^type error: .*ahead\.ts:4:\d+: error TS2322/);
    writeFileSync(path, playbookWith("/tmp/fine"));
    expect(await typeErrorOf(path)).toBeUndefined();
  }, 60_000);

  it("starts nothing for a command line that skips or does not run a check", () => {
    const path = join(scratch, "skipped.ts");
    writeFileSync(path, playbookWith(42));
    for (const argv of [[path, "--no-typecheck"], [path, "-i", "localhost", "--help"], ["-i", "localhost", path], ["adhoc", "all"], [join(scratch, "missing.ts")], [join(scratch, "notes.txt")]]) {
      expect(startTypecheckFromArgv([process.execPath, "tsplay", ...argv]), argv.join(" ")).toBeUndefined();
    }
  });
});
