/**
 * playbooks/artifacts.ts on this machine (it runs on the controller alone): release
 * tarballs laid out as the real ones, made here, checked and unpacked into a temp folder.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Vars } from "../../engine";
import artifacts from "../../playbooks/artifacts";
import { snapshot } from "../modules/context";
import { run } from "../run/harness";
import { tempDir } from "../temp-dir";

const sha256 = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");

/** tarball name → its files (path in the archive → content), as each release page has it */
const RELEASES: Record<string, Record<string, string>> = {
  "kubernetes-server-linux-amd64.tar.gz": Object.fromEntries(
    ["kube-apiserver", "kube-controller-manager", "kube-scheduler", "kubelet", "kube-proxy", "kubectl", "kube-apiserver.tar"].map((b) => [`kubernetes/server/bin/${b}`, `${b} v1.8.4`]),
  ),
  "etcd-v3.2.11-linux-amd64.tar.gz": { "etcd-v3.2.11-linux-amd64/etcd": "etcd 3.2.11", "etcd-v3.2.11-linux-amd64/etcdctl": "etcdctl 3.2.11", "etcd-v3.2.11-linux-amd64/README.md": "docs" },
  "flannel-v0.7.1-linux-amd64.tar.gz": { flanneld: "flanneld 0.7.1", "mk-docker-opts.sh": "#!/bin/sh", "README.md": "docs" },
  "docker-17.12.0-ce.tgz": { "docker/dockerd": "dockerd 17.12", "docker/docker": "docker 17.12" },
};

function downloads(): { dir: string; checksums: Record<string, string> } {
  const dir = tempDir("tsplay-downloads-");
  const checksums: Record<string, string> = {};
  for (const [tarball, files] of Object.entries(RELEASES)) {
    const tree = tempDir("tsplay-release-");
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(dirname(join(tree, path)), { recursive: true });
      writeFileSync(join(tree, path), content);
      chmodSync(join(tree, path), 0o755);
    }
    execFileSync("tar", ["-C", tree, "-czf", join(dir, tarball), ...Object.keys(files)]);
    checksums[tarball] = `sha256:${sha256(readFileSync(join(dir, tarball)))}`;
  }
  return { dir, checksums };
}

function settings(d: { dir: string; checksums: Record<string, string> }, artifactsDir: string, more: Vars = {}): Vars {
  return {
    kube_version: "v1.8.4",
    etcd_version: "v3.2.11",
    flannel_version: "v0.7.1",
    docker_version: "17.12.0-ce",
    etcd_from: "artifacts",
    flannel_from: "artifacts",
    docker_from: "artifacts",
    artifacts_dir: artifactsDir,
    downloads_dir: d.dir,
    kubernetes_server_checksums: { "v1.8.4": d.checksums["kubernetes-server-linux-amd64.tar.gz"] },
    etcd_checksums: { "v3.2.11": d.checksums["etcd-v3.2.11-linux-amd64.tar.gz"] },
    flannel_checksums: { "v0.7.1": d.checksums["flannel-v0.7.1-linux-amd64.tar.gz"] },
    docker_checksums: { "17.12.0-ce": d.checksums["docker-17.12.0-ce.tgz"] },
    ...more,
  };
}

const assemble = (extraVars: Vars, check = false) => run(artifacts, "[etcd]\n", { extraVars, check });
const changedTasks = (r: Awaited<ReturnType<typeof assemble>>) => r.results.filter((e) => e.status === "changed").map((e) => e.task);
const failure = (r: Awaited<ReturnType<typeof assemble>>) => r.results.find((e) => e.status === "failed");

const ROLE_FILES = [
  "docker/dockerd",
  "etcd-v3.2.11-linux-amd64/etcd",
  "etcd-v3.2.11-linux-amd64/etcdctl",
  "flannel-v0.7.1/flanneld",
  "flannel-v0.7.1/mk-docker-opts.sh",
  ...["kube-apiserver", "kube-controller-manager", "kube-proxy", "kube-scheduler", "kubelet"].map((b) => `kubernetes-v1.8.4/server/bin/${b}`),
];

describe("playbooks/artifacts.ts", () => {
  it("unpacks the checked tarballs as the roles read them, listed in a SHA256SUMS that sha256sum -c accepts", async () => {
    const d = downloads();
    const dest = join(tempDir("tsplay-artifacts-"), "software");
    const first = await assemble(settings(d, dest));
    expect(first.exitCode).toBe(0);
    expect(changedTasks(first)).toEqual(["Kubernetes server binaries from their tarball", "etcd binaries from their tarball", "flannel binaries from their tarball", "dockerd from its tarball", "SHA256SUMS of the unpacked files"]);
    const files = readdirSync(dest, { recursive: true, encoding: "utf8" }).filter((p) => statSync(join(dest, p)).isFile());
    expect(files.sort()).toEqual([...ROLE_FILES, "SHA256SUMS"].sort());
    expect(readFileSync(join(dest, "kubernetes-v1.8.4/server/bin/kubelet"), "utf8")).toBe("kubelet v1.8.4");
    const manifest = readFileSync(join(dest, "SHA256SUMS"), "utf8");
    expect(manifest.trim().split("\n").map((l) => l.split("  ")[1])).toEqual(ROLE_FILES);
    const verified = spawnSync("sha256sum", ["-c", "--strict", "SHA256SUMS"], { cwd: dest, encoding: "utf8" });
    expect(verified.status, verified.stdout + verified.stderr).toBe(0);

    const before = snapshot(dest);
    const again = await assemble(settings(d, dest));
    expect(changedTasks(again)).toEqual([]);
    expect(changedTasks(await assemble(settings(d, dest), true))).toEqual([]);
    expect(snapshot(dest)).toEqual(before);
  });

  it("--check on an empty folder predicts exactly what the run changes, writing nothing", async () => {
    const d = downloads();
    const root = tempDir("tsplay-artifacts-");
    const dest = join(root, "software");
    const check = await assemble(settings(d, dest), true);
    expect(check.exitCode).toBe(0);
    expect(existsSync(dest)).toBe(false);
    expect(changedTasks(await assemble(settings(d, dest)))).toEqual(changedTasks(check));
  });

  it("refuses a tarball whose checksum differs before unpacking anything, naming it with both checksums", async () => {
    const d = downloads();
    const dest = join(tempDir("tsplay-artifacts-"), "software");
    const flannel = join(d.dir, "flannel-v0.7.1-linux-amd64.tar.gz");
    writeFileSync(flannel, Buffer.concat([readFileSync(flannel), Buffer.from("x")]));
    const r = await assemble(settings(d, dest));
    expect(r.exitCode).toBe(2);
    expect(failure(r)?.task).toBe("the downloaded tarballs have their checksums");
    expect(failure(r)?.msg).toContain(`flannel-v0.7.1-linux-amd64.tar.gz: sha256 is ${sha256(readFileSync(flannel))}, expected ${d.checksums["flannel-v0.7.1-linux-amd64.tar.gz"]!.slice(7)}`);
    expect(existsSync(dest)).toBe(false);
  });

  it("refuses a tarball it has no checksum for, naming the variable to give it in", async () => {
    const d = downloads();
    const dest = join(tempDir("tsplay-artifacts-"), "software");
    const r = await assemble(settings(d, dest, { etcd_checksums: {}, kube_version: "v1.8.5" }));
    expect(r.exitCode).toBe(2);
    expect(failure(r)?.msg).toMatch(
      /^no checksum for kubernetes-server-linux-amd64\.tar\.gz v1\.8\.5 \(kubernetes_server_checksums: \{ v1\.8\.5: "sha256:HEX" \}\), etcd-v3\.2\.11-linux-amd64\.tar\.gz v3\.2\.11 \(etcd_checksums: \{ v3\.2\.11: "sha256:HEX" \}\): give each as its release page publishes it or, where none is published, as you computed it from a copy you trust/,
    );
    expect(existsSync(dest)).toBe(false);
    expect(failure(await assemble(settings(d, dest, { downloads_dir: undefined })))?.msg).toMatch(/^give the folder holding the downloaded release tarballs: -e downloads_dir=DIR/);
  });

  it("needs no tarball for what comes from packages", async () => {
    const d = downloads();
    const dest = join(tempDir("tsplay-artifacts-"), "software");
    const packages = { etcd_from: "packages", flannel_from: "packages", docker_from: "packages", etcd_checksums: {}, flannel_checksums: {}, docker_checksums: {} };
    const r = await assemble(settings(d, dest, packages));
    expect(r.exitCode).toBe(0);
    expect(changedTasks(r)).toEqual(["Kubernetes server binaries from their tarball", "SHA256SUMS of the unpacked files"]);
    expect(readFileSync(join(dest, "SHA256SUMS"), "utf8").trim().split("\n")).toHaveLength(5);
  });

  it("keeps the entries of the versions assembled before: a second Kubernetes version joins the manifest", async () => {
    const d = downloads();
    const dest = join(tempDir("tsplay-artifacts-"), "software");
    const packages = { etcd_from: "packages", flannel_from: "packages", docker_from: "packages" };
    await assemble(settings(d, dest, packages));
    const newer = { ...packages, kube_version: "v1.9.11", kubernetes_server_checksums: { "v1.9.11": d.checksums["kubernetes-server-linux-amd64.tar.gz"] } };
    expect((await assemble(settings(d, dest, newer))).exitCode).toBe(0);
    const names = readFileSync(join(dest, "SHA256SUMS"), "utf8").trim().split("\n").map((l) => l.split("  ")[1]!);
    expect(names.filter((n) => n.startsWith("kubernetes-v1.8.4/"))).toHaveLength(5);
    expect(names.filter((n) => n.startsWith("kubernetes-v1.9.11/"))).toHaveLength(5);
  });
});
