/**
 * DER in and out, through node-forge's ASN.1 codec (lengths, OIDs, times are its job, not
 * ours), presented with Buffers instead of forge's "binary strings".
 *
 *   const tbs = encode(seq(explicit(0, smallInt(2)), integer(serial), ...));
 *   const cert = parseDer(bytes); cert.children[0]!.children ...
 */
import { createRequire } from "node:module";
import type Forge from "node-forge";

// node-forge takes ~25 ms to load: the first certificate read or issued pays it, not every
// start (a --list-tasks, a run that touches no certificate)
let forge: typeof Forge | undefined;
const asn1 = () => (forge ??= createRequire(import.meta.url)("node-forge") as typeof Forge).asn1;
export type Asn1 = Forge.asn1.Asn1;

/** The tag classes and universal types used here (X.680): the numbers of forge's asn1.Class and asn1.Type. */
const Class = { UNIVERSAL: 0x00, CONTEXT_SPECIFIC: 0x80 } as const;
const Type = { BOOLEAN: 1, INTEGER: 2, BITSTRING: 3, OCTETSTRING: 4, NULL: 5, OID: 6, UTF8: 12, SEQUENCE: 16, SET: 17, PRINTABLESTRING: 19, UTCTIME: 23, GENERALIZEDTIME: 24, BMPSTRING: 30 } as const;

const bin = (bytes: Buffer) => bytes.toString("binary");

/** A decoded element: `children` for constructed ones, `content` (the value bytes) for the others. */
export interface Der {
  tagClass: number;
  type: number;
  children: Der[];
  content: Buffer;
  /** this element's own encoding, to be embedded unchanged (an issuer name, a public key) */
  readonly raw: Buffer;
}

export const CONTEXT = Class.CONTEXT_SPECIFIC;
export const TYPE = Type;

function wrap(node: Asn1): Der {
  const constructed = Array.isArray(node.value);
  return {
    tagClass: node.tagClass,
    type: node.type,
    children: constructed ? (node.value as Asn1[]).map(wrap) : [],
    content: constructed ? Buffer.alloc(0) : Buffer.from(node.value as string, "binary"),
    get raw() {
      return encode(node);
    },
  };
}

// forge's typings omit the options object; without decodeBitStrings: false a BIT STRING
// that happens to look like ASN.1 (a public key) is decoded and no longer re-encodes as read
const fromDer = (bytes: string, options: { strict: boolean; decodeBitStrings: boolean }) => (asn1().fromDer as unknown as (bytes: string, options: { strict: boolean; decodeBitStrings: boolean }) => Asn1)(bytes, options);

export function parseDer(bytes: Buffer): Der {
  return wrap(fromDer(bin(bytes), { strict: true, decodeBitStrings: false }));
}

export function encode(node: Asn1): Buffer {
  return Buffer.from(asn1().toDer(node).getBytes(), "binary");
}

/** An already encoded element, embedded as is. */
export function embed(bytes: Buffer): Asn1 {
  return fromDer(bin(bytes), { strict: true, decodeBitStrings: false });
}

const universal = (type: Forge.asn1.Type, value: string | Asn1[]) => asn1().create(Class.UNIVERSAL, type, Array.isArray(value), value);

export const seq = (...items: Asn1[]) => universal(Type.SEQUENCE, items);
export const set = (...items: Asn1[]) => universal(Type.SET, items);
export const oid = (dotted: string) => universal(Type.OID, asn1().oidToDer(dotted).getBytes());
export const integer = (bytes: Buffer) => universal(Type.INTEGER, bin(bytes));
export const smallInt = (n: number) => universal(Type.INTEGER, asn1().integerToDer(n).getBytes());
export const boolean = (value: boolean) => universal(Type.BOOLEAN, value ? "\xff" : "\x00");
export const nul = () => universal(Type.NULL, "");
export const octetString = (bytes: Buffer) => universal(Type.OCTETSTRING, bin(bytes));
export const bitString = (bytes: Buffer, unusedBits = 0) => universal(Type.BITSTRING, String.fromCharCode(unusedBits) + bin(bytes));
export const explicit = (tag: number, item: Asn1) => asn1().create(Class.CONTEXT_SPECIFIC, tag, true, [item]);
export const implicit = (tag: number, bytes: Buffer) => asn1().create(Class.CONTEXT_SPECIFIC, tag, false, bin(bytes));

/** PrintableString when every character allows it, else UTF8String: Go's (and so cfssl's) choice. */
export function directoryString(text: string): Asn1 {
  if (/^[A-Za-z0-9 '()+,\-./:=?]*$/.test(text)) return universal(Type.PRINTABLESTRING, text);
  return universal(Type.UTF8, bin(Buffer.from(text, "utf8")));
}

/** RFC 5280: UTCTime through 2049, GeneralizedTime from 2050. */
export function time(date: Date): Asn1 {
  return date.getUTCFullYear() < 2050 ? universal(Type.UTCTIME, asn1().dateToUtcTime(date)) : universal(Type.GENERALIZEDTIME, asn1().dateToGeneralizedTime(date));
}

export function readOid(der: Der): string {
  return asn1().derToOid(bin(der.content));
}

/** A string attribute's text, whichever string type it was written with. */
export function readString(der: Der): string {
  if (der.type === Type.BMPSTRING) return Buffer.from(der.content).swap16().toString("utf16le");
  if (der.type === 20 /* T61String: in practice Latin-1 */) return der.content.toString("latin1");
  return der.content.toString("utf8");
}
