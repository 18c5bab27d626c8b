import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { InventoryError, loadInventory } from "../../engine/inventory";
import { tempDir } from "../temp-dir";
import { asyncErrorOf, fixture } from "./helpers";

describe("a directory source", async () => {
  const inv = await loadInventory([fixture("site")]);

  it("reads every inventory file in it, subdirectories too, in name order", () => {
    // 01-hosts.ini, 02-monitoring.yml, more/03-cache.ini; README.md, .hidden and hosts.bak are skipped
    expect([...inv.hosts.keys()]).toEqual(["web1", "web2", "db1", "mon1", "cache1"]);
    expect([...inv.groups.keys()]).toEqual(["all", "ungrouped", "web", "db", "prod", "monitoring", "cache"]);
    expect(inv.groupsOf("web1")).toEqual(["all", "monitoring", "prod", "web"]);
  });

  it("applies group_vars/ over every group var written in inventory files, and host_vars/ over host vars", () => {
    // inline: all < prod < web < host line; then group_vars/all < group_vars/prod < group_vars/web < host_vars/web1
    expect(inv.varsFor("web1").tier).toBe("web1-dir");
    expect(inv.varsFor("web2").tier).toBe("web-dir");
    expect(inv.varsFor("db1").tier).toBe("prod-dir");
    expect(inv.varsFor("mon1").tier).toBe("all-dir");
    expect(inv.varsFor("cache1").tier).toBe("all-dir"); // group_vars/all beats [cache:vars]
    expect(inv.varsFor("web1").only_inline).toBe("yes");
  });

  it("reads a group_vars/NAME/ directory file by file in name order; ignores files for unknown groups", () => {
    expect(inv.groups.get("prod")!.dirVars).toEqual({ tier: "prod-dir", backup: "hourly" });
    expect(Object.values(inv.groupMap()).flat()).not.toContain("nosuchgroup");
    expect(inv.varsFor("web1").tier).not.toBe("never-applied");
  });

  it("keeps file vars apart from inventory vars on the model", () => {
    expect(inv.hosts.get("web1")).toMatchObject({ vars: { tier: "web1-inline" }, dirVars: { tier: "web1-dir" } });
    expect(inv.groups.get("web")).toMatchObject({ vars: {}, dirVars: { tier: "web-dir" } });
  });

  it("sets inventory_file and inventory_dir to the file that first named the host", () => {
    expect(inv.varsFor("web1")).toMatchObject({ inventory_file: fixture("site", "01-hosts.ini"), inventory_dir: fixture("site") });
    expect(inv.varsFor("cache1")).toMatchObject({ inventory_file: fixture("site", "more", "03-cache.ini") });
  });

  it("gives host_vars/localhost to the implicit localhost", () => {
    expect(inv.varsFor("localhost")).toEqual({ tier: "all-dir", ntp: "pool.ntp.org", ansible_connection: "local", control: true });
  });
});

describe("file sources", () => {
  it("reads group_vars/ next to an inventory file", async () => {
    const inv = await loadInventory([fixture("single", "hosts")]);
    expect(inv.varsFor("app1")).toMatchObject({ deploy_user: "deploy" });
    expect(inv.varsFor("app2")).toMatchObject({ deploy_user: "deploy", ansible_port: 2201 });
  });

  it("merges several sources in order: hosts add up, later vars win", async () => {
    const inv = await loadInventory([fixture("single", "hosts"), fixture("second", "hosts.yml")]);
    expect([...inv.hosts.keys()]).toEqual(["app1", "app2", "extra1"]);
    expect(inv.varsFor("app2")).toMatchObject({ ansible_port: 2202, tier: "second-source" });
    expect(inv.varsFor("extra1")).toMatchObject({ deploy_user: "deploy" }); // group_vars of either source apply to all hosts
  });
});

describe("size", () => {
  // a guard against a lookup on disk for each host, not a benchmark: this took about 30 s that way
  it("loads 100000 hosts with group_vars/ and host_vars/ beside them in well under 10 s", async () => {
    const dir = tempDir("tsplay-big-");
    writeFileSync(join(dir, "hosts"), "[web]\nw[1:100000]\n");
    mkdirSync(join(dir, "group_vars"));
    writeFileSync(join(dir, "group_vars", "web.yml"), "x: 1\n");
    mkdirSync(join(dir, "host_vars"));
    writeFileSync(join(dir, "host_vars", "w5.yml"), "role: db\n");
    const started = performance.now();
    const inv = await loadInventory([join(dir, "hosts")]);
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(inv.hosts.size).toBe(100_000);
    expect(inv.varsFor("w5")).toMatchObject({ x: 1, role: "db" });
    expect(inv.varsFor("w6")).not.toHaveProperty("role");
  });
});

describe("literal host lists", () => {
  it.each([
    ["localhost", ["localhost"]],
    ["web1,", ["web1"]],
    ["h1, h2:2222 ,h3", ["h1", "h2", "h3"]],
  ])("%j", async (source, hosts) => {
    const inv = await loadInventory([source]);
    expect([...inv.hosts.keys()]).toEqual(hosts);
    expect(inv.groups.get("ungrouped")!.hosts).toEqual(hosts);
  });

  it("takes host:port as ansible_port", async () => {
    const inv = await loadInventory(["h1,h2:2222"]);
    expect(inv.varsFor("h2")).toEqual({ ansible_port: 2222 });
  });
});

describe("load errors", () => {
  it("rejects a source that is neither a path nor a host list", async () => {
    expect(await asyncErrorOf(() => loadInventory(["nope/hosts"]))).toBe(
      "inventory source 'nope/hosts' does not exist (give a file, a directory, or hosts separated by commas like 'web1,web2,')",
    );
  });

  it("names the file as given, with the line", async () => {
    const source = relative(process.cwd(), fixture("broken", "hosts"));
    const error = await loadInventory([source]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InventoryError);
    expect((error as Error).message).toBe(`${source}:4: cannot parse 'web2 port=80 oops' (expected: HOST [key=value ...])`);
  });

  it.each([
    ["a control character", "h1,h\u0001,", `host name "h\\u0001" contains a control character`],
    ["a NUL byte", "h1,h\u0000x", `host name "h\\u0000x" contains a control character`],
    ["an escape sequence", "h1,\u001b[31mred", `host name "\\u001b[31mred" contains a control character`],
  ])("rejects a host list with %s in a name, showing it escaped", async (_, source, message) => {
    expect(await asyncErrorOf(() => loadInventory([source]))).toBe(message);
  });

  it.each(["group_vars/web.yml", "group_vars/web/10-main.yml", "host_vars/h1"])("rejects %s as a symbolic link to nothing", async (entry) => {
    const dir = tempDir("tsplay-dangling-");
    writeFileSync(join(dir, "hosts"), "[web]\nh1\n");
    mkdirSync(join(dir, entry, ".."), { recursive: true });
    symlinkSync("gone.yml", join(dir, entry));
    expect(await asyncErrorOf(() => loadInventory([join(dir, "hosts")]))).toBe(
      `${join(dir, entry)}: is a symbolic link to 'gone.yml', which does not exist`,
    );
  });

  it("rejects a symbolic link to nothing in a directory source", async () => {
    const dir = tempDir("tsplay-dangling-");
    writeFileSync(join(dir, "01-hosts"), "h1\n");
    symlinkSync("gone.ini", join(dir, "02-more"));
    expect(await asyncErrorOf(() => loadInventory([dir]))).toBe(`${join(dir, "02-more")}: is a symbolic link to 'gone.ini', which does not exist`);
  });

  it("reads a YAML error in a vars file as one line naming the file and line", async () => {
    const dir = tempDir("tsplay-badvars-");
    writeFileSync(join(dir, "hosts"), "[web]\nh1\n");
    mkdirSync(join(dir, "group_vars"));
    writeFileSync(join(dir, "group_vars", "all.yml"), "a: 1\nb: [1, 2\nc: 3\n");
    const message = await asyncErrorOf(() => loadInventory([join(dir, "hosts")]));
    expect(message).toMatch(new RegExp(`^${join(dir, "group_vars", "all.yml")}:\\d+: invalid YAML: [^\\n]+$`));
  });

  it("rejects a vars file that is not a mapping", async () => {
    expect(await asyncErrorOf(() => loadInventory([fixture("broken-vars", "hosts")]))).toBe(
      `${fixture("broken-vars", "group_vars", "web.yml")}: expected a mapping of variable names to values, got a list`,
    );
  });
});
