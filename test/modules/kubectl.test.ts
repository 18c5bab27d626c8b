import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Connection, type RunOptions, type RunResult } from "../../engine/connection";
import type { Shell } from "../../engine/shell";
import { kubectl } from "../../modules";
import { applyAction, liveHas, parseGetOutput, parseManifests, pendingCsrs, type KubectlArgs } from "../../modules/kubectl";
import { tempDir } from "../temp-dir";
import { makeContext } from "./context";

const wanted = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "s" }, data: { a: "1", port: 2379 } };
const applied = (object: object, extra: object = {}) => ({
  ...object,
  ...extra,
  metadata: {
    name: "s",
    namespace: "default",
    uid: "u",
    resourceVersion: "7",
    annotations: { "kubectl.kubernetes.io/last-applied-configuration": `${JSON.stringify({ ...object, metadata: { annotations: {}, name: "s", namespace: "default" } })}\n` },
  },
});

/** kubectl as the module meets it: `get` answers with the live objects; every command is kept */
class RecordedKubectl extends Connection {
  readonly commands: { text: string; stdin: string }[] = [];

  constructor(private readonly live: object[]) {
    super("controller");
  }

  async run(command: Shell, options: RunOptions = {}): Promise<RunResult> {
    this.commands.push({ text: command.text, stdin: String(options.stdin ?? "") });
    const stdout = / get /.test(command.text) ? JSON.stringify({ kind: "List", items: this.live }) : "applied\n";
    return { code: 0, stdout, stderr: "", stdoutBytes: Buffer.from(stdout) };
  }
}

async function planWith(args: KubectlArgs, live: object[], files: Record<string, string> = {}) {
  const conn = new RecordedKubectl(live);
  const ctx = { ...makeContext(), conn };
  for (const [path, content] of Object.entries(files)) ctx.controller.predict(path, content);
  const call = kubectl(args);
  return { plan: await call.module.plan(ctx, call.args), commands: conn.commands };
}

describe("kubectl", () => {
  it("an object is unchanged when the live one has every field and the same last-applied manifest", () => {
    expect(applyAction(wanted, undefined)).toBe("created");
    expect(applyAction(wanted, applied(wanted))).toBe("unchanged");
    // fields the server adds do not count; a field changed by someone else does
    expect(applyAction(wanted, { ...applied(wanted), status: { x: 1 } })).toBe("unchanged");
    expect(applyAction(wanted, { ...applied(wanted), data: { a: "2", port: 2379 } })).toBe("configured");
    // a field dropped from the manifest: kubectl would remove it, so it is a change
    expect(applyAction({ ...wanted, data: { a: "1" } }, applied(wanted))).toBe("configured");
    // made by `kubectl create`: no annotation, so apply would add it
    expect(applyAction(wanted, { ...wanted, metadata: { name: "s", namespace: "default" } })).toBe("configured");
  });

  it("compares scalars as text and lists element by element", () => {
    expect(liveHas({ port: "2379", x: [{ a: 1, b: 2 }] }, { port: 2379, x: [{ a: 1 }] })).toBe(true);
    expect(liveHas({ x: [1, 2] }, { x: [1] })).toBe(false);
    expect(liveHas({ a: 1 }, { a: null })).toBe(false);
    expect(liveHas({}, { a: null })).toBe(true);
  });

  it("finds the pending CSRs of one requestor", () => {
    const csr = (name: string, username: string, type?: string) => ({ metadata: { name }, spec: { username }, status: type ? { conditions: [{ type }] } : {} });
    expect(pendingCsrs([csr("a", "kubelet-bootstrap"), csr("b", "kubelet-bootstrap", "Approved"), csr("c", "kubelet-bootstrap", "Denied"), csr("d", "other")], "kubelet-bootstrap")).toEqual(["a"]);
  });

  it("reads kubectl's output and multi-document manifests", () => {
    expect(parseGetOutput("")).toEqual([]);
    expect(parseGetOutput('{"kind":"List","items":[{"kind":"A"}]}')).toEqual([{ kind: "A" }]);
    expect(parseGetOutput('{"kind":"A"}')).toEqual([{ kind: "A" }]);
    expect(parseManifests("kind: A\nmetadata: {name: a}\n---\n---\nkind: List\nitems: [{kind: B}]\n", "f.yaml")).toEqual([{ kind: "A", metadata: { name: "a" } }, { kind: "B" }]);
    expect(() => parseManifests("a: [", "bad.yaml")).toThrow(/bad.yaml/);
  });

  it("takes exactly one action, and objects with a kind and a name", () => {
    expect(() => kubectl({ get: ["csr"], approveCsrs: "x" })).toThrow(/exactly one of/);
    expect(() => kubectl({ apply: { kind: "ConfigMap" } })).toThrow(/kind and metadata.name/);
  });

  it("src reads the manifest as the run sees it: a file an earlier task would write under --check", async () => {
    // nothing on disk: the runner keeps what the template task would have written
    const path = join(tempDir("tsplay-kubectl-src-"), "addons/kube-dns.yaml");
    const { plan, commands } = await planWith({ src: path }, [], { [path]: "kind: ConfigMap\napiVersion: v1\nmetadata: {name: s, namespace: kube-system}\n" });
    expect([plan.changed, plan.summary]).toEqual([true, "create configmap/s"]);
    expect(JSON.parse(commands[0]!.stdin).items).toEqual([{ kind: "ConfigMap", apiVersion: "v1", metadata: { name: "s", namespace: "kube-system" } }]);
  });

  it("force replaces what the server refuses to change: kubectl apply --force", async () => {
    const service = { apiVersion: "v1", kind: "Service", metadata: { name: "dns", namespace: "kube-system" }, spec: { clusterIP: "10.254.0.10" } };
    const before = { ...service, spec: { clusterIP: "10.254.0.2" } };
    const live = { ...before, metadata: { ...service.metadata, annotations: { "kubectl.kubernetes.io/last-applied-configuration": JSON.stringify(before) } } };
    const forced = await planWith({ apply: service, force: true }, [live]);
    expect(forced.plan.summary).toBe("configure service/dns");
    await forced.plan.apply!();
    expect(forced.commands.at(-1)!.text).toMatch(/^kubectl +apply -f - +'--force'$/);
    const plain = await planWith({ apply: service }, []);
    await plain.plan.apply!();
    expect(plain.commands.at(-1)!.text).toMatch(/^kubectl +apply -f - *$/);
    expect(() => kubectl({ get: ["csr"], force: true })).toThrow(/force goes with apply or src only/);
  });
});
