/**
 * The -e (--extra-vars) values of a run, merged in order, later ones winning: `key=value`, a JSON object,
 * or `@file`, a YAML or JSON mapping read as inventory vars files are (YAML 1.1, aliases bounded, a
 * vault-encrypted file or `!vault` values opened with the run's vault).
 * Each mistake is one ExtraVarsError line naming the option and, for a file, the file and line.
 *
 *   loadExtraVars(["pki_dir=/root/ssl", "@secrets.yml"], vault)   // { pki_dir: "/root/ssl", ...secrets.yml }
 */
import { UserError } from "./errors";
import { readFileSync } from "node:fs";
import type { Vars } from "./host-context";
import type { Vault } from "./vault/vault";
import { InventoryError } from "./inventory";
import { describe, isPlainObject } from "./inventory/yaml";
import { readYaml } from "./inventory/yaml-text";
import { parseExtraVar } from "./vars";

export class ExtraVarsError extends UserError {}

export function loadExtraVars(values: string[], vault?: Vault): Vars {
  return Object.assign({}, ...values.map((value) => (value.startsWith("@") ? readVarsFile(value.slice(1), vault) : readInline(value))));
}

function readInline(value: string): Vars {
  try {
    return parseExtraVar(value);
  } catch (e) {
    // JSON.parse names neither the option nor the object, and the object itself may be long or hold a password
    if (e instanceof SyntaxError) throw new ExtraVarsError(`-e {...}: not valid JSON (${firstLine(e.message)})`);
    throw new ExtraVarsError(firstLine((e as Error).message));
  }
}

function readVarsFile(path: string, vault: Vault | undefined): Vars {
  const option = `-e @${path}`;
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new ExtraVarsError(`${option}: ${unreadable(e as NodeJS.ErrnoException)}`);
  }
  let data: unknown;
  try {
    data = readYaml(text, path, vault).data;
  } catch (e) {
    if (!(e instanceof InventoryError)) throw e;
    throw new ExtraVarsError(`${option}${e.line === undefined ? "" : `:${e.line}`}: ${e.reason}`);
  }
  if (!isPlainObject(data)) throw new ExtraVarsError(`${option}: expected a mapping of variable names to values, got ${describe(data)}`);
  return data;
}

function unreadable(e: NodeJS.ErrnoException): string {
  if (e.code === "ENOENT") return "no such file";
  if (e.code === "EISDIR") return "is a directory; give a YAML or JSON file";
  return `cannot be read (${firstLine(e.message).split(",")[0]})`;
}

function firstLine(text: string): string {
  return text.split("\n")[0];
}
