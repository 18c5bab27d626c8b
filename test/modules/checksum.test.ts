/**
 * checksum through the local connection: files of a temp folder hashed by the host's own
 * sha256sum/sha512sum, compared with the checksums given.
 */
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ModuleFailure } from "../../engine/module";
import { ArgumentError } from "../../engine/module-args";
import { checksum } from "../../modules";
import { parseChecksum } from "../../modules/checksum";
import { tempDir } from "../temp-dir";
import { HOSTILE_NAMES, run, snapshot } from "./context";

const hash = (algorithm: "sha256" | "sha512", data: string) => createHash(algorithm).update(data).digest("hex");
const failureOf = async (call: ReturnType<typeof checksum>, options = {}) => {
  const error = await run(call, options).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ModuleFailure);
  return error as ModuleFailure;
};

describe("checksum", () => {
  it("passes when every file has its checksum, reports them, and changes nothing", async () => {
    const d = tempDir("tsplay-checksum-");
    writeFileSync(join(d, "a.tar.gz"), "tarball a");
    writeFileSync(join(d, "b.tar.gz"), "tarball b");
    const before = snapshot(d);
    const { plan, result } = await run(
      checksum({
        files: [
          { path: join(d, "a.tar.gz"), checksum: `sha256:${hash("sha256", "tarball a")}` },
          { path: join(d, "b.tar.gz"), checksum: `sha512:${hash("sha512", "tarball b")}` },
        ],
      }),
    );
    expect(plan).toMatchObject({ changed: false, summary: "2 files have their checksums" });
    expect(plan.apply).toBeUndefined();
    expect(result.files).toEqual([
      { path: join(d, "a.tar.gz"), checksum: `sha256:${hash("sha256", "tarball a")}` },
      { path: join(d, "b.tar.gz"), checksum: `sha512:${hash("sha512", "tarball b")}` },
    ]);
    expect(snapshot(d)).toEqual(before);
  });

  it("fails naming every file that differs, with the checksum expected and the one it has, every missing file, and the hint", async () => {
    const d = tempDir("tsplay-checksum-");
    writeFileSync(join(d, "good"), "good");
    writeFileSync(join(d, "bad"), "corrupted");
    mkdirSync(join(d, "a folder"));
    const expected = hash("sha256", "original");
    const error = await failureOf(
      checksum({
        chdir: d,
        hint: "unpack them again",
        files: [
          { path: "good", checksum: hash("sha256", "good") },
          { path: "bad", checksum: `sha256:${expected}` },
          { path: "gone", checksum: `sha256:${expected}` },
          { path: "a folder", checksum: `sha256:${expected}` },
        ],
      }),
    );
    expect(error.message).toBe(
      [
        `3 of 4 files do not have their checksums (in ${d}):`,
        `bad: sha256 is ${hash("sha256", "corrupted")}, expected ${expected}`,
        "gone: missing (or not a regular file)",
        "a folder: missing (or not a regular file)",
        "unpack them again",
      ].join("\n"),
    );
    expect(error.result).toMatchObject({ mismatched: ["bad"], missing: ["gone", "a folder"] });
  });

  it("under --check checks the same way: a mismatch fails a dry run too", async () => {
    const d = tempDir("tsplay-checksum-");
    writeFileSync(join(d, "f"), "x");
    const error = await failureOf(checksum({ files: [{ path: join(d, "f"), checksum: `sha256:${hash("sha256", "y")}` }] }), { check: true });
    expect(error.message).toContain(`${join(d, "f")}: sha256 is ${hash("sha256", "x")}`);
  });

  it("hashes files whatever their names hold, and names them as given", async () => {
    const d = tempDir("tsplay-checksum-");
    const files = HOSTILE_NAMES.map((name) => {
      writeFileSync(join(d, name), `content of ${name}`);
      return { path: join(d, name), checksum: `sha256:${hash("sha256", `content of ${name}`)}` };
    });
    expect((await run(checksum({ files }))).result.files).toEqual(files);
    const wrong = files.map((f, i) => (i === 6 ? { ...f, checksum: `sha256:${"0".repeat(64)}` } : f));
    expect((await failureOf(checksum({ files: wrong }))).message).toContain(`${JSON.stringify(join(d, "new\nline"))}: sha256 is`);
  });

  it("refuses a checksum that is not ALGORITHM:HEX when the playbook loads, and a missing chdir when it runs", async () => {
    expect(() => checksum({ files: [{ path: "/x", checksum: "md5:0123" }] })).toThrow(ArgumentError);
    expect(() => checksum({ files: [{ path: "/x", checksum: "sha256:abc" }] })).toThrow(/the checksum of \/x must be sha256:HEX \(64 digits\) or sha512:HEX \(128 digits\), got "sha256:abc"/);
    expect(() => checksum({ files: [{ path: "/x" } as never] })).toThrow(/files\[0\] must be \{ path, checksum \} strings/);
    const error = await failureOf(checksum({ chdir: "/no/such/folder", files: [{ path: "f", checksum: hash("sha256", "") }] }));
    expect(error.message).toBe("chdir /no/such/folder is not a folder on the host");
  });

  it("reads ALGORITHM:HEX as Ansible's get_url writes it; a bare 64-digit value is a sha256", () => {
    const hex = "AB".repeat(32);
    expect(parseChecksum(`sha256:${hex}`)).toEqual({ algorithm: "sha256", hex: hex.toLowerCase() });
    expect(parseChecksum(hex)).toEqual({ algorithm: "sha256", hex: hex.toLowerCase() });
    expect(parseChecksum(`sha512:${"0".repeat(128)}`)).toEqual({ algorithm: "sha512", hex: "0".repeat(128) });
    for (const bad of [`sha512:${hex}`, `sha1:${hex}`, "0".repeat(128), `sha256:${hex}0`, "sha256:", ""]) expect(parseChecksum(bad), bad).toBeUndefined();
  });

});
