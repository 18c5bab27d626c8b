/**
 * unarchive through the local connection: tarballs made here with GNU tar, unpacked by the
 * host's own tar into temp folders.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { ModuleFailure } from "../../engine/module";
import { ArgumentError } from "../../engine/module-args";
import { unarchive } from "../../modules";
import { tempDir } from "../temp-dir";
import { HOSTILE_NAMES, run, snapshot } from "./context";

const sha256 = (data: string) => createHash("sha256").update(data).digest("hex");
const mode = (path: string) => (statSync(path).mode & 0o7777).toString(8);

/** a .tar.gz of `files` (name → [content, mode]) below `top`, as a release tarball is made */
function tarball(files: Record<string, [string, number]>, top = "release"): string {
  const d = tempDir("tsplay-unarchive-src-");
  for (const [name, [content, fileMode]] of Object.entries(files)) {
    const path = join(d, top, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
    chmodSync(path, fileMode);
  }
  execFileSync("tar", ["-C", d, "-czf", join(d, "release.tar.gz"), top]);
  return join(d, "release.tar.gz");
}

const RELEASE = { "bin/kubelet": ["kubelet 1.8.4", 0o755], "bin/kube-proxy": ["kube-proxy 1.8.4", 0o755], "README.md": ["read me", 0o644] } as const;
const failureOf = async (call: ReturnType<typeof unarchive>, options = {}) => {
  const error = await run(call, options).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ModuleFailure);
  return (error as Error).message;
};

describe("unarchive", () => {
  it("unpacks the members asked for, stripped, with their modes; a re-run changes nothing", async () => {
    const src = tarball(RELEASE as never);
    const dest = join(tempDir("tsplay-unarchive-"), "software/kubernetes-v1.8.4");
    const call = unarchive({ src, dest, include: ["release/bin"], stripComponents: 1 });

    const first = await run(call);
    expect(first.plan.summary).toBe(`unpack 2 of the 2 files of ${src} into ${dest}: bin/kube-proxy, bin/kubelet`);
    expect(first.result).toEqual({
      changed: true,
      dest,
      files: [
        { path: "bin/kube-proxy", sha256: sha256("kube-proxy 1.8.4"), mode: "0755" },
        { path: "bin/kubelet", sha256: sha256("kubelet 1.8.4"), mode: "0755" },
      ],
    });
    expect(readdirSync(dest)).toEqual(["bin"]);
    expect(readFileSync(join(dest, "bin/kubelet"), "utf8")).toBe("kubelet 1.8.4");
    expect(mode(join(dest, "bin/kubelet"))).toBe("755");

    const before = snapshot(dest);
    const second = await run(call);
    expect(second.plan).toMatchObject({ changed: false, summary: `the 2 files of ${src} are in ${dest}` });
    expect(second.result.files).toEqual(first.result.files);
    expect(snapshot(dest)).toEqual(before);
  });

  it("writes only the files that differ from the archive: content or mode", async () => {
    const src = tarball(RELEASE as never);
    const dest = tempDir("tsplay-unarchive-");
    await run(unarchive({ src, dest, stripComponents: 1 }));
    writeFileSync(join(dest, "bin/kubelet"), "corrupted");
    chmodSync(join(dest, "README.md"), 0o600);
    const proxyBefore = statSync(join(dest, "bin/kube-proxy"));

    const repair = await run(unarchive({ src, dest, stripComponents: 1 }));
    expect(repair.plan.summary).toBe(`unpack 2 of the 3 files of ${src} into ${dest}: README.md (differs), bin/kubelet (differs)`);
    expect(readFileSync(join(dest, "bin/kubelet"), "utf8")).toBe("kubelet 1.8.4");
    expect(mode(join(dest, "README.md"))).toBe("644");
    expect(statSync(join(dest, "bin/kube-proxy")).ino).toBe(proxyBefore.ino);
    // nothing of the temp folder is left behind
    expect(readdirSync(dest).sort()).toEqual(["README.md", "bin"]);
  });

  it("under --check predicts exactly what a run writes, and writes nothing", async () => {
    const src = tarball(RELEASE as never);
    const root = tempDir("tsplay-unarchive-");
    const dest = join(root, "new");
    let before = snapshot(root);
    const fresh = await run(unarchive({ src, dest, stripComponents: 1 }), { check: true });
    expect(fresh.plan.changed).toBe(true);
    expect(fresh.result.files.map((f) => f.path)).toEqual(["README.md", "bin/kube-proxy", "bin/kubelet"]);
    expect(snapshot(root)).toEqual(before);

    await run(unarchive({ src, dest, stripComponents: 1 }));
    writeFileSync(join(dest, "README.md"), "edited");
    before = snapshot(root);
    const predicted = await run(unarchive({ src, dest, stripComponents: 1 }), { check: true });
    expect(predicted.plan.summary).toBe(`unpack 1 of the 3 files of ${src} into ${dest}: README.md (differs)`);
    expect(snapshot(root)).toEqual(before);
  });

  it("replaces a symlink at a file's place with the file, and leaves the link's target alone", async () => {
    const src = tarball(RELEASE as never);
    const dest = tempDir("tsplay-unarchive-");
    const elsewhere = join(tempDir("tsplay-unarchive-"), "target");
    writeFileSync(elsewhere, "not to be touched");
    symlinkSync(elsewhere, join(dest, "README.md"));
    await run(unarchive({ src, dest, include: ["release/README.md"], stripComponents: 1 }));
    expect(statSync(join(dest, "README.md")).isFile()).toBe(true);
    expect(readFileSync(elsewhere, "utf8")).toBe("not to be touched");
  });

  it("unpacks files whatever their names hold", async () => {
    const files = Object.fromEntries(HOSTILE_NAMES.map((name) => [name, [`content of ${name}`, 0o644] as [string, number]]));
    const src = tarball(files, "top");
    const dest = tempDir("tsplay-unarchive-");
    const { result } = await run(unarchive({ src, dest, stripComponents: 1 }));
    expect(result.files.map((f) => f.path)).toEqual([...HOSTILE_NAMES].sort());
    for (const name of HOSTILE_NAMES) expect(readFileSync(join(dest, name), "utf8")).toBe(`content of ${name}`);
    expect(existsSync(join(dest, "pwned"))).toBe(false);
    expect((await run(unarchive({ src, dest, stripComponents: 1 }))).plan.changed).toBe(false);
  });

  it("fails naming what is wrong: a missing archive, a member it lacks, a corrupted archive, a folder in a file's place", async () => {
    const src = tarball(RELEASE as never);
    const dest = tempDir("tsplay-unarchive-");
    expect(await failureOf(unarchive({ src: `${src}.missing`, dest }))).toBe(`${src}.missing does not exist on the host (or is not a file)`);
    expect(await failureOf(unarchive({ src, dest, include: ["release/bin/kubectl"] }))).toMatch(/^could not read .*release\.tar\.gz: tar: release\/bin\/kubectl: Not found in archive/);

    const corrupted = join(dirname(src), "corrupted.tar.gz");
    const bytes = readFileSync(src);
    writeFileSync(corrupted, Buffer.concat([bytes.subarray(0, 40), Buffer.alloc(64, 0x41), bytes.subarray(104)]));
    expect(await failureOf(unarchive({ src: corrupted, dest }))).toMatch(/^could not read .*corrupted\.tar\.gz: /);
    expect(readdirSync(dest)).toEqual([]);

    mkdirSync(join(dest, "README.md"));
    expect(await failureOf(unarchive({ src, dest, stripComponents: 1 }))).toBe(`${dest}/README.md exists and is not a regular file`);
    expect(() => unarchive({ src, dest, stripComponents: 1.5 })).toThrow(ArgumentError);
  });
});
