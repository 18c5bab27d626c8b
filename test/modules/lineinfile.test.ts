import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { lineinfile } from "../../modules/lineinfile";
import { HOSTILE_NAMES, run, snapshot } from "./context";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "tsplay-lineinfile-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

type Args = Parameters<typeof lineinfile>[0] & object;

/** Runs lineinfile on a file holding `before`; returns the new content, then checks a second run changes nothing. */
async function edit(before: string, args: Omit<Args, "path">): Promise<string> {
  const path = join(dir, "f");
  writeFileSync(path, before);
  await run(lineinfile({ path, ...args } as Args));
  const after = readFileSync(path, "utf8");
  expect((await run(lineinfile({ path, ...args } as Args))).result.changed).toBe(false);
  return after;
}

describe("lineinfile state=present", () => {
  it("replaces the last line matching regexp", async () => {
    expect(await edit("a=1\nb=1\na=2\n", { regexp: "^a=", line: "a=9" })).toBe("a=1\nb=1\na=9\n");
  });

  it("appends at EOF when nothing matches", async () => {
    expect(await edit("x\n", { regexp: "^a=", line: "a=9" })).toBe("x\na=9\n");
    expect(await edit("", { line: "only" })).toBe("only\n");
  });

  it("adds a newline before appending to a file without a trailing one", async () => {
    expect(await edit("x", { line: "y" })).toBe("x\ny\n");
  });

  it("keeps a replaced last line's missing newline, and CRLF line endings", async () => {
    expect(await edit("a=1\nb=2", { regexp: "^b=", line: "b=3" })).toBe("a=1\nb=3");
    expect(await edit("a=1\r\nb=1\r\n", { regexp: "^b=", line: "b=2" })).toBe("a=1\r\nb=2\r\n");
    expect(await edit("a=1\r\n", { line: "c=1" })).toBe("a=1\r\nc=1\r\n");
  });

  it("leaves an identical line alone", async () => {
    const path = join(dir, "f");
    writeFileSync(path, "keep\nme\n");
    expect((await run(lineinfile({ path, line: "me" }))).result.changed).toBe(false);
  });

  it("inserts after the last line matching insertafter, or before the last matching insertbefore", async () => {
    expect(await edit("[a]\nx\n[a]\ny\n[b]\n", { line: "new", insertafter: "^\\[a\\]" })).toBe("[a]\nx\n[a]\nnew\ny\n[b]\n");
    expect(await edit("[a]\nx\n[b]\ny\n[b]\n", { line: "new", insertbefore: "^\\[b\\]" })).toBe("[a]\nx\n[b]\ny\nnew\n[b]\n");
    expect(await edit("x\nlast", { line: "new", insertafter: "^last$" })).toBe("x\nlast\nnew\n");
  });

  it("falls back to EOF when the insert anchor matches nothing, and knows BOF", async () => {
    expect(await edit("x\n", { line: "new", insertafter: "^nomatch" })).toBe("x\nnew\n");
    expect(await edit("x\n", { line: "#!/bin/sh", insertbefore: "BOF" })).toBe("#!/bin/sh\nx\n");
    expect(await edit("x\n", { line: "first", insertafter: "BOF" })).toBe("first\nx\n");
  });

  it("prefers a regexp match over the insert anchor", async () => {
    expect(await edit("a=1\n[s]\n", { regexp: "^a=", line: "a=2", insertafter: "^\\[s\\]" })).toBe("a=2\n[s]\n");
  });
});

describe("lineinfile state=absent", () => {
  it("removes every line matching regexp", async () => {
    expect(await edit("swap1\nkeep\nswap2\n", { regexp: "^swap", state: "absent" })).toBe("keep\n");
  });

  it("removes every line equal to line, reporting how many", async () => {
    const path = join(dir, "f");
    writeFileSync(path, "x\ny\nx\n");
    const { result, plan } = await run(lineinfile({ path, line: "x", state: "absent" }));
    expect(result).toMatchObject({ changed: true, found: 2, msg: "2 lines removed" });
    expect(plan.summary).toBe(`2 lines removed: update ${path}`);
    expect(readFileSync(path, "utf8")).toBe("y\n");
  });

  it("is no change for a missing file", async () => {
    expect((await run(lineinfile({ path: join(dir, "none"), line: "x", state: "absent" }))).result.changed).toBe(false);
  });
});

describe("lineinfile on a missing file", () => {
  it("fails unless create, though check mode reports a change (an earlier task may create it)", async () => {
    const path = join(dir, "new.conf");
    expect((await run(lineinfile({ path, line: "x" }), { check: true })).plan.changed).toBe(true);
    await expect(run(lineinfile({ path, line: "x" }))).rejects.toThrow(`${path} does not exist; set create: true to create it`);
    expect(existsSync(path)).toBe(false);
  });

  it("creates the file and its directory with create, and the given mode", async () => {
    const path = join(dir, "sub/new.conf");
    await run(lineinfile({ path, line: "x", create: true, mode: "0600" }));
    expect(readFileSync(path, "utf8")).toBe("x\n");
    expect((statSync(path).mode & 0o777).toString(8)).toBe("600");
  });
});

describe("lineinfile output and safety", () => {
  it("shows a diff, keeps a backup, and in check mode touches nothing", async () => {
    const path = join(dir, "sysctl.conf");
    writeFileSync(path, "a=1\n");
    const before = snapshot(dir);
    const checked = await run(lineinfile({ path, line: "b=2" }), { check: true, diff: true });
    expect(checked.plan).toMatchObject({ changed: true, summary: `line added: update ${path}`, diff: [{ path, before: "a=1\n", after: "a=1\nb=2\n" }] });
    expect(snapshot(dir)).toEqual(before);

    const { result } = await run(lineinfile({ path, line: "b=2", backup: true }));
    expect(readFileSync(result.backup_file!, "utf8")).toBe("a=1\n");
    const secret = await run(lineinfile({ path, regexp: "^b=", line: "b=hunter2" }), { diff: true, noLog: true });
    expect(JSON.stringify(secret)).not.toContain("hunter2");
  });

  it("edits a symlink's target and keeps the link", async () => {
    writeFileSync(join(dir, "real"), "a\n");
    symlinkSync("real", join(dir, "link"));
    const { result } = await run(lineinfile({ path: join(dir, "link"), line: "b" }));
    expect(result.path).toBe(join(dir, "real"));
    expect(readFileSync(join(dir, "real"), "utf8")).toBe("a\nb\n");
    expect(readdirSync(dir).sort()).toEqual(["link", "real"]);
  });

  it("validates its arguments when the task is written", () => {
    expect(() => lineinfile({ path: "/x", lin: "a" } as any)).toThrow(/unknown option 'lin'/);
    expect(() => lineinfile({ path: "/x" })).toThrow(/state 'present' needs 'line'/);
    expect(() => lineinfile({ path: "/x", state: "absent" })).toThrow(/state 'absent' needs 'regexp' or 'line'/);
    expect(() => lineinfile({ path: "/x", line: "a", regexp: "(" })).toThrow(/'regexp' is not a valid regular expression/);
    expect(() => lineinfile({ path: "/x", line: "a", insertafter: "a", insertbefore: "b" })).toThrow(/not both/);
    expect(() => lineinfile({ path: "/x", line: "a\nb" })).toThrow(/'line' must be one line/);
    expect(() => lineinfile({ path: "/x", line: "a", create: "yes" } as any)).toThrow(/option 'create' must be a boolean/);
  });

  it("edits hostile names with hostile lines exactly and runs nothing", async () => {
    for (const name of HOSTILE_NAMES) {
      const path = join(dir, name);
      const line = `${name.replace(/\n/g, " ")} $(touch pwned) ; \`touch pwned\` '"`;
      await run(lineinfile({ path, line, create: true }));
      await run(lineinfile({ path, line: "second" }));
      expect(readFileSync(path, "utf8")).toBe(`${line}\nsecond\n`);
      expect((await run(lineinfile({ path, line }))).result.changed).toBe(false);
    }
    expect(readdirSync(dir).sort()).toEqual([...HOSTILE_NAMES].sort());
    expect(existsSync(join(process.cwd(), "pwned"))).toBe(false);
  });
});
