import { describe, expect, it } from "vitest";
import { kubectl } from "../../modules";
import { applyAction, liveHas, parseGetOutput, parseManifests, pendingCsrs } from "../../modules/kubectl";

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
});
