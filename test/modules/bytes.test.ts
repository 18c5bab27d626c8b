/**
 * No byte lost: modules that read a file and write it back give every byte they do not
 * mean to change back exactly, whatever the encoding (issue 13's reproduction: lineinfile
 * rewrote each byte that is not UTF-8 as U+FFFD in lines it did not touch), and --diff
 * shows such bytes as \xNN, so that damage to them could not hide. Each module is run on
 * non-UTF-8 text, CRLF text, a file without a final newline and an empty file.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { bootstrapToken, cert, copy, kubeconfig, lineinfile, template } from "../../modules";
import { caCsr } from "../pki/guide";
import { showBytes, splitLines } from "../../engine/text-bytes";
import { run } from "./context";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "tsplay-bytes-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const bytes = (text: string) => Buffer.from(text, "latin1");
const LATIN1 = bytes("caf\xe9=x\nkey=old\n\xff\xfe y\n");
const SHAPES: Record<string, Buffer> = {
  "non-UTF-8": LATIN1,
  CRLF: Buffer.from("a=1\r\nkey=old\r\nz=2\r\n"),
  "no final newline": Buffer.from("a=1\nkey=old"),
  empty: Buffer.alloc(0),
};

describe("text as bytes", () => {
  it("splits lines keeping their exact bytes and endings", () => {
    const lines = splitLines(bytes("a\r\nb\xe9\nc"));
    expect(lines.map((l) => [l.bytes.toString("latin1"), l.ending])).toEqual([["a\r\n", "\r\n"], ["b\xe9\n", "\n"], ["c", ""]]);
  });

  it("shows bytes that are not UTF-8 as \\xNN, and UTF-8 as it is", () => {
    expect(showBytes(Buffer.concat([LATIN1, Buffer.from("ü€😀")]))).toBe("caf\\xe9=x\nkey=old\n\\xff\\xfe y\nü€😀");
    // overlong, surrogate and out-of-range sequences are not UTF-8 either
    expect(showBytes(bytes("\xc0\xaf\xed\xa0\x80\xf4\x90\x80\x80"))).toBe("\\xc0\\xaf\\xed\\xa0\\x80\\xf4\\x90\\x80\\x80");
  });
});

describe("lineinfile keeps every byte it does not edit", () => {
  it("the reproduction: replacing ^key= leaves the other bytes exactly, and --diff shows them", async () => {
    const path = join(dir, "f");
    writeFileSync(path, LATIN1);
    const r = await run(lineinfile({ path, regexp: "^key=", line: "key=new" }), { diff: true });
    expect(readFileSync(path)).toEqual(bytes("caf\xe9=x\nkey=new\n\xff\xfe y\n"));
    expect(r.plan.diff?.[0]).toMatchObject({ before: "caf\\xe9=x\nkey=old\n\\xff\\xfe y\n", after: "caf\\xe9=x\nkey=new\n\\xff\\xfe y\n" });
    expect((await run(lineinfile({ path, regexp: "^key=", line: "key=new" }))).result.changed).toBe(false);
  });

  const expected: Record<string, Buffer> = {
    "non-UTF-8": bytes("caf\xe9=x\nkey=new\n\xff\xfe y\n"),
    CRLF: Buffer.from("a=1\r\nkey=new\r\nz=2\r\n"),
    "no final newline": Buffer.from("a=1\nkey=new"),
    empty: Buffer.from("key=new\n"),
  };
  for (const [shape, before] of Object.entries(SHAPES)) {
    it(`${shape}: replace, add and remove`, async () => {
      const path = join(dir, "f");
      writeFileSync(path, before);
      await run(lineinfile({ path, regexp: "^key=", line: "key=new" }));
      expect(readFileSync(path)).toEqual(expected[shape]);
      await run(lineinfile({ path, line: "added=ü" }));
      const eol = shape === "CRLF" ? "\r\n" : "\n";
      const ended = shape === "no final newline" ? Buffer.concat([expected[shape]!, Buffer.from(eol)]) : expected[shape]!;
      expect(readFileSync(path)).toEqual(Buffer.concat([ended, Buffer.from(`added=ü${eol}`)]));
      await run(lineinfile({ path, line: "added=ü", state: "absent" }));
      expect(readFileSync(path)).toEqual(ended);
    });
  }
});

describe("modules that replace a whole file keep a byte-exact comparison and an honest diff", () => {
  for (const [shape, before] of Object.entries(SHAPES)) {
    it(`${shape}: copy and template see a difference as bytes, and show it as such`, async () => {
      const path = join(dir, "f");
      writeFileSync(path, before);
      const same = before.toString("latin1") === before.toString("utf8") ? before.toString("utf8") : undefined;
      if (same !== undefined) expect((await run(copy({ dest: path, content: same }))).result.changed).toBe(false);
      const r = await run(copy({ dest: path, content: "new\n" }), { diff: true });
      expect(r.result.changed).toBe(true);
      expect(r.plan.diff?.[0]?.before).toBe(showBytes(before));
      writeFileSync(join(dir, "t.mustache"), "{{x}}\n");
      writeFileSync(path, before);
      const t = await run(template({ src: join(dir, "t.mustache"), dest: path }), { diff: true, vars: { x: "new" } });
      expect(t.plan.diff?.[0]).toEqual({ path, before: showBytes(before), after: "new\n" });
      expect(readFileSync(path, "utf8")).toBe("new\n");
    });
  }
});

describe("bootstrapToken keeps the other lines of token.csv byte for byte", () => {
  for (const [shape, before] of Object.entries(SHAPES)) {
    it(shape, async () => {
      const dest = join(dir, "token.csv");
      writeFileSync(dest, before);
      await run(bootstrapToken({ dest }));
      const after = readFileSync(dest);
      const eol = shape === "CRLF" ? "\r\n" : "\n";
      const kept = shape === "no final newline" ? Buffer.concat([before, Buffer.from(eol)]) : before;
      expect(after.subarray(0, kept.length)).toEqual(kept);
      expect(after.subarray(kept.length).toString("utf8")).toMatch(new RegExp(`^[0-9a-f]{32},kubelet-bootstrap,10001,"system:kubelet-bootstrap"${eol}$`));
      expect((await run(bootstrapToken({ dest }))).result.changed).toBe(false);
    });
  }
});

describe("kubeconfig", () => {
  it("refuses to rewrite an existing file that is not UTF-8 rather than damage it", async () => {
    await run(cert({ dir, name: "ca", isCa: true, csr: { ...caCsr, key: { algo: "ecdsa", size: 256 } } }));
    const ca = join(dir, "ca.pem");
    const dest = join(dir, "kubeconfig");
    writeFileSync(dest, bytes("apiVersion: v1\nkind: Config\npreferences: {}\nclusters: []\nusers: []\ncontexts: []\n# caf\xe9\n"));
    await expect(run(kubeconfig({ dest, server: "https://10.0.0.1:6443", certificateAuthority: ca, user: "u", token: "0123456789abcdef0123456789abcdef" }))).rejects.toThrow(/is not UTF-8 text/);
    expect(readFileSync(dest).includes(0xe9)).toBe(true);
  });
});
