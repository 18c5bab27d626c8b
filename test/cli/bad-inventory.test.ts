import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../temp-dir";
import { tsplay } from "./cli";

// Each mistake must stop `--list-hosts`, which contacts no host, with one `ERROR:` line and exit 1.
const dir = tempDir("tsplay-bad-inventory-");
const write = (name: string, text: string) => {
  const path = join(dir, name);
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, text);
  return path;
};
const listHosts = (...args: string[]) => tsplay(["playbooks/hello.ts", "--no-typecheck", "--list-hosts", ...args]);

function expectOneLineError(result: ReturnType<typeof tsplay>, message: string) {
  expect(result.code, result.stdout + result.stderr).toBe(1);
  expect(result.stderr).toBe(`ERROR: ${message}\n`);
  expect(result.stdout).toBe("");
}

describe("bad inventories stop the run before any host is contacted", () => {
  it("a port that is not a port, on an INI host line", () => {
    const hosts = write("port/hosts", "[web]\nh1 ansible_port=abc\n");
    expectOneLineError(listHosts("-i", hosts), `${hosts}:2: ansible_port must be a port number (1-65535), got "abc"`);
  });

  it("ansible_become that is not a boolean, in a YAML inventory", () => {
    const hosts = write("become/hosts.yml", "all:\n  hosts:\n    h1:\n      ansible_become: maybe\n");
    expectOneLineError(listHosts("-i", hosts), `${hosts}:4: ansible_become must be yes/no or true/false, got "maybe"`);
  });

  it("a password that is not a string, in group_vars/, without showing it", () => {
    const hosts = write("secret/hosts", "[web]\nh1\n");
    const vars = write("secret/group_vars/web.yml", "ntp: pool\nansible_become_password: [hunter2]\n");
    const result = listHosts("-i", hosts);
    expectOneLineError(result, `${vars}:2: ansible_become_password must be a string, got a list`);
    expect(result.stderr + result.stdout).not.toContain("hunter2");
  });

  it("an unknown connection, in [g:vars]", () => {
    const hosts = write("connection/hosts", "[web]\nh1\n[web:vars]\nansible_connection=winrm\n");
    expectOneLineError(listHosts("-i", hosts), `${hosts}:4: ansible_connection 'winrm' is not supported (use local or ssh)`);
  });

  it("a key given twice on a host line", () => {
    const hosts = write("twice/hosts", "h1 a=1 a=2\n");
    expectOneLineError(listHosts("-i", hosts), `${hosts}:1: 'h1' sets 'a' twice on one line (keep one)`);
  });

  it("a control character in a host list, shown escaped", () => {
    expectOneLineError(listHosts("-i", "h1,h\u0001,"), `host name "h\\u0001" contains a control character`);
  });

  it("a group_vars file that is a symbolic link to nothing", () => {
    const hosts = write("dangling/hosts", "[web]\nh1\n");
    mkdirSync(join(dir, "dangling/group_vars"));
    symlinkSync("missing.yml", join(dir, "dangling/group_vars/web.yml"));
    expectOneLineError(listHosts("-i", hosts), `${join(dir, "dangling/group_vars/web.yml")}: is a symbolic link to 'missing.yml', which does not exist`);
  });

  it("a range of two million hosts, refused at once", () => {
    const hosts = write("range/hosts", "[web]\nweb[1:2000000]\n");
    expectOneLineError(
      listHosts("-i", hosts),
      `${hosts}:2: bad host range in 'web[1:2000000]': it expands to 2000000 hosts, more than the 100000 one host name may make (split it into several)`,
    );
  });

  it("an alias bomb in a YAML inventory", () => {
    const bomb = ["a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1]"];
    for (const name of "bcdefghij") bomb.push(`${name}: &${name} [${Array(9).fill(`*${bomb.at(-1)![0]}`).join(", ")}]`);
    const hosts = write("bomb/hosts.yml", `all:\n  vars:\n${bomb.map((l) => `    ${l}\n`).join("")}`);
    expectOneLineError(listHosts("-i", hosts), `${hosts}:9: invalid YAML: aliases expand past 1000000 values here (the limit for one file)`);
  });
});

describe("bad -e values stop the run with one line naming the option", () => {
  it.each([
    ["a missing file", () => ["-e", `@${join(dir, "missing.yaml")}`], () => `-e @${join(dir, "missing.yaml")}: no such file`],
    ["a directory", () => ["-e", `@${dir}`], () => `-e @${dir}: is a directory; give a YAML or JSON file`],
    [
      "a YAML syntax error",
      () => ["-e", `@${write("syntax.yaml", "a: [1\n")}`],
      () => `-e @${join(dir, "syntax.yaml")}:2: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]`,
    ],
    ["a file that is not a mapping", () => ["-e", `@${write("list.yaml", "- 1\n")}`], () => `-e @${join(dir, "list.yaml")}: expected a mapping of variable names to values, got a list`],
    ["malformed inline JSON", () => ["-e", '{"a":'], () => "-e {...}: not valid JSON (Unexpected end of JSON input)"],
  ])("%s", (_, args, message) => {
    expectOneLineError(listHosts("-i", "localhost", ...args()), message());
  });
});
