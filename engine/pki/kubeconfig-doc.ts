/**
 * A kubeconfig as `kubectl config set-cluster / set-credentials / set-context /
 * use-context --embed-certs=true` leave it: named entries in three lists and a current
 * context. Files are compared by meaning (entry order, base64 line breaks and YAML
 * style do not count), and shown in diffs the way `kubectl config view` shows them,
 * with keys and tokens redacted.
 */
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { RequestError } from "./request-error";

export type Doc = Record<string, unknown>;

export interface Entries {
  cluster: { name: string; server: string; certificateAuthority: Buffer };
  user: { name: string; token?: string; clientCertificate?: Buffer; clientKey?: Buffer };
  context: string;
  useContext: boolean;
}

const LISTS = ["clusters", "contexts", "users"] as const;
const isRecord = (value: unknown): value is Doc => value !== null && typeof value === "object" && !Array.isArray(value);

/** An empty file counts as an empty kubeconfig, as kubectl takes it. */
export function parseKubeconfig(text: string): Doc {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (error) {
    throw new RequestError(`it is not YAML (${(error as Error).message.split("\n")[0]})`);
  }
  if (doc === null || doc === undefined) return {};
  if (!isRecord(doc)) throw new RequestError("it is not a kubeconfig (not a YAML mapping)");
  for (const list of LISTS) if (doc[list] !== undefined && doc[list] !== null && !Array.isArray(doc[list])) throw new RequestError(`it is not a kubeconfig ('${list}' is not a list)`);
  return doc;
}

function withNamed(list: unknown, entry: Doc): Doc[] {
  const entries = (Array.isArray(list) ? list : []) as Doc[];
  const at = entries.findIndex((e) => isRecord(e) && e.name === entry.name);
  return at < 0 ? [...entries, entry] : entries.map((e, i) => (i === at ? entry : e));
}

const base64 = (data: Buffer) => data.toString("base64");

/** `existing` with our three entries set (each replaced whole) and, if asked, made current; other entries kept. */
export function mergeEntries(existing: Doc, entries: Entries): Doc {
  const { cluster, user } = entries;
  const credentials: Doc = user.token !== undefined ? { token: user.token } : { "client-certificate-data": base64(user.clientCertificate!), "client-key-data": base64(user.clientKey!) };
  const doc: Doc = { apiVersion: "v1", kind: "Config", preferences: {}, ...existing };
  doc.clusters = withNamed(existing.clusters, { name: cluster.name, cluster: { server: cluster.server, "certificate-authority-data": base64(cluster.certificateAuthority) } });
  doc.users = withNamed(existing.users, { name: user.name, user: credentials });
  doc.contexts = withNamed(existing.contexts, { name: entries.context, context: { cluster: cluster.name, user: user.name } });
  if (entries.useContext) doc["current-context"] = entries.context;
  return doc;
}

/** The form two files with the same meaning share: defaults filled, lists sorted by name, base64 re-encoded, keys sorted. */
function canonical(value: unknown, key = ""): unknown {
  if (typeof value === "string" && key.endsWith("-data")) return Buffer.from(value, "base64").toString("base64");
  if (Array.isArray(value)) {
    const items = value.map((v) => canonical(v));
    return LISTS.includes(key as (typeof LISTS)[number]) ? items.sort((a, b) => String((a as Doc)?.name).localeCompare(String((b as Doc)?.name))) : items;
  }
  if (!isRecord(value)) return value;
  return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical(value[k], k)]));
}

function withDefaults(doc: Doc): Doc {
  const filled: Doc = { apiVersion: "v1", kind: "Config", preferences: {}, "current-context": "", ...doc };
  for (const list of LISTS) filled[list] = doc[list] ?? [];
  return filled;
}

export function sameMeaning(a: Doc, b: Doc): boolean {
  return JSON.stringify(canonical(withDefaults(a))) === JSON.stringify(canonical(withDefaults(b)));
}

/** Names of what differs, for a summary: ["user kubelet-bootstrap", "current-context"]. */
export function changedParts(before: Doc, after: Doc): string[] {
  const parts: string[] = [];
  const entry = (doc: Doc, list: string, name: unknown) => JSON.stringify(canonical(((doc[list] ?? []) as Doc[]).find((e) => isRecord(e) && e.name === name)));
  for (const [list, word] of [["clusters", "cluster"], ["users", "user"], ["contexts", "context"]] as const) {
    for (const e of (after[list] ?? []) as Doc[]) if (entry(before, list, e.name) !== entry(after, list, e.name)) parts.push(`${word} ${String(e.name)}`);
  }
  if ((before["current-context"] ?? "") !== (after["current-context"] ?? "")) parts.push("current-context");
  return parts;
}

export function renderKubeconfig(doc: Doc): string {
  // sorted keys and unindented lists: the layout kubectl writes; no folding of long base64 lines
  return stringifyYaml(doc, { sortMapEntries: true, indentSeq: false, lineWidth: 0 });
}

const OMITTED: Record<string, string> = {
  "certificate-authority-data": "DATA+OMITTED",
  "client-certificate-data": "DATA+OMITTED",
  "client-key-data": "REDACTED",
  token: "REDACTED",
  password: "REDACTED",
};

/** What `kubectl config view` (without --raw) shows: no key, token or embedded data. */
export function redacted(value: unknown, key = ""): unknown {
  if (Object.hasOwn(OMITTED, key) && typeof value === "string") return OMITTED[key];
  if (Array.isArray(value)) return value.map((v) => redacted(v));
  if (!isRecord(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redacted(v, k)]));
}
