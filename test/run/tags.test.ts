import { describe, expect, it } from "vitest";
import { block, play, playbook, task } from "../../engine";
import { selectedByTags } from "../../engine/run/tags";
import { debug } from "../../modules";
import { run } from "./harness";

describe("tag selection", () => {
  const sel = (tags: string[], skipTags: string[] = []) => ({ tags, skipTags });
  it("follows Ansible's rules for always, never, tagged, untagged and all", () => {
    expect(selectedByTags([], sel([]))).toBe(true);
    expect(selectedByTags(["a"], sel(["b"]))).toBe(false);
    expect(selectedByTags(["a", "b"], sel(["b"]))).toBe(true);
    expect(selectedByTags(["always"], sel(["b"]))).toBe(true);
    expect(selectedByTags(["always"], sel(["b"], ["always"]))).toBe(false);
    expect(selectedByTags(["never"], sel([]))).toBe(false);
    expect(selectedByTags(["never", "debug"], sel(["debug"]))).toBe(true);
    expect(selectedByTags(["a"], sel(["tagged"]))).toBe(true);
    expect(selectedByTags([], sel(["tagged"]))).toBe(false);
    expect(selectedByTags([], sel(["untagged"]))).toBe(true);
    expect(selectedByTags(["a"], sel([], ["a"]))).toBe(false);
    expect(selectedByTags(["a"], sel(["all"], ["a"]))).toBe(false);
  });

  it("tags of plays, roles and blocks are inherited by their tasks", async () => {
    const pb = playbook([
      play({
        name: "p",
        hosts: "h1",
        gatherFacts: false,
        tags: ["site"],
        tasks: [
          block("b", [task("in block", debug({ msg: "x" }))], { tags: ["blk"] }),
          task("tagged t", debug({ msg: "x" }), { tags: ["t"] }),
          task("always", debug({ msg: "x" }), { tags: ["always"] }),
        ],
      }),
    ]);
    const names = async (settings: { tags?: string[]; skipTags?: string[] }) => (await run(pb, undefined, settings)).results.map((e) => e.task);
    expect(await names({ tags: ["blk"] })).toEqual(["in block", "always"]);
    expect(await names({ tags: ["t"] })).toEqual(["tagged t", "always"]);
    expect(await names({ tags: ["site"] })).toEqual(["in block", "tagged t", "always"]);
    expect(await names({ skipTags: ["blk"] })).toEqual(["tagged t", "always"]);
  });
});
