/**
 * cert: a CA, or a certificate signed by it, made from the guide's cfssl JSON and kept as
 * cfssl names it (NAME.pem, NAME-key.pem) in `dir` on the task's host — the controller
 * when the play runs on `localhost`, which is where the CA key should stay.
 *
 *   const kubernetesProfile = { usages: ["signing", "key encipherment", "server auth", "client auth"], expiry: "87600h" };
 *   task("CA", cert({ dir: "{{pki_dir}}", name: "ca", isCa: true, csr: caCsr }))
 *   task("apiserver cert", cert({ dir: "{{pki_dir}}", name: "kubernetes", csr: kubernetesCsr, profile: kubernetesProfile }))
 *
 * A certificate is issued only when it is missing, its key is missing or of another kind,
 * it does not match its key, the CA did not sign it, its subject, SANs or usages differ
 * from the request, or it expires within `renewBefore`; the result's `reasons` (and the
 * summary, in --check too) say which. An existing key of the requested kind is kept.
 * Files made by cfssl by hand are taken over as they are. Keys are written 0600 from the
 * first byte and never appear in output or diffs.
 *
 * With a vault password, keys on the controller are kept vault-encrypted (`encrypt` says
 * otherwise): read in memory, compared by their plaintext, a plain key encrypted in place.
 */
import { X509Certificate, type KeyObject } from "node:crypto";
import { planFileWrite, type ProbedFile } from "../engine/managed-file";
import { defineModule, ModuleFailure, needsEarlierTask, type BaseResult, type ModuleContext, type Plan } from "../engine/module";
import { loadAuthority, type Authority } from "../engine/pki/authority";
import { requireDuration } from "../engine/pki/duration";
import { judge, type ReasonCode, type Verdict } from "../engine/pki/inspect";
import { issueCertificate } from "../engine/pki/issue";
import { describeKey, generateKey, privateKeyPem, readPrivateKey } from "../engine/pki/keys";
import { probeFiles } from "../engine/pki/probe-files";
import { describeSan, describeSubject, parseRequest, type CertRequest } from "../engine/pki/request";
import { problemOf, RequestError } from "../engine/pki/request-error";
import { displayPath } from "../engine/remote-stat";
import { planSecretFileWrite, revealFile, sealsFiles, type RevealedFile } from "../engine/vault/secret-file";

export interface CertResult extends BaseResult {
  /** NAME.pem and NAME-key.pem */
  cert: string;
  key: string;
  /** why the certificate is (or, in check mode, would be) issued; empty when it is kept */
  reasons: ReasonCode[];
  /** a new private key is (or would be) made */
  new_key: boolean;
  subject: string;
  sans: string[];
  /** the certificate now on disk: after apply, the new one; in check mode, the old one */
  not_after?: string;
  serial?: string;
}

const DEFAULT_RENEW_BEFORE = "720h";

/** a bare cfssl name, so that the key of `a/b` cannot land outside `dir` by accident */
function bareName(name: string, option: string): string {
  if (name === "" || name.includes("/")) throw new RequestError(`${option} must be a file name without "/", got ${JSON.stringify(name)}`);
  return name;
}

function parseArgs(args: { csr: Record<string, unknown>; isCa?: boolean; profile?: Record<string, unknown>; renewBefore?: string; name: string; ca?: string }) {
  bareName(args.name, "name");
  if (args.ca !== undefined) bareName(args.ca, "ca");
  if (args.isCa && args.ca !== undefined) throw new RequestError(`a CA (isCa: true) signs itself; 'ca' names the CA of a certificate that is not one`);
  const request = parseRequest(args.csr, { isCa: args.isCa ?? false, profile: args.profile });
  const renewBeforeMs = requireDuration(args.renewBefore ?? DEFAULT_RENEW_BEFORE, "renewBefore");
  if (renewBeforeMs >= request.validityMs) throw new RequestError(`renewBefore (${args.renewBefore ?? DEFAULT_RENEW_BEFORE}) must be shorter than the certificate's lifetime, or every run would re-issue it`);
  return { request, renewBeforeMs };
}

function refuseNonFiles(files: ProbedFile[]): void {
  for (const file of files) {
    if (file.stat.type !== "absent" && file.stat.type !== "file") {
      throw new ModuleFailure(`${displayPath(file.path)} exists and is not a regular file (${file.stat.type}); move it away`);
    }
  }
}

/** An existing key file that cannot be read is never replaced silently: it may be the only copy of something. */
function readKeyFile(file: ProbedFile): KeyObject | undefined {
  if (file.stat.type !== "file") return undefined;
  const key = file.stat.content && readPrivateKey(file.stat.content);
  if (!key) throw new ModuleFailure(`${displayPath(file.path)} holds no private key that can be read (PEM PKCS#1, PKCS#8 or SEC1, unencrypted); move it away to have a new key made`);
  return key;
}

function pathsOf(dir: string, name: string, ca: string) {
  const base = dir.replace(/\/+$/, "") || "/";
  const at = (file: string) => (base === "/" ? `/${file}` : `${base}/${file}`);
  return { cert: at(`${name}.pem`), key: at(`${name}-key.pem`), caCert: at(`${ca}.pem`), caKey: at(`${ca}-key.pem`) };
}

export const cert = defineModule({
  name: "cert",
  args: {
    dir: { type: "string", required: true, doc: "folder on the task's host holding NAME.pem, NAME-key.pem and the CA's files" },
    name: { type: "string", required: true, doc: "cfssl's -bare name: the files are NAME.pem and NAME-key.pem" },
    csr: { type: "record", required: true, doc: "the request as cfssl's CSR JSON: CN, hosts, key {algo, size}, names [{C, ST, L, O, OU}], and for a CA ca {expiry, pathlen}" },
    isCa: { type: "boolean", doc: "a self-signed CA, as `cfssl gencert -initca` makes it" },
    ca: { type: "string", doc: "the bare name of the signing CA in dir (default: ca)" },
    profile: { type: "record", doc: "a ca-config.json signing profile: usages and expiry (default: cfssl's, 8760h)" },
    renewBefore: { type: "string", doc: "re-issue when the certificate expires within this duration (default 720h)" },
    encrypt: { type: "boolean", doc: "keep the key vault-encrypted (default: when the run has a vault password and the task runs on the controller)" },
  },
  check: (args) => problemOf(args, () => parseArgs(args)),
  async plan(ctx, args): Promise<Plan<CertResult>> {
    const { request, renewBeforeMs } = parseArgs(args);
    const paths = pathsOf(args.dir, args.name, args.ca ?? "ca");
    const seal = sealsFiles(ctx, args.encrypt);
    const probed = await probeFiles(ctx, args.isCa ? [paths.cert, paths.key] : [paths.cert, paths.key, paths.caCert, paths.caKey]);
    refuseNonFiles(probed);
    // a key kept in the vault is read as its plaintext, in memory only
    const files = probed.map((file) => revealFile(ctx, file));
    const [certFile, keyFile, caCertFile, caKeyFile] = files as [RevealedFile, RevealedFile, RevealedFile?, RevealedFile?];
    const found = { certName: `${args.name}.pem`, keyName: `${args.name}-key.pem`, cert: certFile.stat.content, key: readKeyFile(keyFile) };
    const authority = args.isCa ? "self" : loadAuthority(caCertFile!, caKeyFile!);
    const base = { cert: paths.cert, key: paths.key, subject: describeSubject(request.subject), sans: request.sans.map(describeSan) };
    if (authority === undefined) {
      const reason: ReasonCode = found.cert === undefined ? "missing" : "not-signed-by-ca";
      return needsEarlierTask<CertResult>(`the CA ${displayPath(paths.caCert)} or its key ${displayPath(paths.caKey)} does not exist: make it first with cert({ isCa: true, name: "${args.ca ?? "ca"}" })`, {
        changed: true,
        summary: `issue ${displayPath(paths.cert)}`,
        result: { ...base, reasons: [reason], new_key: found.key === undefined },
      });
    }
    const verdict = judge(request, found, authority === "self" ? "self" : authority.cert, { now: new Date(), renewBeforeMs });
    return verdict.reasons.length === 0 ? keepPlan(ctx, keyFile, verdict, base, seal) : await issuePlan(ctx, request, authority, certFile, keyFile, verdict, found.key, base, seal);
  },
});

type BaseFields = Pick<CertResult, "cert" | "key" | "subject" | "sans">;

/** Private keys and certificates never go into a diff: a key must not be shown, a PEM says nothing readable. */
const noDiff = (ctx: ModuleContext): ModuleContext => ({ ...ctx, diff: false });

const facts = (cert: X509Certificate) => ({ not_after: new Date(cert.validTo).toISOString(), serial: cert.serialNumber });

/** The certificate stands; only a key file readable by others, or one to be kept in the vault, is put right. */
function keepPlan(ctx: ModuleContext, keyFile: RevealedFile, verdict: Verdict, base: BaseFields, seal: boolean): Plan<CertResult> {
  const keyPlan = planSecretFileWrite(ctx, keyFile, { content: keyFile.stat.content!, mode: "0600" }, seal);
  const result = { ...base, reasons: [], new_key: false, ...facts(verdict.current!) };
  const apply = keyPlan.apply;
  return { changed: keyPlan.changed, summary: keyPlan.summary, result, apply: apply && (async () => void (await apply())) };
}

async function issuePlan(
  ctx: ModuleContext,
  request: CertRequest,
  authority: Authority | "self",
  certFile: ProbedFile,
  keyFile: RevealedFile,
  verdict: Verdict,
  existingKey: KeyObject | undefined,
  base: BaseFields,
  seal: boolean,
): Promise<Plan<CertResult>> {
  // made in check mode too (and thrown away) so both modes go through the same steps
  const key = verdict.newKey || !existingKey ? await generateKey(request.key) : existingKey;
  const pem = issueCertificate(request, key, authority === "self" ? "self" : authority.issuer);
  const keyContent = key === existingKey ? keyFile.stat.content! : privateKeyPem(key);
  const keyPlan = planSecretFileWrite(ctx, keyFile, { content: keyContent, mode: "0600" }, seal);
  const certPlan = planFileWrite(noDiff(ctx), certFile, { content: pem, mode: "0644" });
  const verb = certFile.stat.type === "absent" ? "issue" : "re-issue";
  const withKey = key === existingKey ? "" : ` with a new ${describeKey(request.key)} key`;
  const summary = `${verb} ${displayPath(certFile.path)}${withKey}: ${verdict.reasons.map((r) => r.detail).join("; ")}`;
  const result = { ...base, reasons: [...new Set(verdict.reasons.map((r) => r.code))], new_key: key !== existingKey, ...(verdict.current ? facts(verdict.current) : {}) };
  return {
    changed: true,
    summary,
    result,
    writes: [...(keyPlan.writes ?? []), ...(certPlan.writes ?? [])],
    apply: async () => {
      // the key first: if the run stops between the two, the next run sees a mismatch and re-issues
      await keyPlan.apply?.();
      await certPlan.apply?.();
      return facts(new X509Certificate(pem));
    },
  };
}
