/**
 * A fresh folder under the system's temp folder, removed after the test file that made it
 * (vitest collects the hook below with the suite of each file importing this module).
 *
 *   const dir = tempDir("tsplay-loop-");
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";

const made: string[] = [];
afterAll(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}
