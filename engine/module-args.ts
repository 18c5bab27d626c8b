/**
 * Argument specs: one declaration gives both the TypeScript type of a module's
 * arguments and the check that runs on them when the playbook loads.
 */
import { UserError } from "./errors";

interface TypeNames {
  string: string;
  number: number;
  boolean: boolean;
  /** file modes: "0644" or 0o644 */
  mode: string | number;
  strings: string[];
  list: unknown[];
  record: Record<string, unknown>;
  /** anything; written `{} | null` so that a function argument is still typed as `(h) => ...` */
  any: {} | null;
}

export type ArgType = keyof TypeNames;

export interface ArgField {
  type: ArgType;
  required?: boolean;
  choices?: readonly string[];
  /** may also be a single string where the type is `strings` */
  doc?: string;
}

export type ArgSpec = Record<string, ArgField>;

type FieldType<F extends ArgField> = F extends { choices: readonly (infer C)[] } ? C : TypeNames[F["type"]];
type RequiredKeys<S extends ArgSpec> = { [K in keyof S]: S[K] extends { required: true } ? K : never }[keyof S];
type OptionalKeys<S extends ArgSpec> = Exclude<keyof S, RequiredKeys<S>>;

export type SpecArgs<S extends ArgSpec> = { [K in RequiredKeys<S>]: FieldType<S[K]> } & {
  [K in OptionalKeys<S>]?: FieldType<S[K]>;
};

function typeMatches(type: ArgType, value: unknown): boolean {
  switch (type) {
    case "string":
      return typeof value === "string";
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    case "boolean":
      return typeof value === "boolean";
    case "mode":
      return (typeof value === "string" && /^0?[0-7]{3,4}$/.test(value) && parseInt(value, 8) <= 0o7777) || (typeof value === "number" && value >= 0 && value <= 0o7777);
    case "strings":
      return Array.isArray(value) && value.every((v) => typeof v === "string");
    case "list":
      return Array.isArray(value);
    case "record":
      return value !== null && typeof value === "object" && !Array.isArray(value);
    case "any":
      return true;
  }
}

export class ArgumentError extends UserError {
}

/**
 * Throws an ArgumentError naming the module and the option. At load time values that
 * are functions of the host are let through; they are checked again once resolved.
 */
export function validateArgs(
  def: { name: string; args: ArgSpec; check?(args: any): string | undefined },
  args: Record<string, unknown>,
  { allowFunctions }: { allowFunctions: boolean },
): void {
  if (args === null || typeof args !== "object" || Array.isArray(args)) {
    throw new ArgumentError(`${def.name}: arguments must be an object`);
  }
  for (const key of Object.keys(args)) {
    if (!(key in def.args)) {
      const known = Object.keys(def.args).join(", ");
      throw new ArgumentError(`${def.name}: unknown option '${key}' (options: ${known})`);
    }
  }
  let dynamic = false;
  for (const [key, field] of Object.entries(def.args)) {
    const value = args[key];
    if (value === undefined) {
      if (field.required) throw new ArgumentError(`${def.name}: option '${key}' is required`);
      continue;
    }
    if (typeof value === "function" && allowFunctions) {
      dynamic = true;
      continue;
    }
    if (!typeMatches(field.type, value)) {
      throw new ArgumentError(`${def.name}: option '${key}' must be ${field.type === "mode" ? "an octal mode like \"0644\"" : `a ${field.type}`}, got ${JSON.stringify(value)}`);
    }
    if (field.choices && !field.choices.includes(value as string)) {
      throw new ArgumentError(`${def.name}: option '${key}' must be one of ${field.choices.join(", ")}, got ${JSON.stringify(value)}`);
    }
  }
  if (!dynamic && def.check) {
    const problem = def.check(args);
    if (problem) throw new ArgumentError(`${def.name}: ${problem}`);
  }
}

/** "0644", "644" or 0o644 → "0644" */
export function normalizeMode(mode: string | number): string {
  const value = typeof mode === "number" ? mode : parseInt(mode, 8);
  return (value & 0o7777).toString(8).padStart(4, "0");
}
