import { describe, expect, it } from "vitest";
import { pythonLiteral } from "../../engine/inventory/python-literal";
import { shlexSplit } from "../../engine/inventory/shlex";

describe("pythonLiteral: INI values as Ansible's ast.literal_eval reads them", () => {
  it.each([
    ["42", 42],
    ["-7", -7],
    ["1_000", 1000],
    ["0x1F", 31],
    ["0o755", 493],
    ["1.5", 1.5],
    ["1e3", 1000],
    ["True", true],
    ["False", false],
    ["None", null],
    ["'single'", "single"],
    ['"dou\\"ble"', 'dou"ble'],
    ["'tab\\there'", "tab\there"],
    ["r'raw\\n'", "raw\\n"],
    ["'a' 'b'", "ab"],
    ["[1, 'two', [3]]", [1, "two", [3]]],
    ["(1, 2)", [1, 2]],
    ["(1,)", [1]],
    ["(5)", 5],
    ["80, 443", [80, 443]],
    ["{'a': 1, 'b': [True]}", { a: 1, b: [true] }],
    ["{1: 'x'}", { "1": "x" }],
    ["{1, 2}", [1, 2]],
    ["True # a comment", true],
  ])("%s -> %j", (text, value) => {
    expect(pythonLiteral(text)).toEqual(value);
  });

  it.each(["true", "yes", "hello world", "0755", "web01", "1.2.3.4", "5abc", "1j", "[1, 2", "{'a'}x", "--5", "f'x'", "12345678901234567890", ""])(
    "%j stays text",
    (text) => {
      expect(pythonLiteral(text)).toBe(text);
    },
  );
});

describe("shlexSplit: host lines split as Python's shlex does", () => {
  it.each([
    ["a b  c", ["a", "b", "c"]],
    [`x="a b" y='c d'`, ["x=a b", "y=c d"]],
    [`x="say \\"hi\\" \\n"`, ['x=say "hi" \\n']],
    [`x='it\\'`, ["x=it\\"]],
    ["a\\ b", ["a b"]],
    ["x=1 # comment", ["x=1"]],
    ["x=a#b c", ["x=a"]],
    [`x=""`, ["x="]],
  ])("%s", (line, words) => {
    expect(shlexSplit(line)).toEqual(words);
  });

  it("reports an unclosed quote", () => {
    expect(() => shlexSplit(`x="open`)).toThrow("no closing quotation");
  });
});
