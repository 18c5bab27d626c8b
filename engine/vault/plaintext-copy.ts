/**
 * A command on the controller that must be handed a file the vault keeps encrypted (kubectl
 * and the admin kubeconfig of a PKI folder kept in the vault): it gets a decrypted copy,
 * 0600 in a folder only its owner can enter, for as long as it runs, then the copy is
 * overwritten and removed. A plain file, or a task on another host, gets the path as it is.
 *
 *   await withPlaintextCopy(ctx, "/root/ssl/admin.kubeconfig", (path) => ctx.conn.run(sh`kubectl --kubeconfig=${path} get nodes`));
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import type { ModuleContext } from "../module";
import { isVaultText } from "./envelope";

export async function withPlaintextCopy<T>(ctx: ModuleContext, path: string | undefined, use: (path: string | undefined) => Promise<T>): Promise<T> {
  // sealFiles: the task runs on the controller, where the vault keeps its files, and the run has the password
  if (path === undefined || !ctx.vault?.sealFiles || !existsSync(path) || !statSync(path).isFile()) return use(path);
  const bytes = readFileSync(path);
  if (!isVaultText(bytes)) return use(path);
  const plaintext = ctx.vault.vault.reveal(bytes, path);
  const dir = mkdtempSync(join(tmpdir(), "tsplay-vault-copy-"));
  const copy = join(dir, basename(path));
  try {
    writeFileSync(copy, plaintext, { mode: 0o600, flag: "wx" });
    return await use(copy);
  } finally {
    try {
      writeFileSync(copy, Buffer.alloc(plaintext.length));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
