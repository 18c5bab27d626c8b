/**
 * The cluster DNS add-on (roles/cluster-dns): the kube-dns manifest rendered from the
 * inventory's settings, and the cluster playbook's `dns` tag run on this machine with the API
 * steps off (kube_api_tasks: false; test/e2e/cluster-dns.test.ts applies it with kubectl).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { renderStrict } from "../../engine/template";
import { parseManifests } from "../../modules/kubectl";
import { jsonLines, REPO, tsplay } from "../cli/cli";
import { tempDir } from "../temp-dir";

const ALL_YAML = join(REPO, "inventory/group_vars/all.yaml");
const TEMPLATE = readFileSync(join(REPO, "roles/cluster-dns/templates/kube-dns.yaml.mustache"), "utf8");
const inventoryVars = () => parse(readFileSync(ALL_YAML, "utf8")) as Record<string, unknown>;
const render = (vars: Record<string, unknown>) => parseManifests(renderStrict(TEMPLATE, vars), "kube-dns.yaml");
const container = (deployment: any, name: string) => deployment.spec.template.spec.containers.find((c: { name: string }) => c.name === name);

/** the guide's hosts, all run on this machine; group_vars as inventory/ has them, minus `without` */
function localInventory(without: string[] = []): string {
  const dir = tempDir("tsplay-cluster-dns-");
  mkdirSync(join(dir, "inventory/group_vars"), { recursive: true });
  const vars = readFileSync(ALL_YAML, "utf8").split("\n").filter((line) => !without.some((name) => line.startsWith(`${name}:`)));
  writeFileSync(join(dir, "inventory/group_vars/all.yaml"), vars.join("\n"));
  writeFileSync(join(dir, "inventory/hosts.ini"), "[etcd]\nnode1 node_ip=192.168.5.78\n[master]\nnode1\n[node]\nnode1\n[all:vars]\nansible_connection=local\n");
  return dir;
}

// no release binaries here: their check is test/playbooks/artifacts.test.ts's
const NO_ARTIFACTS = ["-e", '{"verify_artifacts": false}'];
const runDns = (dir: string, ...extra: string[]) => {
  const r = tsplay(["playbooks/cluster.ts", "-i", join(dir, "inventory"), "--tags", "dns", "--output", "json", "-e", `addons_dir=${dir}/addons`, "-e", '{"kube_api_tasks": false}', ...NO_ARTIFACTS, ...extra]);
  const events = jsonLines(r.stdout).filter((e) => e.type === "task");
  return { ...r, events, changed: events.filter((e) => e.status === "changed").map((e) => `${e.host}:${e.task}`) };
};

describe("the kube-dns manifest", () => {
  it("is Kubernetes 1.8's kube-dns add-on, with the inventory's service address, domain and images", () => {
    const objects = render(inventoryVars());
    expect(objects.map((o) => `${o.apiVersion} ${o.kind} ${o.metadata.namespace}/${o.metadata.name}`)).toEqual([
      "v1 ServiceAccount kube-system/kube-dns",
      "v1 ConfigMap kube-system/kube-dns",
      "v1 Service kube-system/kube-dns",
      "extensions/v1beta1 Deployment kube-system/kube-dns",
    ]);
    const [, , service, deployment] = objects;
    expect(service!.spec.clusterIP).toBe("10.254.0.2");
    expect(service!.spec.ports.map((p: { port: number; protocol: string }) => `${p.port}/${p.protocol}`)).toEqual(["53/UDP", "53/TCP"]);
    expect(deployment!.spec.replicas).toBe(1);
    expect(deployment!.spec.template.spec.serviceAccountName).toBe("kube-dns");
    expect(container(deployment, "kubedns").image).toBe("mirrorgooglecontainers/k8s-dns-kube-dns-amd64:1.14.7");
    expect(container(deployment, "dnsmasq").image).toBe("mirrorgooglecontainers/k8s-dns-dnsmasq-nanny-amd64:1.14.7");
    expect(container(deployment, "sidecar").image).toBe("mirrorgooglecontainers/k8s-dns-sidecar-amd64:1.14.7");
    expect(container(deployment, "kubedns").args).toContain("--domain=cluster.local.");
    expect(container(deployment, "dnsmasq").args).toContain("--server=/cluster.local/127.0.0.1#10053");
    expect(container(deployment, "sidecar").args).toContain("--probe=kubedns,127.0.0.1:10053,kubernetes.default.svc.cluster.local,5,SRV");
  });

  it("follows other settings: address, domain, replicas, image repository", () => {
    const [, , service, deployment] = render({ ...inventoryVars(), cluster_dns: "10.96.0.10", cluster_domain: "corp.example", dns_replicas: 3, dns_image_repository: "registry.internal/k8s" });
    expect(service!.spec.clusterIP).toBe("10.96.0.10");
    expect(deployment!.spec.replicas).toBe(3);
    expect(container(deployment, "kubedns").args).toContain("--domain=corp.example.");
    expect(container(deployment, "kubedns").image).toBe("registry.internal/k8s/k8s-dns-kube-dns-amd64:1.14.7");
    expect(JSON.stringify(deployment)).not.toContain("cluster.local");
  });

  it("a setting missing from the inventory is an error, never an empty value", () => {
    for (const name of ["cluster_dns", "cluster_domain", "dns_replicas", "kube_dns_image", "dns_version"]) {
      const vars = inventoryVars();
      delete vars[name];
      expect(() => render(vars), name).toThrow(`undefined variable '${name}'`);
    }
  });
});

describe("playbooks/cluster.ts --tags dns, the API steps off", () => {
  it("--check predicts the manifest, the run writes it, a re-run changes nothing", () => {
    const dir = localInventory();
    const check = runDns(dir, "--check", "--diff");
    expect(check.code, check.stderr).toBe(0);
    expect(check.changed).toEqual(["node1:add-ons folder", "node1:kube-dns manifest"]);
    expect(check.events.find((e) => e.task === "kube-dns manifest")!.diff[0].after).toContain("clusterIP: 10.254.0.2\n");
    expect(check.events.find((e) => e.task === "kube-dns applied")!.status).toBe("skipped");
    expect(existsSync(join(dir, "addons"))).toBe(false);

    const real = runDns(dir);
    expect(real.changed).toEqual(check.changed);
    expect(readFileSync(join(dir, "addons/kube-dns.yaml"), "utf8")).toBe(check.events.find((e) => e.task === "kube-dns manifest")!.diff[0].after);
    expect(runDns(dir).changed).toEqual([]);
  });

  it("a cluster_dns outside the service range fails in the first play, naming both, before anything is written", () => {
    const dir = localInventory();
    const r = runDns(dir, "-e", "cluster_dns=10.255.0.2");
    expect(r.code).toBe(2);
    const failed = r.events.filter((e) => e.status === "failed");
    expect(failed[0]).toMatchObject({ host: "localhost", task: "cluster facts from the inventory", play: "PKI on the controller (2.1, 2.2, 2.4.2)" });
    expect(failed[0]!.msg).toMatch(/^cluster_dns 10\.255\.0\.2 is outside service_cluster_ip_range 10\.254\.0\.0\/16/);
    expect(r.events.filter((e) => e.status !== "failed" && e.status !== "skipped")).toEqual([]);
    expect(existsSync(join(dir, "addons"))).toBe(false);
  });

  it("an inventory without the DNS settings fails the manifest, naming the setting", () => {
    const dir = localInventory(["dns_replicas"]);
    const r = runDns(dir);
    expect(r.code).toBe(2);
    expect(r.events.find((e) => e.status === "failed")).toMatchObject({ task: "kube-dns manifest", msg: expect.stringContaining("undefined variable 'dns_replicas'") });
  });
});
