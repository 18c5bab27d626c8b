/**
 * A certificate request as cfssl's CSR JSON writes it (the guide's kubernetes-csr.json):
 *
 *   { "CN": "kubernetes", "hosts": ["127.0.0.1", "kubernetes.default"],
 *     "key": { "algo": "rsa", "size": 2048 },
 *     "names": [{ "C": "CN", "ST": "BeiJing", "L": "BeiJing", "O": "k8s", "OU": "System" }] }
 *
 * plus, for a CA, cfssl's optional "ca": { "expiry": "87600h", "pathlen": 1 }.
 * Unknown fields are refused so that a typo ("host") does not silently drop SANs.
 */
import { domainToASCII } from "node:url";
import { requireDuration } from "./duration";
import { canonicalIp } from "./ip-address";
import { CA_USAGES, DEFAULT_CA_EXPIRY, parseProfile, parseUsages, type Usages } from "./profile";
import { RequestError } from "./request-error";

/** subject attribute types, in the order Go's crypto/x509 (hence cfssl) writes them */
export const NAME_TYPES = ["C", "ST", "L", "O", "OU", "CN"] as const;
export type NameType = (typeof NAME_TYPES)[number];

export interface NameAttribute {
  /** a known short name, or the dotted OID of an attribute we do not name */
  type: NameType | string;
  value: string;
}

export interface San {
  /** requests make DNS and IP names; a certificate read back may hold the others */
  kind: "DNS" | "IP" | "email" | "URI" | "other";
  /** IPs in canonical text form, so "::1" and "0:0::1" compare equal */
  value: string;
}

export interface KeySpec {
  algo: "rsa" | "ecdsa";
  /** RSA modulus bits, or the ECDSA curve size (256 = P-256) */
  size: number;
}

export interface CertRequest {
  subject: NameAttribute[];
  sans: San[];
  key: KeySpec;
  isCa: boolean;
  usages: Usages;
  validityMs: number;
  /** a CA's basicConstraints pathLenConstraint */
  pathLength?: number;
}

export const DEFAULT_KEY: KeySpec = { algo: "rsa", size: 2048 };
const CURVES = [256, 384, 521];

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === "object" && !Array.isArray(value);

function refuseUnknown(object: Record<string, unknown>, known: readonly string[], where: string): void {
  const unknown = Object.keys(object).filter((key) => !known.includes(key));
  if (unknown.length) throw new RequestError(`${where}: unknown field ${unknown.map((k) => JSON.stringify(k)).join(", ")} (fields: ${known.join(", ")})`);
}

function text(value: unknown, where: string): string {
  if (typeof value !== "string") throw new RequestError(`${where} must be a string, got ${JSON.stringify(value)}`);
  return value;
}

/** cfssl's rule: a host that parses as an IP address is an IP SAN, anything else a DNS name. */
export function parseHosts(hosts: readonly string[]): San[] {
  const sans = hosts.map((host): San => {
    const ip = canonicalIp(host);
    if (ip !== undefined) return { kind: "IP", value: ip };
    // a certificate holds DNS names as ASCII (IA5String); TLS clients compare the punycode form
    if (!/^[\x21-\x7e]+$/.test(host)) {
      const ascii = domainToASCII(host);
      throw new RequestError(`csr.hosts: ${JSON.stringify(host)} is not an IP address or an ASCII DNS name${ascii ? ` (write it as ${JSON.stringify(ascii)})` : ""}`);
    }
    return { kind: "DNS", value: host };
  });
  // Go writes DNS names before IP addresses, whatever the order in "hosts"
  return [...sans.filter((s) => s.kind === "DNS"), ...sans.filter((s) => s.kind === "IP")];
}

function parseKey(key: unknown): KeySpec {
  if (key === undefined) return DEFAULT_KEY;
  if (!isRecord(key)) throw new RequestError(`csr.key must be an object like {"algo": "rsa", "size": 2048}`);
  refuseUnknown(key, ["algo", "size"], "csr.key");
  const algo = key.algo ?? "rsa";
  if (algo === "rsa") {
    const size = key.size ?? 2048;
    if (typeof size !== "number" || !Number.isInteger(size) || size < 2048 || size > 8192) throw new RequestError(`csr.key.size for rsa must be 2048 to 8192 bits, got ${JSON.stringify(size)}`);
    return { algo, size };
  }
  if (algo === "ecdsa") {
    const size = key.size ?? 256;
    if (typeof size !== "number" || !CURVES.includes(size)) throw new RequestError(`csr.key.size for ecdsa must be one of ${CURVES.join(", ")}, got ${JSON.stringify(size)}`);
    return { algo, size };
  }
  throw new RequestError(`csr.key.algo must be "rsa" or "ecdsa", got ${JSON.stringify(algo)}`);
}

function parseSubject(csr: Record<string, unknown>): NameAttribute[] {
  const names = csr.names ?? [];
  if (!Array.isArray(names) || !names.every(isRecord)) throw new RequestError(`csr.names must be a list of objects like {"C": "CN", "O": "k8s"}`);
  names.forEach((name, i) => refuseUnknown(name, NAME_TYPES.filter((t) => t !== "CN"), `csr.names[${i}]`));
  const subject: NameAttribute[] = [];
  for (const type of NAME_TYPES) {
    if (type === "CN") {
      if (csr.CN !== undefined && csr.CN !== "") subject.push({ type, value: text(csr.CN, "csr.CN") });
      continue;
    }
    names.forEach((name, i) => {
      if (name[type] !== undefined && name[type] !== "") subject.push({ type, value: text(name[type], `csr.names[${i}].${type}`) });
    });
  }
  if (subject.length === 0) throw new RequestError(`csr: give a "CN" or "names" (the certificate needs a subject)`);
  return subject;
}

function parseCaSection(ca: unknown): { validityMs: number; pathLength?: number } {
  if (ca === undefined) return { validityMs: requireDuration(DEFAULT_CA_EXPIRY, "csr.ca.expiry") };
  if (!isRecord(ca)) throw new RequestError(`csr.ca must be an object like {"expiry": "87600h"}`);
  refuseUnknown(ca, ["expiry", "pathlen"], "csr.ca");
  const pathlen = ca.pathlen;
  if (pathlen !== undefined && (typeof pathlen !== "number" || !Number.isInteger(pathlen) || pathlen < 0)) {
    throw new RequestError(`csr.ca.pathlen must be a whole number, got ${JSON.stringify(pathlen)}`);
  }
  return { validityMs: requireDuration(ca.expiry ?? DEFAULT_CA_EXPIRY, "csr.ca.expiry"), pathLength: pathlen };
}

/**
 * A CA (`isCa`) is cfssl's `gencert -initca`: its usages are fixed and its lifetime comes
 * from csr.ca; a leaf takes usages and lifetime from the signing profile.
 */
export function parseRequest(csr: Record<string, unknown>, options: { isCa: boolean; profile?: Record<string, unknown> }): CertRequest {
  if (!isRecord(csr)) throw new RequestError("csr must be an object in cfssl's CSR JSON form");
  refuseUnknown(csr, ["CN", "hosts", "key", "names", "ca"], "csr");
  const hosts = csr.hosts ?? [];
  if (!Array.isArray(hosts) || !hosts.every((h) => typeof h === "string" && h !== "")) throw new RequestError(`csr.hosts must be a list of DNS names and IP addresses`);
  const common = { subject: parseSubject(csr), sans: parseHosts(hosts), key: parseKey(csr.key) };
  if (options.isCa) {
    if (options.profile !== undefined) throw new RequestError(`a CA takes no profile: its usages are cert sign and crl sign, its lifetime is csr.ca.expiry`);
    return { ...common, isCa: true, usages: parseUsages(CA_USAGES), ...parseCaSection(csr.ca) };
  }
  if (csr.ca !== undefined) throw new RequestError(`csr.ca applies to a CA only (isCa: true); a certificate's lifetime is profile.expiry`);
  const profile = parseProfile(options.profile);
  return { ...common, isCa: false, usages: profile.usages, validityMs: profile.validityMs };
}

/** "C=CN, ST=BeiJing, L=BeiJing, O=k8s, OU=System, CN=kubernetes", as openssl prints it */
export function describeSubject(subject: readonly NameAttribute[]): string {
  return subject.map((a) => `${a.type}=${a.value}`).join(", ");
}

/** "DNS:kubernetes", "IP:10.254.0.1" */
export function describeSan(san: San): string {
  return `${san.kind}:${san.value}`;
}
