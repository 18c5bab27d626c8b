/**
 * The cluster DNS add-on (playbooks/cluster.ts --tags dns) applied as the role applies it:
 * kubectl on the controller with the admin kubeconfig. The kubectl is Debian's real one
 * (kubernetes-client, unpacked for the test and put first on PATH); the server is the kube API
 * STAND-IN (test/e2e/kube-api-stand-in.ts: no kube-apiserver can be installed here), which,
 * like a real one, refuses to change a Service's clusterIP. The inventory is test/demo.sh's.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { REPO } from "../cli/cli";
import { changed, clusterRun } from "./cluster-run";
import { DEB_CACHE, downloadDebs } from "./debian-packages";
import { testbedUp } from "./testbed";

const TOKEN = "stand-in-token-dns-0123456789";
const SERVICE = "/api/v1/namespaces/kube-system/services/kube-dns";
const DEPLOYMENT = "/apis/extensions/v1beta1/namespaces/kube-system/deployments/kube-dns";
let standIn: ChildProcess | undefined;
let api = "";
let kubectlBin = "";
const cluster = clusterRun("tsplay-cluster-dns-", () => ({ PATH: `${kubectlBin}:${process.env.PATH}` }));

/** the test's own reads of the stand-in, trusting its certificate only */
function get(path: string): Promise<any> {
  return new Promise((resolve, reject) => {
    const req = request(`${api}${path}`, { ca: readFileSync(join(cluster.dir, "stand-in.pem")), agent: false, headers: { authorization: `Bearer ${TOKEN}` } }, (res) => {
      let text = "";
      res.on("data", (chunk: Buffer) => (text += chunk));
      res.on("end", () => resolve(JSON.parse(text)));
    });
    req.on("error", reject);
    req.end();
  });
}
const requests = async () => ((await get("/_stand-in/log")) as string[]).length;
/** the writes the stand-in received since `from`, without their query */
const writes = async (from: number) => ((await get("/_stand-in/log")) as string[]).slice(from).filter((r) => !r.startsWith("GET")).map((r) => r.replace(/\?.*/, ""));

/** Debian's kubectl, unpacked from its package (fetched into the tests' cache when missing) */
function debianKubectl(into: string): string {
  const folder = join(DEB_CACHE, "kubectl");
  const cached = () => (existsSync(folder) ? readdirSync(folder).filter((f) => /^kubernetes-client_.*\.deb$/.test(f)).sort().at(-1) : undefined);
  if (!cached()) downloadDebs(["kubernetes-client"], folder);
  const unpacked = spawnSync("dpkg-deb", ["-x", join(folder, cached()!), into], { encoding: "utf8" });
  if (unpacked.status !== 0) throw new Error(`dpkg-deb: ${unpacked.stderr}`);
  return join(into, "usr/bin");
}

/** the dns tag alone, with Debian's kubectl first on PATH: its tasks' events */
const run = (...extra: string[]) => {
  const r = cluster.tsplay("playbooks/cluster.ts", "-e", '{"kube_api_tasks": true}', "--tags", "dns", ...extra);
  return { ...r, events: r.events.filter((e) => e.type === "task") };
};
const converged = (extra: string[] = []) => {
  const r = run(...extra);
  expect(r.code, r.out).toBe(0);
  return r;
};
const event = (events: Record<string, any>[], task: string) => events.find((e) => e.task === task)!;
const inventory = () => parse(readFileSync(`${cluster.dir}/inventory/group_vars/all.yaml`, "utf8")) as { cluster_dns: string; cluster_domain: string };

describe.skipIf(!testbedUp)("the cluster DNS add-on, with Debian's kubectl against a stand-in API server", () => {
  beforeAll(async () => {
    cluster.prepare();
    kubectlBin = debianKubectl(join(cluster.dir, "kubectl"));

    const openssl = spawnSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=kube API stand-in",
      "-keyout", join(cluster.dir, "stand-in-key.pem"), "-out", join(cluster.dir, "stand-in.pem"), "-addext", "subjectAltName=IP:127.0.0.1", "-addext", "basicConstraints=critical,CA:TRUE"]);
    if (openssl.status !== 0) throw new Error(`openssl: ${openssl.stderr}`);
    const child = spawn(process.execPath, ["--import", "tsx", join(REPO, "test/e2e/kube-api-stand-in.ts"), "127.0.0.1", "0", TOKEN, join(cluster.dir, "stand-in.pem"), join(cluster.dir, "stand-in-key.pem")], { cwd: REPO, stdio: ["ignore", "pipe", "inherit"] });
    standIn = child;
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout!.once("data", (data: Buffer) => resolve((JSON.parse(data.toString()) as { port: number }).port));
      child.once("exit", (code) => reject(new Error(`the stand-in exited (${code})`)));
    });
    api = `https://127.0.0.1:${port}`;
    // where the ca role leaves the admin kubeconfig (--tags dns runs no ca role): here, the stand-in's
    mkdirSync(join(cluster.dir, "pki"), { mode: 0o700 });
    const ca = readFileSync(join(cluster.dir, "stand-in.pem")).toString("base64");
    const kubeconfig = { apiVersion: "v1", kind: "Config", clusters: [{ name: "stand-in", cluster: { server: api, "certificate-authority-data": ca } }], users: [{ name: "admin", user: { token: TOKEN } }], contexts: [{ name: "kubernetes", context: { cluster: "stand-in", user: "admin" } }], "current-context": "kubernetes" };
    writeFileSync(join(cluster.dir, "pki/admin.kubeconfig"), JSON.stringify(kubeconfig), { mode: 0o600 });
  }, 300_000);

  afterAll(() => {
    if (standIn?.pid) process.kill(standIn.pid, "SIGTERM");
    cluster.remove();
  });

  it("the kubectl is Debian's", () => {
    const version = spawnSync(join(kubectlBin, "kubectl"), ["version", "--client", "--short"], { encoding: "utf8" });
    expect(version.stdout).toMatch(/^Client Version: v1\.\d+\.\d+/);
  });

  it("--check --diff shows the manifest and predicts exactly the objects the run then creates", { timeout: 600_000 }, async () => {
    const { cluster_dns, cluster_domain } = inventory();
    const before = await requests();
    const check = converged(["--check", "--diff"]);
    expect(changed(check.events)).toEqual(["h1:add-ons folder", "h1:kube-dns applied", "h1:kube-dns manifest"]);
    const manifest = event(check.events, "kube-dns manifest").diff[0];
    expect(manifest.before).toBe("");
    expect(manifest.after).toContain(`  clusterIP: ${cluster_dns}\n`);
    expect(manifest.after).toContain(`--domain=${cluster_domain}.\n`);
    const applied = event(check.events, "kube-dns applied");
    expect(applied.msg).toBe("create serviceaccount/kube-dns, create configmap/kube-dns, create service/kube-dns, create deployment/kube-dns");
    expect(applied.diff.map((d: { path: string }) => d.path)).toEqual(["serviceaccount/kube-dns", "configmap/kube-dns", "service/kube-dns", "deployment/kube-dns"]);
    expect(await writes(before)).toEqual([]);
    expect(existsSync(`${cluster.dir}/addons`)).toBe(false);

    const real = converged();
    expect(changed(real.events)).toEqual(changed(check.events));
    expect(readFileSync(`${cluster.dir}/addons/kube-dns.yaml`, "utf8")).toBe(manifest.after);
    expect((await writes(before)).sort()).toEqual([
      "POST /api/v1/namespaces/kube-system/configmaps",
      "POST /api/v1/namespaces/kube-system/serviceaccounts",
      "POST /api/v1/namespaces/kube-system/services",
      "POST /apis/extensions/v1beta1/namespaces/kube-system/deployments",
    ]);
    expect((await get(SERVICE)).spec.clusterIP).toBe(cluster_dns);
    const deployment = await get(DEPLOYMENT);
    expect(deployment.spec.replicas).toBe(1);
    expect(deployment.spec.template.spec.containers.map((c: { name: string }) => c.name)).toEqual(["kubedns", "dnsmasq", "sidecar"]);
    expect(deployment.spec.template.spec.containers[0].args).toContain(`--domain=${cluster_domain}.`);
  });

  it("a second run and --check change nothing and write nothing", { timeout: 600_000 }, async () => {
    const before = await requests();
    expect(changed(converged().events)).toEqual([]);
    expect(changed(converged(["--check"]).events)).toEqual([]);
    expect(await writes(before)).toEqual([]);
  });

  it("a new cluster_dns and dns_replicas: --check --diff shows them, the run replaces the Service and scales kube-dns", { timeout: 600_000 }, async () => {
    const { cluster_dns } = inventory();
    const extra = ["-e", JSON.stringify({ cluster_dns: "10.254.0.53", dns_replicas: 2 })];
    const before = await requests();
    const check = converged([...extra, "--check", "--diff"]);
    expect(changed(check.events)).toEqual(["h1:kube-dns applied", "h1:kube-dns manifest"]);
    const manifest = event(check.events, "kube-dns manifest").diff[0];
    expect([manifest.before, manifest.after].map((text: string) => /clusterIP: (\S+)/.exec(text)![1])).toEqual([cluster_dns, "10.254.0.53"]);
    expect([manifest.before, manifest.after].map((text: string) => /replicas: (\S+)/.exec(text)![1])).toEqual(["1", "2"]);
    const applied = event(check.events, "kube-dns applied");
    expect(applied.msg).toBe("configure service/kube-dns, configure deployment/kube-dns");
    expect(applied.diff.find((d: { path: string }) => d.path === "service/kube-dns").before).toContain(`clusterIP: ${cluster_dns}`);
    expect(await writes(before)).toEqual([]);

    const real = converged(extra);
    expect(changed(real.events)).toEqual(changed(check.events));
    // the patch is refused (clusterIP is immutable): kubectl apply --force deletes and creates the Service
    expect(await writes(before)).toEqual([
      `PATCH ${SERVICE}`,
      `DELETE ${SERVICE}`,
      "POST /api/v1/namespaces/kube-system/services",
      `PATCH ${DEPLOYMENT}`,
    ]);
    expect((await get(SERVICE)).spec.clusterIP).toBe("10.254.0.53");
    expect((await get(DEPLOYMENT)).spec.replicas).toBe(2);
    expect(changed(converged(extra).events)).toEqual([]);
  });

  it("a cluster_dns outside the service range fails in the first play, and nothing reaches the API", async () => {
    const before = await requests();
    const r = run("-e", "cluster_dns=10.255.0.2");
    expect(r.code, r.out).toBe(2);
    expect(r.events.filter((e) => e.status === "failed")[0]).toMatchObject({ host: "localhost", task: "cluster facts from the inventory" });
    expect(r.events.filter((e) => e.status === "changed")).toEqual([]);
    expect(await requests()).toBe(before);
  });
});
