/**
 * The vault options every command that reads vars takes (a playbook run, `adhoc`,
 * `inventory`, `vault`), with Ansible's names and aliases, and the run's Vault made from them.
 *
 *   addVaultOptions(new Command("tsplay inventory"));
 *   const vault = await vaultFromOptions(cli.opts());   // Vault.none() when no option was given
 */
import type { Command } from "commander";
import { passwordSources, readPasswords, type VaultOptionValues } from "../vault/password-sources";
import { Vault } from "../vault/vault";
import { collect } from "./option-parsers";

export function addVaultOptions(command: Command, { encrypting = true }: { encrypting?: boolean } = {}): Command {
  command
    .option("--vault-id <id>", "a vault password: LABEL@FILE, LABEL@prompt, or FILE for the default id (repeatable)", collect, [])
    .option("--vault-pass-file, --vault-password-file <file>", "the vault password: a file, or an executable printing it (repeatable)", collect, [])
    .option("--ask-vault-password, --ask-vault-pass", "ask for the vault password");
  if (encrypting) command.option("--encrypt-vault-id <label>", "the vault id new vault texts are encrypted for (a run: default the first given; tsplay vault: needed with several)");
  return command;
}

/** The vault options as the report and other listings show them: sources are files or `prompt`, never passwords. */
export function describeVaultOptions(opts: VaultOptionValues): string[] {
  return [
    ...opts.vaultId.map((id) => `--vault-id ${id}`),
    ...opts.vaultPasswordFile.map((file) => `--vault-password-file ${file}`),
    ...(opts.askVaultPass ? ["--ask-vault-pass"] : []),
    ...(opts.encryptVaultId !== undefined ? [`--encrypt-vault-id ${opts.encryptVaultId}`] : []),
  ];
}

export async function vaultFromOptions(opts: VaultOptionValues, env: NodeJS.ProcessEnv = process.env): Promise<Vault> {
  const sources = passwordSources(opts, env);
  if (sources.length === 0 && opts.encryptVaultId === undefined) return Vault.none();
  return new Vault(await readPasswords(sources), { encryptId: opts.encryptVaultId });
}
