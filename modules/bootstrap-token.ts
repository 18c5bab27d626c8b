/**
 * bootstrapToken: the TLS bootstrapping token of the guide (2.2.1), made once and kept in
 * a token.csv on the task's host — the controller, with the other secrets, when the play
 * runs on `localhost` — so that re-runs reuse it instead of rotating it.
 *
 *   task("bootstrap token", bootstrapToken({ dest: "{{pki_dir}}/token.csv" }))
 *   task("bootstrap kubeconfig", kubeconfig({ ..., user: "kubelet-bootstrap", token: "{{bootstrap_token}}" }))
 *
 * The token goes into the host variable named by `fact` (default `bootstrap_token`) for
 * later tasks, and nowhere else: not into the result, the summary or a diff. The file is
 * 0600; other lines of an existing token.csv are left as they are, byte for byte. With a
 * vault password, the file on the controller is kept vault-encrypted (`encrypt` says
 * otherwise) and the token is masked in all output.
 */
import { probeFile, type ProbedFile } from "../engine/managed-file";
import { defineModule, ModuleFailure, type BaseResult, type Plan } from "../engine/module";
import { displayPath } from "../engine/remote-stat";
import { problemOf, RequestError } from "../engine/pki/request-error";
import { checkEntryFields, formatEntry, newToken, parseEntry, usableToken, type TokenEntry } from "../engine/pki/token-csv";
import { joinLines, splitLines, type Line } from "../engine/text-bytes";
import { planSecretFileWrite, revealFile, sealsFiles } from "../engine/vault/secret-file";

export interface BootstrapTokenResult extends BaseResult {
  dest: string;
  user: string;
  /** the host variable that holds the token */
  fact: string;
  /** a new token is (or, in check mode, would be) made: a changed token must reach kube-apiserver and every kubelet */
  new_token: boolean;
}

const DEFAULTS = { user: "kubelet-bootstrap", uid: "10001", groups: "system:kubelet-bootstrap", fact: "bootstrap_token" };

function parseArgs(args: { user?: string; uid?: string; groups?: string; fact?: string }) {
  const wanted = { user: args.user ?? DEFAULTS.user, uid: args.uid ?? DEFAULTS.uid, groups: args.groups ?? DEFAULTS.groups };
  checkEntryFields(wanted);
  const fact = args.fact ?? DEFAULTS.fact;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(fact)) throw new RequestError(`fact must be a variable name, got ${JSON.stringify(fact)}`);
  return { wanted, fact };
}

/**
 * The file with this user's entry in place (or added); `why` is set when the token is new.
 * Every other line comes back byte for byte; an added line takes the file's line ending.
 */
function withEntry(probed: ProbedFile, wanted: Omit<TokenEntry, "token">): { content: Buffer; token: string; why?: string } {
  if (probed.stat.type === "directory" || probed.stat.type === "other") throw new ModuleFailure(`${displayPath(probed.path)} exists and is not a regular file`);
  const lines: (Line | string)[] = probed.stat.type === "file" ? splitLines(probed.stat.content ?? Buffer.alloc(0)) : [];
  const eol = lines.some((l) => typeof l === "object" && l.ending === "\r\n") ? "\r\n" : "\n";
  const index = lines.findIndex((line) => typeof line === "object" && parseEntry(line.text)?.user === wanted.user);
  if (index < 0) {
    const token = newToken();
    const last = lines[lines.length - 1];
    if (typeof last === "object" && last.ending === "") lines[lines.length - 1] = { ...last, bytes: joinLines([last, eol]), ending: eol };
    lines.push(formatEntry({ token, ...wanted }) + eol);
    return { content: joinLines(lines), token, why: probed.stat.type === "file" ? `add a token for ${wanted.user}` : "create it with a new token" };
  }
  const line = lines[index] as Line;
  const existing = parseEntry(line.text)!;
  const keep = usableToken(existing.token);
  const token = keep ? existing.token : newToken();
  const entry = formatEntry({ token, ...wanted });
  if (entry !== line.text) lines[index] = entry + (line.ending || eol);
  return { content: joinLines(lines), token, why: keep ? undefined : `replace the unusable token of ${wanted.user} (is the guide's \${BOOTSTRAP_TOKEN} still there?)` };
}

export const bootstrapToken = defineModule({
  name: "bootstrapToken",
  args: {
    dest: { type: "string", required: true, doc: "the token.csv to keep the token in" },
    user: { type: "string", doc: "default kubelet-bootstrap" },
    uid: { type: "string", doc: "default 10001" },
    groups: { type: "string", doc: "comma-separated; default system:kubelet-bootstrap" },
    fact: { type: "string", doc: "the host variable receiving the token (default bootstrap_token)" },
    encrypt: { type: "boolean", doc: "keep the file vault-encrypted (default: when the run has a vault password and the task runs on the controller)" },
  },
  check: (args) => problemOf(args, () => parseArgs(args)),
  async plan(ctx, args): Promise<Plan<BootstrapTokenResult>> {
    const { wanted, fact } = parseArgs(args);
    const seal = sealsFiles(ctx, args.encrypt);
    const probed = revealFile(ctx, await probeFile(ctx, args.dest, { readContent: true }));
    const { content, token, why } = withEntry(probed, wanted);
    // a token kept in the vault is a vault secret: masked wherever it would show
    if (seal || probed.sealed) ctx.vault?.vault.secrets.add(token);
    // never a diff: both sides would show the token
    const plan = planSecretFileWrite(ctx, probed, { content, mode: "0600" }, seal);
    const shown = displayPath(probed.path);
    const summary = why ? `${shown}: ${why}` : plan.summary;
    const apply = plan.apply;
    return {
      changed: plan.changed,
      summary,
      // in check mode a token that is not yet on disk is a stand-in: later tasks predict a change either way
      setFacts: { [fact]: token },
      result: { dest: probed.path, user: wanted.user, fact, new_token: why !== undefined },
      writes: plan.writes,
      apply: apply && (async () => void (await apply())),
    };
  },
});
