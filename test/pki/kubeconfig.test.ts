import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import YAML from "yaml";
import { cert } from "../../modules/cert";
import { kubeconfig } from "../../modules/kubeconfig";
import { run, snapshot } from "../modules/context";
import { caCsr, kubeProxyCsr, kubernetesProfile, tool } from "./guide";

const SERVER = "https://192.168.5.78:6443";
const TOKEN = "0123456789abcdef0123456789abcdef";
let pki: string;
let dir: string;
const ec = { algo: "ecdsa", size: 256 };

beforeAll(async () => {
  pki = mkdtempSync(join(tmpdir(), "tsplay-kubeconfig-pki-"));
  await run(cert({ dir: pki, name: "ca", isCa: true, csr: { ...caCsr, key: ec } }));
  await run(cert({ dir: pki, name: "kube-proxy", csr: { ...kubeProxyCsr, key: ec }, profile: kubernetesProfile }));
});
afterAll(() => rmSync(pki, { recursive: true, force: true }));
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "tsplay-kubeconfig-"));
  return () => rmSync(dir, { recursive: true, force: true });
});

const pem = (name: string) => readFileSync(join(pki, name));
const base64 = (name: string) => pem(name).toString("base64");
const bootstrap = (dest: string, more: Record<string, unknown> = {}) =>
  kubeconfig({ dest, server: SERVER, certificateAuthority: join(pki, "ca.pem"), user: "kubelet-bootstrap", token: TOKEN, ...more });
const kubeProxy = (dest: string) =>
  kubeconfig({ dest, server: SERVER, certificateAuthority: join(pki, "ca.pem"), user: "kube-proxy", clientCertificate: join(pki, "kube-proxy.pem"), clientKey: join(pki, "kube-proxy-key.pem") });
/** what the real kubectl reads from a file */
const view = (file: string) => JSON.parse(tool("kubectl", ["config", "view", "--raw", "-o", "json", "--kubeconfig", file]).stdout);
const kubectl = (file: string, ...args: string[]) => tool("kubectl", ["config", ...args, `--kubeconfig=${file}`]);

describe("kubeconfig", () => {
  it("writes the guide's bootstrap.kubeconfig (2.2.2), 0600, as the real kubectl reads it", async () => {
    const dest = join(dir, "bootstrap.kubeconfig");
    const { result } = await run(bootstrap(dest));
    expect(result).toMatchObject({ changed: true, dest, mode: "0600", cluster: "kubernetes", user: "kubelet-bootstrap", context: "default", server: SERVER });
    expect(statSync(dest).mode & 0o777).toBe(0o600);
    expect(view(dest)).toMatchObject({
      clusters: [{ name: "kubernetes", cluster: { server: SERVER, "certificate-authority-data": base64("ca.pem") } }],
      users: [{ name: "kubelet-bootstrap", user: { token: TOKEN } }],
      contexts: [{ name: "default", context: { cluster: "kubernetes", user: "kubelet-bootstrap" } }],
      "current-context": "default",
    });
  });

  it("means what the guide's kubectl commands make, and takes their file over unchanged", async () => {
    const byKubectl = join(dir, "by-kubectl");
    kubectl(byKubectl, "set-cluster", "kubernetes", `--certificate-authority=${join(pki, "ca.pem")}`, "--embed-certs=true", `--server=${SERVER}`);
    kubectl(byKubectl, "set-credentials", "kube-proxy", `--client-certificate=${join(pki, "kube-proxy.pem")}`, `--client-key=${join(pki, "kube-proxy-key.pem")}`, "--embed-certs=true");
    kubectl(byKubectl, "set-context", "default", "--cluster=kubernetes", "--user=kube-proxy");
    kubectl(byKubectl, "use-context", "default");
    const byTsplay = join(dir, "by-tsplay");
    await run(kubeProxy(byTsplay));
    expect(view(byTsplay)).toEqual(view(byKubectl));
    expect(view(byTsplay).users[0].user).toEqual({ "client-certificate-data": base64("kube-proxy.pem"), "client-key-data": base64("kube-proxy-key.pem") });

    const bytes = readFileSync(byKubectl);
    const takeover = await run(kubeProxy(byKubectl));
    // the same meaning: the content stays as kubectl wrote it, at most the mode is put right
    expect(takeover.plan.summary ?? "").not.toMatch(/update/);
    expect(readFileSync(byKubectl)).toEqual(bytes);
    expect(statSync(byKubectl).mode & 0o777).toBe(0o600);
  });

  it("compares meaning, not bytes: a re-run, or the same content written differently, changes nothing", async () => {
    const dest = join(dir, "kube-proxy.kubeconfig");
    await run(kubeProxy(dest));
    expect((await run(kubeProxy(dest))).result.changed).toBe(false);
    // another writer's layout: JSON, lists reordered, base64 wrapped at 76 columns
    const doc = YAML.parse(readFileSync(dest, "utf8"));
    doc.users[0].user["client-key-data"] = doc.users[0].user["client-key-data"].replace(/.{76}/g, "$&\n");
    doc.clusters.unshift({ name: "other", cluster: { server: "https://10.0.0.1:6443" } });
    writeFileSync(dest, JSON.stringify(doc, null, 4), { mode: 0o600 });
    const before = snapshot(dir);
    const again = await run(kubeProxy(dest), { check: true });
    expect(again.plan.changed).toBe(false);
    expect((await run(kubeProxy(dest))).result.changed).toBe(false);
    expect(snapshot(dir)).toEqual(before);
  });

  it("keeps other entries, replaces its own, and says which changed", async () => {
    const dest = join(dir, "config");
    kubectl(dest, "set-cluster", "staging", "--server=https://10.1.0.1:6443");
    kubectl(dest, "set-credentials", "me", "--token=staging-token");
    kubectl(dest, "set-context", "staging", "--cluster=staging", "--user=me");
    kubectl(dest, "use-context", "staging");
    await run(bootstrap(dest));
    const merged = view(dest);
    expect(merged.clusters.map((c: { name: string }) => c.name).sort()).toEqual(["kubernetes", "staging"]);
    expect(merged.users.find((u: { name: string }) => u.name === "me").user.token).toBe("staging-token");
    expect(merged["current-context"]).toBe("default");

    const moved = await run(bootstrap(dest, { server: "https://192.168.5.79:6443" }), { check: true });
    expect(moved.plan.summary).toBe(`update ${dest} (cluster kubernetes)`);
    const keepCurrent = await run(bootstrap(dest, { context: "bootstrap", useContext: false }));
    expect(keepCurrent.plan.summary).toBe(`update ${dest} (context bootstrap)`);
    expect(view(dest)["current-context"]).toBe("default");
  });

  it("diffs what `kubectl config view` shows: never the token or a key", async () => {
    const dest = join(dir, "bootstrap.kubeconfig");
    await run(bootstrap(dest));
    const { plan, result } = await run(bootstrap(dest, { token: "fedcba9876543210fedcba9876543210", server: "https://192.168.5.79:6443" }), { diff: true, check: true });
    expect(plan.diff).toHaveLength(1);
    const diff = plan.diff![0]!;
    expect(diff.before).toContain(`server: ${SERVER}`);
    expect(diff.after).toContain("server: https://192.168.5.79:6443");
    expect(diff.after).toContain("token: REDACTED");
    expect(diff.after).toContain("certificate-authority-data: DATA+OMITTED");
    const shown = JSON.stringify({ diff: plan.diff, summary: plan.summary, result });
    expect(shown).not.toContain(TOKEN);
    expect(shown).not.toContain("fedcba9876543210");
    expect(shown).not.toContain(base64("ca.pem").slice(0, 40));

    const proxy = join(dir, "kube-proxy.kubeconfig");
    const created = await run(kubeProxy(proxy), { diff: true });
    expect(created.plan.diff![0]!.after).toContain("client-key-data: REDACTED");
    expect(JSON.stringify(created)).not.toContain(base64("kube-proxy-key.pem").slice(0, 40));
    expect((await run(bootstrap(dest), { diff: true, noLog: true, check: true })).plan.diff).toBeUndefined();
  });

  it("in check mode, a CA an earlier task has yet to make is a change; in a real run, a failure", async () => {
    const dest = join(dir, "bootstrap.kubeconfig");
    const missing = join(dir, "later/ca.pem");
    const call = kubeconfig({ dest, server: SERVER, certificateAuthority: missing, user: "kubelet-bootstrap", token: TOKEN });
    const check = await run(call, { check: true });
    expect(check.plan).toMatchObject({ changed: true, summary: `write ${dest}` });
    expect(check.plan.uncertain).toMatch(`certificateAuthority '${missing}' not found`);
    await expect(run(call)).rejects.toThrow(`certificateAuthority '${missing}' not found`);
  });

  it("refuses what would make a broken kubeconfig, or overwrite one it cannot read", async () => {
    expect(() => kubeconfig({ dest: "/x", server: SERVER, certificateAuthority: "ca.pem", user: "u", token: "t", clientKey: "k" })).toThrow(/either 'token' or 'clientCertificate'/);
    expect(() => kubeconfig({ dest: "/x", server: SERVER, certificateAuthority: "ca.pem", user: "u" })).toThrow(/give the user's credentials/);
    expect(() => kubeconfig({ dest: "/x", server: "192.168.5.78:6443", certificateAuthority: "ca.pem", user: "u", token: "t" })).toThrow(/server must be a URL/);
    const swapped = kubeconfig({ dest: join(dir, "c"), server: SERVER, certificateAuthority: join(pki, "ca.pem"), user: "u", clientCertificate: join(pki, "kube-proxy.pem"), clientKey: join(pki, "ca-key.pem") });
    await expect(run(swapped)).rejects.toThrow(/does not match clientKey/);
    const notYaml = join(dir, "broken");
    writeFileSync(notYaml, "clusters: [unclosed\n");
    await expect(run(bootstrap(notYaml))).rejects.toThrow(/broken exists but it is not YAML .*; move it away or fix it/);
    expect(readFileSync(notYaml, "utf8")).toBe("clusters: [unclosed\n");
  });
});
