/**
 * The passwords `tsplay vault` works with, found as ansible-vault finds them: the vault
 * options, TSPLAY_VAULT_PASSWORD_FILE, else a prompt when there is a terminal (asked twice
 * for a new password). To encrypt there must be one id to encrypt for: several need
 * `--encrypt-vault-id`, as in Ansible.
 *
 *   const vault = await openingVault(opts);     // decrypt, view, edit, rekey
 *   const vault = await sealingVault(opts);     // encrypt, encrypt-string, create
 */
import { DEFAULT_VAULT_ID } from "../../vault/envelope";
import { parseVaultId, passwordSources, readPasswords, type PasswordSource, type VaultOptionValues } from "../../vault/password-sources";
import { HOW_TO_GIVE_A_PASSWORD, Vault, VaultError } from "../../vault/vault";

const PROMPT: PasswordSource = { label: DEFAULT_VAULT_ID, source: "prompt", given: "--ask-vault-pass" };

function sourcesOrPrompt(opts: VaultOptionValues): PasswordSource[] {
  const sources = passwordSources(opts, process.env);
  if (sources.length > 0) return sources;
  if (!process.stdin.isTTY) throw new VaultError(`a vault password is needed: give ${HOW_TO_GIVE_A_PASSWORD}`);
  return [PROMPT];
}

export async function openingVault(opts: VaultOptionValues): Promise<Vault> {
  return new Vault(await readPasswords(sourcesOrPrompt(opts)));
}

export async function sealingVault(opts: VaultOptionValues): Promise<Vault> {
  const passwords = await readPasswords(sourcesOrPrompt(opts), { confirm: true });
  const labels = [...new Set(passwords.map((p) => p.label))];
  if (labels.length > 1 && opts.encryptVaultId === undefined) {
    throw new VaultError(`the vault ids ${labels.join(", ")} are available to encrypt with: choose one with --encrypt-vault-id`);
  }
  return new Vault(passwords, { encryptId: opts.encryptVaultId });
}

/** rekey's new password: --new-vault-password-file, --new-vault-id LABEL@SOURCE, else a prompt (asked twice). */
export async function newPasswordVault(opts: { newVaultPasswordFile?: string; newVaultId?: string }): Promise<Vault> {
  if (opts.newVaultPasswordFile !== undefined && opts.newVaultId !== undefined) throw new VaultError("give --new-vault-password-file or --new-vault-id, not both");
  let source: PasswordSource;
  if (opts.newVaultId !== undefined) source = { ...parseVaultId(opts.newVaultId), given: `--new-vault-id ${opts.newVaultId}` };
  else if (opts.newVaultPasswordFile !== undefined) source = { label: DEFAULT_VAULT_ID, source: opts.newVaultPasswordFile, given: `--new-vault-password-file ${opts.newVaultPasswordFile}` };
  else if (process.stdin.isTTY) source = { ...PROMPT, given: "the new password" };
  else throw new VaultError("a new vault password is needed: give --new-vault-password-file FILE or --new-vault-id LABEL@SOURCE");
  return new Vault(await readPasswords([source], { confirm: true }));
}
