import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { file } from "../../modules/file";
import { HOSTILE_NAMES, run, snapshot } from "./context";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "tsplay-file-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const perms = (path: string) => (statSync(path).mode & 0o7777).toString(8);
const NOBODY = 65534;

describe("file state=directory", () => {
  it("creates the directory and its parents, then reports no change", async () => {
    const path = join(dir, "a/b/c");
    const first = await run(file({ path, state: "directory", mode: "0750", owner: "nobody", group: "nogroup" }));
    expect(first.result).toMatchObject({ changed: true, path, state: "directory", mode: "0750", owner: "nobody", group: "nogroup" });
    expect(first.plan.summary).toBe(`create directory ${path}`);
    expect(perms(path)).toBe("750");
    expect(statSync(path).uid).toBe(NOBODY);
    expect(statSync(path).gid).toBe(NOBODY);

    const second = await run(file({ path, state: "directory", mode: "0750", owner: "nobody", group: "nogroup" }));
    expect(second.result.changed).toBe(false);
    expect(second.plan.apply).toBeUndefined();
  });

  it("gives a mode to the new directory alone, whether its parents exist or not,", async () => {
    const near = join(dir, "near");
    await run(file({ path: near, state: "directory", mode: "0705" }));
    expect(perms(near)).toBe("705");
    const far = join(dir, "x/y/far");
    await run(file({ path: far, state: "directory", mode: "0701" }));
    expect([perms(far), perms(join(dir, "x/y"))]).toEqual(["701", (0o777 & ~process.umask()).toString(8)]);
    const setuidDir = join(dir, "sticky");
    await run(file({ path: setuidDir, state: "directory", mode: "1777" }));
    expect(perms(setuidDir)).toBe("1777");
  });

  it("in check mode predicts the change and touches nothing", async () => {
    const before = snapshot(dir);
    const path = join(dir, "new/deep");
    const { plan } = await run(file({ path, state: "directory", mode: "0700" }), { check: true });
    expect(plan.changed).toBe(true);
    expect(plan.summary).toBe(`create directory ${path}`);
    expect(snapshot(dir)).toEqual(before);
  });

  it("changes only the attributes that differ", async () => {
    const path = join(dir, "d");
    mkdirSync(path, { mode: 0o755 });
    const checked = await run(file({ path, state: "directory", mode: 0o700 }), { check: true });
    expect(checked.plan.summary).toBe(`${path}: mode 0755 → 0700`);
    expect(perms(path)).toBe("755");
    await run(file({ path, state: "directory", mode: 0o700 }));
    expect(perms(path)).toBe("700");
  });

  it("fails on an existing file, naming it", async () => {
    const path = join(dir, "f");
    writeFileSync(path, "x");
    await expect(run(file({ path, state: "directory" }))).rejects.toThrow(`${path} exists and is a file, not a directory`);
  });

  it("shows a before/after diff of the attributes", async () => {
    const path = join(dir, "d");
    const { plan } = await run(file({ path, state: "directory", mode: "0700" }), { check: true, diff: true });
    expect(plan.diff).toEqual([{ path, before: "state: absent\n", after: "state: directory\nmode: 0700\n" }]);
    const quiet = await run(file({ path, state: "directory", mode: "0700" }), { check: true, diff: true, noLog: true });
    expect(quiet.plan.diff).toBeUndefined();
  });
});

describe("file recurse", () => {
  function tree() {
    const root = join(dir, "tree");
    mkdirSync(join(root, "sub/deeper"), { recursive: true });
    writeFileSync(join(root, "a.txt"), "a", { mode: 0o644 });
    writeFileSync(join(root, "sub/deeper/b.txt"), "b", { mode: 0o600 });
    writeFileSync(join(dir, "outside"), "o", { mode: 0o644 });
    symlinkSync(join(dir, "outside"), join(root, "sub/link"));
    return root;
  }

  it("applies owner, group and mode to the whole tree, then reports no change", async () => {
    const root = tree();
    const args = { path: root, state: "directory", recurse: true, owner: "nobody", group: "nogroup", mode: "0750" } as const;
    const first = await run(file(args));
    expect(first.result.changed).toBe(true);
    for (const rel of [".", "a.txt", "sub", "sub/deeper", "sub/deeper/b.txt"]) {
      const st = statSync(join(root, rel));
      expect([rel, st.uid, st.gid, (st.mode & 0o7777).toString(8)]).toEqual([rel, NOBODY, NOBODY, "750"]);
    }
    // a symlink in the tree is not followed out of it
    expect(statSync(join(dir, "outside")).uid).toBe(0);
    expect(perms(join(dir, "outside"))).toBe("644");

    const second = await run(file(args));
    expect(second.result.changed).toBe(false);
  });

  it("notices one differing file deep in the tree, in check mode without touching it", async () => {
    const root = tree();
    const args = { path: root, state: "directory", recurse: true, mode: "0750" } as const;
    await run(file(args));
    writeFileSync(join(root, "sub/deeper/new.txt"), "n", { mode: 0o640 });
    const before = snapshot(dir);
    const { plan } = await run(file(args), { check: true });
    expect(plan.changed).toBe(true);
    expect(plan.summary).toBe(`${root}: attributes below it`);
    expect(snapshot(dir)).toEqual(before);
  });
});

describe("file state=file", () => {
  it("changes attributes of an existing file", async () => {
    const path = join(dir, "secret");
    writeFileSync(path, "s", { mode: 0o644 });
    const { result } = await run(file({ path, state: "file", mode: "0600", owner: "nobody" }));
    expect(result).toMatchObject({ changed: true, mode: "0600", owner: "nobody" });
    expect(perms(path)).toBe("600");
    expect(statSync(path).uid).toBe(NOBODY);
    expect((await run(file({ path, mode: "0600", owner: "nobody" }))).result.changed).toBe(false);
  });

  it("fails when the file is missing, but check mode reports a change (an earlier task may create it)", async () => {
    const path = join(dir, "missing");
    const checked = await run(file({ path, state: "file" }), { check: true });
    expect(checked.plan.changed).toBe(true);
    expect(checked.plan.summary).toMatch(/is missing/);
    await expect(run(file({ path, state: "file" }))).rejects.toThrow(/does not exist; state 'file' only changes attributes/);
    expect(existsSync(path)).toBe(false);
  });
});

describe("file state=touch", () => {
  it("creates a file, and always reports a change", async () => {
    const path = join(dir, "stamp");
    const first = await run(file({ path, state: "touch", mode: "0640" }));
    expect(first.plan.summary).toBe(`create ${path}`);
    expect(perms(path)).toBe("640");
    const old = new Date("2001-01-01");
    const { utimesSync } = await import("node:fs");
    utimesSync(path, old, old);
    const second = await run(file({ path, state: "touch", mode: "0640" }));
    expect(second.result.changed).toBe(true);
    expect(statSync(path).mtime.getTime()).toBeGreaterThan(old.getTime());
  });

  it("in check mode creates nothing", async () => {
    const before = snapshot(dir);
    const { plan } = await run(file({ path: join(dir, "stamp"), state: "touch" }), { check: true });
    expect(plan.changed).toBe(true);
    expect(snapshot(dir)).toEqual(before);
  });
});

describe("file state=link", () => {
  it("creates a symlink, then reports no change, and repoints it", async () => {
    const path = join(dir, "current");
    writeFileSync(join(dir, "v1"), "1");
    writeFileSync(join(dir, "v2"), "2");
    const first = await run(file({ path, state: "link", src: "v1" }));
    expect(first.result).toMatchObject({ changed: true, src: "v1" });
    expect(readlinkSync(path)).toBe("v1");
    expect((await run(file({ path, state: "link", src: "v1" }))).result.changed).toBe(false);

    const repoint = await run(file({ path, state: "link", src: join(dir, "v2") }));
    expect(repoint.plan.summary).toBe(`repoint ${path}: v1 → ${join(dir, "v2")}`);
    expect(readlinkSync(path)).toBe(join(dir, "v2"));
  });

  it("sets the link's own owner, not its target's", async () => {
    const path = join(dir, "l");
    writeFileSync(join(dir, "t"), "t");
    await run(file({ path, state: "link", src: "t", owner: "nobody" }));
    expect(lstatSync(path).uid).toBe(NOBODY);
    expect(statSync(join(dir, "t")).uid).toBe(0);
    expect((await run(file({ path, state: "link", src: "t", owner: "nobody" }))).result.changed).toBe(false);
  });

  it("replaces a regular file only with force", async () => {
    const path = join(dir, "plain");
    writeFileSync(path, "p");
    writeFileSync(join(dir, "t"), "t");
    await expect(run(file({ path, state: "link", src: "t" }))).rejects.toThrow(/is not a symlink; set force: true/);
    await run(file({ path, state: "link", src: "t", force: true }));
    expect(readlinkSync(path)).toBe("t");
  });

  it("links to a missing target only with force, though check mode reports the change", async () => {
    const path = join(dir, "dangling");
    expect((await run(file({ path, state: "link", src: "nowhere" }), { check: true })).plan.changed).toBe(true);
    await expect(run(file({ path, state: "link", src: "nowhere" }))).rejects.toThrow(/link target nowhere does not exist; set force: true/);
    expect(existsSync(path)).toBe(false);
    await run(file({ path, state: "link", src: "nowhere", force: true }));
    expect(readlinkSync(path)).toBe("nowhere");
  });

  it("refuses to replace a directory", async () => {
    mkdirSync(join(dir, "d"));
    await expect(run(file({ path: join(dir, "d"), state: "link", src: "x", force: true }))).rejects.toThrow(/is a directory/);
  });
});

describe("file state=absent", () => {
  it("removes a tree, then reports no change", async () => {
    const path = join(dir, "gone");
    mkdirSync(join(path, "sub"), { recursive: true });
    writeFileSync(join(path, "sub/f"), "f");
    const first = await run(file({ path, state: "absent" }));
    expect(first.plan.summary).toBe(`remove directory ${path}`);
    expect(existsSync(path)).toBe(false);
    expect((await run(file({ path, state: "absent" }))).result.changed).toBe(false);
  });

  it("removes a link to a directory, not the directory's content (even with a trailing slash)", async () => {
    mkdirSync(join(dir, "real"));
    writeFileSync(join(dir, "real/keep"), "k");
    symlinkSync(join(dir, "real"), join(dir, "l"));
    await run(file({ path: `${join(dir, "l")}/`, state: "absent" }));
    expect(existsSync(join(dir, "l"))).toBe(false);
    expect(existsSync(join(dir, "real/keep"))).toBe(true);
  });

  it("in check mode removes nothing", async () => {
    writeFileSync(join(dir, "f"), "f");
    const before = snapshot(dir);
    expect((await run(file({ path: join(dir, "f"), state: "absent" }), { check: true })).plan.changed).toBe(true);
    expect(snapshot(dir)).toEqual(before);
  });
});

describe("file arguments", () => {
  it("are validated when the task is written", () => {
    expect(() => file({ pth: "/x" } as any)).toThrow(/unknown option 'pth'/);
    expect(() => file({ path: 3 } as any)).toThrow(/option 'path' must be a string/);
    expect(() => file({ path: "/x", state: "dir" } as any)).toThrow(/option 'state' must be one of directory, file, absent, link, touch/);
    expect(() => file({ path: "/x", mode: "rwx" } as any)).toThrow(/option 'mode' must be an octal mode/);
    expect(() => file({ path: "/x", state: "link" })).toThrow(/state 'link' needs 'src'/);
    expect(() => file({ path: "/x", state: "link", src: "y", mode: "0644" })).toThrow(/symlink has no mode/);
    expect(() => file({ path: "/x", state: "file", recurse: true })).toThrow(/'recurse' is only for state 'directory'/);
    expect(() => file({} as any)).toThrow(/option 'path' is required/);
  });
});

describe("file with hostile names", () => {
  it("creates, touches, links and removes exactly the named paths and runs nothing", async () => {
    for (const name of HOSTILE_NAMES) {
      const d = join(dir, `${name}.d`);
      await run(file({ path: d, state: "directory", mode: "0700" }));
      await run(file({ path: join(d, name), state: "touch" }));
      await run(file({ path: join(d, `${name}.link`), state: "link", src: name }));
      expect(readdirSync(d).sort()).toEqual([name, `${name}.link`].sort());
      expect(readlinkSync(join(d, `${name}.link`))).toBe(name);
      expect(perms(d)).toBe("700");
      expect((await run(file({ path: join(d, `${name}.link`), state: "link", src: name }))).result.changed).toBe(false);
      expect((await run(file({ path: d, state: "directory", mode: "0700", recurse: true }))).result.changed).toBe(true);
      expect(perms(join(d, name))).toBe("700");
      expect((await run(file({ path: d, state: "directory", mode: "0700", recurse: true }))).result.changed).toBe(false);
    }
    expect(readdirSync(dir).sort()).toEqual(HOSTILE_NAMES.map((n) => `${n}.d`).sort());
    for (const name of HOSTILE_NAMES) await run(file({ path: join(dir, `${name}.d`), state: "absent" }));
    expect(readdirSync(dir)).toEqual([]);
    expect(existsSync(join(process.cwd(), "pwned"))).toBe(false);
  });
});
