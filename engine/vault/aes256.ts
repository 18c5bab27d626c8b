/**
 * Ansible Vault's AES256 cipher with Node's own crypto: PBKDF2-HMAC-SHA256 (10000
 * iterations) turns the password and a 32-byte salt into an AES-256 key, an HMAC-SHA256
 * key and a 16-byte counter block; the plaintext, padded as PKCS#7 asks, is encrypted with
 * AES-256-CTR and the HMAC signs the ciphertext. Opening checks the HMAC, in constant time,
 * before anything is decrypted: a wrong password and a changed file both fail there, and
 * no partial plaintext ever comes out.
 *
 *   const keys = deriveKeys(Buffer.from("pw"), randomBytes(32));
 *   const body = seal(Buffer.from("secret\n"), keys);
 *   open(body, keys);   // Buffer "secret\n", or undefined when the HMAC does not match
 */
import { createCipheriv, createDecipheriv, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from "node:crypto";
import type { VaultBody } from "./envelope";

export interface DerivedKeys {
  salt: Buffer;
  cipherKey: Buffer;
  hmacKey: Buffer;
  counter: Buffer;
}

const ITERATIONS = 10_000;
const BLOCK = 16;

export const newSalt = (): Buffer => randomBytes(32);

export function deriveKeys(password: Buffer, salt: Buffer): DerivedKeys {
  const derived = pbkdf2Sync(password, salt, ITERATIONS, 80, "sha256");
  return { salt, cipherKey: derived.subarray(0, 32), hmacKey: derived.subarray(32, 64), counter: derived.subarray(64, 80) };
}

const hmacOf = (keys: DerivedKeys, ciphertext: Buffer) => createHmac("sha256", keys.hmacKey).update(ciphertext).digest();

function pad(data: Buffer): Buffer {
  const n = BLOCK - (data.length % BLOCK);
  return Buffer.concat([data, Buffer.alloc(n, n)]);
}

/** The padding removed, or undefined when it is not PKCS#7 (only a forged file gets past the HMAC like that). */
function unpad(data: Buffer): Buffer | undefined {
  const n = data.at(-1) ?? 0;
  if (n < 1 || n > BLOCK || n > data.length) return undefined;
  for (let i = data.length - n; i < data.length; i++) if (data[i] !== n) return undefined;
  return data.subarray(0, data.length - n);
}

export function seal(plaintext: Buffer, keys: DerivedKeys): VaultBody {
  const cipher = createCipheriv("aes-256-ctr", keys.cipherKey, keys.counter);
  const ciphertext = Buffer.concat([cipher.update(pad(plaintext)), cipher.final()]);
  return { salt: keys.salt, hmac: hmacOf(keys, ciphertext), ciphertext };
}

/** The plaintext, or undefined when these keys do not open the body (a wrong password, or a changed file). */
export function open(body: VaultBody, keys: DerivedKeys): Buffer | undefined {
  const expected = hmacOf(keys, body.ciphertext);
  if (body.hmac.length !== expected.length || !timingSafeEqual(body.hmac, expected)) return undefined;
  const decipher = createDecipheriv("aes-256-ctr", keys.cipherKey, keys.counter);
  return unpad(Buffer.concat([decipher.update(body.ciphertext), decipher.final()]));
}
