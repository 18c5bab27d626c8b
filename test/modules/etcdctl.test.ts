import { describe, expect, it } from "vitest";
import { etcdConnection, etcdctl } from "../../modules";
import { parseHealth, parseMembers, parseV2Node, parseV3Get, sameValue, valueText } from "../../modules/etcdctl";

describe("etcdctl", () => {
  it("compares JSON objects and arrays by meaning, anything else byte for byte", () => {
    expect(sameValue('{"Network":"172.30.0.0/16","SubnetLen":24}', '{ "SubnetLen": 24,\n "Network": "172.30.0.0/16" }')).toBe(true);
    expect(sameValue('{"SubnetLen":24}', '{"SubnetLen":"24"}')).toBe(false);
    expect(sameValue("[1,2]", "[2,1]")).toBe(false);
    expect(sameValue("1", "1.0")).toBe(false);
    expect(sameValue("{broken", "{broken")).toBe(true);
    expect(valueText({ a: 1 })).toBe('{"a":1}');
    expect(valueText("as is\n")).toBe("as is\n");
  });

  it("reads v2 nodes (keys and directories) and v3 key-values (base64)", () => {
    const dir = '{"action":"get","node":{"key":"/n","dir":true,"value":"","nodes":[{"key":"/n/config","value":"x","nodes":null},{"key":"/n/sub","dir":true,"nodes":[{"key":"/n/sub/a","value":"1"}]}]}}';
    expect(parseV2Node(dir)).toEqual({ exists: true, dir: true, value: null, keys: ["/n/config", "/n/sub", "/n/sub/a"] });
    expect(parseV2Node('{"action":"get","node":{"key":"/k","value":"a\\nb","nodes":null}}')).toMatchObject({ dir: false, value: "a\nb" });
    expect(parseV3Get('{"header":{},"kvs":[{"key":"L2svYQ==","value":"djE="}],"count":1}')).toEqual({ exists: true, dir: false, value: "v1", keys: ["/k/a"] });
    expect(parseV3Get('{"header":{"revision":1}}')).toEqual({ exists: false, dir: false, value: null, keys: [] });
  });

  it("reads member lists and endpoint health, etcdctl's own log lines aside", () => {
    expect(parseMembers("628170c800dbcee, started, h1, https://10.0.0.1:2380, https://10.0.0.1:2379,https://127.0.0.1:2379, false\n")).toEqual([
      { id: "628170c800dbcee", status: "started", name: "h1", peer_urls: ["https://10.0.0.1:2380"], client_urls: ["https://10.0.0.1:2379", "https://127.0.0.1:2379"] },
    ]);
    const health = '{"level":"warn","msg":"retrying [x]"}\n[{"endpoint":"https://a:2379","health":true,"took":"3ms"},{"endpoint":"https://b:2379","health":false,"took":"5s","error":"context deadline exceeded"}]\nError: unhealthy cluster\n';
    expect(parseHealth(health).map((e) => e.health)).toEqual([true, false]);
  });

  it("one connection object, checked where it is written", () => {
    expect(() => etcdConnection({ endpoints: [] })).toThrow(/endpoints/);
    expect(() => etcdConnection({ endpoints: "https://a:2379", cert: "/c.pem" })).toThrow(/both cert and key/);
    const etcd = etcdConnection({ endpoints: ["https://a:2379"], ca: "/ca.pem", cert: "/c.pem", key: "/k.pem" });
    expect(() => etcdctl({ connection: etcd, action: "put", key: "/k" })).toThrow(/put needs a 'value'/);
    expect(() => etcdctl({ connection: etcd, action: "health", key: "/k" })).toThrow(/takes no 'key'/);
    expect(() => etcdctl({ connection: etcd, action: "mkdir", key: "/d", api: "v3" })).toThrow(/only in the v2 API/);
    expect(() => etcdctl({ connection: { endpoints: "x", cafile: "/ca" } as never, action: "members" })).toThrow(/unknown connection setting 'cafile'/);
  });
});
