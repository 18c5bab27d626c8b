/**
 * Whether a certificate on disk still answers its request, and if not, why: the reasons
 * a re-issue is due, each with a code for results and a detail for people.
 */
import { X509Certificate, type KeyObject } from "node:crypto";
import { readCertFields } from "./cert-fields";
import { describeKey, keySpecOf } from "./keys";
import { describeUsages, sameUsages } from "./profile";
import { describeSan, describeSubject, type CertRequest } from "./request";

export type ReasonCode = "missing" | "key-type" | "key-mismatch" | "not-signed-by-ca" | "subject" | "sans" | "usages" | "expiring";

export interface Reason {
  code: ReasonCode;
  /** e.g. "SANs differ: +IP:10.0.0.9" */
  detail: string;
}

export interface Found {
  /** file names for messages */
  certName: string;
  keyName: string;
  /** the certificate file's bytes; undefined when there is none */
  cert?: Buffer;
  /** the private key; undefined when there is none */
  key?: KeyObject;
}

export interface Verdict {
  reasons: Reason[];
  /** the key is missing or not the kind requested: a new one must be made */
  newKey: boolean;
  /** the certificate on disk, when it could be read */
  current?: X509Certificate;
}

function readCertificate(bytes: Buffer | undefined): X509Certificate | undefined {
  if (bytes === undefined) return undefined;
  try {
    return new X509Certificate(bytes);
  } catch {
    return undefined;
  }
}

const sameSpec = (a: ReturnType<typeof keySpecOf>, b: CertRequest["key"]) => a?.algo === b.algo && a.size === b.size;

function keyReasons(request: CertRequest, found: Found): Reason[] {
  if (!found.key) return [{ code: "missing", detail: `${found.keyName} is missing` }];
  const spec = keySpecOf(found.key);
  if (!sameSpec(spec, request.key)) return [{ code: "key-type", detail: `${found.keyName} is ${describeKey(spec)}, the request wants ${describeKey(request.key)}` }];
  return [];
}

function setDifference(have: string[], want: string[]): string {
  const added = want.filter((w) => !have.includes(w)).map((w) => `+${w}`);
  const removed = have.filter((h) => !want.includes(h)).map((h) => `-${h}`);
  return [...added, ...removed].join(" ");
}

/** What the certificate says compared with what the request asks. */
function contentReasons(request: CertRequest, cert: X509Certificate): Reason[] {
  const fields = readCertFields(cert.raw);
  const reasons: Reason[] = [];
  const have = describeSubject(fields.subject);
  const want = describeSubject(request.subject);
  if (have !== want) reasons.push({ code: "subject", detail: `subject is "${have}", the request wants "${want}"` });
  const haveSans = fields.sans.map(describeSan).sort();
  const wantSans = request.sans.map(describeSan).sort();
  if (haveSans.join() !== wantSans.join()) reasons.push({ code: "sans", detail: `SANs differ: ${setDifference(haveSans, wantSans)}` });
  if (!sameUsages(fields.usages, request.usages) || fields.isCa !== request.isCa) {
    const describe = (usages: string[], ca: boolean) => `[${[...usages, ca ? "CA:TRUE" : "CA:FALSE"].join(", ")}]`;
    reasons.push({ code: "usages", detail: `usages are ${describe(describeUsages(fields.usages), fields.isCa)}, the request wants ${describe(describeUsages(request.usages), request.isCa)}` });
  }
  return reasons;
}

/**
 * `authority` is the CA certificate that must have signed it, or "self" for a CA.
 * A new key (missing, or of another kind) means a new certificate whatever else holds.
 */
export function judge(request: CertRequest, found: Found, authority: X509Certificate | "self", options: { now: Date; renewBeforeMs: number }): Verdict {
  const keyProblems = keyReasons(request, found);
  const current = readCertificate(found.cert);
  if (!current) {
    const detail = found.cert === undefined ? `${found.certName} is missing` : `${found.certName} is not a PEM certificate`;
    return { reasons: [{ code: "missing", detail }, ...keyProblems], newKey: keyProblems.length > 0 };
  }
  const reasons = [...keyProblems];
  if (found.key && keyProblems.length === 0 && !current.checkPrivateKey(found.key)) {
    reasons.push({ code: "key-mismatch", detail: `${found.certName} does not match ${found.keyName}` });
  }
  const issuer = authority === "self" ? current : authority;
  if (!current.checkIssued(issuer) || !current.verify(issuer.publicKey)) {
    reasons.push({ code: "not-signed-by-ca", detail: authority === "self" ? `${found.certName} is not self-signed` : `${found.certName} was not signed by the CA` });
  }
  reasons.push(...contentReasons(request, current));
  const notAfter = new Date(current.validTo);
  const left = notAfter.getTime() - options.now.getTime();
  if (left < options.renewBeforeMs) {
    const when = notAfter.toISOString().slice(0, 10);
    const days = Math.floor(left / (24 * 60 * 60 * 1000));
    reasons.push({ code: "expiring", detail: left <= 0 ? `${found.certName} expired on ${when}` : `${found.certName} expires in ${days} day${days === 1 ? "" : "s"} (${when}), within the renewal window` });
  }
  return { reasons, newKey: keyProblems.length > 0, current };
}
