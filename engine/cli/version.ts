/** tsplay's version, from its package.json, for the report and `--version`-like messages. */
import { readFileSync } from "node:fs";

let version: string | undefined;

export function tsplayVersion(): string {
  version ??= String((JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version?: unknown }).version ?? "unknown");
  return version;
}
