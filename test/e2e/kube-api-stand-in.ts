/**
 * A STAND-IN for a Kubernetes API server, for the kubectl tests only: no kube-apiserver
 * can be installed here. It serves, in the documented Kubernetes JSON format, just what
 * the real `kubectl` asks while the tests run: discovery (/api, /apis, resource lists, an
 * OpenAPI document without definitions, so kubectl's validation has nothing to check),
 * get/list, create, strategic-merge PATCH (applied as a JSON merge patch with the `$`
 * directives dropped: enough for the maps and whole lists the tests change), DELETE, and a
 * CSR's /approval. Deployments are served as extensions/v1beta1, the group Kubernetes 1.8
 * serves them in (the cluster DNS add-on's manifest is of that era). A Service's clusterIP
 * cannot change, as on a real server (422 Invalid, "field is immutable"), and objects are
 * made only in a namespace that exists (default, kube-system and kube-public from the
 * start). Objects live in memory. It is not Kubernetes and checks no other schema.
 *
 *   node --import tsx test/e2e/kube-api-stand-in.ts 10.77.0.1 0 TOKEN CERT.pem KEY.pem
 *     → prints {"port":N} once listening (HTTPS: kubectl sends a bearer token over TLS only)
 *   GET /_stand-in/log            every request so far: ["GET /api/v1/...", ...]
 *   POST /_stand-in/objects       body: an object to store as is (a pending CSR, say)
 */
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer } from "node:https";

type Obj = Record<string, any>;

interface Resource {
  group: string;
  version: string;
  plural: string;
  kind: string;
  namespaced: boolean;
  verbs: string[];
}

const VERBS = ["create", "delete", "get", "list", "patch", "update", "watch"];
const RESOURCES: Resource[] = [
  { group: "", version: "v1", plural: "configmaps", kind: "ConfigMap", namespaced: true, verbs: VERBS },
  { group: "", version: "v1", plural: "namespaces", kind: "Namespace", namespaced: false, verbs: VERBS },
  { group: "", version: "v1", plural: "serviceaccounts", kind: "ServiceAccount", namespaced: true, verbs: VERBS },
  { group: "", version: "v1", plural: "services", kind: "Service", namespaced: true, verbs: VERBS },
  { group: "extensions", version: "v1beta1", plural: "deployments", kind: "Deployment", namespaced: true, verbs: VERBS },
  { group: "rbac.authorization.k8s.io", version: "v1", plural: "clusterrolebindings", kind: "ClusterRoleBinding", namespaced: false, verbs: VERBS },
  { group: "certificates.k8s.io", version: "v1", plural: "certificatesigningrequests", kind: "CertificateSigningRequest", namespaced: false, verbs: VERBS },
];

const [address = "127.0.0.1", portText = "0", token = "", certFile = "", keyFile = ""] = process.argv.slice(2);
const log: string[] = [];
const store = new Map<string, Obj>();
let revision = 1;

// an OpenAPI v2 document (protobuf) with no definitions: kubectl's client-side validation
// finds no schema for any kind and checks nothing, as --validate=false would
const NO_DEFINITIONS = Buffer.concat([Buffer.from([0x0a, 3]), Buffer.from("2.0")]);

const SHORT_NAMES: Record<string, string[]> = { certificatesigningrequests: ["csr"], configmaps: ["cm"], serviceaccounts: ["sa"], services: ["svc"], deployments: ["deploy"] };

const groupVersion = (r: Resource) => (r.group ? `${r.group}/${r.version}` : r.version);
const keyOf = (r: Resource, namespace: string | undefined, name: string) => `${r.plural}/${namespace ?? ""}/${name}`;

function send(res: ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

function status(res: ServerResponse, code: number, reason: string, message: string, r?: Resource, name?: string): void {
  send(res, code, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, details: { name, kind: r?.plural }, code });
}

function discovery(path: string): unknown {
  if (path === "/api") return { kind: "APIVersions", versions: ["v1"], serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress: `${address}:443` }] };
  if (path === "/apis") {
    const groups = [...new Set(RESOURCES.filter((r) => r.group).map((r) => r.group))];
    return {
      kind: "APIGroupList",
      apiVersion: "v1",
      groups: groups.map((name) => {
        const version = RESOURCES.find((r) => r.group === name)!.version;
        const gv = { groupVersion: `${name}/${version}`, version };
        return { name, versions: [gv], preferredVersion: gv };
      }),
    };
  }
  if (path === "/version") return { major: "1", minor: "20", gitVersion: "v1.20.2-stand-in", platform: "linux/amd64" };
  const gv = path === "/api/v1" ? "v1" : path.startsWith("/apis/") ? path.slice(6) : undefined;
  const resources = RESOURCES.filter((r) => groupVersion(r) === gv);
  if (!resources.length) return undefined;
  return {
    kind: "APIResourceList",
    apiVersion: "v1",
    groupVersion: gv,
    resources: resources.flatMap((r) => [
      { name: r.plural, singularName: "", namespaced: r.namespaced, kind: r.kind, verbs: r.verbs, shortNames: SHORT_NAMES[r.plural] ?? [] },
      ...(r.plural === "certificatesigningrequests" ? [{ name: `${r.plural}/approval`, singularName: "", namespaced: false, kind: r.kind, verbs: ["get", "patch", "update"] }] : []),
    ]),
  };
}

/** /api/v1/namespaces/NS/configmaps/NAME, /apis/G/V/clusterrolebindings/NAME/SUB → its parts */
function route(path: string) {
  const parts = path.split("/").filter(Boolean);
  const rest = parts[0] === "api" ? parts.slice(2) : parts.slice(3);
  const gv = parts[0] === "api" ? parts[1] : `${parts[1]}/${parts[2]}`;
  let namespace: string | undefined;
  if (rest[0] === "namespaces" && rest.length >= 3) {
    namespace = rest[1];
    rest.splice(0, 2);
  }
  const resource = RESOURCES.find((r) => groupVersion(r) === gv && r.plural === rest[0]);
  return { resource, namespace, name: rest[1], sub: rest[2] };
}

/** RFC 7386 merge patch, with strategic-merge directives ($setElementOrder, $patch, ...) dropped. */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== "object" || Array.isArray(patch)) return patch;
  const out: Obj = target !== null && typeof target === "object" && !Array.isArray(target) ? { ...(target as Obj) } : {};
  for (const [key, value] of Object.entries(patch as Obj)) {
    if (key.startsWith("$")) continue;
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}

function stamp(object: Obj, r: Resource, namespace?: string): Obj {
  const metadata = { ...object.metadata, resourceVersion: String(++revision) };
  metadata.uid ??= randomUUID();
  metadata.creationTimestamp ??= new Date().toISOString().replace(/\.\d+Z$/, "Z");
  if (r.namespaced) metadata.namespace = namespace ?? metadata.namespace ?? "default";
  return { ...object, apiVersion: groupVersion(r), kind: r.kind, metadata };
}

/** The real API server's answer to a Service whose clusterIP would change. */
function immutableClusterIp(res: ServerResponse, r: Resource, current: Obj, next: Obj): boolean {
  const before = current.spec?.clusterIP;
  const after = next.spec?.clusterIP;
  if (r.kind !== "Service" || before === undefined || after === before) return false;
  const message = `Service "${current.metadata.name}" is invalid: spec.clusterIP: Invalid value: "${String(after)}": field is immutable`;
  status(res, 422, "Invalid", message, r, current.metadata.name);
  return true;
}

async function body(req: IncomingMessage): Promise<Obj> {
  let text = "";
  for await (const chunk of req) text += chunk;
  return text ? (JSON.parse(text) as Obj) : {};
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", "http://stand-in");
  const path = url.pathname.replace(/\/+$/, "") || "/";
  if (path === "/_stand-in/log") return send(res, 200, log);
  if (path === "/_stand-in/objects" && req.method === "POST") {
    const object = await body(req);
    const r = RESOURCES.find((x) => x.kind === object.kind)!;
    const stored = stamp(object, r, object.metadata?.namespace);
    store.set(keyOf(r, stored.metadata.namespace, stored.metadata.name), stored);
    return send(res, 201, stored);
  }
  log.push(`${req.method} ${url.pathname}${url.search}`);
  if (token && req.headers.authorization !== `Bearer ${token}`) return status(res, 401, "Unauthorized", "Unauthorized");
  if (path === "/openapi/v2" && req.method === "GET") {
    res.writeHead(200, { "content-type": "application/octet-stream" });
    return void res.end(NO_DEFINITIONS);
  }
  const found = req.method === "GET" ? discovery(path) : undefined;
  if (found) return send(res, 200, found);

  const { resource: r, namespace, name, sub } = route(path);
  if (!r) return status(res, 404, "NotFound", `the server could not find the requested resource (${path})`);
  const key = name ? keyOf(r, r.namespaced ? namespace : undefined, name) : "";
  const current = name ? store.get(key) : undefined;
  const dryRun = url.searchParams.get("dryRun") === "All";

  if (req.method === "GET" && !name) {
    const items = [...store.values()].filter((o) => o.kind === r.kind && (!r.namespaced || !namespace || o.metadata.namespace === namespace));
    return send(res, 200, { kind: `${r.kind}List`, apiVersion: groupVersion(r), metadata: { resourceVersion: String(revision) }, items });
  }
  if (req.method === "POST" && !name) {
    const object = await body(req);
    const inNamespace = namespace ?? "default";
    const newKey = keyOf(r, r.namespaced ? inNamespace : undefined, object.metadata?.name);
    if (r.namespaced && !store.has(`namespaces//${inNamespace}`)) return status(res, 404, "NotFound", `namespaces "${inNamespace}" not found`);
    if (store.has(newKey)) return status(res, 409, "AlreadyExists", `${r.plural} "${object.metadata?.name}" already exists`, r, object.metadata?.name);
    const stored = stamp(object, r, namespace);
    if (!dryRun) store.set(newKey, stored);
    return send(res, 201, stored);
  }
  if (!current) return status(res, 404, "NotFound", `${r.plural} "${name}" not found`, r, name);
  if (req.method === "GET") return send(res, 200, current);
  if (req.method === "PATCH") {
    const patched = stamp(mergePatch(current, await body(req)) as Obj, r, namespace);
    if (immutableClusterIp(res, r, current, patched)) return;
    if (!dryRun) store.set(key, patched);
    return send(res, 200, patched);
  }
  if (req.method === "PUT") {
    const replaced = stamp(await body(req), r, namespace);
    // /approval changes only the status's conditions, as the real subresource does
    const next = sub === "approval" ? { ...current, status: { ...current.status, conditions: replaced.status?.conditions ?? [] }, metadata: replaced.metadata } : replaced;
    if (immutableClusterIp(res, r, current, next)) return;
    if (!dryRun) store.set(key, next);
    return send(res, 200, next);
  }
  if (req.method === "DELETE") {
    if (!dryRun) store.delete(key);
    return send(res, 200, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", details: { name, kind: r.plural } });
  }
  return status(res, 405, "MethodNotAllowed", `${req.method} is not supported by the stand-in`);
}

// the namespaces a new cluster starts with; an object in any other needs its namespace first
for (const name of ["default", "kube-system", "kube-public"]) store.set(`namespaces//${name}`, stamp({ metadata: { name } }, RESOURCES.find((r) => r.kind === "Namespace")!));

const server = createServer({ cert: readFileSync(certFile), key: readFileSync(keyFile) }, (req, res) => {
  handle(req, res).catch((error: unknown) => status(res, 500, "InternalError", String(error)));
});
server.listen(Number(portText), address, () => {
  const where = server.address();
  process.stdout.write(`${JSON.stringify({ port: typeof where === "object" && where ? where.port : 0 })}\n`);
});
// the test that started it ends it; a stand-in left behind stops by itself after 10 minutes
setTimeout(() => process.exit(0), 10 * 60 * 1000).unref();
process.on("SIGTERM", () => process.exit(0));
