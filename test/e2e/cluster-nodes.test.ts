/**
 * Operating the cluster's nodes on the test hosts, with two masters (h1, h2): Debian's real
 * haproxy in front of both apiservers on every node (roles/kube-lb); a fourth host joining
 * as a node with one command and leaving with playbooks/remove-node.ts; a rolling upgrade
 * between two versions of the Kubernetes STAND-INS (test/cluster/write-stand-ins.sh: they
 * report their version and refuse the feature gates their version lacks) that stops at the
 * node whose kubelet does not come back. Real: etcd, docker, haproxy, systemd. STAND-INS:
 * kube-*, kubelet, flanneld (the apiserver stand-in answers TCP on its secure port).
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO } from "../cli/cli";
import { changed, cleanHosts, clusterRun, failed, removeFourthHost, RUN_TIMEOUT, serviceStamps, sh } from "./cluster-run";
import { HOSTS, onHost, testbedScript, testbedUp } from "./testbed";

const ETCD_V2 =
  "ETCDCTL_API=2 etcdctl --endpoints=https://10.77.0.11:2379 --ca-file=/etc/kubernetes/ssl/ca.pem --cert-file=/etc/kubernetes/ssl/kubernetes.pem --key-file=/etc/kubernetes/ssl/kubernetes-key.pem";
const NODE_UNITS = ["etcd", "flanneld", "docker", "haproxy", "kubelet", "kube-proxy", "kube-apiserver"];

const cluster = clusterRun("tsplay-nodes-");
const { tsplay, converge } = cluster;
const hostsFile = () => `${cluster.dir}/inventory/hosts.ini`;

/** the apiserver that answers one TCP connection through the host's local load balancer */
const throughBalancer = (host: string) =>
  sh(host, `python3 -c 'import socket; print(socket.create_connection(("127.0.0.1", 8443), timeout=5).recv(200).decode().strip())'`).trim();
/** the subnet lease's PublicIPs in etcd */
const leaseAddresses = () =>
  sh("h1", `for k in $(${ETCD_V2} ls /kube-centos/network/subnets); do ${ETCD_V2} get $k; done`)
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line).PublicIP as string)
    .sort();
const version = (host: string, binary: string) => sh(host, `/usr/local/bin/${binary} --version`).trim();

describe.skipIf(!testbedUp)("nodes of a two-master cluster: load balancer, added, removed, upgraded", () => {
  beforeAll(() => {
    cleanHosts(HOSTS);
    cluster.prepare();
    writeFileSync(hostsFile(), readFileSync(hostsFile(), "utf8").replace("[master]\nh1\n", "[master]\nh1\nh2\n"));
    // the upgrade's target in artifacts_dir too, assembled as an operator would from its (stand-in) tarballs
    const downloads = `${cluster.dir}/downloads-v1.9.11`;
    const packed = spawnSync("bash", [join(REPO, "test/cluster/stand-in-downloads.sh"), downloads, "v1.9.11"], { encoding: "utf8" });
    expect(packed.status, packed.stderr).toBe(0);
    writeFileSync(`${downloads}/checksums.yaml`, packed.stdout);
    const assembled = tsplay("playbooks/artifacts.ts", "-e", `@${downloads}/checksums.yaml`, "-e", "kube_version=v1.9.11", "-e", `downloads_dir=${downloads}`);
    expect(assembled.code, assembled.out).toBe(0);
  });
  afterAll(() => {
    if (!testbedUp) return;
    removeFourthHost();
    cleanHosts(HOSTS);
    cluster.remove();
  }, RUN_TIMEOUT);

  it("two masters: haproxy on every node balances to both apiservers, and keeps answering when the first stops", { timeout: RUN_TIMEOUT * 3 }, () => {
    const real = converge("playbooks/cluster.ts");
    for (const host of HOSTS) expect(changed(real.events)).toEqual(expect.arrayContaining([`${host}:haproxy package`, `${host}:haproxy enabled and running`]));
    for (const host of HOSTS) {
      expect(sh(host, "dpkg-query -W -f '${Status}' haproxy")).toBe("install ok installed");
      expect(sh(host, "haproxy -c -f /etc/haproxy/haproxy.cfg >/dev/null && grep -E '^ +server ' /etc/haproxy/haproxy.cfg")).toMatch(
        /server h1 10\.77\.0\.11:6443 check[^\n]*\n +server h2 10\.77\.0\.12:6443 check/,
      );
      expect(sh(host, "grep -h 'server:' /etc/kubernetes/bootstrap.kubeconfig /etc/kubernetes/kube-proxy.kubeconfig")).toBe("    server: https://127.0.0.1:8443\n".repeat(2));
    }
    const [first, second] = ["h1", "h2"].map((host) => `kube-apiserver ${sh(host, "hostname").trim()} v1.8.4`);
    expect(new Set(Array.from({ length: 6 }, () => throughBalancer("h3")))).toEqual(new Set([first, second]));

    sh("h1", "systemctl stop kube-apiserver");
    try {
      // haproxy takes it out after two failed checks, 2 s apart; meanwhile a connection may fail
      const deadline = Date.now() + 20_000;
      let lastSix: string[] = [];
      while (Date.now() < deadline && !(lastSix.length === 6 && lastSix.every((a) => a === lastSix[0]))) {
        const r = onHost("h3", `python3 -c 'import socket; print(socket.create_connection(("127.0.0.1", 8443), timeout=5).recv(200).decode().strip())'`);
        lastSix = [...lastSix, r.code === 0 ? r.stdout.trim() : "refused"].slice(-6);
      }
      expect(lastSix).toEqual(Array(6).fill(second));
    } finally {
      sh("h1", "systemctl start kube-apiserver");
    }
  });

  it("a fourth host joins as a node with one command (--check first), restarting nothing elsewhere; then it is removed", { timeout: RUN_TIMEOUT * 4 }, () => {
    testbedScript("up.sh", "4");
    const original = readFileSync(hostsFile(), "utf8");
    writeFileSync(hostsFile(), original.replace("[node]\n", "[node]\nh4 ansible_host=10.77.0.14 node_ip=10.77.0.14\n"));
    const before = Object.fromEntries(HOSTS.map((host) => [host, serviceStamps(host, NODE_UNITS)]));

    const joined = converge("playbooks/cluster.ts", "--limit", "h4");
    expect(changed(joined.events).filter((line) => !line.startsWith("h4:"))).toEqual([]);
    expect(changed(joined.events)).toEqual(expect.arrayContaining(["h4:kubelet enabled and running", "h4:kube-proxy enabled and running", "h4:haproxy enabled and running"]));
    for (const unit of ["flanneld", "docker", "haproxy", "kubelet", "kube-proxy"]) expect(sh("h4", `systemctl is-active ${unit}`).trim()).toBe("active");
    expect(leaseAddresses()).toContain("10.77.0.14");
    expect(throughBalancer("h4")).toMatch(/^kube-apiserver /);
    // nothing else needed to change: a run over the whole inventory finds nothing to do
    expect(changed(tsplay("playbooks/cluster.ts").events)).toEqual([]);
    expect(Object.fromEntries(HOSTS.map((host) => [host, serviceStamps(host, NODE_UNITS)]))).toEqual(before);

    // the last master is refused (h4 the only master for a moment), changing nothing
    const withH4 = readFileSync(hostsFile(), "utf8");
    writeFileSync(hostsFile(), withH4.replace("[master]\nh1\nh2\n", "[master]\nh4\n"));
    const refused = tsplay("playbooks/remove-node.ts", "-e", "node=h4");
    writeFileSync(hostsFile(), withH4);
    expect(refused.code).toBe(2);
    expect(failed(refused.events).map((e) => e.msg)).toEqual([expect.stringMatching(/^refusing to remove h4: it is the last master/)]);
    expect(changed(refused.events)).toEqual([]);

    const removed = converge("playbooks/remove-node.ts", "-e", "node=h4");
    expect(changed(removed.events)).toEqual(
      expect.arrayContaining(["h4:flannel's lease released", "h4:stopped and disabled", "h4:installed files moved aside"]),
    );
    expect(changed(removed.events).filter((line) => !line.startsWith("h4:"))).toEqual([]);
    for (const unit of ["flanneld", "docker", "haproxy", "kubelet", "kube-proxy"]) expect(onHost("h4", `systemctl is-active ${unit}`).stdout.trim()).not.toBe("active");
    expect(leaseAddresses()).not.toContain("10.77.0.14");
    expect(sh("h4", "ls -d /var/lib/tsplay-removed-*/etc/kubernetes/ssl")).toMatch(/tsplay-removed-\d{14}/);
    expect(onHost("h4", "test -e /etc/kubernetes").code).toBe(1);

    writeFileSync(hostsFile(), original);
    const rerun = tsplay("playbooks/cluster.ts");
    expect(rerun.code, rerun.out).toBe(0);
    expect(changed(rerun.events)).toEqual([]);
    expect(Object.fromEntries(HOSTS.map((host) => [host, serviceStamps(host, NODE_UNITS)]))).toEqual(before);
    testbedScript("remove-host.sh", "h4");
  });

  it("a rolling upgrade stops at the node that does not come back, leaving the rest untouched; once fixed it completes", { timeout: RUN_TIMEOUT * 4 }, () => {
    const upgrade = ["-e", "kube_version=v1.9.11", "-e", "upgrade_serial=1", "-e", "upgrade_node_timeout=15"];
    const downgrade = tsplay("playbooks/upgrade.ts", "-e", "kube_version=v1.7.16");
    expect([downgrade.code, failed(downgrade.events).map((e) => e.msg)[0]]).toEqual([2, expect.stringMatching(/^refusing to downgrade from v1\.8\.4 to v1\.7\.16 \(upgrade_allow_downgrade: true forces it\)/)]);
    const skip = tsplay("playbooks/upgrade.ts", "-e", "kube_version=v1.10.13");
    expect(failed(skip.events).map((e) => e.msg)[0]).toMatch(/^refusing to skip minor versions from v1\.8\.4 to v1\.10\.13/);
    expect(changed([...downgrade.events, ...skip.events])).toEqual([]);

    sh("h2", "echo kubelet > /etc/kubernetes/stand-in-fails");
    const h3Before = serviceStamps("h3", NODE_UNITS);
    const stopped = tsplay("playbooks/upgrade.ts", ...upgrade);
    expect(stopped.code, stopped.out).toBe(2);
    // its kubelet fails at once: at its restart, its start or the wait that follows, as systemd's timing has it
    expect(failed(stopped.events).map((e) => e.host)).toEqual(["h2"]);
    for (const host of ["h1", "h2"]) expect(version(host, "kube-apiserver")).toBe("Kubernetes v1.9.11");
    expect([version("h1", "kubelet"), version("h2", "kubelet"), version("h3", "kubelet")]).toEqual(["Kubernetes v1.9.11", "Kubernetes v1.9.11", "Kubernetes v1.8.4"]);
    expect(changed(stopped.events).filter((line) => line.startsWith("h3:"))).toEqual([]);
    expect(serviceStamps("h3", NODE_UNITS)).toEqual(h3Before);

    sh("h2", "rm /etc/kubernetes/stand-in-fails");
    const finished = converge("playbooks/upgrade.ts", ...upgrade);
    expect(changed(finished.events)).toEqual([
      "h2:running",
      "h3:kube-proxy of the new version",
      "h3:kubelet of the new version",
      "h3:restart kube-proxy",
      "h3:restart kubelet",
    ]);
    for (const host of HOSTS) {
      expect(version(host, "kubelet")).toBe("Kubernetes v1.9.11");
      expect(sh(host, "systemctl is-active kubelet kube-proxy")).toBe("active\nactive\n");
    }
    // the cluster playbook with the inventory at the new version agrees
    expect(changed(tsplay("playbooks/cluster.ts", "-e", "kube_version=v1.9.11").events)).toEqual([]);
  });
});
