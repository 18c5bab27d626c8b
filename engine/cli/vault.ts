/**
 * `tsplay vault ACTION`: Ansible's ansible-vault, with its actions, options and file format,
 * so that files either tool writes the other reads.
 *
 *   tsplay vault encrypt group_vars/all/vault.yml --vault-password-file ~/.vault-pass
 *   tsplay vault view group_vars/all/vault.yml --vault-id prod@prompt
 *   tsplay vault edit group_vars/all/vault.yml --vault-password-file ~/.vault-pass
 *   tsplay vault rekey pki/*-key.pem --vault-password-file old --new-vault-password-file new
 *   tsplay vault encrypt-string --vault-password-file ~/.vault-pass --name db_password 'hunter2'
 *
 * Without a file, encrypt and decrypt read stdin and write stdout. What they write into a
 * file is 0600, written atomically; rekey and edit keep the file's mode.
 */
import { realpathSync } from "node:fs";
import { Command } from "commander";
import { increase } from "./option-parsers";
import { parseSubcommandAsync } from "./subcommand";
import { EXIT } from "../run/playbook-runner";
import { isVaultText } from "../vault/envelope";
import type { VaultOptionValues } from "../vault/password-sources";
import { VaultError } from "../vault/vault";
import { printError } from "./run-from-cli";
import { createVaultFile, editVaultFile } from "./vault/edit";
import { encryptStrings, stringsToEncrypt, type EncryptStringOptions } from "./vault/encrypt-string";
import { readInput, STDIO, writeOutput } from "./vault/files";
import { newPasswordVault, openingVault, sealingVault } from "./vault/passwords";
import { addVaultOptions } from "./vault-options";

interface VaultCommandOptions extends VaultOptionValues {
  output?: string;
  verbose: number;
}

const shownName = (file: string) => (file === STDIO ? "stdin" : file);
// a symlink stays one: its target is what is encrypted or decrypted, as ansible-vault does
const target = (file: string) => (file === STDIO ? file : realpathSync(file));
const say = (line: string) => process.stderr.write(`${line}\n`);

function inputsOf(files: string[], opts: VaultCommandOptions, reading: string): string[] {
  if (opts.output !== undefined && files.length > 1) throw new VaultError("--output takes one input file; give the files one at a time");
  if (files.length === 0 && process.stdin.isTTY) say(`Reading ${reading} from stdin`);
  return files.length ? files : [STDIO];
}

async function encrypt(files: string[], opts: VaultCommandOptions): Promise<void> {
  const vault = await sealingVault(opts);
  for (const file of inputsOf(files, opts, "plaintext")) {
    const data = readInput(file);
    if (isVaultText(data)) throw new VaultError("is already vault-encrypted", shownName(file));
    writeOutput(opts.output ?? target(file), vault.seal(data));
  }
  if (process.stdout.isTTY) say("Encryption successful");
}

async function decrypt(files: string[], opts: VaultCommandOptions): Promise<void> {
  const vault = await openingVault(opts);
  for (const file of inputsOf(files, opts, "vault text")) {
    const data = readInput(file);
    if (!isVaultText(data)) throw new VaultError("is not vault-encrypted", shownName(file));
    writeOutput(opts.output ?? target(file), vault.open(data, shownName(file)));
  }
  if (process.stdout.isTTY) say("Decryption successful");
}

async function view(files: string[], opts: VaultCommandOptions): Promise<void> {
  const vault = await openingVault(opts);
  for (const file of files) writeOutput(STDIO, vault.open(readInput(file), file));
}

async function edit(files: string[], opts: VaultCommandOptions): Promise<void> {
  const vault = await openingVault(opts);
  for (const file of files) if (!(await editVaultFile(target(file), vault))) say(`${file}: unchanged, left as it was`);
}

async function create(file: string, opts: VaultCommandOptions): Promise<void> {
  await createVaultFile(file, await sealingVault(opts));
}

async function rekey(files: string[], opts: VaultCommandOptions & { newVaultPasswordFile?: string; newVaultId?: string }): Promise<void> {
  const vault = await openingVault(opts);
  const renewed = await newPasswordVault(opts);
  for (const file of files) {
    const plaintext = vault.open(readInput(file), file);
    writeOutput(target(file), renewed.seal(plaintext), { keepModeOf: target(file) });
  }
  say("Rekey successful");
}

async function encryptString(strings: string[], opts: VaultCommandOptions & EncryptStringOptions): Promise<void> {
  const toEncrypt = await stringsToEncrypt(strings, opts);
  const vault = await sealingVault(opts);
  writeOutput(opts.output ?? STDIO, `${encryptStrings(toEncrypt, vault, say)}\n`);
  if (process.stdout.isTTY) say("Encryption successful");
}

function program(): Command {
  const root = new Command("tsplay vault")
    .description("Encrypts and decrypts files and strings in Ansible Vault's format, as ansible-vault does")
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });
  const action = (name: string, description: string, { encrypting, output }: { encrypting: boolean; output: boolean }) => {
    const command = addVaultOptions(root.command(name).description(description), { encrypting }).option("-v, --verbose", "stack traces of errors with -vvv", increase, 0);
    return output ? command.option("--output <file>", "write here instead of over the file; - for stdout") : command;
  };
  action("encrypt", "encrypt files in place (stdin to stdout without one)", { encrypting: true, output: true })
    .argument("[files...]")
    .action(encrypt);
  action("decrypt", "decrypt files in place (stdin to stdout without one)", { encrypting: false, output: true })
    .argument("[files...]")
    .action(decrypt);
  action("view", "print the plaintext of vault files", { encrypting: false, output: false })
    .argument("<files...>")
    .action(view);
  action("edit", "edit vault files in $EDITOR; saved encrypted only when changed", { encrypting: false, output: false })
    .argument("<files...>")
    .action(edit);
  action("create", "a new vault file, written in $EDITOR", { encrypting: true, output: false })
    .argument("<file>")
    .action(create);
  action("rekey", "encrypt vault files again with a new password", { encrypting: false, output: false })
    .argument("<files...>")
    .option("--new-vault-password-file <file>", "the new password: a file, or an executable printing it")
    .option("--new-vault-id <id>", "the new password with its vault id: LABEL@FILE or LABEL@prompt")
    .action(rekey);
  action("encrypt-string", "strings as `NAME: !vault |` YAML to paste into a vars file", { encrypting: true, output: true })
    .alias("encrypt_string")
    .argument("[strings...]", "the strings; - or none reads one from stdin")
    .option("-n, --name <name>", "the variable name of each string, in order (repeatable)", (value: string, previous: string[] = []) => [...previous, value], [])
    .option("--stdin-name <name>", "the variable name of the string read from stdin")
    .option("-p, --prompt", "ask for the string (hidden) and its name")
    .option("--show-input", "with --prompt: show the string as it is typed")
    .action(encryptString);
  return root;
}

/** `argv` as process.argv: node, script, "vault", ACTION, ... */
export async function vaultCommand(argv: string[]): Promise<number> {
  const cli = program();
  let verbose = 0;
  cli.hook("preAction", (_root, action) => {
    verbose = action.opts<VaultCommandOptions>().verbose;
  });
  try {
    return (await parseSubcommandAsync(cli, argv)) ?? EXIT.ok;
  } catch (error) {
    printError(error, verbose);
    return EXIT.error;
  }
}
