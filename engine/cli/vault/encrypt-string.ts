/**
 * `tsplay vault encrypt-string`: each string as the YAML ansible-vault encrypt_string
 * prints, to paste into a vars file:
 *
 *   db_password: !vault |
 *             $ANSIBLE_VAULT;1.1;AES256
 *             6338376465...
 *
 * Strings come from the arguments (named in order by `--name`), from stdin (`-`, no
 * argument, or `--stdin-name`), or from a hidden prompt (`--prompt`).
 *
 *   tsplay vault encrypt-string --vault-password-file pw --name db_password 'hunter2'
 *   printf %s hunter2 | tsplay vault encrypt-string --vault-password-file pw --stdin-name db_password
 */
import { createInterface } from "node:readline";
import { readSecret } from "../../read-secret";
import { VaultError, type Vault } from "../../vault/vault";

export interface EncryptStringOptions {
  name: string[];
  stdinName?: string;
  prompt?: boolean;
  showInput?: boolean;
}

export interface NamedString {
  name?: string;
  plaintext: Buffer;
  /** where it came from, for the comments that tell several apart */
  from: string;
}

const INDENT = " ".repeat(10);

/** Ansible's block: `NAME: !vault |` (or `!vault |`), then the vault text indented ten spaces. */
export function vaultYaml(vaultText: string, name?: string): string {
  const lines = vaultText.trimEnd().split("\n").map((line) => INDENT + line);
  return [`${name === undefined ? "" : `${name}: `}!vault |`, ...lines].join("\n");
}

function askLine(prompt: string): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    rl.question(prompt, (answer) => {
      rl.close();
      resolve(answer);
    });
  });
}

export async function stringsToEncrypt(args: string[], opts: EncryptStringOptions): Promise<NamedString[]> {
  const strings: NamedString[] = [];
  const fromStdin = args.includes("-") || opts.stdinName !== undefined || (args.length === 0 && !opts.prompt);
  if (opts.prompt) {
    if (fromStdin) throw new VaultError("--prompt cannot be used while a string is read from stdin ('-' or --stdin-name)");
    if (!process.stdin.isTTY) throw new VaultError("--prompt needs a terminal");
    const name = await askLine("Variable name (enter for no name): ");
    const text = opts.showInput ? await askLine("String to encrypt: ") : await readSecret("String to encrypt (hidden): ", { option: "--prompt", instead: "give the string as an argument" });
    if (text === "") throw new VaultError("the string given at the prompt is empty; nothing was encrypted");
    strings.push({ name: name || undefined, plaintext: Buffer.from(text, "utf8"), from: "the prompt" });
  } else if (fromStdin) {
    if (process.stdin.isTTY) process.stderr.write("Reading the string to encrypt from stdin (Ctrl-D to end, twice if it does not end with a newline)\n");
    const text = await new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      process.stdin.on("data", (chunk: Buffer) => chunks.push(chunk)).on("end", () => resolve(Buffer.concat(chunks))).on("error", reject);
    });
    if (text.length === 0) throw new VaultError("stdin was empty; nothing was encrypted");
    strings.push({ name: opts.stdinName, plaintext: text, from: "stdin" });
  }
  const named = args.filter((arg) => arg !== "-");
  if (opts.name.length > 0 && named.length > opts.name.length) {
    // the strings themselves are never repeated: they are the secrets
    process.stderr.write(`${named.length} strings and ${opts.name.length} --name options: the strings after the last name have no name\n`);
  }
  for (const [i, text] of named.entries()) {
    if (text === "") throw new VaultError("an empty string was given; nothing was encrypted");
    strings.push({ name: opts.name[i], plaintext: Buffer.from(text, "utf8"), from: "the command line" });
  }
  return strings;
}

/** The YAML of each string, for stdout; with several, `note` gets (for stderr, as ansible-vault) which is which. */
export function encryptStrings(strings: NamedString[], vault: Vault, note: (line: string) => void): string {
  return strings
    .map((s, i) => {
      if (strings.length > 1) note(`# The encrypted version of ${s.name === undefined ? "" : `variable "${s.name}", `}the string #${i + 1} from ${s.from}.`);
      return vaultYaml(vault.seal(s.plaintext), s.name);
    })
    .join("\n");
}
