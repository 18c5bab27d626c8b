/**
 * etcdctl: keys in an etcd cluster, through etcdctl on the task's host, with the v2 API
 * (flannel 0.7 reads its network config there) or v3; the cluster's members and health.
 *
 *   const etcd = etcdConnection({
 *     endpoints: ["https://192.168.5.78:2379", "https://192.168.5.79:2379", "https://192.168.5.80:2379"],
 *     ca: "/etc/kubernetes/ssl/ca.pem", cert: "/etc/kubernetes/ssl/kubernetes.pem", key: "/etc/kubernetes/ssl/kubernetes-key.pem",
 *   });
 *   task("etcd is healthy", etcdctl({ connection: etcd, action: "health", timeout: 60 }))
 *   task("flannel network", etcdctl({ connection: etcd, api: "v2", action: "put", key: "/kube-centos/network/config",
 *     value: { Network: "172.30.0.0/16", SubnetLen: 24, Backend: { Type: "host-gw" } } }))
 *
 * Every connection setting lives in one `etcdConnection` object (or in the host variable
 * `etcd_client`, for roles), never repeated per task. `put` reads the key first and writes
 * only when the value differs; values that are JSON objects or arrays are compared by
 * meaning (key order and spacing aside). `force: false` only creates a missing key (v2 `mk`).
 * `mkdir` is v2 only. `health` asks every endpoint until all are healthy or `timeout`
 * seconds pass, then fails naming each member's state. Under --check a cluster that cannot
 * be reached yet (an earlier task would start it) is reported as "would ...", not a failure.
 * Values go to etcdctl on stdin, never on its command line.
 */
import { isDeepStrictEqual } from "node:util";
import type { FileDiff } from "../engine/module";
import { defineModule, ModuleFailure, needsEarlierTask, type BaseResult, type ModuleContext, type ModuleFunction, type Plan } from "../engine/module";
import { sh, type Shell } from "../engine/shell";
import { showBytes } from "../engine/text-bytes";

export interface EtcdConnection {
  /** client URLs: a list, or one comma-separated string */
  endpoints: string | string[];
  /** files on the host that runs etcdctl */
  ca?: string;
  cert?: string;
  key?: string;
  /** the API a task uses unless it names one; v3 by default */
  api?: "v2" | "v3";
}

export type EtcdAction = "put" | "delete" | "mkdir" | "get" | "list" | "members" | "health" | "memberAdd" | "memberRemove";

export interface EtcdctlArgs {
  action: EtcdAction;
  key?: string;
  /** a string is stored as is; anything else as JSON */
  value?: {} | null;
  api?: "v2" | "v3";
  /** put: false only creates a missing key */
  force?: boolean;
  /** delete a directory (v2) or every key under the prefix (v3); list below subdirectories (v2) */
  recursive?: boolean;
  /** health: seconds to wait for every endpoint to be healthy (default 60) */
  timeout?: number;
  /** memberAdd, memberRemove: the member's name */
  member?: string;
  /** memberAdd: the member's peer URL (https://ADDRESS:2380) */
  peerUrl?: string;
  connection?: EtcdConnection;
}

export interface EtcdMember {
  id: string;
  status: string;
  name: string;
  peer_urls: string[];
  client_urls: string[];
}

export interface EndpointHealth {
  endpoint: string;
  health: boolean;
  took?: string;
  error?: string;
}

export interface EtcdctlResult extends BaseResult {
  api: "v2" | "v3";
  key?: string;
  /** the key (or directory) existed before the task */
  exists?: boolean;
  /** get: the value; put and delete: the value before */
  value?: string | null;
  /** get: the value parsed, when it is JSON */
  json?: unknown;
  keys?: string[];
  members?: EtcdMember[];
  endpoints?: EndpointHealth[];
}

const API_CHOICES = ["v2", "v3"] as const;

/** The one place a playbook states how to reach etcd. */
export function etcdConnection(connection: EtcdConnection): EtcdConnection {
  const problem = connectionProblem(connection);
  if (problem) throw new Error(`etcdConnection: ${problem}`);
  return Object.freeze({ ...connection });
}

function connectionProblem(value: unknown): string | undefined {
  if (value === null || typeof value !== "object") return "a connection must be an object { endpoints, ca, cert, key }";
  const c = value as Record<string, unknown>;
  const unknown = Object.keys(c).find((k) => !["endpoints", "ca", "cert", "key", "api"].includes(k));
  if (unknown) return `unknown connection setting '${unknown}' (settings: endpoints, ca, cert, key, api)`;
  const endpoints = typeof c.endpoints === "string" ? [c.endpoints] : c.endpoints;
  if (!Array.isArray(endpoints) || endpoints.length === 0 || !endpoints.every((e) => typeof e === "string" && e !== "")) return "endpoints must be a URL or a list of URLs";
  for (const file of ["ca", "cert", "key"]) if (c[file] !== undefined && typeof c[file] !== "string") return `${file} must be a file path`;
  if (c.api !== undefined && !API_CHOICES.includes(c.api as "v2")) return "api must be v2 or v3";
  if ((c.cert === undefined) !== (c.key === undefined)) return "give both cert and key, or neither";
  return undefined;
}

/** True when the stored value already is the wanted one: JSON objects and arrays by meaning. */
export function sameValue(current: string, wanted: string): boolean {
  if (current === wanted) return true;
  const parse = (text: string) => {
    if (!/^\s*[[{]/.test(text)) return undefined;
    try {
      return { value: JSON.parse(text) as unknown };
    } catch {
      return undefined;
    }
  };
  const a = parse(current);
  const b = parse(wanted);
  return a !== undefined && b !== undefined && isDeepStrictEqual(a.value, b.value);
}

export const valueText = (value: unknown): string => (typeof value === "string" ? value : JSON.stringify(value));

/** etcdctl's words for the connection, per API (v2 and v3 name the TLS flags differently). */
function connectionFlags(c: EtcdConnection, api: "v2" | "v3"): Shell {
  const endpoints = [c.endpoints].flat().join(",");
  const tls = api === "v2" ? { ca: "--ca-file", cert: "--cert-file", key: "--key-file" } : { ca: "--cacert", cert: "--cert", key: "--key" };
  const words = [`--endpoints=${endpoints}`];
  for (const file of ["ca", "cert", "key"] as const) if (c[file] !== undefined) words.push(`${tls[file]}=${c[file]}`);
  words.push(...(api === "v2" ? ["--timeout=3s", "--total-timeout=10s"] : ["--dial-timeout=3s", "--command-timeout=10s"]));
  return sh`ETCDCTL_API=${api.slice(1)} etcdctl ${words}`;
}

interface Node {
  exists: boolean;
  dir: boolean;
  value: string | null;
  keys: string[];
}

/** v2 `-o json ls` output: the node, with its children when it is a directory. */
export function parseV2Node(output: string): Node {
  const node = (JSON.parse(output) as { node: { dir?: boolean; value?: string; nodes?: { key: string; dir?: boolean; nodes?: unknown[] }[] | null } }).node;
  const keys: string[] = [];
  const walk = (nodes: { key: string; dir?: boolean; nodes?: unknown[] }[] | null | undefined) => {
    for (const child of nodes ?? []) {
      keys.push(child.key);
      walk(child.nodes as typeof nodes);
    }
  };
  walk(node.nodes);
  return { exists: true, dir: node.dir === true, value: node.dir ? null : (node.value ?? ""), keys };
}

/** v3 `get -w json` output: base64 keys and values. */
export function parseV3Get(output: string): Node {
  const kvs = (JSON.parse(output) as { kvs?: { key: string; value?: string }[] }).kvs ?? [];
  // a value that is not UTF-8 keeps its bytes visible (\xNN): it is shown, and never taken for a wanted text
  const decode = (b64: string) => showBytes(Buffer.from(b64, "base64"));
  return { exists: kvs.length > 0, dir: false, value: kvs[0]?.value !== undefined ? decode(kvs[0].value) : kvs.length ? "" : null, keys: kvs.map((kv) => decode(kv.key)) };
}

/** `member list` (simple format): "id, status, name, peer URLs, client URLs, is learner". */
export function parseMembers(output: string): EtcdMember[] {
  return output
    .split("\n")
    .filter((line) => line.includes(", "))
    .map((line) => {
      const [id = "", status = "", name = "", peers = "", clients = ""] = line.split(", ");
      return { id, status, name, peer_urls: peers.split(",").filter(Boolean), client_urls: clients.split(",").filter(Boolean) };
    });
}

export function parseHealth(output: string): EndpointHealth[] {
  // etcdctl's own log lines (JSON objects) may come first when stderr is merged in
  const start = /^\[/m.exec(output)?.index;
  if (start === undefined) return [];
  return (JSON.parse(output.slice(start).split("\n")[0]!) as EndpointHealth[]).map(({ endpoint, health, took, error }) => ({ endpoint, health, took, error }));
}

/** The connection could not be used at all (as opposed to "the key is not there"). */
class Unreachable extends Error {}

async function etcd(ctx: ModuleContext, base: Shell, command: Shell, stdin?: string) {
  const run = await ctx.conn.run(sh`${base} ${command}`, { stdin });
  const err = run.stderr.trim();
  if (run.code !== 0 && !/Key not found/.test(err)) {
    if (run.code === 127) throw new ModuleFailure("etcdctl is not installed on this host");
    throw new Unreachable(err.split("\n").slice(-3).join(" / ") || `exit code ${run.code}`);
  }
  return { ...run, missing: run.code !== 0 };
}

async function readNode(ctx: ModuleContext, base: Shell, api: "v2" | "v3", key: string, prefix: boolean): Promise<Node> {
  if (api === "v2") {
    const run = await etcd(ctx, base, sh`-o json ls ${prefix ? ["--recursive"] : []} -- ${key}`);
    return run.missing ? { exists: false, dir: false, value: null, keys: [] } : parseV2Node(run.stdout);
  }
  const run = await etcd(ctx, base, sh`get -w json ${prefix ? ["--prefix", "--keys-only"] : []} -- ${key}`);
  return parseV3Get(run.stdout);
}

/** Every endpoint's health and the member list, in one round trip, until all are healthy or time is up (0: ask once). */
async function waitHealthy(ctx: ModuleContext, base: Shell, timeoutS: number, withHealth = true): Promise<{ healthy: boolean; endpoints: EndpointHealth[]; members: EtcdMember[] }> {
  const deadline = Date.now() + timeoutS * 1000;
  for (;;) {
    const ask = withHealth ? sh`${base} endpoint health -w json 2>&1; ` : sh``;
    const run = await ctx.conn.run(sh`${ask}echo @@members; ${base} member list 2>/dev/null`);
    const [health = "", members = ""] = run.stdout.split("@@members\n");
    let endpoints: EndpointHealth[] = [];
    try {
      endpoints = parseHealth(health);
    } catch {
      endpoints = [];
    }
    const healthy = endpoints.length > 0 && endpoints.every((e) => e.health);
    if (healthy || Date.now() >= deadline) return { healthy, endpoints, members: parseMembers(members) };
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

function describeHealth(endpoints: EndpointHealth[], members: EtcdMember[]): string {
  if (endpoints.length === 0) return "no endpoint answered";
  return endpoints
    .map((e) => {
      const member = members.find((m) => m.client_urls.includes(e.endpoint));
      return `${member ? `${member.name} ` : ""}${e.endpoint}: ${e.health ? `healthy (${e.took ?? "?"})` : `unhealthy: ${e.error ?? "no answer"}`}`;
    })
    .join("\n");
}

export async function planEtcdctl(ctx: ModuleContext, args: EtcdctlArgs): Promise<Plan<EtcdctlResult>> {
  const connection = args.connection ?? (ctx.vars.etcd_client as EtcdConnection | undefined);
  if (connection === undefined) throw new ModuleFailure("no etcd connection: pass `connection: etcdConnection({...})` or set the host variable etcd_client");
  const problem = connectionProblem(connection);
  if (problem) throw new ModuleFailure(problem);
  const api = args.api ?? connection.api ?? "v3";
  if (args.action === "mkdir" && api !== "v2") throw new ModuleFailure('mkdir exists only in the v2 API: add api: "v2"');
  const base = connectionFlags(connection, api);
  const key = args.key ?? "";
  const result: Partial<EtcdctlResult> = { api, key: args.key };
  // etcd not answering now: an earlier task of the run (or a member starting) may bring it up
  const unreachable = (what: string, error: Error): Plan<EtcdctlResult> =>
    needsEarlierTask(`etcd could not be reached: ${error.message}`, { changed: what !== "", summary: what || "read", result });

  if (args.action === "memberAdd" || args.action === "memberRemove") return planMembership(ctx, connection, connectionFlags(connection, "v3"), args, result);
  if (args.action === "members") {
    const { endpoints, members } = await waitHealthy(ctx, base, 0, false);
    Object.assign(result, { endpoints, members });
    if (members.length === 0) return needsEarlierTask("could not list the members: no endpoint answered", { changed: false, summary: "list the members", result });
    return { changed: false, summary: members.map((m) => `${m.name} (${m.status})`).join(", "), result };
  }
  if (args.action === "health") {
    const timeout = args.timeout ?? 60;
    const now = await waitHealthy(ctx, base, 0);
    Object.assign(result, { endpoints: now.endpoints, members: now.members });
    if (now.healthy) return { changed: false, summary: `${now.endpoints.length} endpoints healthy`, result };
    return {
      changed: false,
      summary: `not healthy now; wait up to ${timeout}s:\n${describeHealth(now.endpoints, now.members)}`,
      uncertain: "only a real run waits for the cluster's health",
      apply: async () => {
        const later = await waitHealthy(ctx, base, timeout);
        if (!later.healthy) throw new ModuleFailure(`etcd is not healthy after ${timeout}s:\n${describeHealth(later.endpoints, later.members)}`, { ...result, endpoints: later.endpoints, members: later.members });
        return { endpoints: later.endpoints, members: later.members, msg: `${later.endpoints.length} endpoints healthy` };
      },
    };
  }

  let node: Node;
  try {
    node = await readNode(ctx, base, api, key, args.action === "list" || (args.action === "delete" && args.recursive === true));
  } catch (error) {
    if (!(error instanceof Unreachable)) throw error;
    const what = { put: `set ${key}`, delete: `delete ${key}`, mkdir: `make directory ${key}`, get: "", list: "" }[args.action];
    return unreachable(what, error);
  }
  result.exists = node.exists;
  result.value = node.value;

  switch (args.action) {
    case "get": {
      if (node.dir) throw new ModuleFailure(`${key} is a directory; use action: "list"`);
      let json: unknown;
      try {
        json = node.value === null ? undefined : JSON.parse(node.value);
      } catch {
        json = undefined;
      }
      return { changed: false, summary: node.exists ? "" : `${key} does not exist`, result: { ...result, json } };
    }
    case "list":
      return { changed: false, summary: `${node.keys.length} keys`, result: { ...result, value: undefined, keys: node.keys } };
    case "mkdir":
      if (node.exists && !node.dir) throw new ModuleFailure(`${key} exists and is a key, not a directory`);
      if (node.exists) return { changed: false, result };
      return change(ctx, base, `make directory ${key}`, sh`mkdir -- ${key}`, result);
    case "delete": {
      if (!node.exists) return { changed: false, result };
      const command =
        api === "v2" ? sh`rm ${node.dir || args.recursive ? ["--recursive"] : []} -- ${key}` : sh`del ${args.recursive ? ["--prefix"] : []} -- ${key}`;
      const diff = ctx.diff && !ctx.noLog && node.value !== null ? [{ path: `etcd ${api} ${key}`, before: withNewline(node.value), after: "" }] : undefined;
      return change(ctx, base, `delete ${key}${args.recursive ? " and everything below it" : ""}`, command, result, undefined, diff);
    }
    case "put": {
      if (node.dir) throw new ModuleFailure(`${key} is a directory; a value cannot be stored there`);
      const wanted = valueText(args.value);
      if (node.exists && (args.force === false || sameValue(node.value ?? "", wanted))) return { changed: false, result };
      const verb = api === "v2" ? (node.exists ? "set" : "mk") : "put";
      const diff: FileDiff[] | undefined = ctx.diff && !ctx.noLog ? [{ path: `etcd ${api} ${key}`, before: node.exists ? withNewline(node.value ?? "") : "", after: withNewline(wanted) }] : undefined;
      return change(ctx, base, `${node.exists ? "update" : "create"} ${key}`, sh`${verb} -- ${key}`, result, wanted, diff);
    }
  }
}

/**
 * A member added (idempotent: one of that name or peer URL is there already) or removed. A
 * removal that would leave fewer healthy members than a quorum of those that remain is
 * refused, saying which are unhealthy: it would make the cluster unavailable.
 */
async function planMembership(ctx: ModuleContext, connection: EtcdConnection, base: Shell, args: EtcdctlArgs, result: Partial<EtcdctlResult>): Promise<Plan<EtcdctlResult>> {
  const name = args.member!;
  const { members } = await waitHealthy(ctx, base, 0, false);
  result.members = members;
  const what = args.action === "memberAdd" ? `add member ${name}` : `remove member ${name}`;
  if (members.length === 0) return needsEarlierTask(`could not ${what}: no endpoint answered`, { changed: true, summary: what, result });
  const found = members.find((m) => m.name === name || (args.peerUrl !== undefined && m.peer_urls.includes(args.peerUrl)));
  if (args.action === "memberAdd") {
    if (found) return { changed: false, summary: `${found.name || "an unstarted member"} is a member (${found.status})`, result };
    return change(ctx, base, what, sh`member add ${name} --peer-urls=${args.peerUrl!}`, result);
  }
  if (!found) return { changed: false, summary: `${name} is not a member`, result };
  // every member's health, asked at its own client URLs
  const everyone = connectionFlags({ ...connection, endpoints: members.flatMap((m) => m.client_urls) }, "v3");
  const { endpoints } = await waitHealthy(ctx, everyone, 0);
  const healthy = (m: EtcdMember) => m.client_urls.some((url) => endpoints.find((e) => e.endpoint === url)?.health);
  const remaining = members.filter((m) => m !== found);
  const quorum = Math.floor(remaining.length / 2) + 1;
  const healthyLeft = remaining.filter(healthy).length;
  if (healthyLeft < quorum) {
    const unhealthy = members.filter((m) => !healthy(m)).map((m) => m.name || m.id);
    throw new ModuleFailure(
      `refusing to remove ${name}: ${healthyLeft} of the ${remaining.length} members left would be healthy, fewer than a quorum of ${quorum} (unhealthy: ${unhealthy.join(", ") || "none"})`,
      { ...result, endpoints },
    );
  }
  const removal = change(ctx, base, what, sh`member remove ${found.id}`, { ...result, endpoints });
  return { ...removal, apply: () => retryWhileSettling(removal.apply!) };
}

/**
 * etcd refuses a reconfiguration ("unhealthy cluster") until the member asked has been
 * connected to a quorum for a few seconds (its HealthInterval, 5 s): right after a restart
 * of members, a removal that keeps quorum is refused for a moment. Asked again, for 30 s.
 */
async function retryWhileSettling<T>(step: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      return await step();
    } catch (error) {
      if (!(error instanceof ModuleFailure) || !/unhealthy cluster/.test(error.message) || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }
}

const withNewline = (text: string) => (text.endsWith("\n") ? text : `${text}\n`);

function change(ctx: ModuleContext, base: Shell, summary: string, command: Shell, result: Partial<EtcdctlResult>, stdin?: string, diff?: FileDiff[]): Plan<EtcdctlResult> {
  return {
    changed: true,
    summary,
    diff,
    result,
    apply: async () => {
      const run = await ctx.conn.run(sh`${base} ${command} >/dev/null`, { stdin });
      if (run.code !== 0) throw new ModuleFailure(`etcdctl could not ${summary}: ${run.stderr.trim() || `exit code ${run.code}`}`);
    },
  };
}

export const etcdctl: ModuleFunction<EtcdctlArgs, EtcdctlResult> = defineModule({
  name: "etcdctl",
  args: {
    action: { type: "string", required: true, choices: ["put", "delete", "mkdir", "get", "list", "members", "health", "memberAdd", "memberRemove"] },
    key: { type: "string" },
    value: { type: "any", doc: "a string is stored as is; anything else as JSON" },
    api: { type: "string", choices: API_CHOICES },
    force: { type: "boolean" },
    recursive: { type: "boolean" },
    timeout: { type: "number", doc: "health: seconds" },
    member: { type: "string", doc: "memberAdd, memberRemove: the member's name" },
    peerUrl: { type: "string", doc: "memberAdd: the member's peer URL" },
    connection: { type: "any", doc: "etcdConnection({ endpoints, ca, cert, key }); default: the host variable etcd_client" },
  },
  check(args) {
    const needsKey = ["put", "delete", "mkdir", "get", "list"].includes(args.action);
    if (needsKey && (args.key === undefined || args.key === "")) return `action ${args.action} needs a 'key'`;
    if (!needsKey && args.key !== undefined) return `action ${args.action} takes no 'key'`;
    if ((args.action === "put") !== (args.value !== undefined)) return args.action === "put" ? "put needs a 'value'" : "'value' is for put";
    if (args.action === "mkdir" && args.api === "v3") return "mkdir exists only in the v2 API";
    const membership = args.action === "memberAdd" || args.action === "memberRemove";
    if (membership !== (args.member !== undefined)) return membership ? `${args.action} needs 'member'` : "'member' is for memberAdd and memberRemove";
    if ((args.action === "memberAdd") !== (args.peerUrl !== undefined)) return args.action === "memberAdd" ? "memberAdd needs 'peerUrl'" : "'peerUrl' is for memberAdd";
    if (membership && args.api === "v2") return `${args.action} uses the v3 API`;
    return args.connection === undefined ? undefined : connectionProblem(args.connection);
  },
  plan: (ctx, args) => planEtcdctl(ctx, args as EtcdctlArgs),
});
