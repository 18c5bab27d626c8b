/**
 * The controller's files as a run sees them. Under --check nothing is written, so a file an
 * earlier task would have written on the controller (a certificate the ca play issues
 * again, a kubeconfig embedding it) is kept here with the content its plan predicted; the
 * tasks after it that read controller files (copy's and template's `src`, kubeconfig's
 * certificates, `h.controllerFile`) then see what a real run would have left, and --check
 * predicts their changes too instead of comparing against the old file.
 *
 * A vault-encrypted file reads as its plaintext, opened in memory with the run's vault (a
 * PKI folder kept in the vault: copy sends its files to hosts decrypted, kubeconfig embeds
 * them), and what it holds is masked in output.
 *
 *   const files = new ControllerFiles(vault);
 *   files.predict("/root/ssl/kubernetes.pem", newPem);   // the runner, for a predicted write
 *   files.read("/root/ssl/kubernetes-key.pem");           // a module reading it later: the plaintext
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { isVaultText } from "./vault/envelope";
import { Vault } from "./vault/vault";

export class ControllerFiles {
  private readonly predicted = new Map<string, Buffer>();

  constructor(private readonly vault: Vault = Vault.none()) {}

  /** Under --check: `path` holds `content` for the rest of the run. */
  predict(path: string, content: Buffer | string): void {
    this.predicted.set(resolve(path), Buffer.isBuffer(content) ? content : Buffer.from(content, "utf8"));
  }

  /** The file's bytes as the run sees them (decrypted), or undefined when it is not there (or not a file). A VaultError when it does not open. */
  read(path: string): Buffer | undefined {
    const bytes = this.predicted.get(resolve(path)) ?? (existsSync(path) && statSync(path).isFile() ? readFileSync(path) : undefined);
    if (bytes === undefined || !isVaultText(bytes)) return bytes;
    return this.vault.reveal(bytes, path);
  }

  /** "file", "directory" or undefined, as the run sees it. */
  kind(path: string): "file" | "directory" | undefined {
    if (this.predicted.has(resolve(path))) return "file";
    if (!existsSync(path)) return undefined;
    return statSync(path).isDirectory() ? "directory" : "file";
  }
}
