/**
 * Which variables are secrets, for the places that show variables (`tsplay inventory`):
 * Ansible's connection and become passwords, any variable, at any depth, whose name ends
 * in password, pass, passwd, passphrase, secret or token, and any value that holds one the
 * vault revealed (a vault-encrypted vars file's, a `!vault` value). This is the one place
 * that decides it.
 *
 *   maskSecrets({ ansible_become_password: "x", db: { root_password: "y" }, port: 22 })
 *   // { ansible_become_password: "(hidden)", db: { root_password: "(hidden)" }, port: 22 }
 *   maskVaultValues({ api_key: "from-the-vault", url: "https://x/?k=from-the-vault" }, vault.secrets)
 *   // { api_key: "(hidden)", url: "(hidden)" }
 */
import type { Vars } from "./host-context";
import { MASK, type SecretValues } from "./vault/secret-values";

export const HIDDEN_SECRET = MASK;

const SECRET_NAME = /(^|_)(password|pass|passwd|passphrase|secret|token)$/i;

export const isSecretName = (name: string) => SECRET_NAME.test(name);

function mask(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(mask);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, isSecretName(key) && v !== null && v !== "" ? HIDDEN_SECRET : mask(v)]));
}

/** A copy of `vars` with every secret's value replaced by "(hidden)"; empty values stay as they are. */
export const maskSecrets = (vars: Vars): Vars => mask(vars) as Vars;

/** A copy of `value` with every string that holds a value the vault revealed replaced, whole, by "(hidden)". */
export function maskVaultValues<T>(value: T, secrets: SecretValues): T {
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") return secrets.appearsIn(v) ? HIDDEN_SECRET : v;
    if (Array.isArray(v)) return v.map(walk);
    if (v === null || typeof v !== "object") return v;
    return Object.fromEntries(Object.entries(v).map(([key, item]) => [key, walk(item)]));
  };
  return walk(value) as T;
}
