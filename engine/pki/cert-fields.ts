/**
 * What a certificate says about its subject and purpose, read from its DER: the parts
 * Node's X509Certificate does not expose (key usage bits, the CA flag's encoding, the
 * subject as a list of attributes, the key identifier).
 */
import { CONTEXT, parseDer, readOid, readString, TYPE, type Der } from "./der";
import { ipFromBytes } from "./ip-address";
import type { Usages } from "./profile";
import type { NameAttribute, San } from "./request";

export const NAME_OIDS: Record<string, string> = { C: "2.5.4.6", ST: "2.5.4.8", L: "2.5.4.7", O: "2.5.4.10", OU: "2.5.4.11", CN: "2.5.4.3" };
const NAME_OF_OID = new Map(Object.entries(NAME_OIDS).map(([name, oid]) => [oid, name]));

export const EXTENSION = {
  subjectKeyId: "2.5.29.14",
  keyUsage: "2.5.29.15",
  subjectAltName: "2.5.29.17",
  basicConstraints: "2.5.29.19",
  authorityKeyId: "2.5.29.35",
  extKeyUsage: "2.5.29.37",
} as const;

export interface CertFields {
  subject: NameAttribute[];
  /** the encoded subject name, which becomes the issuer name of certificates this one signs */
  subjectDer: Buffer;
  sans: San[];
  usages: Usages;
  isCa: boolean;
  subjectKeyId?: Buffer;
}

/** Attributes in order, multi-valued RDNs flattened: how cfssl's and our encodings compare equal. */
function readName(name: Der): NameAttribute[] {
  return name.children.flatMap((rdn) =>
    rdn.children.map((pair) => {
      const oid = readOid(pair.children[0]!);
      return { type: NAME_OF_OID.get(oid) ?? oid, value: readString(pair.children[1]!) };
    }),
  );
}

function readKeyUsage(value: Der): number {
  let mask = 0;
  const bits = value.content.subarray(1); // the first byte counts unused bits
  for (let bit = 0; bit < bits.length * 8 && bit < 9; bit++) if (bits[bit >> 3]! & (0x80 >> (bit & 7))) mask |= 1 << bit;
  return mask;
}

const GENERAL_NAME_KIND: Record<number, San["kind"]> = { 1: "email", 2: "DNS", 6: "URI", 7: "IP" };

function readSans(value: Der): San[] {
  return value.children.map((name): San => {
    const kind = name.tagClass === CONTEXT ? GENERAL_NAME_KIND[name.type] : undefined;
    if (kind === "IP") return { kind, value: ipFromBytes(name.content) ?? name.content.toString("hex") };
    return kind ? { kind, value: name.content.toString("utf8") } : { kind: "other", value: `tag ${name.type}` };
  });
}

export function readCertFields(certDer: Buffer): CertFields {
  const tbs = parseDer(certDer).children[0]!;
  // version is an optional [0]; after it: serial, signature, issuer, validity, subject
  const first = tbs.children[0]!.tagClass === CONTEXT ? 1 : 0;
  const subject = tbs.children[first + 4]!;
  const fields: CertFields = { subject: readName(subject), subjectDer: subject.raw, sans: [], usages: { keyUsage: 0, extKeyUsage: [] }, isCa: false };
  const extensions = tbs.children.find((c) => c.tagClass === CONTEXT && c.type === 3)?.children[0]?.children ?? [];
  for (const extension of extensions) {
    const id = readOid(extension.children[0]!);
    const value = parseDer(extension.children.at(-1)!.content); // the OCTET STRING holds the encoded value
    if (id === EXTENSION.keyUsage) fields.usages.keyUsage = readKeyUsage(value);
    else if (id === EXTENSION.extKeyUsage) fields.usages.extKeyUsage = value.children.map(readOid).sort();
    else if (id === EXTENSION.basicConstraints) fields.isCa = value.children[0]?.type === TYPE.BOOLEAN && value.children[0].content[0] !== 0;
    else if (id === EXTENSION.subjectAltName) fields.sans = readSans(value);
    else if (id === EXTENSION.subjectKeyId) fields.subjectKeyId = value.content;
  }
  return fields;
}
