/**
 * Private keys, made and read with Node's own crypto so that RSA and ECDSA take one path
 * (node-forge has no ECDSA). Keys are written in the PEM forms cfssl writes: PKCS#1
 * "RSA PRIVATE KEY" and SEC1 "EC PRIVATE KEY"; any PEM private key Node reads is accepted.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPair, type KeyObject } from "node:crypto";
import { promisify } from "node:util";
import type { KeySpec } from "./request";
import { parseDer } from "./der";

// made when first used: a start that makes no key (a listing) need not load node:crypto
const generate = () => promisify(generateKeyPair);

const CURVE_OF: Record<number, string> = { 256: "prime256v1", 384: "secp384r1", 521: "secp521r1" };
const SIZE_OF_CURVE: Record<string, number> = { prime256v1: 256, secp384r1: 384, secp521r1: 521 };

export async function generateKey(spec: KeySpec): Promise<KeyObject> {
  // async: a 4096-bit RSA key takes seconds, and other hosts' tasks run meanwhile
  const pair =
    spec.algo === "rsa"
      ? await generate()("rsa", { modulusLength: spec.size, publicExponent: 0x10001 })
      : await generate()("ec", { namedCurve: CURVE_OF[spec.size]! });
  return pair.privateKey;
}

export function privateKeyPem(key: KeyObject): string {
  const type = key.asymmetricKeyType === "rsa" ? "pkcs1" : "sec1";
  return key.export({ type, format: "pem" }).toString();
}

/** The key in a PEM file, or undefined when the file holds no private key Node can read. */
export function readPrivateKey(pem: Buffer): KeyObject | undefined {
  try {
    return createPrivateKey({ key: pem, format: "pem" });
  } catch {
    return undefined;
  }
}

/** What kind of key it is, in a request's terms; undefined for kinds we do not issue (ed25519, DSA). */
export function keySpecOf(key: KeyObject): KeySpec | undefined {
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === "rsa" && details.modulusLength) return { algo: "rsa", size: details.modulusLength };
  const size = key.asymmetricKeyType === "ec" && details.namedCurve ? SIZE_OF_CURVE[details.namedCurve] : undefined;
  return size ? { algo: "ecdsa", size } : undefined;
}

export function describeKey(spec: KeySpec | undefined): string {
  return spec ? `${spec.algo} ${spec.size}` : "an unsupported key type";
}

/** SubjectPublicKeyInfo DER, as it goes into a certificate. */
export function publicKeyInfo(key: KeyObject): Buffer {
  return createPublicKey(key).export({ type: "spki", format: "der" });
}

/** RFC 5280 method 1 key identifier: SHA-1 of the subjectPublicKey bits (what cfssl/Go and openssl use). */
export function keyIdentifier(key: KeyObject): Buffer {
  const spki = parseDer(publicKeyInfo(key));
  const bits = spki.children[1]!.content; // BIT STRING: first byte counts unused bits
  return createHash("sha1").update(bits.subarray(1)).digest();
}
