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

/** Expands every `[start:end]` or `[start:end:step]` range; numbers keep the zero padding of `start`. */
export function expandRanges(name: string): string[] {
  const m = /^([^[]*)\[([^\]]*:[^\]]*)\](.*)$/.exec(name);
  if (!m) return [name];
  const [, head, range, tail] = m;
  const parts = range.split(":");
  if (parts.length > 3) throw rangeError(name, "expected [start:end] or [start:end:step]");
  const [start = "", end = "", stepText = "1"] = parts;
  const from = start === "" ? "0" : start;
  if (end === "") throw rangeError(name, "the range has no end");
  if (!/^\d+$/.test(stepText) || Number(stepText) < 1) throw rangeError(name, `step '${stepText}' must be a positive whole number`);
  const step = Number(stepText);
  let items: string[];
  if (/^\d+$/.test(from) && /^\d+$/.test(end)) {
    const width = from.length > 1 && from.startsWith("0") ? from.length : 0;
    if (width && end.length !== width) throw rangeError(name, `'${from}' and '${end}' must have the same number of digits`);
    if (Number(from) > Number(end)) throw rangeError(name, `start ${from} is after end ${end}`);
    items = [];
    for (let i = Number(from); i <= Number(end); i += step) items.push(String(i).padStart(width, "0"));
  } else if (/^[a-zA-Z]$/.test(from) && /^[a-zA-Z]$/.test(end)) {
    const [a, b] = [LETTERS.indexOf(from), LETTERS.indexOf(end)];
    if (a > b) throw rangeError(name, `start '${from}' is after end '${end}'`);
    items = [];
    for (let i = a; i <= b; i += step) items.push(LETTERS[i]);
  } else {
    throw rangeError(name, "start and end must both be numbers or both be single letters");
  }
  return items.flatMap((item) => expandRanges(head + item + tail));
}

function rangeError(name: string, why: string): InventoryError {
  return new InventoryError(`bad host range in '${name}': ${why}`);
}
