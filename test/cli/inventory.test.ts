/**
 * `tsplay inventory` from the real command line: Ansible's --graph tree, --list and --host
 * JSON with the variables each host gets (group_vars/ and host_vars/ included), secrets
 * masked unless --show-secrets, --limit, and the mistakes (no action: exit 5; unknown host: exit 1).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "../temp-dir";
import { tsplay } from "./cli";

let dir: string;
const inventory = (...args: string[]) => tsplay(["inventory", "-i", dir, ...args]);

beforeAll(() => {
  dir = tempDir("tsplay-inventory-");
  writeFileSync(
    join(dir, "hosts.ini"),
    "loose\n[etcd]\nnode1 etcd_name=infra1 ansible_become_password=hunter2\nnode2 etcd_name=infra2\n[master]\nnode1\n[k8s:children]\netcd\nmaster\n[web]\nw1 ansible_port=2222\n[all:vars]\nansible_user=deploy\n",
  );
  mkdirSync(join(dir, "group_vars"));
  mkdirSync(join(dir, "host_vars"));
  writeFileSync(join(dir, "group_vars/etcd.yaml"), "etcd_port: 2379\ndatabase:\n  user: app\n  root_password: s3cret\n");
  writeFileSync(join(dir, "host_vars/node2.yaml"), "etcd_port: 2380\nansible_password: pw2\n");
});

describe("tsplay inventory", () => {
  it("--graph draws Ansible's tree: child groups then hosts, each sorted by name", () => {
    const run = inventory("--graph");
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe(
      [
        "@all:",
        "  |--@k8s:",
        "  |  |--@etcd:",
        "  |  |  |--node1",
        "  |  |  |--node2",
        "  |  |--@master:",
        "  |  |  |--node1",
        "  |--@ungrouped:",
        "  |  |--loose",
        "  |--@web:",
        "  |  |--w1",
        "",
      ].join("\n"),
    );
    expect(inventory("--graph", "etcd").stdout).toBe("@etcd:\n  |--node1\n  |--node2\n");
    expect(inventory("--graph", "k8s", "--limit", "node2").stdout).toBe("@k8s:\n  |--@etcd:\n  |  |--node2\n  |--@master:\n");
  });

  it("--host shows the merged variables a host gets, secrets masked, keys sorted", () => {
    const run = inventory("--host", "node2");
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      ansible_password: "(hidden)",
      ansible_user: "deploy",
      database: { root_password: "(hidden)", user: "app" },
      etcd_name: "infra2",
      etcd_port: 2380,
    });
    expect(run.stdout).toMatch(/^\{\n {4}"ansible_password": "\(hidden\)",\n {4}"ansible_user": "deploy",/);
    expect(run.stdout).not.toMatch(/s3cret|pw2/);
  });

  it("--show-secrets shows them", () => {
    const run = inventory("--host", "node1", "--show-secrets");
    expect(JSON.parse(run.stdout)).toMatchObject({ ansible_become_password: "hunter2", database: { root_password: "s3cret" } });
  });

  it("--list is ansible-inventory's shape: _meta.hostvars, groups with hosts and children, empty ones left out", () => {
    const run = inventory("--list");
    expect(run.code, run.stderr).toBe(0);
    const list = JSON.parse(run.stdout);
    expect(Object.keys(list)).toEqual(["_meta", "all", "etcd", "k8s", "master", "ungrouped", "web"]);
    expect(list.all).toEqual({ children: ["ungrouped", "k8s", "web"] });
    expect(list.k8s).toEqual({ children: ["etcd", "master"] });
    expect(list.etcd).toEqual({ hosts: ["node1", "node2"] });
    expect(list.ungrouped).toEqual({ hosts: ["loose"] });
    expect(list._meta.hostvars.node1).toEqual({ ansible_become_password: "(hidden)", ansible_user: "deploy", database: { root_password: "(hidden)", user: "app" }, etcd_name: "infra1", etcd_port: 2379 });
    expect(list._meta.hostvars.w1).toEqual({ ansible_port: 2222, ansible_user: "deploy" });
    expect(run.stdout).not.toMatch(/hunter2|s3cret|pw2/);
    const limited = JSON.parse(inventory("--list", "--limit", "web").stdout);
    expect(Object.keys(limited._meta.hostvars)).toEqual(["w1"]);
    expect(limited.etcd).toBeUndefined();
    expect(limited.k8s).toEqual({ children: ["etcd", "master"] });
  });

  it("-i localhost and a host list need no file", () => {
    expect(tsplay(["inventory", "--graph"]).stdout).toBe("@all:\n  |--@ungrouped:\n  |  |--localhost\n");
    expect(JSON.parse(tsplay(["inventory", "-i", "a,b:2200,", "--host", "b"]).stdout)).toEqual({ ansible_port: 2200 });
  });

  it("mistakes: no action or two is exit 5; an unknown host or group is exit 1, one line", () => {
    for (const args of [[], ["--list", "--graph"]]) {
      const run = inventory(...args);
      expect(run.code).toBe(5);
      expect(run.stderr).toBe("ERROR: tsplay inventory: give one of --graph, --list or --host NAME\n");
    }
    const host = inventory("--host", "nope");
    expect(host.code).toBe(1);
    expect(host.stderr).toBe("ERROR: unknown host 'nope'\n");
    expect(inventory("--graph", "nope").stderr).toBe("ERROR: --graph: no group named 'nope'\n");
  });
});
