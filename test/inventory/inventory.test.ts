import { describe, expect, it } from "vitest";
import { Inventory } from "../../engine/inventory";
import { errorOf, fromIni, fromYaml } from "./helpers";

describe("implicit groups", () => {
  it("always has 'all' and 'ungrouped', even when empty", () => {
    const inv = new Inventory();
    inv.reconcile();
    expect([...inv.groups.keys()]).toEqual(["all", "ungrouped"]);
    expect(inv.groupMap()).toEqual({ all: [], ungrouped: [] });
  });

  it("makes every group without a parent a child of 'all'", () => {
    const inv = fromIni(`
      [web]
      w1
      [prod:children]
      web
      [db]
    `);
    expect(inv.groups.get("all")!.children).toEqual(["ungrouped", "prod", "db"]);
  });
});

describe("membership", () => {
  const inv = fromIni(`
    solo
    [etcd]
    node3
    node1
    [master]
    node1
    [worker]
    node2
    node3
    [k8s:children]
    master
    worker
    [cluster:children]
    k8s
    etcd
  `);

  it("hostsIn lists a group's hosts through its children, once each, in inventory order", () => {
    expect(inv.hostsIn("k8s")).toEqual(["node3", "node1", "node2"]);
    expect(inv.hostsIn("cluster")).toEqual(["node3", "node1", "node2"]);
    expect(inv.hostsIn("all")).toEqual(["solo", "node3", "node1", "node2"]);
  });

  it("groupMap is Ansible's `groups` variable", () => {
    expect(inv.groupMap()).toEqual({
      all: ["solo", "node3", "node1", "node2"],
      ungrouped: ["solo"],
      etcd: ["node3", "node1"],
      master: ["node1"],
      worker: ["node3", "node2"],
      k8s: ["node3", "node1", "node2"],
      cluster: ["node3", "node1", "node2"],
    });
  });

  it("groupsOf gives every group of a host, 'all' first, then by depth from 'all', then by name", () => {
    // depths: cluster 1, etcd 2, k8s 2, master 3, worker 3
    expect(inv.groupsOf("node1")).toEqual(["all", "cluster", "etcd", "k8s", "master"]);
    expect(inv.groupsOf("node3")).toEqual(["all", "cluster", "etcd", "k8s", "worker"]);
    expect(inv.groupsOf("solo")).toEqual(["all", "ungrouped"]);
  });

  it("rejects unknown names", () => {
    expect(errorOf(() => inv.hostsIn("nope"))).toBe("unknown group 'nope'");
    expect(errorOf(() => inv.groupsOf("nope"))).toBe("unknown host 'nope'");
    expect(errorOf(() => inv.varsFor("nope"))).toBe("unknown host 'nope'");
  });
});

describe("varsFor precedence", () => {
  it("all < parent group < child group < host", () => {
    const inv = fromIni(`
      [web]
      w1 level=host
      w2
      [prod:children]
      web
      [prod:vars]
      level=parent
      from_parent=1
      [web:vars]
      level=child
      [all:vars]
      level=all
      from_all=1
    `);
    expect(inv.varsFor("w1")).toEqual({ level: "host", from_parent: 1, from_all: 1 });
    expect(inv.varsFor("w2")).toEqual({ level: "child", from_parent: 1, from_all: 1 });
  });

  it("orders groups at the same depth by name: the later name wins", () => {
    const inv = fromIni(`
      [beta]
      h1
      [alpha]
      h1
      [alpha:vars]
      x=alpha
      [beta:vars]
      x=beta
    `);
    expect(inv.varsFor("h1").x).toBe("beta");
  });

  it("uses the deepest path to a group as its depth", () => {
    // 'shallow' is both a child of 'all' and, through a and b, at depth 3; it beats 'deep2' (depth 2)
    const inv = fromIni(`
      [shallow]
      h1
      [shallow:vars]
      x=shallow
      [a:children]
      b
      [b:children]
      shallow
      [b]
      [deep2:children]
      inner
      [inner]
      h1
      [inner:vars]
      x=inner
    `);
    expect(inv.groupsOf("h1")).toEqual(["all", "a", "deep2", "b", "inner", "shallow"]);
    expect(inv.varsFor("h1").x).toBe("shallow");
  });

  it("lets ansible_group_priority reorder groups of the same depth (higher applies later)", () => {
    const inv = fromIni(`
      [alpha]
      h1
      [beta]
      h1
      [alpha:vars]
      x=alpha
      ansible_group_priority=10
      [beta:vars]
      x=beta
    `);
    expect(inv.groupsOf("h1")).toEqual(["all", "beta", "alpha"]);
    expect(inv.varsFor("h1").x).toBe("alpha");
  });

  it("replaces nested objects rather than merging them (hash_behaviour=replace)", () => {
    const inv = fromIni(`
      [web]
      h1 opts="{'b': 2}"
      [web:vars]
      opts={'a': 1, 'b': 1}
    `);
    expect(inv.varsFor("h1").opts).toEqual({ b: 2 });
  });

  it("returns a copy: changing it does not change the inventory", () => {
    const inv = fromIni(`h1 list="[1]"`);
    (inv.varsFor("h1").list as number[]).push(2);
    expect(inv.varsFor("h1").list).toEqual([1]);
  });
});

describe("implicit localhost", () => {
  const inv = fromIni(`
    web1
    [all:vars]
    ntp=pool
  `);

  it("exists when asked for, outside every group, with a local connection and the vars of 'all'", () => {
    expect(inv.hosts.has("localhost")).toBe(false);
    expect(inv.groupsOf("localhost")).toEqual(["all"]);
    expect(inv.varsFor("localhost")).toEqual({ ntp: "pool", ansible_connection: "local" });
    expect(inv.hostsIn("all")).toEqual(["web1"]);
  });

  it("is replaced by a localhost-like host in the inventory", () => {
    const withLocal = fromIni(`127.0.0.1 x=1`);
    expect(withLocal.resolveHost("localhost")!.name).toBe("127.0.0.1");
    expect(withLocal.varsFor("localhost")).toEqual({ x: 1 });
  });
});

describe("size", () => {
  // a guard against O(n²) membership checks, not a benchmark: these took about 30 s each when every add searched the group's list
  it("loads 40000 hosts in one group, INI and YAML, and finds their groups, in well under 5 s", () => {
    const started = performance.now();
    const names = Array.from({ length: 40_000 }, (_, i) => `h${i}`);
    const ini = fromIni(`[web]\n${names.join("\n")}\n[db]\n${names.slice(0, 3).join("\n")}`);
    const yaml = fromYaml(`web:\n  hosts:\n${names.map((n) => `    ${n}:\n`).join("")}`);
    for (const inv of [ini, yaml]) {
      expect(inv.hostsIn("web")).toHaveLength(40_000);
      for (const name of names) inv.groupsOf(name);
    }
    expect(ini.groupsOf("h1")).toEqual(["all", "db", "web"]);
    expect(ini.groups.get("ungrouped")!.hosts).toEqual([]);
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it("adds a host to a group once, however often it is listed", () => {
    const inv = new Inventory();
    for (let i = 0; i < 3; i++) inv.addHost("h1", "web");
    inv.addChild("all", "web");
    inv.addChild("all", "web");
    inv.reconcile();
    expect(inv.groups.get("web")!.hosts).toEqual(["h1"]);
    expect(inv.groups.get("all")!.children).toEqual(["ungrouped", "web"]);
    expect(inv.groupsOf("h1")).toEqual(["all", "web"]);
  });
});
