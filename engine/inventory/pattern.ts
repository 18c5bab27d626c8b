/**
 * Host patterns, as --limit and a play's `hosts:` take them (Ansible's syntax):
 * 'all' or '*'; a group or host name; 'a:b' or 'a,b' (union); 'a:&b' (intersection); 'a:!b' (exclusion);
 * wildcards 'web*', 'db-?', 'n[12]x'; '~regex' (matched from the start of the name);
 * subscripts 'web[0]', 'web[-1]', 'web[1:3]' (inclusive), 'web[2:]', 'web[:1]'.
 * Plain terms are united first, then '&' terms intersect, then '!' terms remove, whatever their order.
 */
import { InventoryError } from "./errors";
import type { Inventory } from "./inventory";

export function selectHosts(inv: Inventory, pattern: string): string[] {
  const trimmed = pattern.trim();
  const terms = inv.hosts.has(trimmed) ? [trimmed] : splitPattern(trimmed); // an IPv6 host name is one term
  if (terms.length === 0) throw new InventoryError(`empty host pattern '${pattern}'`);
  const match = (term: string) => matchTerm(inv, term, pattern);
  const plain = terms.filter((t) => !/^[&!]/.test(t));
  let selected = new Set(plain.length ? plain.flatMap(match) : inv.hostsIn("all"));
  for (const t of terms.filter((t) => t.startsWith("&"))) {
    const wanted = new Set(match(t.slice(1)));
    selected = new Set([...selected].filter((h) => wanted.has(h)));
  }
  for (const t of terms.filter((t) => t.startsWith("!"))) match(t.slice(1)).forEach((h) => selected.delete(h));
  const ordered = [...inv.hosts.keys()].filter((h) => selected.has(h));
  return [...ordered, ...[...selected].filter((h) => !inv.hosts.has(h))]; // an implicit localhost comes last
}

/** 'a,b' splits on commas; otherwise on ':' (and whitespace) outside [...]. */
export function splitPattern(pattern: string): string[] {
  if (pattern.includes(",")) return pattern.split(",").map((t) => t.trim()).filter(Boolean);
  return pattern.match(/(?:[^\s:[\]]|\[[^\]]*\])+/g) ?? [];
}

function matchTerm(inv: Inventory, term: string, pattern: string): string[] {
  if (term === "") throw new InventoryError(`host pattern '${pattern}' has an empty term after '&' or '!'`);
  const { base, subscript } = splitSubscript(term, pattern);
  let found: Set<string>;
  if (base.startsWith("~") || /[*?[]/.test(base)) {
    const matches = base.startsWith("~") ? regexMatcher(base.slice(1), pattern) : globMatcher(base);
    found = new Set([...inv.hosts.keys()].filter(matches));
    for (const g of inv.groups.keys()) if (matches(g)) inv.hostsIn(g).forEach((h) => found.add(h));
  } else if (inv.groups.has(base)) {
    found = new Set(inv.hostsIn(base));
  } else {
    const host = inv.resolveHost(base);
    if (!host) throw new InventoryError(`unknown host or group '${base}' in pattern '${pattern}'`);
    found = new Set([host.name]);
  }
  const hosts = [...inv.hosts.keys()].filter((h) => found.has(h));
  hosts.push(...[...found].filter((h) => !inv.hosts.has(h)));
  return subscript ? subscript(hosts) : hosts;
}

type Subscript = (hosts: string[]) => string[];

function splitSubscript(term: string, pattern: string): { base: string; subscript?: Subscript } {
  const m = term.startsWith("~") ? null : /^(.+)\[(?:(-?\d+)|(-?\d*):(-?\d*))\]$/.exec(term);
  if (!m) return { base: term };
  const [, base, index, from, to] = m;
  const where = `'${term}' in pattern '${pattern}'`;
  if (index !== undefined) {
    return {
      base,
      subscript: (hosts) => {
        const host = hosts.at(Number(index));
        if (host === undefined) throw new InventoryError(`${where}: index ${index} is out of range (${hosts.length} hosts)`);
        return [host];
      },
    };
  }
  if (from === "" && to === "") throw new InventoryError(`${where}: a subscript needs a start or an end, like [0:2]`);
  return {
    base,
    subscript: (hosts) => {
      const at = (s: string, dflt: number) => (s === "" ? dflt : Number(s) < 0 ? hosts.length + Number(s) : Number(s));
      return hosts.slice(at(from, 0), at(to, hosts.length - 1) + 1); // the end is inclusive, as in Ansible
    },
  };
}

function regexMatcher(source: string, pattern: string): (name: string) => boolean {
  let re: RegExp;
  try {
    re = new RegExp(source, "y"); // sticky at 0: matched from the start, like Python's re.match
  } catch (e) {
    throw new InventoryError(`bad regular expression '~${source}' in pattern '${pattern}': ${(e as Error).message}`);
  }
  return (name) => {
    re.lastIndex = 0;
    return re.test(name);
  };
}

/** fnmatch: '*' any run, '?' one character, '[abc]' / '[!abc]' a set; the whole name must match. */
export function globMatcher(glob: string): (name: string) => boolean {
  let src = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === "*") src += ".*";
    else if (c === "?") src += ".";
    else if (c === "[") {
      let j = i + 1;
      if (glob[j] === "!") j++;
      if (glob[j] === "]") j++;
      while (j < glob.length && glob[j] !== "]") j++;
      if (j >= glob.length) src += "\\[";
      else {
        let set = glob.slice(i + 1, j).replace(/[\\\]]/g, "\\$&");
        set = set.startsWith("!") ? "^" + set.slice(1) : set.startsWith("^") ? "\\" + set : set;
        src += `[${set}]`;
        i = j;
      }
    } else src += c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  }
  const re = new RegExp(`^(?:${src})$`, "s");
  return (name) => re.test(name);
}
