/**
 * kubeconfig: a kubeconfig on the task's host holding what `kubectl config set-cluster,
 * set-credentials, set-context, use-context --embed-certs=true` would put there.
 *
 *   task("bootstrap.kubeconfig", kubeconfig({
 *     dest: "/etc/kubernetes/bootstrap.kubeconfig", server: "https://192.168.5.78:6443",
 *     certificateAuthority: "{{pki_dir}}/ca.pem", user: "kubelet-bootstrap", token: "{{bootstrap_token}}" }))
 *   task("kube-proxy.kubeconfig", kubeconfig({
 *     dest: "/etc/kubernetes/kube-proxy.kubeconfig", server: "https://192.168.5.78:6443",
 *     certificateAuthority: "{{pki_dir}}/ca.pem", user: "kube-proxy",
 *     clientCertificate: "{{pki_dir}}/kube-proxy.pem", clientKey: "{{pki_dir}}/kube-proxy-key.pem" }))
 *
 * The certificate and key files are read on the controller (like copy's `src`: absolute,
 * or found in the files/ search folders) and embedded. The cluster, user and context
 * entries are replaced whole; other entries of an existing file are kept, as kubectl
 * keeps them. Files are compared by meaning, not bytes. Mode 0600 unless told otherwise;
 * diffs show what `kubectl config view` shows, never a key or token. With a vault password,
 * a kubeconfig on the controller is kept vault-encrypted (`encrypt` says otherwise), and
 * vault-encrypted certificate and key files are embedded as their plaintext.
 */
import { X509Certificate } from "node:crypto";
import { probeFile, readSource, type ManagedFileResult } from "../engine/managed-file";
import { defineModule, ModuleFailure, needsEarlierTask, type FileDiff, type ModuleContext, type Plan } from "../engine/module";
import { changedParts, mergeEntries, parseKubeconfig, redacted, renderKubeconfig, sameMeaning, type Doc, type Entries } from "../engine/pki/kubeconfig-doc";
import { readPrivateKey } from "../engine/pki/keys";
import { problemOf, RequestError } from "../engine/pki/request-error";
import { showBytes } from "../engine/text-bytes";
import { displayPath } from "../engine/remote-stat";
import { planSecretFileWrite, revealFile, sealsFiles } from "../engine/vault/secret-file";

export interface KubeconfigResult extends ManagedFileResult {
  cluster: string;
  user: string;
  context: string;
  server: string;
}

interface CredentialArgs {
  server: string;
  token?: string;
  clientCertificate?: string;
  clientKey?: string;
}

function checkArgs(args: CredentialArgs): void {
  const withCert = args.clientCertificate !== undefined || args.clientKey !== undefined;
  if (args.token !== undefined && withCert) throw new RequestError("give either 'token' or 'clientCertificate' and 'clientKey', not both");
  if (args.token === undefined && !withCert) throw new RequestError("give the user's credentials: 'token', or 'clientCertificate' and 'clientKey'");
  if (withCert && (args.clientCertificate === undefined || args.clientKey === undefined)) throw new RequestError("'clientCertificate' and 'clientKey' go together");
  if (args.token === "") throw new RequestError("'token' is empty");
  let url: URL | undefined;
  try {
    url = new URL(args.server);
  } catch {}
  if (!url || (url.protocol !== "https:" && url.protocol !== "http:")) throw new RequestError(`server must be a URL like https://192.168.5.78:6443, got ${JSON.stringify(args.server)}`);
}

interface Missing {
  missing: string;
}

/** A controller file's bytes, or why it cannot be read yet (an earlier task, cert, may make it). */
function controllerFile(ctx: ModuleContext, path: string, option: string): Buffer | Missing {
  try {
    return readSource(ctx, path, ctx.searchDirs.files, option).content;
  } catch (error) {
    if (error instanceof ModuleFailure) return { missing: error.message };
    throw error;
  }
}

function certificate(data: Buffer, option: string): X509Certificate {
  try {
    return new X509Certificate(data);
  } catch {
    throw new ModuleFailure(`${option} is not a PEM certificate`);
  }
}

/** The entries to write, or which source does not exist yet. */
function readEntries(ctx: ModuleContext, args: CredentialArgs & { certificateAuthority: string; cluster?: string; user: string; context?: string; useContext?: boolean }): Entries | Missing {
  const ca = controllerFile(ctx, args.certificateAuthority, "certificateAuthority");
  if (!Buffer.isBuffer(ca)) return ca;
  certificate(ca, `certificateAuthority ${args.certificateAuthority}`);
  const user: Entries["user"] = { name: args.user };
  if (args.token !== undefined) user.token = args.token;
  else {
    const cert = controllerFile(ctx, args.clientCertificate!, "clientCertificate");
    const key = controllerFile(ctx, args.clientKey!, "clientKey");
    if (!Buffer.isBuffer(cert)) return cert;
    if (!Buffer.isBuffer(key)) return key;
    const privateKey = readPrivateKey(key);
    if (!privateKey) throw new ModuleFailure(`clientKey ${args.clientKey} holds no private key that can be read`);
    if (!certificate(cert, `clientCertificate ${args.clientCertificate}`).checkPrivateKey(privateKey)) {
      throw new ModuleFailure(`clientCertificate ${args.clientCertificate} does not match clientKey ${args.clientKey}`);
    }
    Object.assign(user, { clientCertificate: cert, clientKey: key });
  }
  return { cluster: { name: args.cluster ?? "kubernetes", server: args.server, certificateAuthority: ca }, user, context: args.context ?? "default", useContext: args.useContext ?? true };
}

export const kubeconfig = defineModule({
  name: "kubeconfig",
  args: {
    dest: { type: "string", required: true },
    server: { type: "string", required: true, doc: "the API server URL, e.g. https://192.168.5.78:6443" },
    certificateAuthority: { type: "string", required: true, doc: "the CA certificate on the controller, embedded as certificate-authority-data" },
    cluster: { type: "string", doc: "the cluster entry's name (default kubernetes)" },
    user: { type: "string", required: true, doc: "the user entry's name" },
    token: { type: "string", doc: "a bearer token (the bootstrap token)" },
    clientCertificate: { type: "string", doc: "client certificate on the controller, embedded" },
    clientKey: { type: "string", doc: "client key on the controller, embedded" },
    context: { type: "string", doc: "the context entry's name (default default)" },
    useContext: { type: "boolean", doc: "make the context current (default true)" },
    encrypt: { type: "boolean", doc: "keep the file vault-encrypted (default: when the run has a vault password and the task runs on the controller)" },
    mode: { type: "mode", doc: "default 0600: the file holds credentials" },
    owner: { type: "string" },
    group: { type: "string" },
  },
  check: (args) => problemOf(args, () => checkArgs(args)),
  async plan(ctx, args): Promise<Plan<KubeconfigResult>> {
    checkArgs(args);
    const names = { cluster: args.cluster ?? "kubernetes", user: args.user, context: args.context ?? "default", server: args.server };
    const entries = readEntries(ctx, args);
    if ("missing" in entries) {
      return needsEarlierTask<KubeconfigResult>(entries.missing, { changed: true, summary: `write ${displayPath(args.dest)}`, result: { ...names, dest: args.dest } });
    }
    const seal = sealsFiles(ctx, args.encrypt);
    const probed = revealFile(ctx, await probeFile(ctx, args.dest, { readContent: true }));
    let existing: Doc | undefined;
    if (probed.stat.type === "file") {
      const bytes = probed.stat.content ?? Buffer.alloc(0);
      // YAML is UTF-8: anything else would come back rewritten with U+FFFD in its place
      if (showBytes(bytes) !== bytes.toString("utf8")) throw new ModuleFailure(`${displayPath(probed.path)} exists but is not UTF-8 text; move it away or fix it`);
      try {
        existing = parseKubeconfig(bytes.toString("utf8"));
      } catch (error) {
        throw new ModuleFailure(`${displayPath(probed.path)} exists but ${(error as Error).message}; move it away or fix it`);
      }
    }
    const merged = mergeEntries(existing ?? {}, entries);
    const same = existing !== undefined && sameMeaning(existing, merged);
    // same meaning: hand back the bytes on disk, so only mode and owner can differ
    const content = same ? probed.stat.content! : renderKubeconfig(merged);
    const plan = planSecretFileWrite(ctx, probed, { content, mode: args.mode ?? "0600", owner: args.owner, group: args.group }, seal);
    let diff: FileDiff[] | undefined;
    if (!same && ctx.diff && !ctx.noLog) {
      diff = [{ path: probed.path, before: existing ? renderKubeconfig(redacted(existing) as Doc) : "", after: renderKubeconfig(redacted(merged) as Doc) }];
    }
    const parts = !same && existing ? changedParts(existing, merged) : [];
    const summary = plan.summary && parts.length ? `${plan.summary} (${parts.join(", ")})` : plan.summary;
    return { ...plan, summary, diff, result: { ...plan.result, ...names } };
  },
});
