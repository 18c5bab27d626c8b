import { describe, expect, it } from "vitest";
import { InventoryError } from "../../engine/inventory";
import { MAX_RANGE_HOSTS } from "../../engine/inventory/host-range";
import { errorOf, fromIni } from "./helpers";

describe("INI inventory", () => {
  it("puts hosts before any section in 'ungrouped' and a section's hosts in its group", () => {
    const inv = fromIni(`
      lonely
      [web]
      web1
      web2
    `);
    expect([...inv.hosts.keys()]).toEqual(["lonely", "web1", "web2"]);
    expect(inv.groups.get("ungrouped")!.hosts).toEqual(["lonely"]);
    expect(inv.groups.get("web")!.hosts).toEqual(["web1", "web2"]);
  });

  it("skips blank lines and comments starting with # or ;, and allows a comment after a section header", () => {
    const inv = fromIni(`
      # a comment
      ; another comment

      [web]   # the web tier
      web1
    `);
    expect([...inv.hosts.keys()]).toEqual(["web1"]);
  });

  it("reads inline host vars, shell-quoted, each value evaluated as a Python literal", () => {
    const inv = fromIni(`
      h1 ansible_host=10.0.0.1 port=2222 on=True lower=true name="a b" kept='"5"' list="[1, 'x']" map="{'a': 1}" none=None padded=0755 empty=
    `);
    expect(inv.hosts.get("h1")!.vars).toEqual({
      ansible_host: "10.0.0.1",
      port: 2222,
      on: true,
      lower: "true", // only Python's True is a boolean
      name: "a b",
      kept: "5", // quoted twice: the shell quotes go, the Python quotes make a string
      list: [1, "x"],
      map: { a: 1 },
      none: null,
      padded: "0755", // not a Python 3 number: stays text
      empty: "",
    });
  });

  it("ends a host line at an unquoted #, even inside a value, as shlex does", () => {
    const inv = fromIni(`
      h1 pass=abc#def other=1
      h2 pass='abc#def'
    `);
    expect(inv.hosts.get("h1")!.vars).toEqual({ pass: "abc" });
    expect(inv.hosts.get("h2")!.vars).toEqual({ pass: "abc#def" });
  });

  it("reads [group:vars] one per line, the value being everything after the first '=', literal-evaluated", () => {
    const inv = fromIni(`
      [web]
      web1
      [web:vars]
      greeting = hello world
      count=3
      enabled = True
      word = true
      quoted = "a b"
      url=http://example.com/?a=b
    `);
    expect(inv.groups.get("web")!.vars).toEqual({
      greeting: "hello world",
      count: 3,
      enabled: true,
      word: "true",
      quoted: "a b",
      url: "http://example.com/?a=b",
    });
  });

  it("takes a port after ':' as ansible_port, and leaves IPv6 addresses whole", () => {
    const inv = fromIni(`
      h1:2222
      [::1]:2200
      fe80::1
      h2:2222 ansible_port=22
    `);
    expect(inv.hosts.get("h1")!.vars).toEqual({ ansible_port: 2222 });
    expect(inv.hosts.get("::1")!.vars).toEqual({ ansible_port: 2200 });
    expect(inv.hosts.get("fe80::1")!.vars).toEqual({});
    expect(inv.hosts.get("h2")!.vars).toEqual({ ansible_port: 22 }); // an explicit var on the line wins
  });

  it("expands numeric ranges keeping zero padding, letter ranges, strides and several ranges in one name", () => {
    const inv = fromIni(`
      [padded]
      node[01:03] rack=1
      [letters]
      db-[a:c]
      [stride]
      n[0:10:5]
      [both]
      x[1:2]-[a:b]
      [from_zero]
      z[:2]
    `);
    expect(inv.hostsIn("padded")).toEqual(["node01", "node02", "node03"]);
    expect(inv.hosts.get("node03")!.vars).toEqual({ rack: 1 });
    expect(inv.hostsIn("letters")).toEqual(["db-a", "db-b", "db-c"]);
    expect(inv.hostsIn("stride")).toEqual(["n0", "n5", "n10"]);
    expect(inv.hostsIn("both")).toEqual(["x1-a", "x1-b", "x2-a", "x2-b"]);
    expect(inv.hostsIn("from_zero")).toEqual(["z0", "z1", "z2"]);
  });

  it("links [x:children], whichever of parent and child is declared first, and declares x itself", () => {
    const inv = fromIni(`
      [prod:children]
      web
      db
      [web]
      web1
      [db]
      db1
      [empty:children]
    `);
    expect(inv.groups.get("prod")!.children).toEqual(["web", "db"]);
    expect(inv.hostsIn("prod")).toEqual(["web1", "db1"]);
    expect(inv.groups.has("empty")).toBe(true);
  });

  it("accepts [x:vars] before [x] when the file declares x somewhere", () => {
    const inv = fromIni(`
      [web:vars]
      x=1
      [web]
      web1
    `);
    expect(inv.varsFor("web1")).toEqual({ x: 1 });
  });

  it("merges a host listed twice: it joins both groups and later vars win key by key", () => {
    const inv = fromIni(`
      [a]
      h1 x=1 y=1
      [b]
      h1 y=2
    `);
    expect([...inv.hosts.keys()]).toEqual(["h1"]);
    expect(inv.groupsOf("h1")).toEqual(["all", "a", "b"]);
    expect(inv.hosts.get("h1")!.vars).toEqual({ x: 1, y: 2 });
  });

  it("takes a host out of 'ungrouped' once it is in a named group, even one declared later", () => {
    const inv = fromIni(`
      h1
      h2
      [web]
      h1
    `);
    expect(inv.groups.get("ungrouped")!.hosts).toEqual(["h2"]);
    expect(inv.groupsOf("h1")).toEqual(["all", "web"]);
  });
});

describe("INI errors name the file and line and say what to fix", () => {
  const cases: [string, string, string][] = [
    ["a second word that is not key=value", "[web]\nfoo bar", "inventory/hosts:2: cannot parse 'foo bar' (expected: HOST [key=value ...])"],
    ["an unclosed quote", "h1 x=\"a", "inventory/hosts:1: cannot parse 'h1 x=\"a' (no closing quotation; expected: HOST [key=value ...])"],
    ["an assignment with no name", "h1 =5", "inventory/hosts:1: cannot parse 'h1 =5' (expected: HOST [key=value ...])"],
    [
      "a variable where hosts are listed",
      "[web]\nweb1\nport=80",
      "inventory/hosts:3: cannot parse 'port=80': 'port=80' looks like a variable, but [web] lists hosts (expected: HOST [key=value ...]; put group variables under [web:vars])",
    ],
    ["a [g:vars] line without '='", "[web]\n[web:vars]\noops", "inventory/hosts:3: cannot parse 'oops' (expected: key=value in [web:vars])"],
    ["two names on a children line", "[prod:children]\nweb db", "inventory/hosts:2: cannot parse 'web db' (expected: one group name per line in [prod:children])"],
    ["an unknown section type", "[web:child]", "inventory/hosts:1: unknown section type '[web:child]' (expected [web], [web:vars] or [web:children])"],
    [
      "a header with a space",
      "[web servers]",
      "inventory/hosts:1: cannot parse section header '[web servers]' (expected [group], [group:vars] or [group:children]; group names cannot contain spaces or ':')",
    ],
    [
      "a child group never declared",
      "[prod:children]\nweb\ndb\n[web]",
      "inventory/hosts:3: [prod:children] includes undefined group 'db' (declare it with a [db] section, even an empty one)",
    ],
    [
      "vars for a group never declared",
      "[web]\n[db:vars]\nx=1",
      "inventory/hosts:2: [db:vars] is for group 'db', which is never declared (declare it with a [db] section, even an empty one)",
    ],
    ["a descending range", "node[3:1]", "inventory/hosts:1: bad host range in 'node[3:1]': start 3 is after end 1"],
    ["a range with uneven padding", "node[01:100]", "inventory/hosts:1: bad host range in 'node[01:100]': '01' and '100' must have the same number of digits"],
    ["a range mixing letters and numbers", "node[a:3]", "inventory/hosts:1: bad host range in 'node[a:3]': start and end must both be numbers or both be single letters"],
    ["a range without an end", "node[1:]", "inventory/hosts:1: bad host range in 'node[1:]': the range has no end"],
    ["a host ending in ':'", "web1:", "inventory/hosts:1: host 'web1:' ends in ':' (a ':' after a host name must be followed by a port)"],
    ["a port out of range", "web1:70000", "inventory/hosts:1: port 70000 of host 'web1' is not between 1 and 65535"],
    ["a YAML document", "---\nall:", "inventory/hosts:1: '---' starts a YAML document: name a YAML inventory *.yml or *.yaml"],
    ["a key given twice on a host line", "[web]\nh1 a=1 b=2 a=2", "inventory/hosts:2: 'h1' sets 'a' twice on one line (keep one)"],
    ["a host name with a control character", "[web]\nh\u0001x", `inventory/hosts:2: host name "h\\u0001x" contains a control character`],
    ["a host name with a NUL byte", "h\u0000", `inventory/hosts:1: host name "h\\u0000" contains a control character`],
    ["a host name with DEL", "h\u007f", `inventory/hosts:1: host name "h\\u007f" contains a control character`],
    [
      "a range making more hosts than the limit",
      "web[1:2000000]",
      "inventory/hosts:1: bad host range in 'web[1:2000000]': it expands to 2000000 hosts, more than the 100000 one host name may make (split it into several)",
    ],
    [
      "nested ranges whose product is over the limit",
      "r[1:400]-n[001:400]",
      "inventory/hosts:1: bad host range in 'r[1:400]-n[001:400]': it expands to 160000 hosts, more than the 100000 one host name may make (split it into several)",
    ],
    [
      "a loop of children",
      "[a:children]\nb\n[b:children]\na",
      "inventory/hosts:4: making 'a' a child of 'b' would make a loop of groups",
    ],
  ];
  it.each(cases)("%s", (_, text, message) => {
    const actual = errorOf(() => fromIni(text));
    expect(actual).toBe(message);
    expect(actual).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/); // one line, and nothing a terminal would act on
  });

  it("refuses an oversized range at once, without expanding it", () => {
    const started = performance.now();
    errorOf(() => fromIni("web[1:999999999999]"));
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it("expands a range of exactly the limit", () => {
    expect(fromIni(`[web]\nw[1:${MAX_RANGE_HOSTS}]`).hostsIn("web")).toHaveLength(MAX_RANGE_HOSTS);
  });

  it("throws InventoryError carrying the file and line", () => {
    try {
      fromIni("[web]\nfoo bar", "site/hosts");
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(InventoryError);
      expect(e).toMatchObject({ file: "site/hosts", line: 2 });
    }
  });
});
