/**
 * Variable precedence, lowest first (later layers replace earlier ones, key by key):
 *
 *   role defaults < inventory (all < parent groups < child groups < host)
 *   < facts < play vars < role vars < block/task vars < registered/set facts
 *   < role parameters (`.with()`) < extra vars
 *
 * Role defaults, vars and parameters are those of the role use the task belongs to only.
 * The inventory orders its own layers (see Inventory.varsFor).
 */
import { UserError } from "./errors";
import type { Vars } from "./host-context";

export interface VarLayers {
  roleDefaults: Vars;
  inventory: Vars;
  facts: Vars;
  play: Vars;
  roleVars: Vars;
  /** block vars outer to inner, then the task's own */
  scoped: Vars[];
  hostFacts: Vars;
  roleParams: Vars;
  extra: Vars;
}

export function mergeVars(layers: VarLayers): Vars {
  return Object.assign(
    {},
    layers.roleDefaults,
    layers.inventory,
    layers.facts,
    layers.play,
    layers.roleVars,
    ...layers.scoped,
    layers.hostFacts,
    layers.roleParams,
    layers.extra,
  );
}

/** `-e key=value` (a string, as in Ansible) or `-e '{"json": "object"}'`; `-e @file` is read by extra-vars.ts. */
export function parseExtraVar(text: string): Vars {
  if (text.trimStart().startsWith("{")) {
    const parsed: unknown = JSON.parse(text);
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) throw new UserError(`-e: '${text}' is not a JSON object`);
    return parsed as Vars;
  }
  const eq = text.indexOf("=");
  if (eq <= 0) throw new UserError(`-e expects key=value, @file.yaml or a JSON object, got '${text}'`);
  return { [text.slice(0, eq)]: text.slice(eq + 1) };
}
