/**
 * kubectl with Debian's real kubectl (kubernetes-client, installed on h1 for the test)
 * against a STAND-IN for the Kubernetes API server (test/e2e/kube-api-stand-in.ts: no
 * kube-apiserver can be installed here), served over TLS from the controller at 10.77.0.1.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jsonLines, REPO, tsplay } from "../cli/cli";
import { DEB_CACHE, installOnHost, purgeOnHost } from "./debian-packages";
import { onHost, TESTBED_INVENTORY, TESTBED_KNOWN_HOSTS, testbedUp } from "./testbed";

const TOKEN = "stand-in-token-0123456789";
let standIn: ChildProcess | undefined;
let api = "";
let work = "";
let added: string[] = [];

/** the test's own calls to the stand-in, trusting its certificate only */
function call(path: string, body?: unknown): Promise<any> {
  return new Promise((resolve, reject) => {
    const req = request(`${api}${path}`, { method: body === undefined ? "GET" : "POST", ca: readFileSync(join(work, "stand-in.pem")), agent: false, headers: { authorization: `Bearer ${TOKEN}` } }, (res) => {
      let text = "";
      res.on("data", (chunk: Buffer) => (text += chunk));
      res.on("end", () => resolve(JSON.parse(text)));
    });
    req.on("error", reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}
const get = (path: string) => call(path);
const csr = (name: string, user: string, approved = false) => ({
  apiVersion: "certificates.k8s.io/v1",
  kind: "CertificateSigningRequest",
  metadata: { name },
  spec: { request: "LS0tLS1CRUdJTi4uLg==", signerName: "kubernetes.io/kube-apiserver-client-kubelet", usages: ["digital signature", "key encipherment", "client auth"], username: user },
  status: approved ? { conditions: [{ type: "Approved", status: "True", reason: "KubectlApprove" }] } : {},
});
const seed = (object: unknown) => call("/_stand-in/objects", object);
/** writes the stand-in received since `from` */
const writes = async (from: number) => ((await get("/_stand-in/log")) as string[]).slice(from).filter((r) => !r.startsWith("GET"));

const run = (extra: string[], check = false) => {
  const ca = Buffer.from(readFileSync(join(work, "stand-in.pem"))).toString("base64");
  const out = tsplay(["test/e2e/playbooks/kubectl.ts", "-i", TESTBED_INVENTORY, "--known-hosts", TESTBED_KNOWN_HOSTS, "--output", "json",
    "-e", `server=${api}`, "-e", `ca_data=${ca}`, "-e", `token=${TOKEN}`, ...extra, ...(check ? ["--check"] : [])]);
  const events = jsonLines(out.stdout).filter((e) => e.type === "task");
  expect(out.code, out.stderr + events.filter((e) => e.status === "failed").map((e) => `${e.task}: ${e.msg}`).join("\n")).toBe(0);
  return events;
};
const changed = (events: Record<string, any>[]) => events.filter((e) => e.status === "changed").map((e) => e.task).sort();

describe.skipIf(!testbedUp)("kubectl on h1 against a stand-in API server", () => {
  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "tsplay-kubectl-"));
    const openssl = spawnSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=kube API stand-in",
      "-keyout", join(work, "stand-in-key.pem"), "-out", join(work, "stand-in.pem"), "-addext", "subjectAltName=IP:10.77.0.1", "-addext", "basicConstraints=critical,CA:TRUE"]);
    if (openssl.status !== 0) throw new Error(`openssl: ${openssl.stderr}`);
    const child = spawn(process.execPath, ["--import", "tsx", join(REPO, "test/e2e/kube-api-stand-in.ts"), "10.77.0.1", "0", TOKEN, join(work, "stand-in.pem"), join(work, "stand-in-key.pem")], { cwd: REPO, stdio: ["ignore", "pipe", "inherit"] });
    standIn = child;
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout!.once("data", (data: Buffer) => resolve((JSON.parse(data.toString()) as { port: number }).port));
      child.once("exit", (code) => reject(new Error(`the stand-in exited (${code})`)));
    });
    api = `https://10.77.0.1:${port}`;
    added = installOnHost("h1", ["kubernetes-client"], join(DEB_CACHE, "kubectl"));
    await seed(csr("node-csr-h1", "kubelet-bootstrap"));
    await seed(csr("node-csr-h2", "kubelet-bootstrap"));
    await seed(csr("node-csr-old", "kubelet-bootstrap", true));
    await seed(csr("csr-of-someone-else", "mallory"));
  }, 300_000);

  afterAll(() => {
    if (standIn?.pid) process.kill(standIn.pid, "SIGTERM");
    onHost("h1", "rm -rf /root/tsplay-kube /root/.kube/cache");
    purgeOnHost("h1", added);
    if (work) rmSync(work, { recursive: true, force: true });
  }, 120_000);

  it("kubectl itself works there without a server: object generation", () => {
    const made = onHost("h1", "kubectl create clusterrolebinding kubelet-bootstrap --clusterrole=system:node-bootstrapper --user=kubelet-bootstrap --dry-run=client -o yaml");
    expect(made.stdout).toContain("kind: ClusterRoleBinding");
    expect(made.stdout).toContain("name: system:node-bootstrapper");
  });

  it("creates the binding if absent, applies manifests, approves the kubelets' CSRs; a second run writes nothing", async () => {
    const check = run([], true);
    expect(changed(check)).toEqual(["approve kubelets", "kubeconfig", "kubeconfig folder", "kubelet-bootstrap binding", "manifest file", "settings"]);
    const before = ((await get("/_stand-in/log")) as string[]).length;
    const first = run([]);
    expect(changed(first)).toEqual(changed(check));
    expect(first.find((e) => e.task === "approve kubelets")?.result.approved).toEqual(["node-csr-h1", "node-csr-h2"]);
    expect((await writes(before)).map((w) => w.replace(/\?.*/, "")).sort()).toEqual([
      "POST /api/v1/namespaces/default/configmaps",
      "POST /api/v1/namespaces/kube-system/configmaps",
      "POST /apis/rbac.authorization.k8s.io/v1/clusterrolebindings",
      "PUT /apis/certificates.k8s.io/v1/certificatesigningrequests/node-csr-h1/approval",
      "PUT /apis/certificates.k8s.io/v1/certificatesigningrequests/node-csr-h2/approval",
    ]);
    const csrs = first.find((e) => e.task === "csrs")?.result.items as any[];
    expect(csrs.find((c) => c.metadata.name === "csr-of-someone-else").status.conditions ?? []).toEqual([]);
    expect(onHost("h1", "kubectl --kubeconfig /root/tsplay-kube/admin.kubeconfig config view -o jsonpath='{.users[0].user.token}'").stdout).toBe("REDACTED");

    const stored = await get("/api/v1/namespaces/default/configmaps/tsplay-settings");
    expect(stored.data.nasty).toBe("$(touch /tmp/pwned) `id` 'q' \"dq\" ; ü\n");
    expect(onHost("h1", "ls /tmp/pwned 2>&1").code).not.toBe(0);

    const quiet = ((await get("/_stand-in/log")) as string[]).length;
    expect(changed(run([]))).toEqual([]);
    expect(changed(run([], true))).toEqual([]);
    expect(await writes(quiet)).toEqual([]);
  });

  it("a changed manifest and a new CSR: --check predicts exactly what the run then does", async () => {
    await seed(csr("node-csr-h3", "kubelet-bootstrap"));
    const extra = ["-e", "setting=2"];
    const check = run(extra, true);
    expect(changed(check)).toEqual(["approve kubelets", "settings"]);
    expect(check.find((e) => e.task === "settings")?.msg).toBe("configure configmap/tsplay-settings");
    const before = ((await get("/_stand-in/log")) as string[]).length;
    expect(changed(run(extra))).toEqual(changed(check));
    expect((await writes(before)).map((w) => w.replace(/\?.*/, ""))).toEqual([
      "PATCH /api/v1/namespaces/default/configmaps/tsplay-settings",
      "PUT /apis/certificates.k8s.io/v1/certificatesigningrequests/node-csr-h3/approval",
    ]);
    expect(changed(run(extra))).toEqual([]);
  });
});
