/**
 * Builds and signs an X.509 v3 certificate the way cfssl does for the guide: the
 * request's subject and SANs, key usage (critical), extended key usage, basic
 * constraints (critical), subject and authority key identifiers. Signing uses Node's
 * crypto, so an RSA or an ECDSA CA signs the same way.
 */
import { randomBytes, sign, type KeyObject } from "node:crypto";
import { EXTENSION, NAME_OIDS } from "./cert-fields";
import { bitString, boolean, directoryString, embed, encode, explicit, implicit, integer, nul, octetString, oid, seq, set, smallInt, time, type Asn1 } from "./der";
import { ipToBytes } from "./ip-address";
import { keyIdentifier, publicKeyInfo } from "./keys";
import type { CertRequest, NameAttribute } from "./request";

export interface Issuer {
  /** the CA's encoded subject, copied byte for byte so chains match */
  subjectDer: Buffer;
  key: KeyObject;
  keyId: Buffer;
}

/** cfssl backdates certificates by 5 minutes against clock skew between hosts. */
const BACKDATE_MS = 5 * 60_000;

export function encodeName(subject: readonly NameAttribute[]): Buffer {
  return encode(seq(...subject.map((a) => set(seq(oid(NAME_OIDS[a.type] ?? a.type), directoryString(a.value))))));
}

/** The signature algorithm Go picks for the signer's key: SHA-256 with RSA, ECDSA with the curve's hash. */
function signatureAlgorithm(key: KeyObject): { hash: string; id: Asn1 } {
  if (key.asymmetricKeyType === "rsa") return { hash: "sha256", id: seq(oid("1.2.840.113549.1.1.11"), nul()) };
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (curve === "secp384r1") return { hash: "sha384", id: seq(oid("1.2.840.10045.4.3.3")) };
  if (curve === "secp521r1") return { hash: "sha512", id: seq(oid("1.2.840.10045.4.3.4")) };
  return { hash: "sha256", id: seq(oid("1.2.840.10045.4.3.2")) };
}

function extension(id: string, critical: boolean, value: Asn1): Asn1 {
  return critical ? seq(oid(id), boolean(true), octetString(encode(value))) : seq(oid(id), octetString(encode(value)));
}

/** KeyUsage as a DER BIT STRING: bit 0 is the first byte's top bit, trailing zero bits dropped. */
function keyUsageBits(mask: number): Asn1 {
  const used = 32 - Math.clz32(mask);
  const bytes = Buffer.alloc(Math.ceil(used / 8));
  for (let bit = 0; bit < used; bit++) if (mask & (1 << bit)) bytes[bit >> 3]! |= 0x80 >> (bit & 7);
  return bitString(bytes, bytes.length * 8 - used);
}

function extensions(request: CertRequest, subjectKeyId: Buffer, issuer: Issuer | "self"): Asn1[] {
  const list: Asn1[] = [];
  if (request.usages.keyUsage) list.push(extension(EXTENSION.keyUsage, true, keyUsageBits(request.usages.keyUsage)));
  if (request.usages.extKeyUsage.length) list.push(extension(EXTENSION.extKeyUsage, false, seq(...request.usages.extKeyUsage.map(oid))));
  const constraints = request.isCa ? [boolean(true), ...(request.pathLength === undefined ? [] : [smallInt(request.pathLength)])] : [];
  list.push(extension(EXTENSION.basicConstraints, true, seq(...constraints)));
  list.push(extension(EXTENSION.subjectKeyId, false, octetString(subjectKeyId)));
  if (issuer !== "self") list.push(extension(EXTENSION.authorityKeyId, false, seq(implicit(0, issuer.keyId))));
  if (request.sans.length) {
    const names = request.sans.map((san) => (san.kind === "IP" ? implicit(7, ipToBytes(san.value)) : implicit(2, Buffer.from(san.value, "utf8"))));
    list.push(extension(EXTENSION.subjectAltName, false, seq(...names)));
  }
  return list;
}

/** A positive 159-bit serial: random like cfssl's, and minimally encoded (first byte 0x01–0x7f). */
function serialNumber(): Buffer {
  const serial = randomBytes(20);
  serial[0] = (serial[0]! & 0x7f) | 0x01;
  return serial;
}

/**
 * Issues the certificate for `key` (the subject's key; private for a self-signed CA).
 * Returns the PEM text.
 */
export function issueCertificate(request: CertRequest, key: KeyObject, issuer: Issuer | "self", now = new Date()): string {
  const subjectKeyId = keyIdentifier(key);
  const signer: Issuer = issuer === "self" ? { subjectDer: encodeName(request.subject), key, keyId: subjectKeyId } : issuer;
  const algorithm = signatureAlgorithm(signer.key);
  const notBefore = new Date(Math.floor((now.getTime() - BACKDATE_MS) / 1000) * 1000);
  const notAfter = new Date(notBefore.getTime() + request.validityMs);
  const tbs = seq(
    explicit(0, smallInt(2)), // v3
    integer(serialNumber()),
    algorithm.id,
    embed(signer.subjectDer),
    seq(time(notBefore), time(notAfter)),
    embed(encodeName(request.subject)),
    embed(publicKeyInfo(key)),
    explicit(3, seq(...extensions(request, subjectKeyId, issuer))),
  );
  const signature = sign(algorithm.hash, encode(tbs), signer.key);
  const der = encode(seq(tbs, algorithm.id, bitString(signature)));
  const base64 = der.toString("base64").replace(/.{64}/g, "$&\n").replace(/\n?$/, "\n");
  return `-----BEGIN CERTIFICATE-----\n${base64}-----END CERTIFICATE-----\n`;
}
