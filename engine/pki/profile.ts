/**
 * A signing profile as ca-config.json writes it:
 *
 *   { "usages": ["signing", "key encipherment", "server auth", "client auth"], "expiry": "87600h" }
 *
 * Usage names are cfssl's, mapped to the same X.509 bits cfssl sets, so a certificate
 * cfssl made from the same profile compares equal and is not re-issued.
 */
import { requireDuration } from "./duration";
import { RequestError } from "./request-error";

/** RFC 5280 KeyUsage bit numbers */
const KEY_USAGE_BITS: Record<string, number> = {
  "digital signature": 0,
  "content commitment": 1,
  "key encipherment": 2,
  "data encipherment": 3,
  "key agreement": 4,
  "cert sign": 5,
  "crl sign": 6,
  "encipher only": 7,
  "decipher only": 8,
};

const EXT_KEY_USAGE_OIDS: Record<string, string> = {
  any: "2.5.29.37.0",
  "server auth": "1.3.6.1.5.5.7.3.1",
  "client auth": "1.3.6.1.5.5.7.3.2",
  "code signing": "1.3.6.1.5.5.7.3.3",
  "email protection": "1.3.6.1.5.5.7.3.4",
  "ipsec end system": "1.3.6.1.5.5.7.3.5",
  "ipsec tunnel": "1.3.6.1.5.5.7.3.6",
  "ipsec user": "1.3.6.1.5.5.7.3.7",
  timestamping: "1.3.6.1.5.5.7.3.8",
  "ocsp signing": "1.3.6.1.5.5.7.3.9",
};

/** other spellings cfssl accepts for the same bit */
const ALIASES: Record<string, string> = { signing: "digital signature", "content committment": "content commitment", "s/mime": "email protection" };

export interface Usages {
  /** bit n set means RFC 5280 KeyUsage bit n */
  keyUsage: number;
  /** extended key usage OIDs, sorted */
  extKeyUsage: string[];
}

export interface Profile {
  usages: Usages;
  validityMs: number;
}

/** cfssl's defaults when no config is given (`cfssl gencert` without -config). */
export const DEFAULT_LEAF_PROFILE = { usages: ["signing", "key encipherment", "server auth", "client auth"], expiry: "8760h" };
/** cfssl's `-initca` policy: a CA signs certificates and CRLs, for 5 years unless csr.ca.expiry says otherwise. */
export const CA_USAGES = ["cert sign", "crl sign"];
export const DEFAULT_CA_EXPIRY = "43800h";

export function parseUsages(names: readonly string[]): Usages {
  let keyUsage = 0;
  const ext = new Set<string>();
  for (const written of names) {
    const name = ALIASES[written] ?? written;
    if (name in KEY_USAGE_BITS) keyUsage |= 1 << KEY_USAGE_BITS[name]!;
    else if (name in EXT_KEY_USAGE_OIDS) ext.add(EXT_KEY_USAGE_OIDS[name]!);
    else {
      const known = [...Object.keys(KEY_USAGE_BITS), ...Object.keys(EXT_KEY_USAGE_OIDS), ...Object.keys(ALIASES)].join(", ");
      throw new RequestError(`unknown usage ${JSON.stringify(written)} (cfssl's usages: ${known})`);
    }
  }
  return { keyUsage, extKeyUsage: [...ext].sort() };
}

export function parseProfile(profile: Record<string, unknown> | undefined): Profile {
  const given = profile ?? DEFAULT_LEAF_PROFILE;
  const unknown = Object.keys(given).filter((key) => key !== "usages" && key !== "expiry");
  if (unknown.length) throw new RequestError(`profile: unknown field ${unknown.join(", ")} (a profile has "usages" and "expiry")`);
  const usages = given.usages ?? DEFAULT_LEAF_PROFILE.usages;
  if (!Array.isArray(usages) || usages.length === 0 || !usages.every((u) => typeof u === "string")) {
    throw new RequestError(`profile.usages must be a list of cfssl usage names, got ${JSON.stringify(usages)}`);
  }
  return { usages: parseUsages(usages), validityMs: requireDuration(given.expiry ?? DEFAULT_LEAF_PROFILE.expiry, "profile.expiry") };
}

/** cfssl names of the usages, for messages: ["digital signature", "server auth"] */
export function describeUsages(usages: Usages): string[] {
  const bits = Object.entries(KEY_USAGE_BITS).filter(([, bit]) => usages.keyUsage & (1 << bit)).map(([name]) => name);
  const byOid = new Map(Object.entries(EXT_KEY_USAGE_OIDS).map(([name, oid]) => [oid, name]));
  return [...bits, ...usages.extKeyUsage.map((oid) => byOid.get(oid) ?? oid)];
}

export function sameUsages(a: Usages, b: Usages): boolean {
  return a.keyUsage === b.keyUsage && a.extKeyUsage.join() === b.extKeyUsage.join();
}
