/**
 * `-a` as Ansible reads it: `key=value` pairs, values shell-quoted (`msg="hello world"`), or
 * a JSON object (`-a '{"name": ["curl", "jq"]}'`); for command and shell the words that are
 * not one of their options are the command line, quotes kept (`-a 'chdir=/tmp ls "a b"'`).
 * Values take the type of the module's option: numbers, booleans (yes/no, true/false, on/off),
 * comma-separated lists, JSON objects. Option names may be Ansible's snake_case
 * (`update_cache` for `updateCache`). Then the module's own argument check runs, so that a
 * mistake is reported, with the module's options, before any host is contacted.
 *
 *   moduleArgsFromText(adhocModule("file"), "path=/tmp/x state=absent")  // { path: "/tmp/x", state: "absent" }
 */
import { toBoolean } from "../inventory/connection-vars";
import { ArgumentError, validateArgs, type ArgField, type ArgSpec } from "../module-args";
import { splitWords } from "../split-words";
import type { AdhocModule } from "./core-modules";

/** The words of `text` as written, quotes and backslashes kept: `a="b c" d` → [`a="b c"`, `d`]. */
function rawWords(text: string): string[] {
  const words: string[] = [];
  let word = "";
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      word += c;
      if (c === quote) quote = undefined;
      else if (c === "\\" && quote === '"' && i + 1 < text.length) word += text[++i];
      continue;
    }
    if (/\s/.test(c)) {
      if (word) words.push(word);
      word = "";
    } else if (c === "\\" && i + 1 < text.length) {
      word += c + text[++i];
    } else {
      if (c === "'" || c === '"') quote = c;
      word += c;
    }
  }
  if (quote) throw new ArgumentError(`-a: unterminated ${quote} quote in ${JSON.stringify(text)}`);
  if (word) words.push(word);
  return words;
}

/** `update_cache` → `updateCache` where the module's option is spelt so. */
function optionName(spec: ArgSpec, key: string): string {
  if (key in spec) return key;
  const camel = key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
  return camel in spec ? camel : key;
}

function typed(field: ArgField | undefined, value: string, list: boolean): unknown {
  if (list) return value.split(",").map((s) => s.trim()).filter(Boolean);
  switch (field?.type) {
    case "number":
      return /^\s*-?\d+(\.\d+)?\s*$/.test(value) ? Number(value) : value;
    case "boolean":
      try {
        return toBoolean(value, () => new Error());
      } catch {
        return value;
      }
    case "strings":
    case "list":
      return value.split(",").map((s) => s.trim()).filter(Boolean);
    case "record":
      try {
        return value.trimStart().startsWith("{") ? (JSON.parse(value) as unknown) : value;
      } catch {
        return value;
      }
    default:
      return value;
  }
}

/** The module's options as a person reads them: `path (string, required), state (directory|absent), ...` */
export function describeOptions(spec: ArgSpec): string {
  return Object.entries(spec)
    .map(([key, f]) => `${key} (${f.choices ? f.choices.join("|") : f.type === "mode" ? "octal mode" : f.type}${f.required ? ", required" : ""})`)
    .join(", ");
}

function parse(module: AdhocModule, text: string): Record<string, unknown> {
  const spec = module.definition.args;
  if (text.trim().startsWith("{")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new ArgumentError(`-a: not a JSON object: ${(error as Error).message}`);
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) throw new ArgumentError("-a: a JSON argument must be an object");
    return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [optionName(spec, k), v]));
  }
  const args: Record<string, unknown> = {};
  const commandLine: string[] = [];
  for (const raw of rawWords(text)) {
    const pair = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(raw);
    const key = pair && optionName(spec, pair[1]!);
    // a command line keeps its own `NAME=value` words: only the module's options are taken out
    const isOption = key !== null && (!module.freeForm || (key in spec && key !== "cmd" && key !== "argv"));
    if (!isOption) {
      if (!module.freeForm) throw new ArgumentError(`-a: '${raw}' is not key=value`);
      commandLine.push(raw);
      continue;
    }
    const value = splitWords(pair![2]!)[0] ?? "";
    args[key!] = typed(spec[key!], value, module.lists?.includes(key!) ?? false);
  }
  if (commandLine.length) args.cmd = commandLine.join(" ");
  return args;
}

export function moduleArgsFromText(module: AdhocModule, text: string): Record<string, unknown> {
  const name = module.definition.name;
  try {
    const args = parse(module, text);
    validateArgs(module.definition, args, { allowFunctions: false });
    return args;
  } catch (error) {
    if (!(error instanceof ArgumentError) && !(error instanceof SyntaxError)) throw error;
    const message = error.message.replace(/ \(options: [^)]*\)$/, "");
    throw new ArgumentError(`${message}; ${name} takes: ${describeOptions(module.definition.args)}`);
  }
}
