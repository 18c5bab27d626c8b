/**
 * Where vault passwords come from, as Ansible takes them: `--vault-id LABEL@SOURCE` (SOURCE a
 * file, an executable or `prompt`), `--vault-password-file FILE` and the
 * TSPLAY_VAULT_PASSWORD_FILE environment variable (each for the default id), and
 * `--ask-vault-pass` (a prompt for the default id), tried in that order.
 *
 *   const sources = passwordSources({ vaultId: ["prod@~/.prod-pass"], vaultPasswordFile: [], askVaultPass: false }, process.env);
 *   const passwords = await readPasswords(sources);   // [{ label: "prod", password: <Buffer> }]
 *
 * A file's content is the password, whitespace around it left out. An executable file is
 * run, with no stdin and no arguments, and what it prints is the password, line ends around
 * it left out; one named `*-client` (`vault-keyring-client.py`) is a client script and is
 * asked `--vault-id LABEL`, exit code 2 meaning it has no password for that id.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { basename, extname } from "node:path";
import { readSecret } from "../read-secret";
import { DEFAULT_VAULT_ID, isVaultText } from "./envelope";
import { VaultError, type VaultPassword } from "./vault";

export const PASSWORD_FILE_VARIABLE = "TSPLAY_VAULT_PASSWORD_FILE";

/** The vault options as commander gives them (engine/cli/vault-options.ts). */
export interface VaultOptionValues {
  vaultId: string[];
  vaultPasswordFile: string[];
  askVaultPass?: boolean;
  encryptVaultId?: string;
}

export interface PasswordSource {
  label: string;
  /** "prompt", or a file */
  source: string;
  /** how the user gave it, for messages: `--vault-id prod@pass.txt` */
  given: string;
}

const CLIENT_NOT_FOUND = 2;

/** `label@source`, or a source alone for the default id; a label cannot hold ';' (it goes into the header). */
export function parseVaultId(value: string): PasswordSource {
  const at = value.indexOf("@");
  const label = at < 0 ? "" : value.slice(0, at);
  const source = at < 0 ? value : value.slice(at + 1);
  if (label.includes(";")) throw new VaultError(`--vault-id ${value}: a vault id cannot hold ';'`);
  if (source === "") throw new VaultError(`--vault-id ${value}: give a password source after '@' (a file, an executable, or prompt)`);
  return { label: label || DEFAULT_VAULT_ID, source, given: `--vault-id ${value}` };
}

export function passwordSources(opts: VaultOptionValues, env: NodeJS.ProcessEnv): PasswordSource[] {
  const fromEnv = env[PASSWORD_FILE_VARIABLE];
  return [
    ...opts.vaultId.map(parseVaultId),
    ...opts.vaultPasswordFile.map((file) => ({ label: DEFAULT_VAULT_ID, source: file, given: `--vault-password-file ${file}` })),
    ...(fromEnv ? [{ label: DEFAULT_VAULT_ID, source: fromEnv, given: `${PASSWORD_FILE_VARIABLE}=${fromEnv}` }] : []),
    ...(opts.askVaultPass ? [{ label: DEFAULT_VAULT_ID, source: "prompt", given: "--ask-vault-pass" }] : []),
  ];
}

/** Python's bytes.strip(chars): those bytes taken off both ends. */
function stripBytes(data: Buffer, chars: string): Buffer {
  let start = 0;
  let end = data.length;
  while (start < end && chars.includes(String.fromCharCode(data[start]!))) start++;
  while (end > start && chars.includes(String.fromCharCode(data[end - 1]!))) end--;
  return data.subarray(start, end);
}

const WHITESPACE = " \t\n\r\x0b\x0c";
const LINE_ENDS = "\r\n";

function isExecutableFile(path: string, given: string): boolean {
  let info;
  try {
    info = statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new VaultError(code === "ENOENT" ? "no such file" : `cannot be read (${code})`, given);
  }
  if (!info.isFile()) throw new VaultError("is not a file", given);
  return (info.mode & 0o111) !== 0;
}

function runScript(path: string, label: string, given: string): Buffer {
  const name = basename(path, extname(path));
  const client = name.endsWith("-client");
  const result = spawnSync(path, client ? ["--vault-id", label] : [], { stdio: ["ignore", "pipe", "pipe"], maxBuffer: 1024 * 1024 });
  if (result.error) throw new VaultError(`the executable cannot be run (${(result.error as NodeJS.ErrnoException).code ?? result.error.message}); if it is not a script, remove its executable bit`, given);
  const said = result.stderr.toString("utf8").trim().split("\n")[0];
  if (client && result.status === CLIENT_NOT_FOUND) throw new VaultError(`the client script has no password for vault id '${label}'${said ? `: ${said}` : ""}`, given);
  if (result.status !== 0) throw new VaultError(`the password script ${result.signal ? `was killed by ${result.signal}` : `exited with ${result.status}`}${said ? `: ${said}` : ""}`, given);
  return stripBytes(result.stdout, LINE_ENDS);
}

function readPasswordFile(path: string, given: string): Buffer {
  let content: Buffer;
  try {
    content = readFileSync(path);
  } catch (error) {
    throw new VaultError(`cannot be read (${(error as NodeJS.ErrnoException).code})`, given);
  }
  const password = stripBytes(content, WHITESPACE);
  // Ansible opens such a file with the passwords given before it; a password kept in the vault it opens is a loop we do not follow
  if (isVaultText(password)) throw new VaultError("is itself vault-encrypted; give the password file in plain text (kept private, 0600)", given);
  return password;
}

async function ask(source: PasswordSource, confirm: boolean): Promise<Buffer> {
  const named = source.given === "--ask-vault-pass" ? "" : ` (${source.label})`;
  const how = { option: source.given, instead: "give --vault-password-file FILE instead" };
  const first = (await readSecret(confirm ? `New vault password${named}: ` : `Vault password${named}: `, how)).trim();
  if (confirm && (await readSecret(`Confirm new vault password${named}: `, how)).trim() !== first) throw new VaultError("the passwords do not match", source.given);
  return Buffer.from(first, "utf8");
}

/** Each source's password, in order; `confirm` asks twice at a prompt (a new password to encrypt with). */
export async function readPasswords(sources: PasswordSource[], { confirm = false }: { confirm?: boolean } = {}): Promise<VaultPassword[]> {
  const passwords: VaultPassword[] = [];
  for (const source of sources) {
    let password: Buffer;
    if (source.source === "prompt") password = await ask(source, confirm);
    else if (isExecutableFile(source.source, source.given)) password = runScript(source.source, source.label, source.given);
    else password = readPasswordFile(source.source, source.given);
    if (password.length === 0) throw new VaultError("gives an empty password", source.given);
    passwords.push({ label: source.label, password });
  }
  return passwords;
}
