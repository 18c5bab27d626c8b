/**
 * Files that hold secrets (private keys, token.csv, kubeconfigs with credentials), kept
 * vault-encrypted where the run seals them: on the controller, when the run has a vault
 * password. The modules that write them (cert, kubeconfig, bootstrapToken) read the file on
 * disk as its plaintext and plan the write by comparing plaintexts, never ciphertexts: a new
 * salt makes every encryption different, and an unchanged key must not be written again on
 * every run. A plain file whose plaintext is already right is encrypted in place (the
 * migration of an existing PKI folder); nothing is issued again for it.
 *
 *   const keyFile = revealFile(ctx, probed);                      // stat.content: the plaintext
 *   planSecretFileWrite(ctx, keyFile, { content: pem, mode: "0600" }, sealsFiles(ctx, args.encrypt));
 */
import { planFileWrite, type ManagedFileResult, type ProbedFile, type WantedFile } from "../managed-file";
import { ModuleFailure, type ModuleContext, type Plan } from "../module";
import { displayPath } from "../remote-stat";
import { isVaultText } from "./envelope";
import { HOW_TO_GIVE_A_PASSWORD, Vault } from "./vault";

/** What a task knows of the run's vault (ModuleContext.vault). */
export interface TaskVault {
  readonly vault: Vault;
  /** the task runs on the controller and the run has a vault password: secret files written here are kept encrypted */
  readonly sealFiles: boolean;
}

/** A probed file; when its bytes on disk are vault-encrypted, `stat.content` is their plaintext and `sealed` the bytes on disk. */
export interface RevealedFile extends ProbedFile {
  sealed?: Buffer;
}

export function revealFile(ctx: ModuleContext, file: ProbedFile): RevealedFile {
  const content = file.stat.type === "file" ? file.stat.content : undefined;
  if (content === undefined || !isVaultText(content)) return file;
  const vault = ctx.vault?.vault ?? Vault.none();
  const plaintext = vault.reveal(content, displayPath(file.path));
  return { ...file, stat: { ...file.stat, content: plaintext }, sealed: content };
}

/** Whether this task keeps its secret files encrypted: the module's `encrypt` option, else the run's rule (TaskVault.sealFiles). */
export function sealsFiles(ctx: ModuleContext, encrypt: boolean | undefined): boolean {
  if (encrypt === undefined) return ctx.vault?.sealFiles ?? false;
  if (encrypt && !ctx.vault?.vault.hasPasswords) throw new ModuleFailure(`encrypt: true needs a vault password to encrypt with (${HOW_TO_GIVE_A_PASSWORD})`);
  return encrypt;
}

/**
 * The write of a secret file, never with a diff. Sealed: the bytes on disk are kept when
 * their plaintext is the wanted one (only mode or owner may change), else the wanted content
 * is encrypted with the run's vault. Not sealed: written as plain text.
 */
export function planSecretFileWrite(ctx: ModuleContext, file: RevealedFile, wanted: WantedFile, seal: boolean): Plan<ManagedFileResult> {
  const quiet = { ...ctx, diff: false };
  const plaintext = Buffer.isBuffer(wanted.content) ? wanted.content : Buffer.from(wanted.content, "utf8");
  const samePlaintext = file.stat.type === "file" && file.stat.content !== undefined && file.stat.content.equals(plaintext);
  if (!seal) {
    return planFileWrite(quiet, file, file.sealed && samePlaintext ? { ...wanted, rewriteSummary: (shown) => `decrypt ${shown} in place (content unchanged)` } : wanted);
  }
  const content = file.sealed && samePlaintext ? file.sealed : Buffer.from(ctx.vault!.vault.seal(plaintext), "latin1");
  return planFileWrite(quiet, file, { ...wanted, content, ...(!file.sealed && samePlaintext ? { rewriteSummary: (shown: string) => `encrypt ${shown} in place with the vault (content unchanged)` } : {}) });
}
