/**
 * A command on the controller that must be handed a file the vault keeps encrypted (kubectl
 * and the admin kubeconfig of a PKI folder kept in the vault): it gets a decrypted copy,
 * 0600 in a folder only its owner can enter, for as long as it runs, then the copy is
 * overwritten and removed. A plain file, or a task on another host, gets the path as it is.
 *
 *   await withPlaintextCopy(ctx, "/root/ssl/admin.kubeconfig", (path) => ctx.conn.run(sh`kubectl --kubeconfig=${path} get nodes`));
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import type { ModuleContext } from "../module";
import { isVaultText } from "./envelope";
import { withPrivateFile } from "./private-file";

export async function withPlaintextCopy<T>(ctx: ModuleContext, path: string | undefined, use: (path: string | undefined) => Promise<T>): Promise<T> {
  // sealFiles: the task runs on the controller, where the vault keeps its files, and the run has the password
  if (path === undefined || !ctx.vault?.sealFiles || !existsSync(path) || !statSync(path).isFile()) return use(path);
  const bytes = readFileSync(path);
  if (!isVaultText(bytes)) return use(path);
  return withPrivateFile("tsplay-vault-copy-", path, ctx.vault.vault.reveal(bytes, path), use);
}
