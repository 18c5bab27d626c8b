/**
 * kubectl: Kubernetes objects applied or created, node CSRs approved, objects read, with
 * kubectl on the task's host.
 *
 *   task("bootstrap binding", kubectl({ create: ["clusterrolebinding", "kubelet-bootstrap",
 *     "--clusterrole=system:node-bootstrapper", "--user=kubelet-bootstrap"] }))
 *   task("approve kubelets", kubectl({ approveCsrs: "kubelet-bootstrap" }))
 *   task("dns", kubectl({ src: "kube-dns.yaml", force: true }))  // a controller file, like copy's src
 *   task("settings", kubectl({ apply: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "s" }, data: { a: "1" } } }))
 *   task("csrs", kubectl({ get: ["csr"] }), { register: "csrs" })
 *   task("cordoned", kubectl({ run: ["cordon", "10.0.0.5"] }))   // any other kubectl command: always a change
 *
 * The kubeconfig is the task's `kubeconfig`, else the host variable `kubectl_kubeconfig`
 * (a role sets it once in its defaults), else kubectl's own default.
 * `apply` reads the objects with one `kubectl get -f -` and runs `kubectl apply` only when
 * one would change: an object is unchanged when every field of the manifest has its value
 * in the live object (scalars compared as text, so 1 and "1" agree) and its
 * last-applied-configuration annotation means the same manifest — exactly when kubectl's
 * own three-way patch is empty. `create` makes the object with `kubectl create ...
 * --dry-run=client` and creates it only when no object of that kind and name exists (it
 * never changes one that does). `approveCsrs` approves the pending CSRs requested by that
 * user. `run` runs any other kubectl command (cordon, drain, delete node) as `command`
 * would, always a change, with the same kubeconfig (so one the vault keeps works as well;
 * a command that writes its kubeconfig would write that copy, so leave those to `command`).
 * Under --check a server that cannot be reached yet is reported as "would ...".
 * With `force`, an object whose change the server refuses (an immutable field, such as a
 * Service's clusterIP) is deleted and created again (`kubectl apply --force`).
 */
import { isDeepStrictEqual } from "node:util";
import { parseAllDocuments, stringify } from "yaml";
import { readSource } from "../engine/managed-file";
import { defineModule, ModuleFailure, needsEarlierTask, type BaseResult, type FileDiff, type ModuleContext, type ModuleFunction, type Plan } from "../engine/module";
import { sh, type Shell } from "../engine/shell";
import { withPlaintextCopy } from "../engine/vault/plaintext-copy";

type Obj = Record<string, any>;

export interface KubectlArgs {
  /** an object or a list of objects to apply */
  apply?: Obj | Obj[];
  /** a controller file of YAML or JSON manifests to apply */
  src?: string;
  /** the words after `kubectl create` that make the object, for create-if-absent */
  create?: string[];
  /** approve the pending CSRs whose requestor (spec.username) is this user */
  approveCsrs?: string;
  /** the words after `kubectl get`: ["csr"], ["clusterrolebinding", "kubelet-bootstrap"] */
  get?: string[];
  /** the words after `kubectl` of a command run as the task's change: ["drain", "10.0.0.5", "--force"] */
  run?: string[];
  kubeconfig?: string;
  namespace?: string;
  /** false: --validate=false (a server without an OpenAPI schema) */
  validate?: boolean;
  /** apply: replace an object whose change the server refuses (an immutable field) */
  force?: boolean;
}

export interface ObjectChange {
  kind: string;
  name: string;
  namespace?: string;
  action: "created" | "configured" | "unchanged";
}

export interface KubectlResult extends BaseResult {
  /** apply and create: each object and what was (or in --check would be) done */
  objects?: ObjectChange[];
  /** approveCsrs: the CSRs approved (or that would be) */
  approved?: string[];
  /** get: the objects read */
  items?: Obj[];
  stdout?: string;
}

const LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

/** `kubectl get -o json` prints one object, a List, or nothing (all missing with --ignore-not-found). */
export function parseGetOutput(stdout: string): Obj[] {
  if (!stdout.trim()) return [];
  const parsed = JSON.parse(stdout) as Obj;
  return Array.isArray(parsed.items) ? parsed.items : [parsed];
}

export function parseManifests(text: string, where: string): Obj[] {
  const objects: Obj[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length) throw new ModuleFailure(`${where}: ${doc.errors[0]!.message}`);
    const value = doc.toJS() as Obj | null;
    if (value === null) continue;
    if (value.kind === "List" && Array.isArray(value.items)) objects.push(...value.items);
    else objects.push(value);
  }
  return objects;
}

/** Every field the manifest sets has that value live; null asks for the field to be gone. */
export function liveHas(live: unknown, wanted: unknown): boolean {
  if (wanted === null) return live === undefined || live === null;
  if (Array.isArray(wanted)) return Array.isArray(live) && live.length === wanted.length && wanted.every((w, i) => liveHas(live[i], w));
  if (typeof wanted === "object") {
    if (live === null || typeof live !== "object" || Array.isArray(live)) return false;
    return Object.entries(wanted as Obj).every(([key, value]) => liveHas((live as Obj)[key], value));
  }
  // quantities and ports are written as numbers or strings alike
  return live !== undefined && live !== null && typeof live !== "object" && String(live) === String(wanted);
}

/** A manifest as kubectl records it in last-applied-configuration, minus what kubectl adds by itself. */
function comparable(object: Obj): Obj {
  const copy = structuredClone(object);
  if (copy.metadata) {
    delete copy.metadata.namespace;
    if (copy.metadata.annotations) delete copy.metadata.annotations[LAST_APPLIED];
    if (copy.metadata.annotations && Object.keys(copy.metadata.annotations).length === 0) delete copy.metadata.annotations;
  }
  return copy;
}

export function applyAction(wanted: Obj, live: Obj | undefined): ObjectChange["action"] {
  if (!live) return "created";
  const recorded = live.metadata?.annotations?.[LAST_APPLIED];
  let lastApplied: Obj | undefined;
  try {
    lastApplied = typeof recorded === "string" ? (JSON.parse(recorded) as Obj) : undefined;
  } catch {
    lastApplied = undefined;
  }
  const same = lastApplied !== undefined && isDeepStrictEqual(comparable(lastApplied), comparable(wanted)) && liveHas(live, comparable(wanted));
  return same ? "unchanged" : "configured";
}

/** CSRs with no Approved or Denied condition, requested by `user`. */
export function pendingCsrs(items: Obj[], user: string): string[] {
  return items
    .filter((csr) => csr.spec?.username === user)
    .filter((csr) => !(csr.status?.conditions ?? []).some((c: Obj) => c.type === "Approved" || c.type === "Denied"))
    .map((csr) => String(csr.metadata?.name));
}

const sameObject = (a: Obj, b: Obj) =>
  a.kind === b.kind && a.metadata?.name === b.metadata?.name && (a.metadata?.namespace === undefined || b.metadata?.namespace === undefined || a.metadata.namespace === b.metadata.namespace);

const UNREACHABLE = /stat .*: no such file or directory|Unable to connect to the server|connection to the server .* was refused|dial tcp|no such host|i\/o timeout|connection refused/i;

class Unreachable extends Error {}

/** kubectl with the task's kubeconfig (a decrypted copy of one the vault keeps on the controller) and namespace; fails with kubectl's own words. */
function kubectlRunner(ctx: ModuleContext, args: KubectlArgs) {
  const kubeconfig = args.kubeconfig ?? (typeof ctx.vars.kubectl_kubeconfig === "string" ? ctx.vars.kubectl_kubeconfig : undefined);
  const base = (config: string | undefined) => sh`kubectl ${[...(config ? [`--kubeconfig=${config}`] : []), ...(args.namespace ? [`--namespace=${args.namespace}`] : [])]}`;
  return async (words: Shell, what: string, stdin?: string) => {
    const run = await withPlaintextCopy(ctx, kubeconfig, (config) => ctx.conn.run(sh`${base(config)} ${words}`, { stdin }));
    if (run.code === 127) throw new ModuleFailure("kubectl is not installed on this host");
    if (run.code !== 0) {
      const error = run.stderr.trim() || `exit code ${run.code}`;
      if (UNREACHABLE.test(error)) throw new Unreachable(error.split("\n").slice(-2).join(" / "));
      throw new ModuleFailure(`kubectl could not ${what}: ${error}`);
    }
    return run.stdout;
  };
}

const label = (o: Obj) => `${String(o.kind).toLowerCase()}/${o.metadata?.name}`;

/** Secrets' values never reach a diff. */
function shown(object: Obj | undefined): string {
  if (!object) return "";
  const copy = structuredClone(object);
  for (const field of ["data", "stringData"]) if (copy.kind === "Secret" && copy[field]) for (const k of Object.keys(copy[field])) copy[field][k] = "(hidden)";
  return stringify(copy);
}

async function planApply(ctx: ModuleContext, args: KubectlArgs, run: ReturnType<typeof kubectlRunner>): Promise<Plan<KubectlResult>> {
  const wanted = args.src !== undefined ? parseManifests(readSource(ctx, args.src, ctx.searchDirs.files, "src").content.toString("utf8"), args.src) : [args.apply ?? []].flat();
  if (wanted.length === 0) throw new ModuleFailure("no objects to apply");
  const manifest = JSON.stringify({ apiVersion: "v1", kind: "List", items: wanted });
  const live = parseGetOutput(await run(sh`get -f - -o json --ignore-not-found`, "read the objects", manifest));
  const objects = wanted.map((object): ObjectChange => {
    const found = live.find((l) => sameObject(object, l));
    return { kind: object.kind, name: object.metadata?.name, namespace: found?.metadata?.namespace ?? object.metadata?.namespace, action: applyAction(object, found) };
  });
  const changing = objects.filter((o) => o.action !== "unchanged");
  if (changing.length === 0) return { changed: false, result: { objects } };
  let diff: FileDiff[] | undefined;
  if (ctx.diff && !ctx.noLog) {
    diff = wanted
      .filter((_, i) => objects[i]!.action !== "unchanged")
      .map((object) => {
        const found = live.find((l) => sameObject(object, l));
        // the live object cut down to the fields the manifest sets: the rest is the server's
        const before = found ? (pick(found, object) as Obj) : undefined;
        return { path: label(object), before: shown(before), after: shown(object) };
      });
  }
  const validate = args.validate === false ? ["--validate=false"] : [];
  const force = args.force ? ["--force"] : [];
  return {
    changed: true,
    summary: changing.map((o) => `${o.action === "created" ? "create" : "configure"} ${o.kind.toLowerCase()}/${o.name}`).join(", "),
    diff,
    result: { objects },
    apply: async () => ({ stdout: await run(sh`apply -f - ${validate} ${force}`, "apply the objects", manifest) }),
  };
}

/** `live` restricted to the keys that `shape` has, for a readable diff. */
function pick(live: unknown, shape: unknown): unknown {
  if (shape === null || typeof shape !== "object" || live === null || typeof live !== "object") return live;
  if (Array.isArray(shape)) return Array.isArray(live) ? live.map((item, i) => pick(item, shape[i] ?? shape[0])) : live;
  const out: Obj = {};
  for (const key of Object.keys(shape)) if ((live as Obj)[key] !== undefined) out[key] = pick((live as Obj)[key], (shape as Obj)[key]);
  if (out.metadata?.annotations) delete out.metadata.annotations[LAST_APPLIED];
  return out;
}

async function planCreate(ctx: ModuleContext, args: KubectlArgs, run: ReturnType<typeof kubectlRunner>): Promise<Plan<KubectlResult>> {
  const object = JSON.parse(await run(sh`create ${args.create ?? []} --dry-run=client -o json`, `make the object of 'kubectl create ${(args.create ?? []).join(" ")}'`)) as Obj;
  const live = parseGetOutput(await run(sh`get -f - -o json --ignore-not-found`, "read the object", JSON.stringify(object)));
  const found = live.find((l) => sameObject(object, l));
  const change: ObjectChange = { kind: object.kind, name: object.metadata?.name, namespace: found?.metadata?.namespace ?? object.metadata?.namespace, action: found ? "unchanged" : "created" };
  if (found) return { changed: false, result: { objects: [change] } };
  return {
    changed: true,
    summary: `create ${label(object)}`,
    diff: ctx.diff && !ctx.noLog ? [{ path: label(object), before: "", after: shown(object) }] : undefined,
    result: { objects: [change] },
    apply: async () => ({ stdout: await run(sh`create -f - ${args.validate === false ? ["--validate=false"] : []}`, `create ${label(object)}`, JSON.stringify(object)) }),
  };
}

async function planApprove(args: KubectlArgs, run: ReturnType<typeof kubectlRunner>): Promise<Plan<KubectlResult>> {
  const user = args.approveCsrs ?? "";
  const pending = pendingCsrs(parseGetOutput(await run(sh`get csr -o json`, "list the certificate signing requests")), user);
  if (pending.length === 0) return { changed: false, result: { approved: [] } };
  return {
    changed: true,
    summary: `approve ${pending.join(", ")} (requested by ${user})`,
    result: { approved: pending },
    apply: async () => ({ stdout: await run(sh`certificate approve ${pending}`, `approve ${pending.join(", ")}`) }),
  };
}

/** A command that changes what it changes, as `command` would: nothing is read first; kubectl's own words when it fails. */
function planRun(words: string[], run: ReturnType<typeof kubectlRunner>): Plan<KubectlResult> {
  return {
    changed: true,
    summary: `kubectl ${words.join(" ")}`,
    result: {},
    uncertain: "only a real run knows what the command changes",
    apply: async () => {
      try {
        return { stdout: await run(sh`${words}`, words.join(" ")) };
      } catch (error) {
        if (error instanceof Unreachable) throw new ModuleFailure(`kubectl could not ${words.join(" ")}: ${error.message}`);
        throw error;
      }
    },
  };
}

export async function planKubectl(ctx: ModuleContext, args: KubectlArgs): Promise<Plan<KubectlResult>> {
  const run = kubectlRunner(ctx, args);
  if (args.run !== undefined) return planRun(args.run, run);
  try {
    if (args.get !== undefined) {
      const items = parseGetOutput(await run(sh`get ${args.get} -o json --ignore-not-found`, `get ${args.get.join(" ")}`));
      return { changed: false, summary: `${items.length} objects`, result: { items } };
    }
    if (args.create !== undefined) return await planCreate(ctx, args, run);
    if (args.approveCsrs !== undefined) return await planApprove(args, run);
    return await planApply(ctx, args, run);
  } catch (error) {
    if (!(error instanceof Unreachable)) throw error;
    // no API server now: an earlier task of the run may start it
    const what = args.get !== undefined ? "" : args.create ? `create (${args.create.join(" ")})` : args.approveCsrs ? `approve CSRs of ${args.approveCsrs}` : "apply the objects";
    return needsEarlierTask(`the Kubernetes API server could not be reached: ${error.message}`, { changed: what !== "", summary: what || "read", result: {} });
  }
}

export const kubectl: ModuleFunction<KubectlArgs, KubectlResult> = defineModule({
  name: "kubectl",
  args: {
    apply: { type: "any", doc: "an object or a list of objects" },
    src: { type: "string", doc: "a controller file of manifests, found in the files/ search folders unless absolute" },
    create: { type: "strings", doc: "the words after `kubectl create`; created only when absent" },
    approveCsrs: { type: "string", doc: "approve the pending CSRs this user requested" },
    get: { type: "strings", doc: "the words after `kubectl get`" },
    run: { type: "strings", doc: "the words after `kubectl` of any other command (cordon, drain, delete node): run, always a change" },
    kubeconfig: { type: "string" },
    namespace: { type: "string" },
    validate: { type: "boolean" },
    force: { type: "boolean", doc: "apply and src: an object whose change the server refuses (an immutable field, a Service's clusterIP) is deleted and created again" },
  },
  check(args) {
    const given = (["apply", "src", "create", "approveCsrs", "get", "run"] as const).filter((k) => args[k] !== undefined);
    if (given.length !== 1) return `give exactly one of apply, src, create, approveCsrs, get, run (got ${given.join(", ") || "none"})`;
    if (args.run?.length === 0) return "run takes the words of a kubectl command";
    if (args.force !== undefined && args.apply === undefined && args.src === undefined) return "force goes with apply or src only";
    if (args.apply !== undefined && [args.apply].flat().some((o) => o === null || typeof o !== "object" || Array.isArray(o) || !(o as Obj).kind || !(o as Obj).metadata?.name)) {
      return "apply takes objects with kind and metadata.name";
    }
    return undefined;
  },
  plan: (ctx, args) => planKubectl(ctx, args as KubectlArgs),
});
