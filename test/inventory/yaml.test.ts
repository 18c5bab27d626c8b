import { describe, expect, it } from "vitest";
import { loadInventory } from "../../engine/inventory";
import { detectFormat } from "../../engine/inventory/inventory-file";
import { MAX_ALIAS_VALUES } from "../../engine/inventory/yaml-text";
import { errorOf, fixture, fromYaml } from "./helpers";

describe("YAML inventory", () => {
  it("reads groups, hosts, vars and nested children under all:", () => {
    const inv = fromYaml(`
      all:
        vars: { ntp: pool.ntp.org }
        hosts:
          bastion: { ansible_host: 203.0.113.10 }
        children:
          k8s:
            vars: { cluster_name: prod }
            children:
              master:
                hosts:
                  node1:
    `);
    expect([...inv.hosts.keys()]).toEqual(["bastion", "node1"]);
    expect(inv.groups.get("all")!.vars).toEqual({ ntp: "pool.ntp.org" });
    expect(inv.groups.get("k8s")!.children).toEqual(["master"]);
    expect(inv.hosts.get("node1")!.vars).toEqual({});
    expect(inv.varsFor("node1")).toMatchObject({ ntp: "pool.ntp.org", cluster_name: "prod" });
    expect(inv.groups.get("ungrouped")!.hosts).toEqual(["bastion"]); // directly under all: only
  });

  it("describes the same inventory as the equivalent INI file", async () => {
    const [ini, yaml] = await Promise.all([loadInventory([fixture("cluster.ini")]), loadInventory([fixture("cluster.yml")])]);
    expect(yaml.groupMap()).toEqual(ini.groupMap());
    for (const host of ini.hosts.keys()) {
      const { inventory_file: _a, inventory_dir: _b, ...iniVars } = ini.varsFor(host);
      const { inventory_file: _c, inventory_dir: _d, ...yamlVars } = yaml.varsFor(host);
      expect(yamlVars, host).toEqual(iniVars);
      expect(yaml.groupsOf(host), host).toEqual(ini.groupsOf(host));
    }
  });

  it("accepts top-level groups other than all, null entries, ranges and ports in host names, and `hosts: name`", () => {
    const inv = fromYaml(`
      web:
        hosts:
          web[01:02]:
          web03:2222: { role: spare }
      db:
        hosts: db1
      empty:
    `);
    expect(inv.hostsIn("web")).toEqual(["web01", "web02", "web03"]);
    expect(inv.hosts.get("web03")!.vars).toEqual({ ansible_port: 2222, role: "spare" });
    expect(inv.hostsIn("db")).toEqual(["db1"]);
    expect(inv.groups.get("all")!.children).toEqual(["ungrouped", "web", "db", "empty"]);
  });

  it("reads YAML 1.1 as Ansible does: yes/no/on/off are booleans", () => {
    const inv = fromYaml(`
      all:
        vars: { a: yes, b: off, c: "yes", d: 010 }
    `);
    expect(inv.groups.get("all")!.vars).toEqual({ a: true, b: false, c: "yes", d: 8 });
  });

  it("merges a group that appears in several places", () => {
    const inv = fromYaml(`
      all:
        children:
          prod:
            children:
              web: { hosts: { web1: } }
          eu:
            children:
              web: { hosts: { web2: }, vars: { x: 1 } }
    `);
    expect(inv.hostsIn("web")).toEqual(["web1", "web2"]);
    expect(inv.groupsOf("web1")).toEqual(["all", "eu", "prod", "web"]);
  });
});

describe("YAML errors name the file and line", () => {
  const cases: [string, string, string][] = [
    ["bad YAML syntax", "all:\n  hosts: [a\n", "inventory/hosts.yml:3: invalid YAML:"],
    ["a list at the top", "- web1\n", "inventory/hosts.yml: expected a mapping of group names at the top level, got a list"],
    ["hosts as a list", "all:\n  hosts:\n    - web1\n", "inventory/hosts.yml:2: 'hosts' of group 'all' must be a mapping, got a list"],
    [
      "a host directly under a group",
      "web:\n  web1:\n    x: 1\n",
      "inventory/hosts.yml:2: unexpected key 'web1' in group 'web' (expected hosts:, children: or vars:; hosts go under hosts:)",
    ],
    ["a group that is a number", "all:\n  children:\n    web: 3\n", "inventory/hosts.yml:3: group 'web' must be a mapping with hosts:, children: or vars:, got number '3'"],
    [
      "host vars that are not a mapping",
      "all:\n  hosts:\n    web1: [1]\n",
      "inventory/hosts.yml:3: host 'web1' in group 'all' must map to its variables or to nothing, got a list",
    ],
    ["a bad range", "all:\n  hosts:\n    n[5:1]:\n", "inventory/hosts.yml:3: bad host range in 'n[5:1]': start 5 is after end 1"],
    ["a host name with a control character", 'all:\n  hosts:\n    "h\\x01":\n', 'inventory/hosts.yml:3: host name "h\\u0001" contains a control character'],
    [
      "an inventory plugin config",
      "plugin: amazon.aws.aws_ec2\n",
      "inventory/hosts.yml:1: inventory plugins ('plugin: amazon.aws.aws_ec2') are not supported; list hosts and groups instead",
    ],
  ];
  it.each(cases)("%s", (_, text, message) => {
    const actual = errorOf(() => fromYaml(text));
    if (message.endsWith(":")) expect(actual.startsWith(message)).toBe(true);
    else expect(actual).toBe(message);
  });

  it.each([
    ["a syntax error, in one line without the parser's code frame", "all:\n  hosts: [a\n", "inventory/hosts.yml:3: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]"],
    ["a tab as indentation", "all:\n\thosts:\n", "inventory/hosts.yml:2: invalid YAML: Tabs are not allowed as indentation"],
    ["two documents", "all:\n---\nweb:\n", "inventory/hosts.yml:2: invalid YAML: a second document ('---'); a file holds one"],
    ["a key given twice", "all:\n  hosts:\n    h1:\n    h2:\n    h1:\n", "inventory/hosts.yml:5: invalid YAML: key 'h1' is given twice in one mapping"],
    ["an alias of no anchor", "all:\n  vars:\n    x: *nope\n", "inventory/hosts.yml:3: invalid YAML: alias *nope comes before any anchor &nope"],
    ["an alias inside its own anchor", "all:\n  vars: &v\n    x: *v\n", "inventory/hosts.yml:3: invalid YAML: alias *v is inside the node it refers to"],
  ])("%s", (_, text, message) => {
    const actual = errorOf(() => fromYaml(text));
    expect(actual).toBe(message);
  });

  it("refuses an alias bomb, naming the line where the copies pass the limit", () => {
    const levels = ["a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1]"];
    for (const name of "bcdefghij") {
      const previous = levels.at(-1)![0];
      levels.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(", ")}]`);
    }
    const text = `all:\n  vars:\n${levels.map((l) => `    ${l}\n`).join("")}`;
    const started = performance.now();
    expect(errorOf(() => fromYaml(text))).toBe(
      `inventory/hosts.yml:9: invalid YAML: aliases expand past ${MAX_ALIAS_VALUES} values here (the limit for one file)`,
    );
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it("allows thousands of hosts sharing one anchor", () => {
    const hosts = Array.from({ length: 3000 }, (_, i) => `    h${i}: *defaults\n`).join("");
    const inv = fromYaml(`x:\n  vars: &defaults { role: web, ansible_port: 2222 }\nweb:\n  hosts:\n${hosts}`);
    expect(inv.hostsIn("web")).toHaveLength(3000);
    expect(inv.varsFor("h2999")).toMatchObject({ role: "web", ansible_port: 2222 });
  });
});

describe("format detection", () => {
  it("reads the shape of a file without an extension without expanding its aliases", () => {
    const levels = ["a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1]"];
    for (const name of "bcdefghijklmnop") levels.push(`${name}: &${name} [${Array(9).fill(`*${levels.at(-1)![0]}`).join(", ")}]`);
    const started = performance.now();
    expect(detectFormat("hosts", `web: { hosts: { h1: } }\ndb:\n  vars:\n${levels.map((l) => `    ${l}\n`).join("")}`)).toBe("yaml");
    expect(performance.now() - started).toBeLessThan(1000);
    expect(detectFormat("hosts", "web: &w { hosts: { h1: } }\ndb: *w\n")).toBe("yaml");
    expect(detectFormat("hosts", "web: { hosts: { h1: } }\ndb: *nothing\n")).toBe("ini");
  });
});
