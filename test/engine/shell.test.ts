/** The `sh` template and the Shell values it makes: quoting, nesting, joining, refusals. */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { joinShell, raw, sh, Shell, type ShellValue } from "../../engine/shell";

/** What /bin/sh prints for `printf '[%s]' <words>`: how the shell reads the quoted words back. */
const wordsOf = (...values: ShellValue[]) => spawnSync("/bin/sh", ["-c", sh`printf '[%s]' ${values}`.text], { encoding: "utf8" }).stdout;

describe("sh", () => {
  it("quotes every interpolated string into one word the shell reads back exactly", () => {
    expect(sh`rm -f -- ${"a b"}`.text).toBe("rm -f -- 'a b'");
    expect(sh`echo ${"it's"}`.text).toBe(`echo 'it'\\''s'`);
    const hostile = ["$(touch pwned)", "`id`", "a;b", "new\nline", "it's", '"', "\\", "*", "-n", ""];
    expect(wordsOf(...hostile)).toBe(hostile.map((w) => `[${w}]`).join(""));
  });

  it("nests a Shell as is: a command inside a command is not quoted a second time", () => {
    expect(sh`a ${sh`b ${"x y"}`}`.text).toBe("a b 'x y'");
    const probe = sh`[ -e ${"/tmp/a b"} ]`;
    expect(sh`! { ${probe}; }`.text).toBe("! { [ -e '/tmp/a b' ]; }");
  });

  it("passes a command as one argument through its .text, which is then quoted", () => {
    const inner = sh`echo ${"x y"}`;
    expect(sh`sh -c ${inner.text}`.text).toBe(`sh -c 'echo '\\''x y'\\'''`);
    expect(spawnSync("/bin/sh", ["-c", sh`sh -c ${inner.text}`.text], { encoding: "utf8" }).stdout).toBe("x y\n");
  });

  it("expands arrays to several quoted words, Shell elements as they are, an empty array to nothing", () => {
    expect(sh`ls -- ${["a b", "c"]}`.text).toBe("ls -- 'a b' 'c'");
    expect(sh`find . ${[sh`-name ${"*.ts"}`, "-print"]}`.text).toBe("find . -name '*.ts' '-print'");
    expect(sh`true ${[]}`.text).toBe("true ");
    expect(wordsOf(["a b", ["c", "d e"]])).toBe("[a b][c][d e]");
  });

  it("quotes numbers and bigints as words", () => {
    expect(sh`exit ${3}`.text).toBe("exit '3'");
    expect(sh`echo ${-1.5} ${10n}`.text).toBe("echo '-1.5' '10'");
  });

  it("refuses a NUL byte and anything that is not a string, number, array or Shell", () => {
    expect(() => sh`echo ${"a\0b"}`).toThrow(/NUL byte/);
    expect(() => raw("a\0b")).toThrow(/NUL byte/);
    for (const value of [undefined, null, true, {}, { text: "id" }, () => "id", Symbol("x")]) {
      expect(() => sh`echo ${value as unknown as string}`).toThrow(TypeError);
    }
  });

  it("takes raw() text as is: constants written in the code", () => {
    expect(raw("set -e; cd /tmp").text).toBe("set -e; cd /tmp");
    expect(sh`${raw("--verbose")} ${"x"}`.text).toBe("--verbose 'x'");
  });

  it("fails loudly when a Shell is put into a plain string", () => {
    const command = sh`echo ${"hi"}`;
    expect(() => `run: ${command}`).toThrow(/turned into a plain string/);
    expect(() => "run: " + command).toThrow(/turned into a plain string/);
    expect(() => String(command)).toThrow(TypeError);
    expect(() => [command, command].join("\n")).toThrow(/turned into a plain string/);
  });

  it("can be told from a string or a look-alike object", () => {
    expect(Shell.isShell(sh`true`)).toBe(true);
    expect(Shell.isShell("true")).toBe(false);
    expect(Shell.isShell({ text: "true" })).toBe(false);
  });
});

describe("joinShell", () => {
  it("joins parts with a fixed separator, leaving out absent and empty ones", () => {
    const a = sh`cd ${"/a b"}`;
    const b = sh`make`;
    expect(joinShell([a, b], " && ").text).toBe("cd '/a b' && make");
    expect(joinShell([a, false, undefined, null, sh``, b], "\n").text).toBe("cd '/a b'\nmake");
    expect(joinShell([], "; ").text).toBe("");
    expect(sh`if ${joinShell([sh`true`, sh`false`], " || ")}; then echo y; fi`.text).toBe("if true || false; then echo y; fi");
  });

  it("refuses anything that is not a Shell, and a separator that is not one of the fixed ones", () => {
    expect(() => joinShell(["rm -rf /" as unknown as Shell], "\n")).toThrow(/joins Shell values only/);
    expect(() => joinShell([sh`true`], "; rm -rf /; " as "; ")).toThrow(/fixed separators/);
  });
});
