import { describe, expect, it } from "vitest";
import { connectionSettings, loadInventory } from "../../engine/inventory";
import { errorOf, fixture } from "./helpers";

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
