/**
 * fetch through the local connection: the "host" and the "controller" are two folders of
 * this machine, so every probe, read and write is real.
 *
 *   TSPLAY_TESTBED=off npx vitest run --project unit test/modules/fetch.test.ts
 */
import { spawnSync } from "node:child_process";
import { constants, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { play, playbook, task } from "../../engine";
import { Connection, type RunResult } from "../../engine/connection";
import type { Shell } from "../../engine/shell";
import { sha256 } from "../../engine/managed-file";
import { command } from "../../modules";
import { fetch, writeFileAtomically } from "../../modules/fetch";
import { run as runPlaybook } from "../run/harness";
import { tempDir } from "../temp-dir";
import { HOSTILE_NAMES, makeContext, run, snapshot } from "./context";

// every open() of the controller's files is recorded, to see the temp file's creation flags and mode
const opened = vi.hoisted(() => [] as { path: string; flags: number; mode?: number }[]);
vi.mock("node:fs/promises", async (importOriginal) => {
  const fs = await importOriginal<typeof import("node:fs/promises")>();
  const open: typeof fs.open = (path, flags, mode) => {
    opened.push({ path: String(path), flags: Number(flags), mode: mode === undefined ? undefined : Number(mode) });
    return fs.open(path, flags, mode);
  };
  return { ...fs, open, default: { ...fs, open } };
});

const perms = (path: string) => (statSync(path).mode & 0o7777).toString(8);

/** a "host" folder and a "controller" folder, both on this machine (the local connection) */
function folders() {
  return { host: tempDir("tsplay-fetch-host-"), controller: tempDir("tsplay-fetch-ctl-") };
}

describe("fetch", () => {
  it("fetches a file as 0600, then changes nothing", async () => {
    const { host, controller } = folders();
    const src = join(host, "etcd.db");
    writeFileSync(src, "snapshot-1", { mode: 0o644 });
    const dest = join(controller, "etcd.db");

    const first = await run(fetch({ src, dest, flat: true }));
    expect(first.result).toEqual({ changed: true, src, dest, checksum: sha256("snapshot-1"), size: 10, mode: "0600" });
    expect(first.plan.summary).toBe(`fetch ${src} (10 bytes) to ${dest}`);
    expect(readFileSync(dest, "utf8")).toBe("snapshot-1");
    expect(perms(dest)).toBe("600");
    expect(readdirSync(controller)).toEqual(["etcd.db"]);

    const before = snapshot(controller);
    const second = await run(fetch({ src, dest, flat: true }));
    expect(second.result).toMatchObject({ changed: false, checksum: sha256("snapshot-1"), size: 10 });
    expect(snapshot(controller)).toEqual(before);
  });

  it("under --check predicts exactly and writes nothing", async () => {
    const { host, controller } = folders();
    const src = join(host, "db");
    writeFileSync(src, "one");
    const dest = join(controller, "sub/dir/db");
    let before = snapshot(controller);
    const create = await run(fetch({ src, dest, flat: true }), { check: true });
    expect(create.plan.changed).toBe(true);
    expect(snapshot(controller)).toEqual(before);

    await run(fetch({ src, dest, flat: true }));
    before = snapshot(controller);
    expect((await run(fetch({ src, dest, flat: true }), { check: true })).plan.changed).toBe(false);
    writeFileSync(src, "two!");
    const update = await run(fetch({ src, dest, flat: true }), { check: true, diff: true });
    expect(update.plan).toMatchObject({ changed: true, summary: `update ${dest} from ${src} (4 bytes)` });
    expect(update.plan.diff).toEqual([
      {
        path: dest,
        before: `state: file\nmode: 0600\nsize: 3\nsha256: ${sha256("one")}\n`,
        after: `state: file\nmode: 0600\nsize: 4\nsha256: ${sha256("two!")}\n`,
      },
    ]);
    expect((await run(fetch({ src, dest, flat: true, mode: "0640" }), { check: true })).plan.summary).toBe(`update ${dest} from ${src} (4 bytes), mode 0600 → 0640`);
    expect(snapshot(controller)).toEqual(before);
  });

  it("fetches a changed source again, and only fixes the mode when the content matches", async () => {
    const { host, controller } = folders();
    const src = join(host, "db");
    const dest = join(controller, "db");
    writeFileSync(src, "v1");
    await run(fetch({ src, dest, flat: true }));
    writeFileSync(src, "v2");
    expect((await run(fetch({ src, dest, flat: true }))).result.changed).toBe(true);
    expect(readFileSync(dest, "utf8")).toBe("v2");

    const inode = statSync(dest).ino;
    const widened = await run(fetch({ src, dest, flat: true, mode: "0644" }));
    expect(widened.plan.summary).toBe(`${dest}: mode 0600 → 0644`);
    expect(statSync(dest).ino).toBe(inode);
    expect(perms(dest)).toBe("644");
  });

  it("creates the destination's parent folders", async () => {
    const { host, controller } = folders();
    const src = join(host, "db");
    writeFileSync(src, "x");
    await run(fetch({ src, dest: join(controller, "a/b/c/db"), flat: true }));
    expect(readFileSync(join(controller, "a/b/c/db"), "utf8")).toBe("x");
  });

  it("lays files out as dest/<host>/<src path> unless flat, and flat dest/ takes src's name", async () => {
    const { host, controller } = folders();
    const src = join(host, "conf.d/kubelet.conf");
    mkdirSync(join(host, "conf.d"));
    writeFileSync(src, "k");
    const { result } = await run(fetch({ src, dest: controller }));
    expect(result.dest).toBe(join(controller, "localhost", src));
    expect(readFileSync(result.dest, "utf8")).toBe("k");
    // ".." in src cannot climb out of the host's folder
    const climbing = await run(fetch({ src: `${host}/../${host.split("/").pop()}/conf.d/kubelet.conf`, dest: controller }), { check: true });
    expect(climbing.result.dest.startsWith(join(controller, "localhost") + "/")).toBe(true);

    const into = await run(fetch({ src, dest: `${controller}/flat/`, flat: true }));
    expect(into.result.dest).toBe(join(controller, "flat/kubelet.conf"));
    await expect(run(fetch({ src, dest: join(controller, "flat"), flat: true }))).rejects.toThrow(/is a folder on the controller; end dest with "\/"/);
  });

  it("takes a relative dest from the playbook's folder", async () => {
    const { host, controller } = folders();
    const src = join(host, "db");
    writeFileSync(src, "x");
    const { result } = await run(fetch({ src, dest: "backups/db", flat: true }), { vars: { playbook_dir: controller } });
    expect(result.dest).toBe(join(controller, "backups/db"));
    expect(existsSync(result.dest)).toBe(true);
  });

  it("replaces a symlink at dest with the file and leaves its target alone", async () => {
    const { host, controller } = folders();
    const src = join(host, "db");
    writeFileSync(src, "new");
    writeFileSync(join(controller, "target"), "new");
    symlinkSync("target", join(controller, "db"));
    const { plan } = await run(fetch({ src, dest: join(controller, "db"), flat: true }));
    expect(plan.summary).toBe(`replace symlink ${join(controller, "db")} with ${src} (3 bytes)`);
    expect(statSync(join(controller, "db")).isFile()).toBe(true);
    expect(readFileSync(join(controller, "target"), "utf8")).toBe("new");
  });

  it("follows a symlink at src", async () => {
    const { host, controller } = folders();
    writeFileSync(join(host, "real"), "r");
    symlinkSync("real", join(host, "link"));
    const { result } = await run(fetch({ src: join(host, "link"), dest: join(controller, "x"), flat: true }));
    expect(result).toMatchObject({ changed: true, size: 1 });
    expect(readFileSync(join(controller, "x"), "utf8")).toBe("r");
  });

  it("fetches binary content byte for byte and never shows or returns it", async () => {
    const { host, controller } = folders();
    const bytes = Buffer.concat([Buffer.from([0, 255, 10, 13, 0]), Buffer.from("token=hunter2\n")]);
    writeFileSync(join(host, "blob"), bytes);
    const dest = join(controller, "blob");
    const fetched = await run(fetch({ src: join(host, "blob"), dest, flat: true }), { diff: true });
    expect(readFileSync(dest)).toEqual(bytes);
    expect(JSON.stringify(fetched)).not.toContain("hunter2");
  });
});

describe("fetch of a source that is not there", () => {
  it("fails with one line, or with failOnMissing: false stays ok", async () => {
    const { host, controller } = folders();
    const src = join(host, "nope.db");
    const dest = join(controller, "nope.db");
    const failure = await run(fetch({ src, dest, flat: true })).catch((error: Error) => error);
    expect((failure as Error).message).toBe(`src ${src} does not exist (failOnMissing: false lets the task go on without it)`);

    const lenient = await run(fetch({ src, dest, flat: true, failOnMissing: false }));
    expect(lenient.result).toMatchObject({ changed: false, src, dest });
    expect(lenient.plan.summary).toBe(`src ${src} does not exist; nothing fetched (failOnMissing: false)`);
    expect(readdirSync(controller)).toEqual([]);
  });

  it("is a predicted fetch under --check, since an earlier task may make it", async () => {
    const { host, controller } = folders();
    const predicted = await run(fetch({ src: join(host, "later.db"), dest: join(controller, "later.db"), flat: true }), { check: true });
    expect(predicted.plan).toMatchObject({ changed: true, uncertain: expect.stringMatching(/does not exist/) });
    expect(readdirSync(controller)).toEqual([]);
  });

  it("refuses a folder or a special file as src", async () => {
    const { host, controller } = folders();
    await expect(run(fetch({ src: host, dest: join(controller, "x"), flat: true }))).rejects.toThrow(`src ${host} is a directory; fetch takes one file`);
    await expect(run(fetch({ src: "/dev/null", dest: join(controller, "x"), flat: true }))).rejects.toThrow("src /dev/null is not a regular file");
  });

  it("tells a folder it may not enter from a missing file", async () => {
    const { host, controller } = folders();
    mkdirSync(join(host, "closed"), { mode: 0o700 });
    writeFileSync(join(host, "closed/db"), "x");
    const ctx = { ...makeContext(), conn: new NobodyConnection() };
    const plan = fetch({ src: join(host, "closed/db"), dest: join(controller, "db"), flat: true });
    await expect(plan.module.plan(ctx, plan.args)).rejects.toThrow(/cannot be reached: permission denied \(does the task need become\?\)/);
  });
});

describe("fetch verifies what it received", () => {
  it("fails and writes nothing when src changes between its checksum and its transfer", async () => {
    const { host, controller } = folders();
    const src = join(host, "db");
    const dest = join(controller, "db");
    writeFileSync(src, "old");
    await run(fetch({ src, dest, flat: true }));
    writeFileSync(src, "probed");
    const call = fetch({ src, dest, flat: true });
    const plan = await call.module.plan(makeContext(), call.args);
    writeFileSync(src, "rewritten meanwhile");
    await expect(plan.apply!()).rejects.toThrow(`src ${src} changed while it was fetched (sha256 on the host ${sha256("probed")}, received ${sha256("rewritten meanwhile")}); nothing written`);
    expect(readFileSync(dest, "utf8")).toBe("old");
    expect(readdirSync(controller)).toEqual(["db"]);

    const unchecked = fetch({ src, dest, flat: true, validateChecksum: false });
    const lenient = await unchecked.module.plan(makeContext(), unchecked.args);
    writeFileSync(src, "rewritten again");
    expect(await lenient.apply!()).toEqual({ checksum: sha256("rewritten again"), size: 15 });
    expect(readFileSync(dest, "utf8")).toBe("rewritten again");
  });

  it("writes through a temp file that is 0600 from its creation, and a failed rename leaves the old file and no temp", async () => {
    const { controller } = folders();
    const dest = join(controller, "db");
    writeFileSync(dest, "old", { mode: 0o644 });
    let tempMode = -1;
    const failingRename = async (from: string) => {
      tempMode = statSync(from).mode & 0o7777;
      expect(readFileSync(from, "utf8")).toBe("secret");
      throw new Error("rename failed");
    };
    opened.length = 0;
    await expect(writeFileAtomically(dest, Buffer.from("secret"), 0o600, failingRename)).rejects.toThrow("rename failed");
    expect(tempMode).toBe(0o600);
    const { O_CREAT, O_EXCL, O_NOFOLLOW } = constants;
    expect(opened).toEqual([{ path: expect.stringMatching(/\/\.tsplay\.[0-9a-f]{12}$/), flags: expect.any(Number), mode: 0o600 }]);
    expect(opened[0]!.flags & (O_CREAT | O_EXCL | O_NOFOLLOW)).toBe(O_CREAT | O_EXCL | O_NOFOLLOW);
    expect(dirname(opened[0]!.path)).toBe(controller);
    expect(readFileSync(dest, "utf8")).toBe("old");
    expect(readdirSync(controller)).toEqual(["db"]);
  });
});

describe("fetch with hostile names", () => {
  it("fetches exactly the named files and runs nothing", async () => {
    const { host, controller } = folders();
    for (const name of HOSTILE_NAMES) {
      const src = join(host, name);
      writeFileSync(src, `${name}\n$(touch pwned)\n`);
      const flat = await run(fetch({ src, dest: join(controller, "flat", name), flat: true }));
      expect(readFileSync(flat.result.dest, "utf8")).toBe(`${name}\n$(touch pwned)\n`);
      expect(perms(flat.result.dest)).toBe("600");
      expect((await run(fetch({ src, dest: join(controller, "flat", name), flat: true }))).result.changed).toBe(false);
      const layout = await run(fetch({ src, dest: join(controller, "tree") }));
      expect(layout.result.dest).toBe(join(controller, "tree/localhost", src));
      expect(readFileSync(layout.result.dest, "utf8")).toBe(`${name}\n$(touch pwned)\n`);
    }
    expect(readdirSync(join(controller, "flat")).sort()).toEqual([...HOSTILE_NAMES].sort());
    expect(existsSync(join(process.cwd(), "pwned"))).toBe(false);
    expect(existsSync(join(host, "pwned"))).toBe(false);
  });
});

describe("fetch in a playbook", () => {
  it("predicts a fetch of a file an earlier task makes under --check, then fetches it per host", async () => {
    const work = tempDir("tsplay-fetch-pb-");
    const snapshot = `${work}/{{inventory_hostname}}.snap`;
    const pb = playbook([
      play({
        name: "backup",
        hosts: "all",
        gatherFacts: false,
        tasks: [
          task("snapshot", command({ argv: ["sh", "-c", 'echo "$1" > "$2"', "sh", "snap of {{inventory_hostname}}", snapshot], creates: snapshot })),
          task("fetch", fetch({ src: snapshot, dest: "backups" })),
        ],
      }),
    ]);
    const check = await runPlaybook(pb, undefined, { check: true });
    expect(check.exitCode).toBe(0);
    const predicted = check.results.filter((r) => r.task === "fetch");
    expect(predicted.map((r) => r.status)).toEqual(["changed", "changed", "changed"]);
    expect(predicted[0]!.result?.uncertain).toMatch(/does not exist/);
    expect(readdirSync(work)).toEqual([]);
    expect(existsSync(join(check.dir, "backups"))).toBe(false);

    const real = await runPlaybook(pb);
    expect(real.exitCode).toBe(0);
    for (const h of ["h1", "h2", "h3"]) {
      expect(real.statusOf("fetch", h)).toBe("changed");
      const fetched = join(real.dir, "backups", h, work, `${h}.snap`);
      expect(readFileSync(fetched, "utf8")).toBe(`snap of ${h}\n`);
      expect(perms(fetched)).toBe("600");
    }
    rmSync(work, { recursive: true, force: true });
  });
});

/** Runs commands as `nobody` (uid 65534), to meet a folder it may not enter. */
class NobodyConnection extends Connection {
  constructor() {
    super("localhost");
  }
  run(command: Shell): Promise<RunResult> {
    const r = spawnSync("/bin/sh", ["-c", command.text], { uid: 65534, gid: 65534, env: { PATH: process.env.PATH, LC_ALL: "C" } });
    return Promise.resolve({ code: r.status ?? 1, stdout: r.stdout.toString(), stderr: r.stderr.toString(), stdoutBytes: r.stdout });
  }
}
