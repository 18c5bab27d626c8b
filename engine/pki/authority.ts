/**
 * The CA a certificate is signed by, loaded from its cfssl-named files (ca.pem and
 * ca-key.pem), whoever made them: tsplay, or cfssl by hand following the guide.
 */
import { X509Certificate } from "node:crypto";
import type { ProbedFile } from "../managed-file";
import { ModuleFailure } from "../module";
import { displayPath } from "../remote-stat";
import { readCertFields } from "./cert-fields";
import type { Issuer } from "./issue";
import { keyIdentifier, readPrivateKey } from "./keys";

export interface Authority {
  cert: X509Certificate;
  issuer: Issuer;
}

/** Undefined when either file is missing (an earlier task of the run may still make them). */
export function loadAuthority(certFile: ProbedFile, keyFile: ProbedFile): Authority | undefined {
  if (certFile.stat.type === "absent" || keyFile.stat.type === "absent") return undefined;
  const certPath = displayPath(certFile.path);
  const keyPath = displayPath(keyFile.path);
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certFile.stat.content ?? Buffer.alloc(0));
  } catch {
    throw new ModuleFailure(`the CA certificate ${certPath} is not a PEM certificate`);
  }
  const key = keyFile.stat.content && readPrivateKey(keyFile.stat.content);
  if (!key) throw new ModuleFailure(`the CA key ${keyPath} holds no private key that can be read (PEM PKCS#1, PKCS#8 or SEC1, unencrypted)`);
  if (!cert.ca) throw new ModuleFailure(`${certPath} is not a CA certificate (its basic constraints say CA:FALSE)`);
  if (!cert.checkPrivateKey(key)) throw new ModuleFailure(`the CA key ${keyPath} does not belong to ${certPath}`);
  const fields = readCertFields(cert.raw);
  return { cert, issuer: { subjectDer: fields.subjectDer, key, keyId: fields.subjectKeyId ?? keyIdentifier(key) } };
}
