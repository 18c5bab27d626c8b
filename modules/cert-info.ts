/**
 * certInfo: what the certificates on a host say — subject, issuer, SANs, not-after and the
 * days left — read in one round trip and parsed on the controller. Reads only. With
 * `failWithin`, the task fails when any of them expires within that many days, naming them.
 *
 *   task("certificates", certInfo({ paths: ["/etc/kubernetes/ssl/ca.pem", "/etc/kubernetes/ssl/kubernetes.pem"], failWithin: 30 }))
 *
 * A path in `optional` may be missing (a kubelet's certificates exist only once it has
 * bootstrapped); a missing path in `paths` fails the task. The summary is a table.
 */
import { X509Certificate } from "node:crypto";
import { defineModule, ModuleFailure, type BaseResult, type Plan } from "../engine/module";
import { readCertFields } from "../engine/pki/cert-fields";
import { probeFiles } from "../engine/pki/probe-files";
import { describeSan, describeSubject } from "../engine/pki/request";

export interface CertificateInfo {
  path: string;
  subject: string;
  issuer: string;
  sans: string[];
  not_after: string;
  days_left: number;
}

export interface CertInfoResult extends BaseResult {
  certificates: CertificateInfo[];
  /** optional paths that were not there */
  missing: string[];
  /** with failWithin: the certificates expiring within it */
  expiring: string[];
}

const DAY_MS = 24 * 60 * 60 * 1000;

function inspect(path: string, pem: Buffer, now: number): CertificateInfo {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(pem);
  } catch {
    throw new ModuleFailure(`${path} is not a PEM certificate`);
  }
  const fields = readCertFields(cert.raw);
  const notAfter = new Date(cert.validTo);
  return {
    path,
    subject: describeSubject(fields.subject),
    issuer: cert.issuer.split("\n").join(", "),
    sans: fields.sans.map(describeSan),
    not_after: notAfter.toISOString(),
    days_left: Math.floor((notAfter.getTime() - now) / DAY_MS),
  };
}

/** One line per certificate, its columns aligned. */
function table(certificates: CertificateInfo[]): string {
  const rows = [["certificate", "days left", "not after", "subject", "issuer", "SANs"], ...certificates.map((c) => [c.path, String(c.days_left), c.not_after.slice(0, 10), c.subject, c.issuer, c.sans.join(" ") || "-"])];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join("  ")).join("\n");
}

export const certInfo = defineModule({
  name: "certInfo",
  args: {
    paths: { type: "strings", required: true, doc: "certificate files (PEM) on the task's host" },
    optional: { type: "strings", doc: "certificate files that may be missing" },
    failWithin: { type: "number", doc: "fail when a certificate expires within this many days" },
  },
  async plan(ctx, args): Promise<Plan<CertInfoResult>> {
    const optional = args.optional ?? [];
    const all = [...args.paths, ...optional];
    const files = await probeFiles(ctx, all);
    const now = Date.now();
    const certificates: CertificateInfo[] = [];
    const missing: string[] = [];
    files.forEach((file, i) => {
      if (file.stat.type === "file") certificates.push(inspect(file.path, file.stat.content ?? Buffer.alloc(0), now));
      else if (i >= args.paths.length) missing.push(file.path);
      else throw new ModuleFailure(`${file.path} ${file.stat.type === "absent" ? "does not exist" : "is not a regular file"}`);
    });
    const expiring = args.failWithin === undefined ? [] : certificates.filter((c) => c.days_left < args.failWithin!).map((c) => `${c.path} (${c.days_left < 0 ? "expired" : `${c.days_left} day${c.days_left === 1 ? "" : "s"} left`})`);
    const result = { certificates, missing, expiring };
    const shown = `${table(certificates)}${missing.length ? `\nnot there: ${missing.join(", ")}` : ""}`;
    if (expiring.length) throw new ModuleFailure(`${expiring.length} certificate${expiring.length === 1 ? "" : "s"} expire within ${args.failWithin} days: ${expiring.join(", ")}\n${shown}`, result);
    return { changed: false, summary: shown, result };
  },
});
