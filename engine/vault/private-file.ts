/**
 * A plaintext the vault opened, as a file for a program that reads files (kubectl, an
 * editor): 0600 in a fresh folder only its owner can enter, for as long as `use` runs, then
 * overwritten (removing a name leaves the bytes on a disk that is not a tmpfs) and removed.
 *
 *   await withPrivateFile("tsplay-vault-edit-", "secrets.yml", plaintext, (path) => runEditor(path));
 */
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";

export async function withPrivateFile<T>(prefix: string, name: string, content: Buffer, use: (path: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const file = join(dir, basename(name));
  try {
    writeFileSync(file, content, { mode: 0o600, flag: "wx" });
    return await use(file);
  } finally {
    try {
      // as large as the program left it
      if (existsSync(file)) writeFileSync(file, Buffer.alloc(statSync(file).size));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
