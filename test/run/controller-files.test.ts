/**
 * --check sees the files earlier tasks would write on the controller: a task that reads one
 * (copy's src, h.controllerFile) predicts from the content the real run would have left.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { play, playbook, task } from "../../engine";
import { copy, debug } from "../../modules";
import { run } from "./harness";
import { tempDir } from "../temp-dir";

const pipeline = (dir: string, version: string) =>
  playbook([
    play({
      name: "p",
      hosts: "h1",
      gatherFacts: false,
      tasks: [
        task("made on the controller", copy({ dest: join(dir, "made.conf"), content: `version ${version}\n` })),
        task("copied from it", copy({ src: join(dir, "made.conf"), dest: join(dir, "copy.conf") })),
        task("read by a function", debug({ msg: (h) => h.controllerFile(join(dir, "made.conf")) ?? "absent" })),
      ],
    }),
  ]);

const changes = (r: Awaited<ReturnType<typeof run>>) => r.results.filter((e) => e.status === "changed").map((e) => e.task);

describe("--check and the controller's files", () => {
  it("a source an earlier task would create is predicted, then made, exactly", async () => {
    const dir = tempDir("tsplay-controller-files-");
    const check = await run(pipeline(dir, "1"), undefined, { check: true });
    expect(changes(check)).toEqual(["made on the controller", "copied from it"]);
    expect(check.results.at(-1)!.msg).toBe("version 1\n");
    const real = await run(pipeline(dir, "1"));
    expect(changes(real)).toEqual(changes(check));
    expect(readFileSync(join(dir, "copy.conf"), "utf8")).toBe("version 1\n");
  });

  it("a source an earlier task would change is predicted with its new content, not the old one", async () => {
    const dir = tempDir("tsplay-controller-files-");
    await run(pipeline(dir, "1"));
    const check = await run(pipeline(dir, "2"), undefined, { check: true });
    expect(changes(check)).toEqual(["made on the controller", "copied from it"]);
    expect(check.results.at(-1)!.msg).toBe("version 2\n");
    expect(readFileSync(join(dir, "made.conf"), "utf8")).toBe("version 1\n");
    expect(changes(await run(pipeline(dir, "2")))).toEqual(changes(check));
  });

  it("a source nothing makes fails the real run, and is a predicted change under --check", async () => {
    const dir = tempDir("tsplay-controller-files-");
    writeFileSync(join(dir, "other"), "");
    const missing = playbook([play({ name: "p", hosts: "h1", gatherFacts: false, tasks: [task("copy", copy({ src: join(dir, "nope"), dest: join(dir, "x") }))] })]);
    const check = await run(missing, undefined, { check: true });
    expect(check.results[0]).toMatchObject({ status: "changed" });
    expect(check.results[0]!.result?.uncertain).toMatch(/src '.*nope' not found/);
    expect((await run(missing)).results[0]).toMatchObject({ status: "failed", msg: expect.stringMatching(/^src '.*nope' not found/) });
  });
});
