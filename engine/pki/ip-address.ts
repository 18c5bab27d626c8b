/**
 * IP addresses as certificates hold them (4 or 16 bytes) and as people write them.
 * Text is kept in one canonical form so "::1" and "0:0::1" compare equal.
 */
import { isIPv4, isIPv6 } from "node:net";

export function canonicalIp(address: string): string | undefined {
  if (isIPv4(address)) return address;
  // the URL parser prints IPv6 in its one canonical (RFC 5952) form, dotted tails included
  if (isIPv6(address)) return new URL(`http://[${address}]/`).hostname.slice(1, -1);
  return undefined;
}

/** Bytes of an address already in canonical form (see canonicalIp). */
export function ipToBytes(canonical: string): Buffer {
  if (isIPv4(canonical)) return Buffer.from(canonical.split(".").map(Number));
  const [head = "", tail] = canonical.split("::");
  const groups = (part: string) => (part === "" ? [] : part.split(":").map((g) => parseInt(g, 16)));
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const all = [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  const bytes = Buffer.alloc(16);
  all.forEach((group, i) => bytes.writeUInt16BE(group, i * 2));
  return bytes;
}

/** Canonical text of 4 or 16 address bytes; undefined for any other length. */
export function ipFromBytes(bytes: Buffer): string | undefined {
  if (bytes.length === 4) return [...bytes].join(".");
  if (bytes.length !== 16) return undefined;
  const groups = Array.from({ length: 8 }, (_, i) => bytes.readUInt16BE(i * 2).toString(16));
  return canonicalIp(groups.join(":"));
}
