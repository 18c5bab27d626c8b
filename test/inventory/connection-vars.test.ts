import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { connectionSettings, Inventory, loadInventory } from "../../engine/inventory";
import { checkHostConnections } from "../../engine/inventory/connection-vars";
import { tempDir } from "../temp-dir";
import { asyncErrorOf, errorOf, fixture, fromIni, fromYaml } from "./helpers";

describe("connectionSettings", () => {
  it("defaults to ssh to the inventory name on port 22, become off, becoming root", () => {
    expect(connectionSettings("web1", {})).toEqual({ connection: "ssh", address: "web1", port: 22, become: false, becomeUser: "root" });
  });

  it("reads Ansible's names", () => {
    expect(
      connectionSettings("web1", {
        ansible_connection: "ssh",
        ansible_host: "10.0.0.5",
        ansible_port: 2222,
        ansible_user: "deploy",
        ansible_ssh_private_key_file: "~/.ssh/id_ed25519",
        ansible_password: "pw",
        ansible_become: true,
        ansible_become_user: "postgres",
        ansible_become_password: "sudo-pw",
        ansible_ssh_common_args: "-o StrictHostKeyChecking=no",
      }),
    ).toEqual({
      connection: "ssh",
      address: "10.0.0.5",
      port: 2222,
      user: "deploy",
      privateKeyFile: "~/.ssh/id_ed25519",
      password: "pw",
      become: true,
      becomeUser: "postgres",
      becomePassword: "sudo-pw",
      sshCommonArgs: "-o StrictHostKeyChecking=no",
    });
  });

  it("reads Ansible's older names", () => {
    expect(
      connectionSettings("web1", {
        ansible_ssh_host: "10.0.0.6",
        ansible_ssh_port: "2200",
        ansible_ssh_user: "old",
        ansible_ssh_pass: "pw",
        ansible_private_key_file: "key",
        ansible_become_pass: "sudo-pw",
      }),
    ).toMatchObject({ address: "10.0.0.6", port: 2200, user: "old", password: "pw", privateKeyFile: "key", becomePassword: "sudo-pw" });
  });

  it("reads the tsplay_ aliases, and prefers the ansible_ name when both are set", () => {
    const short = { tsplay_host: "10.0.0.7", tsplay_port: "2201", tsplay_user: "me", tsplay_key: "k", tsplay_jump: "bastion" };
    expect(connectionSettings("web1", short)).toMatchObject({ address: "10.0.0.7", port: 2201, user: "me", privateKeyFile: "k", jumpHost: "bastion" });
    const both = { ...short, ansible_host: "10.0.0.8", ansible_port: 22, ansible_user: "root", ansible_ssh_private_key_file: "k2" };
    expect(connectionSettings("web1", both)).toMatchObject({ address: "10.0.0.8", port: 22, user: "root", privateKeyFile: "k2" });
  });

  it.each([
    ["localhost", {}, "local"],
    ["127.0.0.1", {}, "local"],
    ["localhost", { ansible_connection: "ssh" }, "ssh"],
    ["web1", { ansible_connection: "local" }, "local"],
    ["web1", { ansible_connection: "smart" }, "ssh"],
    ["web1", { ansible_connection: "paramiko" }, "ssh"],
  ] as const)("%s with %j connects by %s", (host, vars, connection) => {
    expect(connectionSettings(host, vars).connection).toBe(connection);
  });

  it.each([
    [true, true], ["yes", true], ["Yes", true], ["true", true], ["True", true], ["on", true], ["1", true], [1, true],
    [false, false], ["no", false], ["false", false], ["False", false], ["off", false], ["0", false], [0, false],
  ])("ansible_become=%j is %s", (value, become) => {
    expect(connectionSettings("web1", { ansible_become: value }).become).toBe(become);
  });

  it.each([
    ["-o ProxyJump=admin@bastion:2222", "admin@bastion:2222"],
    ["-o StrictHostKeyChecking=no -J admin@bastion", "admin@bastion"],
    ["-Jbastion", "bastion"],
    ["-o 'ProxyJump admin@bastion'", "admin@bastion"],
    [`-o ProxyCommand="ssh -W %h:%p -q -p 2200 admin@bastion"`, "admin@bastion:2200"],
    [`-o ProxyCommand="ssh -l admin -W %h:%p bastion"`, "admin@bastion"],
    ["-o ProxyCommand='nc -X 5 -x proxy:1080 %h %p'", undefined],
    ["-o StrictHostKeyChecking=no", undefined],
  ])("finds the jump host in ansible_ssh_common_args %s", (args, jumpHost) => {
    expect(connectionSettings("web1", { ansible_ssh_common_args: args }).jumpHost).toBe(jumpHost);
  });

  it("prefers a jump host in ansible_ssh_common_args over tsplay_jump", () => {
    const vars = { ansible_ssh_common_args: "-J a@one", tsplay_jump: "b@two" };
    expect(connectionSettings("web1", vars).jumpHost).toBe("a@one");
  });

  it.each([
    [{ ansible_port: "ssh" }, `host 'web1': ansible_port must be a port number (1-65535), got "ssh"`],
    [{ tsplay_port: 70000 }, "host 'web1': tsplay_port must be a port number (1-65535), got 70000"],
    [{ ansible_become: "maybe" }, `host 'web1': ansible_become must be yes/no or true/false, got "maybe"`],
    [{ ansible_user: ["a"] }, `host 'web1': ansible_user must be a string, got ["a"]`],
    [{ ansible_connection: "winrm" }, "host 'web1': ansible_connection 'winrm' is not supported (use local or ssh)"],
  ])("rejects %j", (vars, message) => {
    expect(errorOf(() => connectionSettings("web1", vars))).toBe(message);
  });

  it("works on INI values as the inventory types them", async () => {
    const inv = await loadInventory([fixture("cluster.ini")]);
    expect(connectionSettings("node1", inv.varsFor("node1"))).toMatchObject({ address: "10.0.0.1", port: 22 });
    const literal = await loadInventory(["db1:2222,"]);
    expect(connectionSettings("db1", literal.varsFor("db1"))).toMatchObject({ address: "db1", port: 2222 });
  });
});

describe("connection variables are checked where they are written, with the same rules", () => {
  it.each([
    ["a port that is a word", "[web]\nh1 ansible_port=abc", `inventory/hosts:2: ansible_port must be a port number (1-65535), got "abc"`],
    ["a port too high", "h1 ansible_ssh_port=70000", "inventory/hosts:1: ansible_ssh_port must be a port number (1-65535), got 70000"],
    ["a tsplay_ port", "h1 tsplay_port=0", "inventory/hosts:1: tsplay_port must be a port number (1-65535), got 0"],
    ["become in [g:vars]", "[web]\nh1\n[web:vars]\nansible_become=maybe", `inventory/hosts:4: ansible_become must be yes/no or true/false, got "maybe"`],
    ["an unknown connection", "h1 ansible_connection=winrm", "inventory/hosts:1: ansible_connection 'winrm' is not supported (use local or ssh)"],
    ["a password that is a list", "h1 ansible_password=\"['hunter2']\"", "inventory/hosts:1: ansible_password must be a string, got a list"],
  ])("INI: %s", (_, text, message) => {
    expect(errorOf(() => fromIni(text))).toBe(message);
  });

  it.each([
    ["host vars", "all:\n  hosts:\n    h1:\n      x: 1\n      ansible_become: maybe\n", `inventory/hosts.yml:5: ansible_become must be yes/no or true/false, got "maybe"`],
    ["group vars", "web:\n  vars:\n    ansible_port: 70000\n", "inventory/hosts.yml:3: ansible_port must be a port number (1-65535), got 70000"],
    ["a nested group", "all:\n  children:\n    web:\n      vars: { ansible_connection: docker }\n", "inventory/hosts.yml:4: ansible_connection 'docker' is not supported (use local or ssh)"],
    ["a become password that is a mapping", "all:\n  vars:\n    ansible_become_password: { pw: hunter2 }\n", "inventory/hosts.yml:3: ansible_become_password must be a string, got a mapping"],
  ])("YAML: %s", (_, text, message) => {
    expect(errorOf(() => fromYaml(text))).toBe(message);
  });

  it("group_vars/ and host_vars/ files, naming the file and line", async () => {
    const dir = tempDir("tsplay-connvars-");
    writeFileSync(join(dir, "hosts"), "[web]\nh1\n");
    mkdirSync(join(dir, "group_vars"));
    writeFileSync(join(dir, "group_vars", "web.yml"), "ntp: pool\nansible_port: abc\n");
    expect(await asyncErrorOf(() => loadInventory([join(dir, "hosts")]))).toBe(
      `${join(dir, "group_vars", "web.yml")}:2: ansible_port must be a port number (1-65535), got "abc"`,
    );
    writeFileSync(join(dir, "group_vars", "web.yml"), "ntp: pool\n");
    mkdirSync(join(dir, "host_vars"));
    writeFileSync(join(dir, "host_vars", "h1.yml"), "---\nansible_become: perhaps\n");
    expect(await asyncErrorOf(() => loadInventory([join(dir, "hosts")]))).toBe(
      `${join(dir, "host_vars", "h1.yml")}:2: ansible_become must be yes/no or true/false, got "perhaps"`,
    );
  });

  it("never shows a password's value, in any message", async () => {
    const secret = "hunter2";
    const messages = [
      errorOf(() => fromIni(`h1 ansible_password="['${secret}']"`)),
      errorOf(() => fromIni(`h1 ansible_become_pass="{'a': '${secret}'}"`)),
      errorOf(() => fromIni(`h1 ansible_password=${secret} ansible_password=${secret}2`)),
      errorOf(() => fromIni(`h1 ansible_password="${secret}`)),
      errorOf(() => fromIni(`[web]\nansible_become_password=${secret}`)),
      errorOf(() => fromIni(`[web]\n[web:vars]\nansible_ssh_pass ${secret}`)),
      errorOf(() => fromYaml(`all:\n  vars:\n    ansible_ssh_password: [${secret}]\n`)),
      errorOf(() => connectionSettings("h1", { ansible_become_password: [secret] })),
    ];
    for (const message of messages) expect(message).not.toContain(secret);
    expect(messages[0]).toBe("inventory/hosts:1: ansible_password must be a string, got a list");
  });

  it("checks each host's merged settings once loaded, for values no parser checked", () => {
    const inv = new Inventory();
    inv.addHost("h1", "web").vars.ansible_port = "abc";
    inv.reconcile();
    expect(errorOf(() => checkHostConnections(inv))).toBe(`host 'h1': ansible_port must be a port number (1-65535), got "abc"`);
  });

  it("accepts good values where they are written and once merged", () => {
    const inv = fromIni("[web]\nh1 ansible_port=2222 ansible_become=yes ansible_password=s3cret\n[web:vars]\nansible_connection=smart");
    expect(() => checkHostConnections(inv)).not.toThrow();
    expect(connectionSettings("h1", inv.varsFor("h1"))).toMatchObject({ port: 2222, become: true, password: "s3cret", connection: "ssh" });
  });
});
