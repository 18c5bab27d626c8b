/** Host definitions as inventories write them: `web01`, `web01:2222`, `[::1]:22`, `node[01:20]`, `db-[a:f]`, `n[0:10:2]`. */
import { InventoryError } from "./errors";

export interface HostDefinition {
  /** the host names, ranges expanded, in order */
  names: string[];
  /** the port after a ':', if any */
  port?: number;
}

/** Splits `host:port` and `[ipv6]:port`; a bare IPv6 address or a ':' inside brackets (a range) is not a port. */
export function splitHostPort(text: string): { host: string; port?: number } {
  const bracketed = /^\[([0-9a-fA-F:.]*:[0-9a-fA-F:.]*)\](?::(\d+))?$/.exec(text);
  if (bracketed) return withPort(bracketed[1], bracketed[2]);
  const outside = text.replace(/\[[^\]]*\]/g, (m) => "_".repeat(m.length)); // hide ranges
  const colons = [...outside].filter((c) => c === ":").length;
  if (colons !== 1) return { host: text };
  const at = outside.indexOf(":");
  const port = text.slice(at + 1);
  if (port === "") throw new InventoryError(`host '${text}' ends in ':' (a ':' after a host name must be followed by a port)`);
  return /^\d+$/.test(port) ? withPort(text.slice(0, at), port) : { host: text };
}

function withPort(host: string, port: string | undefined): { host: string; port?: number } {
  if (port === undefined) return { host };
  const n = Number(port);
  if (n < 1 || n > 65535) throw new InventoryError(`port ${port} of host '${host}' is not between 1 and 65535`);
  return { host, port: n };
}

/** A host definition with its port split off and its ranges expanded. */
export function expandHostPattern(text: string): HostDefinition {
  const { host, port } = splitHostPort(text);
  if (host.startsWith("[") && !/^\[[^\]]*:[^\]]*\]/.test(host)) {
    throw new InventoryError(`'${text}' is not a host name (a section header must be alone on its line, like [web])`);
  }
  const names = expandRanges(host);
  return port === undefined ? { names } : { names, port };
}

const LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

/**
 * The most hosts one name may expand to. Large fleets have tens of thousands of hosts; a name that
 * expands further is almost surely a typo (one 0 too many), and expanding it would hang the run.
 */
export const MAX_RANGE_HOSTS = 100_000;

const RANGE = /^([^[]*)\[([^\]]*:[^\]]*)\](.*)$/;

/** One `[start:end:step]` of a name, read but not expanded. */
interface Range {
  count: number;
  items(): string[];
}

/** Expands every `[start:end]` or `[start:end:step]` range; numbers keep the zero padding of `start`. */
export function expandRanges(name: string): string[] {
  // left to right, as Ansible reads them: the first '[' of what is left must open a range, else the rest is literal
  const pieces: (string | Range)[] = [];
  let rest = name;
  for (let m = RANGE.exec(rest); m; m = RANGE.exec(rest)) {
    pieces.push(m[1], readRange(name, m[2]));
    rest = m[3];
  }
  pieces.push(rest);
  // counted before anything is expanded: web[1:2000000] must fail at once, not after making two million names
  const count = pieces.reduce((n, p) => (typeof p === "string" ? n : n * p.count), 1);
  if (count > MAX_RANGE_HOSTS) {
    throw rangeError(name, `it expands to ${count} hosts, more than the ${MAX_RANGE_HOSTS} one host name may make (split it into several)`);
  }
  let names = [""];
  for (const p of pieces) names = typeof p === "string" ? names.map((n) => n + p) : names.flatMap((n) => p.items().map((item) => n + item));
  return names;
}

function readRange(name: string, range: string): Range {
  const parts = range.split(":");
  if (parts.length > 3) throw rangeError(name, "expected [start:end] or [start:end:step]");
  const [start = "", end = "", stepText = "1"] = parts;
  const from = start === "" ? "0" : start;
  if (end === "") throw rangeError(name, "the range has no end");
  if (!/^\d+$/.test(stepText) || Number(stepText) < 1) throw rangeError(name, `step '${stepText}' must be a positive whole number`);
  const step = Number(stepText);
  if (/^\d+$/.test(from) && /^\d+$/.test(end)) {
    const width = from.length > 1 && from.startsWith("0") ? from.length : 0;
    if (width && end.length !== width) throw rangeError(name, `'${from}' and '${end}' must have the same number of digits`);
    if (Number(from) > Number(end)) throw rangeError(name, `start ${from} is after end ${end}`);
    return stepped(Number(from), Number(end), step, (i) => String(i).padStart(width, "0"));
  }
  if (/^[a-zA-Z]$/.test(from) && /^[a-zA-Z]$/.test(end)) {
    const [a, b] = [LETTERS.indexOf(from), LETTERS.indexOf(end)];
    if (a > b) throw rangeError(name, `start '${from}' is after end '${end}'`);
    return stepped(a, b, step, (i) => LETTERS[i]);
  }
  throw rangeError(name, "start and end must both be numbers or both be single letters");
}

function stepped(from: number, to: number, step: number, item: (i: number) => string): Range {
  return {
    count: Math.floor((to - from) / step) + 1,
    items: () => {
      const items: string[] = [];
      for (let i = from; i <= to; i += step) items.push(item(i));
      return items;
    },
  };
}

function rangeError(name: string, why: string): InventoryError {
  return new InventoryError(`bad host range in '${name}': ${why}`);
}
