import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sha256 } from "../../engine/managed-file";
import { copy } from "../../modules/copy";
import { HOSTILE_NAMES, run, snapshot } from "./context";

let dir: string;
let files: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "tsplay-copy-"));
  files = mkdtempSync(join(tmpdir(), "tsplay-files-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(files, { recursive: true, force: true });
});

const perms = (path: string) => (statSync(path).mode & 0o7777).toString(8);

describe("copy content", () => {
  it("writes the file with its mode, then reports no change", async () => {
    const dest = join(dir, "key.pem");
    const first = await run(copy({ dest, content: "secret\n", mode: "0600" }));
    expect(first.result).toMatchObject({ changed: true, dest, checksum: sha256("secret\n"), size: 7, mode: "0600" });
    expect(first.plan.summary).toBe(`create ${dest} (mode 0600)`);
    expect(readFileSync(dest, "utf8")).toBe("secret\n");
    expect(perms(dest)).toBe("600");

    const second = await run(copy({ dest, content: "secret\n", mode: "0600" }));
    expect(second.result).toMatchObject({ changed: false, owner: "root", group: "root", mode: "0600" });
  });

  it("in check mode predicts creation and updates exactly, and touches nothing", async () => {
    const dest = join(dir, "conf");
    let before = snapshot(dir);
    expect((await run(copy({ dest, content: "a\n" }), { check: true })).plan.changed).toBe(true);
    expect(snapshot(dir)).toEqual(before);

    writeFileSync(dest, "a\n", { mode: 0o644 });
    before = snapshot(dir);
    expect((await run(copy({ dest, content: "a\n" }), { check: true })).plan.changed).toBe(false);
    const update = await run(copy({ dest, content: "b\n", mode: "0640" }), { check: true });
    expect(update.plan.summary).toBe(`update ${dest}, mode 0644 → 0640`);
    expect(snapshot(dir)).toEqual(before);
  });

  it("shows a diff only with diff on, and never for a no-log task", async () => {
    const dest = join(dir, "conf");
    writeFileSync(dest, "port=1\n");
    const shown = await run(copy({ dest, content: "port=2\n" }), { diff: true, check: true });
    expect(shown.plan.diff).toEqual([{ path: dest, before: "port=1\n", after: "port=2\n" }]);
    expect((await run(copy({ dest, content: "port=2\n" }), { check: true })).plan.diff).toBeUndefined();

    const secret = await run(copy({ dest, content: "token=hunter2\n" }), { diff: true, noLog: true });
    expect(secret.plan.diff).toBeUndefined();
    expect(JSON.stringify(secret)).not.toContain("hunter2");
    const created = await run(copy({ dest: join(dir, "new"), content: "x\n" }), { diff: true, check: true });
    expect(created.plan.diff).toEqual([{ path: join(dir, "new"), before: "", after: "x\n" }]);
  });

  it("changes only the mode and owner when the content matches, without rewriting the file", async () => {
    const dest = join(dir, "conf");
    writeFileSync(dest, "same\n", { mode: 0o644 });
    const inode = statSync(dest).ino;
    const { plan } = await run(copy({ dest, content: "same\n", mode: "0600", owner: "nobody", group: "nogroup" }));
    expect(plan.summary).toBe(`${dest}: mode 0644 → 0600, owner root → nobody, group root → nogroup`);
    expect(statSync(dest)).toMatchObject({ ino: inode, uid: 65534, gid: 65534 });
    expect(perms(dest)).toBe("600");
  });

  it("keeps a backup of the old content and returns its path", async () => {
    const dest = join(dir, "conf");
    writeFileSync(dest, "old\n", { mode: 0o640 });
    const { result } = await run(copy({ dest, content: "new\n", backup: true }));
    expect(result.backup_file).toMatch(/^.*\/conf\.\d{4}-\d\d-\d\d@\d\d:\d\d:\d\d~$/);
    expect(readFileSync(result.backup_file!, "utf8")).toBe("old\n");
    expect(perms(result.backup_file!)).toBe("640");
    expect(perms(dest)).toBe("640");
    expect((await run(copy({ dest, content: "new\n", backup: true }))).result.backup_file).toBeUndefined();
  });

  it("with force: false leaves an existing file alone", async () => {
    const dest = join(dir, "conf");
    writeFileSync(dest, "mine\n");
    expect((await run(copy({ dest, content: "theirs\n", force: false }))).result.changed).toBe(false);
    expect(readFileSync(dest, "utf8")).toBe("mine\n");
    expect((await run(copy({ dest: join(dir, "fresh"), content: "x", force: false }))).result.changed).toBe(true);
  });

  it("replaces a symlink at dest with a file, leaving the link's target alone", async () => {
    writeFileSync(join(dir, "target"), "t\n");
    symlinkSync("target", join(dir, "conf"));
    await run(copy({ dest: join(dir, "conf"), content: "c\n" }));
    expect(lstatSync(join(dir, "conf")).isFile()).toBe(true);
    expect(readFileSync(join(dir, "target"), "utf8")).toBe("t\n");
  });

  it("reports a missing directory as a change in check mode and fails a real run", async () => {
    const dest = join(dir, "not-yet/conf");
    expect((await run(copy({ dest, content: "x" }), { check: true })).plan.summary).toBe(`create ${dest}`);
    await expect(run(copy({ dest, content: "x" }))).rejects.toThrow(/its directory does not exist \(create it first/);
  });

  it("fails when dest is a directory and the content has no name", async () => {
    await expect(run(copy({ dest: dir, content: "x" }))).rejects.toThrow(`${dir} is a directory`);
    await expect(run(copy({ dest: `${dir}/`, content: "x" }))).rejects.toThrow(/is a directory; with 'content'/);
  });
});

describe("copy src", () => {
  it("finds src in the first search folder that has it", async () => {
    const role = join(files, "role");
    const playbook = join(files, "playbook");
    mkdirSync(role);
    mkdirSync(join(playbook, "sub"), { recursive: true });
    writeFileSync(join(playbook, "a.conf"), "playbook\n");
    writeFileSync(join(playbook, "sub/b.conf"), "b\n");
    const searchDirs = { files: [role, playbook] };
    const { result } = await run(copy({ src: "a.conf", dest: join(dir, "a") }), searchDirs);
    expect(result.src).toBe(join(playbook, "a.conf"));
    writeFileSync(join(role, "a.conf"), "role\n");
    await run(copy({ src: "a.conf", dest: join(dir, "a") }), searchDirs);
    expect(readFileSync(join(dir, "a"), "utf8")).toBe("role\n");

    await run(copy({ src: "sub/b.conf", dest: `${dir}/` }), searchDirs);
    expect(readFileSync(join(dir, "b.conf"), "utf8")).toBe("b\n");
    mkdirSync(join(dir, "etc"));
    await run(copy({ src: "sub/b.conf", dest: join(dir, "etc") }), searchDirs);
    expect(readFileSync(join(dir, "etc/b.conf"), "utf8")).toBe("b\n");
    expect((await run(copy({ src: "sub/b.conf", dest: join(dir, "etc") }), searchDirs)).result.changed).toBe(false);
  });

  it("copies binary files byte for byte, from an absolute path", async () => {
    const bytes = Buffer.from([0, 1, 2, 255, 254, 10, 0, 13]);
    writeFileSync(join(files, "blob"), bytes);
    const { plan } = await run(copy({ src: join(files, "blob"), dest: join(dir, "blob") }), { diff: true });
    expect(plan.diff).toBeUndefined();
    expect(readFileSync(join(dir, "blob"))).toEqual(bytes);
    expect((await run(copy({ src: join(files, "blob"), dest: join(dir, "blob") }))).result.changed).toBe(false);
  });

  it("names the folders searched when src is missing", async () => {
    await expect(run(copy({ src: "nope.conf", dest: join(dir, "x") }), { files: [files] })).rejects.toThrow(`src 'nope.conf' not found in ${files}`);
  });
});

describe("copy arguments", () => {
  it("are validated when the task is written", () => {
    expect(() => copy({ dest: "/x", content: "a", src: "b" })).toThrow(/give either 'content' or 'src'/);
    expect(() => copy({ dest: "/x" })).toThrow(/give either 'content' or 'src'/);
    expect(() => copy({ dest: "/x", content: "a", mod: "0644" } as any)).toThrow(/unknown option 'mod'/);
    expect(() => copy({ dest: "/x", content: 5 } as any)).toThrow(/option 'content' must be a string/);
    expect(() => copy({ dest: "/x", content: "a", backup: "yes" } as any)).toThrow(/option 'backup' must be a boolean/);
  });
});

describe("copy with hostile names and content", () => {
  it("writes exactly the named files and runs nothing", async () => {
    for (const name of HOSTILE_NAMES) {
      const content = `${name}\n$(touch pwned)\n'"\`;\n`;
      const dest = join(dir, name);
      expect((await run(copy({ dest, content, mode: "0600", owner: "nobody" }))).result.changed).toBe(true);
      expect(readFileSync(dest, "utf8")).toBe(content);
      expect(perms(dest)).toBe("600");
      expect((await run(copy({ dest, content, mode: "0600", owner: "nobody" }), { diff: true })).result.changed).toBe(false);
      const { result } = await run(copy({ dest, content: "v2", backup: true }));
      expect(readFileSync(result.backup_file!, "utf8")).toBe(content);
      rmSync(result.backup_file!);
    }
    expect(readdirSync(dir).sort()).toEqual([...HOSTILE_NAMES].sort());
    expect(existsSync(join(process.cwd(), "pwned"))).toBe(false);
  });
});
