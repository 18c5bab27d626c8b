/**
 * playbooks/cluster.ts on the three test hosts (h1 master; h1-h3 etcd members and nodes),
 * with the inventory and stand-ins test/demo.sh writes. Real: the 3-member TLS etcd cluster
 * (Debian's etcd), the flannel config and flannel's subnet leases in etcd, docker (Debian's
 * docker.io, installed by the playbook from the testbed's mirror, running containers),
 * conntrack, certificates (openssl), kubeconfigs (kubectl config view), units
 * (systemd-analyze verify, systemd running them). STAND-INS: kube-*, kubelet, flanneld and
 * mk-docker-opts.sh (test/cluster/write-stand-ins.sh).
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Task, TaskItem } from "../../engine";
import { clusterFiles } from "../../roles/cluster-files";
import { kubelet } from "../../roles/kubelet";
import { verifyArtifacts } from "../../roles/shared/verify-artifacts";
import { REPO, jsonLines } from "../cli/cli";
import { changed, cleanHosts, clusterRun, clusterUnits, ETCD_V2, failed, RUN_TIMEOUT, serviceStamps, sh, sha256 } from "./cluster-run";
import { addressOf, HOSTS, onHost, TESTBED_MIRROR, testbedUp } from "./testbed";

const cluster = clusterRun("tsplay-cluster-");
const run = (...extra: string[]) => cluster.tsplay("playbooks/cluster.ts", ...extra);
const local = (command: string) => {
  const r = spawnSync("sh", ["-c", command], { encoding: "utf8" });
  expect(r.status, `${command}\n${r.stderr}`).toBe(0);
  return r.stdout;
};
/** flanneld's leases in etcd: host → its subnet ("172.30.2.0/24"), by the lease's PublicIP */
const leases = () => {
  const keys = sh("h1", `${ETCD_V2} ls /kube-centos/network/subnets`).trim().split("\n");
  const byAddress = Object.fromEntries(keys.map((key) => [JSON.parse(sh("h1", `${ETCD_V2} get ${key}`)).PublicIP, key.split("/").pop()!.replace("-", "/")]));
  return Object.fromEntries(HOSTS.map((host) => [host, byAddress[addressOf(host)] as string]));
};
/** a container image made of Debian's busybox-static from the mirror: no registry is reachable */
const busyboxImage = () => {
  const work = mkdtempSync(join(tmpdir(), "tsplay-busybox-"));
  try {
    const made = spawnSync("bash", ["-c", 'set -e; dpkg-deb -x "$1"/busybox-static_*.deb "$2/deb"; mkdir -p "$2/root/bin"; cp "$2/deb/bin/busybox" "$2/root/bin/"; for a in sh ip; do ln -s busybox "$2/root/bin/$a"; done; tar -C "$2/root" -cf - .', "-", TESTBED_MIRROR, work], { maxBuffer: 64 * 1024 * 1024 });
    expect(made.status, String(made.stderr)).toBe(0);
    return made.stdout;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
};
const names = (items: TaskItem[]): string[] => items.flatMap((t) => (t.kind === "block" ? names(t.tasks) : t.kind === "flush" ? [] : [t.name]));

describe.skipIf(!testbedUp)("the cluster playbook on three test hosts", () => {
  beforeAll(() => {
    cleanHosts(HOSTS);
    cluster.prepare();
  });
  afterAll(() => {
    if (!testbedUp) return;
    cleanHosts(HOSTS);
    cluster.remove();
  });

  it("--check on fresh hosts fails nothing and predicts exactly what the real run then changes", { timeout: RUN_TIMEOUT * 2 }, () => {
    const check = run("--check");
    expect(check.code, check.out).toBe(0);
    expect(failed(check.events)).toEqual([]);
    for (const host of HOSTS) expect(onHost(host, "test -e /etc/etcd/etcd.conf || test -e /etc/systemd/system/kubelet.service").code).toBe(1);

    const real = run();
    expect(real.code, real.out).toBe(0);
    expect(changed(real.events)).toEqual(changed(check.events));
    expect(changed(real.events)).toContain("h3:kube-proxy enabled and running");
    // the packages come from the testbed's mirror, installed by the playbook itself
    for (const host of HOSTS) expect(changed(real.events)).toEqual(expect.arrayContaining([`${host}:docker packages`, `${host}:conntrack`]));
  });

  it("makes a healthy 3-member etcd cluster with TLS for clients and peers, holding flannel's network config", () => {
    const health = sh("h2", `${ETCD_V2} cluster-health`);
    expect(health.match(/is healthy: got healthy result from https:\/\//g)).toHaveLength(3);
    expect(health).toContain("cluster is healthy");
    const members = sh("h3", `${ETCD_V2.replace("ETCDCTL_API=2", "ETCDCTL_API=3").replace(/--ca-file/, "--cacert").replace(/--cert-file/, "--cert").replace(/--key-file/, "--key")} member list`);
    for (const [i, name] of ["infra1", "infra2", "infra3"].entries()) expect(members).toContain(`${name}, https://10.77.0.1${i + 1}:2380, https://10.77.0.1${i + 1}:2379`);
    expect(JSON.parse(sh("h1", `${ETCD_V2} get /kube-centos/network/config`))).toEqual({ Network: "172.30.0.0/16", SubnetLen: 24, Backend: { Type: "host-gw" } });
    // no plain-text listener, and a client without a certificate is refused
    expect(onHost("h1", "ETCDCTL_API=3 etcdctl --endpoints=http://127.0.0.1:2379 --dial-timeout=2s get /x").code).not.toBe(0);
    expect(onHost("h1", "ETCDCTL_API=3 etcdctl --endpoints=https://10.77.0.12:2379 --cacert=/etc/kubernetes/ssl/ca.pem --dial-timeout=2s get /x").code).not.toBe(0);
  });

  it("issues the certificates from the inventory and puts each secret only where it belongs", () => {
    const pki = `${cluster.dir}/pki`;
    expect(local(`openssl verify -CAfile ${pki}/ca.pem ${pki}/kubernetes.pem ${pki}/admin.pem ${pki}/kube-proxy.pem`)).toMatch(/kubernetes.pem: OK[\s\S]*admin.pem: OK[\s\S]*kube-proxy.pem: OK/);
    const sans = local(`openssl x509 -in ${pki}/kubernetes.pem -noout -ext subjectAltName`);
    for (const san of ["IP Address:127.0.0.1", "IP Address:10.77.0.11", "IP Address:10.77.0.12", "IP Address:10.77.0.13", "IP Address:10.254.0.1", "DNS:kubernetes.default.svc.cluster.local"]) expect(sans).toContain(san);
    expect(local(`openssl x509 -in ${pki}/admin.pem -noout -subject`)).toContain("O = system:masters");
    const view = (file: string) => JSON.parse(local(`kubectl config view --kubeconfig ${pki}/${file} -o json`));
    const bootstrap = view("bootstrap.kubeconfig");
    expect(bootstrap.clusters[0].cluster.server).toBe("https://10.77.0.11:6443");
    expect(bootstrap.users[0].name).toBe("kubelet-bootstrap");
    expect(view("kube-proxy.kubeconfig").users[0].user["client-certificate-data"]).toBeDefined();
    expect(view("admin.kubeconfig").contexts[0].context.user).toBe("admin");

    const certHash = sha256(readFileSync(`${pki}/kubernetes.pem`));
    for (const host of HOSTS) {
      expect(sh(host, "sha256sum /etc/kubernetes/ssl/kubernetes.pem")).toContain(certHash);
      expect(sh(host, "stat -c %a /etc/kubernetes/ssl/kubernetes-key.pem /etc/kubernetes/bootstrap.kubeconfig")).toBe("600\n600\n");
      // kubelets bootstrap: no admin credentials on any host; the CA key on the master only
      expect(sh(host, "ls /etc/kubernetes /etc/kubernetes/ssl; ls /root/.kube 2>/dev/null; true")).not.toMatch(/admin/);
      expect(onHost(host, "test -e /etc/kubernetes/ssl/ca-key.pem").code).toBe(host === "h1" ? 0 : 1);
      expect(sh(host, "cat /etc/kubernetes/kubelet")).toContain(`--cert-dir=/etc/kubernetes/ssl --cluster-domain=cluster.local`);
      expect(sh(host, "cat /etc/kubernetes/proxy")).toContain(`--hostname-override=10.77.0.1${host.slice(1)} --kubeconfig=/etc/kubernetes/kube-proxy.kubeconfig --cluster-cidr=172.30.0.0/16`);
    }
  });

  it("installs units systemd accepts, enabled and running, Debian's docker on flannel's subnet, conntrack", () => {
    const subnets = leases();
    for (const host of HOSTS) {
      const units = clusterUnits(host);
      sh(host, `systemd-analyze verify ${units.map((u) => `/etc/systemd/system/${u}.service`).join(" ")}`);
      expect(sh(host, `systemctl is-active ${units.join(" ")}`).trim().split("\n")).toEqual(units.map(() => "active"));
      expect(sh(host, `systemctl is-enabled ${units.join(" ")}`).trim().split("\n")).toEqual(units.map(() => "enabled"));
      const bip = subnets[host]!.replace(".0/", ".1/");
      expect(sh(host, "cat /run/flannel/docker")).toContain(`DOCKER_NETWORK_OPTIONS=" --bip=${bip} --ip-masq=true --mtu=1500"`);
      const dockerd = sh(host, "cat /proc/$(systemctl show -p MainPID --value docker)/cmdline | tr '\\0' ' '");
      expect(dockerd).toMatch(new RegExp(`^/usr/sbin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock --bip=${bip} --ip-masq=true --mtu=1500 --exec-opt=native.cgroupdriver=systemd $`));
      expect(sh(host, "docker info --format '{{.CgroupDriver}} {{.ServerVersion}}'")).toMatch(/^systemd 20\.10\./);
      expect(sh(host, "ip -4 -o addr show docker0")).toContain(`inet ${bip} `);
      expect(sh(host, "dpkg-query -W -f '${db:Status-Abbrev}${Package}\\n' docker.io conntrack")).toBe("ii conntrack\nii docker.io\n");
      // real conntrack, reading the host's own connection table
      expect(sh(host, "conntrack -L -p tcp 2>&1")).toMatch(/flow entries have been shown/);
    }
    expect(onHost("h2", "systemctl is-active kube-apiserver").stdout.trim()).not.toBe("active");
    // the stand-ins are strict: a flag the real kubelet 1.8 does not have stops it
    const bogus = onHost("h1", "/usr/local/bin/kubelet --logtostderr=true --no-such-flag=1");
    expect([bogus.code, bogus.stderr]).toEqual([2, "unknown flag: --no-such-flag=1\n"]);
  });

  it("runs containers on flannel's network: each node's in its own lease's subnet", { timeout: RUN_TIMEOUT }, () => {
    const image = busyboxImage();
    const subnets = leases();
    expect(new Set(Object.values(subnets)).size).toBe(HOSTS.length);
    for (const host of HOSTS) {
      const imported = onHost(host, "docker import - tsplay-busybox:test >/dev/null", image);
      expect(imported.code, imported.stderr).toBe(0);
      const address = sh(host, "docker run --rm tsplay-busybox:test ip -4 -o addr show eth0").match(/inet (\S+)\//)?.[1];
      const [network] = subnets[host]!.split("/");
      expect(address?.split(".").slice(0, 3).join("."), `${host}: ${address} in ${subnets[host]}`).toBe(network!.split(".").slice(0, 3).join("."));
      sh(host, "docker image rm tsplay-busybox:test >/dev/null");
    }
  });

  it("changes nothing on a second run, and --check on the converged cluster reports nothing", { timeout: RUN_TIMEOUT * 2 }, () => {
    const second = run();
    expect(second.code, second.out).toBe(0);
    expect(changed(second.events)).toEqual([]);
    const check = run("--check");
    expect(check.code, check.out).toBe(0);
    expect(changed(check.events)).toEqual([]);
  });

  it("--tags kubelet runs the kubelet role's tasks alone", { timeout: RUN_TIMEOUT }, () => {
    sh("h2", "echo '# drift' >> /etc/kubernetes/kubelet; echo '# drift' >> /etc/kubernetes/proxy");
    const before = serviceStamps("h2");
    const tagged = run("--tags", "kubelet");
    expect(tagged.code, tagged.out).toBe(0);
    const kubeletFiles = (clusterFiles.tasks as Task[]).filter((t) => t.options.tags?.includes("kubelet")).map((t) => t.name);
    // the release files' check is tagged always
    const allowed = new Set([...names(kubelet.tasks), ...kubelet.handlers.map((h) => h.name), ...kubeletFiles, ...names(verifyArtifacts().tasks), "cluster facts from the inventory", "Gathering Facts"]);
    const ran = tagged.events.filter((e) => e.type === "task" && e.status !== "skipped").map((e) => e.task as string);
    expect(ran.filter((t) => !allowed.has(t))).toEqual([]);
    expect(ran).toContain("kubelet enabled and running");
    expect(changed(tagged.events)).toEqual(["h2:/etc/kubernetes/kubelet", "h2:restart kubelet"]);
    const after = serviceStamps("h2");
    expect(after.kubelet).not.toBe(before.kubelet);
    expect(after["kube-proxy"]).toBe(before["kube-proxy"]);
    expect(sh("h2", "tail -1 /etc/kubernetes/proxy")).toBe("# drift\n");

    const repair = run();
    expect(changed(repair.events)).toEqual(["h2:/etc/kubernetes/proxy", "h2:restart kube-proxy"]);
  });

  it("a new SAN re-issues the kubernetes certificate, redistributes it and restarts only what reads it", { timeout: RUN_TIMEOUT }, () => {
    const before = Object.fromEntries(HOSTS.map((h) => [h, serviceStamps(h)]));
    const san = run("-e", JSON.stringify({ kubernetes_extra_sans: ["api.tsplay.test"] }));
    expect(san.code, san.out).toBe(0);
    const c = changed(san.events);
    expect(c).toContain("localhost:kubernetes certificate");
    for (const host of HOSTS) expect(c).toContain(`${host}:kubernetes.pem from the controller`);
    expect(c.filter((t) => t.startsWith("localhost:"))).toEqual(["localhost:kubernetes certificate"]);
    // the hosts have no openssl: the certificate on h3 is read there and inspected here
    const onH3 = spawnSync("openssl", ["x509", "-noout", "-ext", "subjectAltName"], { input: sh("h3", "cat /etc/kubernetes/ssl/kubernetes.pem"), encoding: "utf8" });
    expect(onH3.stdout).toContain("DNS:api.tsplay.test");

    // etcd members restart one at a time, each waiting for the cluster's health before the next
    const steps = ["the cluster is healthy before this member restarts", "restart this member", "the cluster is healthy again"];
    const rolling = san.events.filter((e) => e.type === "task" && steps.includes(e.task)).map((e) => `${e.host}:${e.task}:${e.status}`);
    expect(rolling).toEqual(HOSTS.flatMap((h) => [`${h}:${steps[0]}:ok`, `${h}:${steps[1]}:changed`, `${h}:${steps[2]}:ok`]));

    const after = Object.fromEntries(HOSTS.map((h) => [h, serviceStamps(h)]));
    for (const host of HOSTS) {
      expect(after[host]!.etcd).not.toBe(before[host]!.etcd);
      expect(after[host]!.flanneld).not.toBe(before[host]!.flanneld);
      expect(after[host]!["kube-proxy"]).toBe(before[host]!["kube-proxy"]);
      // docker Requires= flanneld and kubelet Requires= docker: systemd restarts them with it
      expect(after[host]!.docker).not.toBe(before[host]!.docker);
    }
    expect(after.h1!["kube-apiserver"]).not.toBe(before.h1!["kube-apiserver"]);
    expect(after.h1!["kube-controller-manager"]).toBe(before.h1!["kube-controller-manager"]);
    expect(after.h1!["kube-scheduler"]).toBe(before.h1!["kube-scheduler"]);
    expect(sh("h1", `${ETCD_V2} cluster-health`)).toContain("cluster is healthy");
  });

  it("an etcd member lost during the rolling restart: the run stops, naming it, before a second member goes down", { timeout: RUN_TIMEOUT * 2 }, async () => {
    const before = Object.fromEntries(HOSTS.map((h) => [h, serviceStamps(h).etcd]));
    const args = cluster.args("playbooks/cluster.ts", "-e", JSON.stringify({ kubernetes_extra_sans: ["api.tsplay.test", "api2.tsplay.test"], etcd_health_timeout: 8 }));
    const child = spawn(process.execPath, [join(REPO, "bin/tsplay.js"), ...args], { cwd: REPO });
    let stdout = "";
    let stopped = false;
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
      // the rolling restart begins: h3's member fails, as a member may at any time
      if (!stopped && stdout.includes(`"name":"etcd members restart one at a time"`)) {
        stopped = true;
        sh("h3", "systemctl stop etcd");
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    expect(code).toBe(2);
    const events = jsonLines(stdout);
    const failure = failed(events)[0]!;
    expect(failure.play).toBe("etcd members restart one at a time");
    expect(failure.msg).toMatch(/etcd is not healthy after 8s:[\s\S]*infra3 https:\/\/10\.77\.0\.13:2379: unhealthy/);
    // quorum kept: h2's member was never taken down, and nothing after the rolling restart ran
    expect(serviceStamps("h2").etcd).toBe(before.h2);
    expect(events.filter((e) => e.type === "task" && e.host === "h2" && e.task === "restart this member")).toEqual([]);
    expect(events.some((e) => e.type === "play" && e.name === "master (2.5)")).toBe(false);

    // the member back, a plain re-run restarts the members still running their old files
    sh("h3", "systemctl start etcd");
    const repaired = run("-e", JSON.stringify({ kubernetes_extra_sans: ["api.tsplay.test", "api2.tsplay.test"] }));
    expect(repaired.code, repaired.out).toBe(0);
    expect(changed(repaired.events).filter((c) => c.endsWith(":restart this member"))).toEqual(expect.arrayContaining(["h2:restart this member"]));
    const certTime = Number(sh("h2", "stat -c %Y /etc/kubernetes/ssl/kubernetes.pem").trim());
    for (const host of HOSTS) {
      const started = Number(sh(host, "date -d \"$(systemctl show -p ActiveEnterTimestamp --value etcd)\" +%s").trim());
      expect(started).toBeGreaterThanOrEqual(certTime);
    }
    expect(changed(run("-e", JSON.stringify({ kubernetes_extra_sans: ["api.tsplay.test", "api2.tsplay.test"] })).events)).toEqual([]);
  });

  it("certificates near their end: cert-report names them; --check predicts, and a normal run re-issues, exactly those", { timeout: RUN_TIMEOUT * 3 }, () => {
    const sans = { kubernetes_extra_sans: ["api.tsplay.test", "api2.tsplay.test"] };
    // the kubernetes, admin and kube-proxy certificates issued again, for two days only
    local(`rm -f ${cluster.dir}/pki/kubernetes.pem ${cluster.dir}/pki/admin.pem ${cluster.dir}/pki/kube-proxy.pem`);
    const shortLived = run("-e", JSON.stringify({ ...sans, cert_expiry: "48h", cert_renew_before: "1h" }));
    expect(shortLived.code, shortLived.out).toBe(0);

    const report = () => cluster.tsplay("playbooks/cert-report.ts");
    const before = report();
    expect(before.code, before.out).toBe(2);
    const named = failed(before.events)
      .map((e) => `${e.host}: ${e.result.expiring.map((x: string) => x.split("/").pop()).join(", ")}`)
      .sort();
    expect(named).toEqual([
      ...HOSTS.map((h) => expect.stringMatching(new RegExp(`^${h}: kubernetes\\.pem \\([12] days? left\\)$`))),
      expect.stringMatching(/^localhost: kubernetes\.pem \([12] days? left\), admin\.pem \([12] days? left\), kube-proxy\.pem \([12] days? left\)$/),
    ]);
    // the table names subject, issuer, SANs, not-after and days left of every certificate
    const ca = before.events.find((e) => e.type === "task" && e.host === "h2")!.result.certificates.find((c: { path: string }) => c.path.endsWith("/ca.pem"));
    expect(ca).toMatchObject({ subject: expect.stringContaining("CN=kubernetes"), issuer: expect.stringContaining("CN=kubernetes"), sans: [] });
    expect(ca.days_left).toBeGreaterThan(3000);

    // a normal run: --check first, then the run; both name exactly the short-lived three
    const check = run("--check", "-e", JSON.stringify(sans));
    expect(check.code, check.out).toBe(0);
    const reissued = (events: Record<string, any>[]) => changed(events).filter((c) => c.startsWith("localhost:") && c.endsWith(" certificate"));
    expect(reissued(check.events), changed(check.events).join("\n")).toEqual(["localhost:admin certificate", "localhost:kube-proxy certificate", "localhost:kubernetes certificate"]);
    expect(check.events.find((e) => e.task === "kubernetes certificate")?.msg).toMatch(/kubernetes\.pem expires in [01] days? \(.*\), within the renewal window/);
    const real = run("-e", JSON.stringify(sans));
    expect(real.code, real.out).toBe(0);
    expect(changed(real.events)).toEqual(changed(check.events));
    const steps = ["the cluster is healthy before this member restarts", "restart this member", "the cluster is healthy again"];
    const rolling = real.events.filter((e) => e.type === "task" && steps.includes(e.task)).map((e) => `${e.host}:${e.task}:${e.status}`);
    expect(rolling).toEqual(HOSTS.flatMap((h) => [`${h}:${steps[0]}:ok`, `${h}:${steps[1]}:changed`, `${h}:${steps[2]}:ok`]));
    expect(report().code).toBe(0);
  });
});
