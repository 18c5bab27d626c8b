import { describe, expect, it } from "vitest";
import { errorOf, fromIni } from "./helpers";

// inventory order: bastion, node1, node2, node3, node4, web-1, web-2, web-10
const inv = fromIni(`
  bastion
  [etcd]
  node1
  node2
  node3
  [master]
  node1
  [worker]
  node3
  node2
  node4
  [web]
  web-1
  web-2
  web-10
  [k8s:children]
  master
  worker
`);
const ALL = ["bastion", "node1", "node2", "node3", "node4", "web-1", "web-2", "web-10"];

describe("select", () => {
  it.each([
    ["all", ALL],
    ["*", ALL],
    ["etcd", ["node1", "node2", "node3"]],
    ["node4", ["node4"]],
    ["ungrouped", ["bastion"]],
    ["k8s", ["node1", "node2", "node3", "node4"]],
  ])("a name: %s", (pattern, hosts) => {
    expect(inv.select(pattern)).toEqual(hosts);
  });

  it.each([
    ["web:etcd", ["node1", "node2", "node3", "web-1", "web-2", "web-10"]],
    ["etcd:bastion", ["bastion", "node1", "node2", "node3"]],
    ["etcd:&master", ["node1"]],
    ["k8s:&etcd", ["node1", "node2", "node3"]],
    ["etcd:&worker:&master", []],
    ["all:!node3", ALL.filter((h) => h !== "node3")],
    ["all:!k8s:!web", ["bastion"]],
    ["!etcd", ["bastion", "node4", "web-1", "web-2", "web-10"]],
    ["&etcd", ["node1", "node2", "node3"]],
    ["k8s:!etcd:web:&worker", ["node4"]],
  ])("union, intersection (&), exclusion (!), in inventory order: %s", (pattern, hosts) => {
    expect(inv.select(pattern)).toEqual(hosts);
  });

  it("applies exclusions after unions, wherever they are written", () => {
    expect(inv.select("!node1:etcd")).toEqual(["node2", "node3"]);
  });

  it.each([
    ["bastion,web-10", ["bastion", "web-10"]],
    ["etcd, &master", ["node1"]],
    ["all,!web,!k8s", ["bastion"]],
    ["web-1,", ["web-1"]],
  ])("comma lists: %s", (pattern, hosts) => {
    expect(inv.select(pattern)).toEqual(hosts);
  });

  it.each([
    ["node*", ["node1", "node2", "node3", "node4"]],
    ["web-?", ["web-1", "web-2"]],
    ["*-1*", ["web-1", "web-10"]],
    ["node[!1]", ["node2", "node3", "node4"]],
    ["k8*", ["node1", "node2", "node3", "node4"]],
    ["nothing*", []],
  ])("wildcards match host and group names: %s", (pattern, hosts) => {
    expect(inv.select(pattern)).toEqual(hosts);
  });

  it.each([
    ["~node[12]", ["node1", "node2"]],
    ["~web-\\d$", ["web-1", "web-2"]],
    ["~(bastion|mast)", ["bastion", "node1"]],
    ["~ode", []],
  ])("~regex, matched from the start of host and group names: %s", (pattern, hosts) => {
    expect(inv.select(pattern)).toEqual(hosts);
  });

  it.each([
    ["etcd[0]", ["node1"]],
    ["etcd[-1]", ["node3"]],
    ["etcd[0:1]", ["node1", "node2"]],
    ["etcd[1:]", ["node2", "node3"]],
    ["etcd[:1]", ["node1", "node2"]],
    ["web[1]:etcd[0]", ["node1", "web-2"]],
  ])("subscripts pick by position, the end included: %s", (pattern, hosts) => {
    expect(inv.select(pattern)).toEqual(hosts);
  });

  it("selects the implicit localhost by name, but never through 'all'", () => {
    expect(inv.select("localhost")).toEqual(["localhost"]);
    expect(inv.select("web-1:localhost")).toEqual(["web-1", "localhost"]);
    expect(inv.select("all")).not.toContain("localhost");
  });

  it("takes an IPv6 host name whole", () => {
    expect(fromIni("fe80::1\nother").select("fe80::1")).toEqual(["fe80::1"]);
  });
});

describe("select errors", () => {
  it.each([
    ["nope", "unknown host or group 'nope' in pattern 'nope'"],
    ["etcd:nope", "unknown host or group 'nope' in pattern 'etcd:nope'"],
    ["all:!nope", "unknown host or group 'nope' in pattern 'all:!nope'"],
    ["etcd:&nope", "unknown host or group 'nope' in pattern 'etcd:&nope'"],
    ["a,b", "unknown host or group 'a' in pattern 'a,b'"],
    ["", "empty host pattern ''"],
    ["etcd:!", "host pattern 'etcd:!' has an empty term after '&' or '!'"],
    ["etcd[3]", "'etcd[3]' in pattern 'etcd[3]': index 3 is out of range (3 hosts)"],
    ["etcd[:]", "'etcd[:]' in pattern 'etcd[:]': a subscript needs a start or an end, like [0:2]"],
  ])("%j", (pattern, message) => {
    expect(errorOf(() => inv.select(pattern))).toBe(message);
  });

  it("reports a bad regular expression", () => {
    expect(errorOf(() => inv.select("~web(("))).toMatch(/^bad regular expression '~web\(\(' in pattern '~web\(\(': /);
  });
});
