/**
 * Which variables are secrets, for the places that show variables (`tsplay inventory`):
 * Ansible's connection and become passwords, and any variable, at any depth, whose name ends
 * in password, pass, passwd, passphrase, secret or token. This is the one place that decides
 * it; values a vault provides, once tsplay has one, are to be marked here too.
 *
 *   maskSecrets({ ansible_become_password: "x", db: { root_password: "y" }, port: 22 })
 *   // { ansible_become_password: "(hidden)", db: { root_password: "(hidden)" }, port: 22 }
 */
import type { Vars } from "./host-context";

export const HIDDEN_SECRET = "(hidden)";

const SECRET_NAME = /(^|_)(password|pass|passwd|passphrase|secret|token)$/i;

export const isSecretName = (name: string) => SECRET_NAME.test(name);

function mask(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(mask);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, isSecretName(key) && v !== null && v !== "" ? HIDDEN_SECRET : mask(v)]));
}

/** A copy of `vars` with every secret's value replaced by "(hidden)"; empty values stay as they are. */
export const maskSecrets = (vars: Vars): Vars => mask(vars) as Vars;
