/**
 * `tsplay vault edit FILE` and `create FILE`: the plaintext goes into a private temporary
 * file (0600, in a folder only its owner can enter), the editor ($EDITOR, else vi) opens it,
 * and the file is sealed again only when the content changed — with the password that
 * opened it and the vault id its header named, as ansible-vault keeps them. The plaintext
 * is overwritten and removed afterwards whatever happens: the editor failing, quitting
 * without saving (a non-zero exit, as vim's :cq, saves nothing), or Ctrl-C.
 *
 *   await editVaultFile("group_vars/all/vault.yml", vault);
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { shlexSplit } from "../../inventory/shlex";
import { withPrivateFile } from "../../vault/private-file";
import { sealText, VaultError, type Vault } from "../../vault/vault";
import { readInput, writeOutput } from "./files";

function editorCommand(file: string): string[] {
  const words = shlexSplit(process.env.EDITOR || "vi", false);
  if (words.length === 0) throw new VaultError("EDITOR is empty; set it to your editor, e.g. EDITOR=vi");
  return [...words, file];
}

/** Runs the editor on the terminal; tsplay itself ignores Ctrl-C meanwhile, so that it can still clean up. */
function runEditor(file: string): Promise<void> {
  const [command, ...args] = editorCommand(file);
  const ignore = () => {};
  process.on("SIGINT", ignore);
  process.on("SIGTERM", ignore);
  return new Promise<void>((resolve, reject) => {
    const child = spawn(command!, args, { stdio: "inherit" });
    child.on("error", (error: NodeJS.ErrnoException) => reject(new VaultError(`the editor '${command}' cannot be run (${error.code ?? error.message}); set EDITOR`)));
    child.on("exit", (code, signal) => {
      if (code === 0) resolve();
      else reject(new VaultError(`the editor ${signal ? `was stopped by ${signal}` : `exited with ${code}`}; nothing was saved`));
    });
  }).finally(() => {
    process.off("SIGINT", ignore);
    process.off("SIGTERM", ignore);
  });
}

/** The edited plaintext, or undefined when it is what the file held. */
async function editPlaintext(name: string, plaintext: Buffer): Promise<Buffer | undefined> {
  return withPrivateFile("tsplay-vault-edit-", name, plaintext, async (file) => {
    await runEditor(file);
    const edited = readFileSync(file);
    return edited.equals(plaintext) ? undefined : edited;
  });
}

/** Returns whether the file was changed. */
export async function editVaultFile(path: string, vault: Vault): Promise<boolean> {
  const opened = vault.openWithLabel(readInput(path), path);
  const edited = await editPlaintext(path, opened.plaintext);
  if (edited === undefined) return false;
  writeOutput(path, sealText(edited, opened.used.password, opened.header), { keepModeOf: path });
  return true;
}

export async function createVaultFile(path: string, vault: Vault): Promise<void> {
  if (existsSync(path)) throw new VaultError("exists; use tsplay vault edit", path);
  const written = await editPlaintext(path, Buffer.alloc(0));
  writeOutput(path, vault.seal(written ?? Buffer.alloc(0)));
}
