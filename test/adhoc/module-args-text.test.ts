/** `-a` read as Ansible reads it, typed by the module's spec, checked before any host is contacted. */
import { describe, expect, it } from "vitest";
import { adhocModule } from "../../engine/adhoc/core-modules";
import { moduleArgsFromText } from "../../engine/adhoc/module-args-text";

const args = (module: string, text: string) => moduleArgsFromText(adhocModule(module), text);

describe("ad-hoc module arguments", () => {
  it("k=v pairs, values shell-quoted", () => {
    expect(args("file", "path=/tmp/x state=absent")).toEqual({ path: "/tmp/x", state: "absent" });
    expect(args("debug", `msg="hello  world"`)).toEqual({ msg: "hello  world" });
    expect(args("debug", `msg='it''s'`)).toEqual({ msg: "its" });
    expect(args("copy", `dest=/tmp/a\\ b content="x=1\\n"`)).toEqual({ dest: "/tmp/a b", content: "x=1\\n" });
    expect(args("debug", "var=etcd_name")).toEqual({ var: "etcd_name" });
  });

  it("values take the type of the option: numbers, Ansible's booleans, lists, JSON objects", () => {
    expect(args("wait_for", "port=2379 timeout=5")).toEqual({ port: 2379, timeout: 5 });
    expect(args("file", "path=/d state=directory recurse=yes")).toMatchObject({ recurse: true });
    expect(args("systemd", "name=etcd enabled=off daemon_reload=True")).toEqual({ name: "etcd", enabled: false, daemonReload: true });
    expect(args("apt", "name=curl,jq update_cache=yes")).toEqual({ name: ["curl", "jq"], updateCache: true });
    expect(args("apt", "name=curl")).toEqual({ name: ["curl"] });
    expect(args("command", `argv=ls,-l`)).toEqual({ cmd: "argv=ls,-l" });
    expect(args("shell", `cmd=true env='{"A":"1"}'`)).toEqual({ cmd: "cmd=true", env: { A: "1" } });
  });

  it("a JSON object as it is, option names in Ansible's snake_case or their own", () => {
    expect(args("apt", `{"name": ["curl"], "update_cache": true, "cacheValidTime": 60}`)).toEqual({ name: ["curl"], updateCache: true, cacheValidTime: 60 });
    expect(() => args("apt", "{name: curl}")).toThrow(/^-a: not a JSON object: .*; apt takes: name/);
  });

  it("command and shell: the words that are not their options are the command line, quotes kept", () => {
    expect(args("command", "uptime")).toEqual({ cmd: "uptime" });
    expect(args("command", `chdir=/tmp ls -l "a b"`)).toEqual({ chdir: "/tmp", cmd: `ls -l "a b"` });
    expect(args("shell", `echo "$HOME" | wc -c > /tmp/n creates=/tmp/n`)).toEqual({ cmd: `echo "$HOME" | wc -c > /tmp/n`, creates: "/tmp/n" });
    expect(args("shell", `FOO=bar env | grep 'FOO=b a'`)).toEqual({ cmd: `FOO=bar env | grep 'FOO=b a'` });
    expect(args("shell", "executable=/bin/bash echo $BASH_VERSION")).toEqual({ executable: "/bin/bash", cmd: "echo $BASH_VERSION" });
  });

  it("module names: Ansible's, their collection prefix, tsplay's own", () => {
    expect(adhocModule("ansible.builtin.wait_for").definition.name).toBe("waitFor");
    expect(adhocModule("waitFor").definition.name).toBe("waitFor");
    expect(adhocModule("service").definition.name).toBe("systemd");
    expect(adhocModule("package").needsFacts).toBe(true);
    expect(() => adhocModule("assert")).toThrow(/-m assert: no such module \(modules: command, shell, file/);
  });

  it("a mistake names the module's options: unknown key, wrong type, bad choice, missing option, not key=value", () => {
    const options = /; file takes: path \(string, required\), state \(directory\|file\|absent\|link\|touch\), mode \(octal mode\), .*force \(boolean\)$/;
    expect(() => args("file", "path=/x sate=absent")).toThrow(/^file: unknown option 'sate'; file takes: path/);
    expect(() => args("file", "path=/x sate=absent")).toThrow(options);
    expect(() => args("file", "path=/x mode=rw")).toThrow(/^file: option 'mode' must be an octal mode like "0644", got "rw"; file takes/);
    expect(() => args("file", "path=/x state=gone")).toThrow(/must be one of directory, file, absent, link, touch, got "gone"; file takes/);
    expect(() => args("file", "state=absent")).toThrow(/^file: option 'path' is required; file takes/);
    expect(() => args("wait_for", "port=http")).toThrow(/^waitFor: option 'port' must be a number, got "http"; waitFor takes/);
    expect(() => args("systemd", "name=etcd enabled=maybe")).toThrow(/option 'enabled' must be a boolean, got "maybe"/);
    expect(() => args("file", "/tmp/x")).toThrow(/^-a: '\/tmp\/x' is not key=value; file takes/);
    expect(() => args("debug", `msg="open`)).toThrow(/unterminated " quote/);
    expect(() => args("command", "")).toThrow(/give exactly one of 'cmd' and 'argv'; command takes/);
  });
});
