/**
 * The release tarballs' layout (roles/shared/release-artifacts.ts) and the SHA256SUMS format
 * (roles/shared/sha256sums.ts): what artifacts_dir holds is what the roles copy from it.
 */
import { describe, expect, it } from "vitest";
import type { Playbook, TaskItem, Vars } from "../../engine";
import { renderStrict } from "../../engine/template";
import upgrade from "../../playbooks/upgrade";
import { docker } from "../../roles/docker";
import { etcd } from "../../roles/etcd";
import { flannel } from "../../roles/flannel";
import { kubeProxy } from "../../roles/kube-proxy";
import { kubelet } from "../../roles/kubelet";
import { master } from "../../roles/master";
import { releaseArtifacts } from "../../roles/shared/release-artifacts";
import { formatSha256Sums, mergeSha256Sums, parseSha256Sums } from "../../roles/shared/sha256sums";

const FROM_RELEASES: Vars = {
  kube_version: "v1.8.4",
  etcd_version: "v3.2.11",
  flannel_version: "v0.7.1",
  docker_version: "17.12.0-ce",
  etcd_from: "artifacts",
  flannel_from: "artifacts",
  docker_from: "artifacts",
  artifacts_dir: "/software",
  kubernetes_server_checksums: { "v1.8.4": "sha256:08d64a59a5fe620488f05214844a910144d7fe16a783d351704c71f3843124dc" },
};

/** Every `src` below artifacts_dir that a copy task of these items reads, loops expanded. */
function copiedFromArtifacts(items: readonly TaskItem[], vars: Vars): string[] {
  return items.flatMap((item) => {
    if (item.kind === "block") return copiedFromArtifacts(item.tasks, vars);
    if (item.kind === "flush" || item.call.module.name !== "copy") return [];
    const src = (item.call.args as { src?: unknown }).src;
    if (typeof src !== "string" || !src.startsWith("{{artifacts_dir}}/")) return [];
    const loop = Array.isArray(item.options.loop) ? item.options.loop : [undefined];
    return loop.map((entry) => renderStrict(src, { ...vars, item: entry }).slice("/software/".length));
  });
}
const playbookItems = (p: Playbook) => p.plays.flatMap((pl) => [...pl.preTasks, ...pl.tasks, ...pl.postTasks]);

describe("the release tarballs' layout", () => {
  it("unpacks exactly the files the roles copy from artifacts_dir", () => {
    const roles = [master, kubelet, kubeProxy, etcd, flannel, docker];
    const copied = roles.flatMap((r) => copiedFromArtifacts(r.tasks, FROM_RELEASES));
    expect(new Set(copied)).toEqual(new Set(releaseArtifacts(FROM_RELEASES).flatMap((a) => a.files)));
    // playbooks/upgrade.ts copies the same Kubernetes and flannel files
    const upgraded = copiedFromArtifacts(playbookItems(upgrade), FROM_RELEASES);
    expect(new Set(upgraded)).toEqual(new Set(releaseArtifacts(FROM_RELEASES, ["kubernetes", "flannel"]).flatMap((a) => a.files)));
  });

  it("names each tarball as its release page does, with its members, folder and checksum", () => {
    const [kubernetes, etcdRelease, flannelRelease, dockerRelease] = releaseArtifacts(FROM_RELEASES);
    expect(kubernetes).toEqual({
      component: "kubernetes",
      version: "v1.8.4",
      tarball: "kubernetes-server-linux-amd64.tar.gz",
      checksumsVar: "kubernetes_server_checksums",
      checksum: "sha256:08d64a59a5fe620488f05214844a910144d7fe16a783d351704c71f3843124dc",
      folder: "kubernetes-v1.8.4",
      members: ["kube-apiserver", "kube-controller-manager", "kube-scheduler", "kubelet", "kube-proxy"].map((b) => `kubernetes/server/bin/${b}`),
      stripComponents: 1,
      files: ["kube-apiserver", "kube-controller-manager", "kube-scheduler", "kubelet", "kube-proxy"].map((b) => `kubernetes-v1.8.4/server/bin/${b}`),
    });
    expect(etcdRelease).toMatchObject({ tarball: "etcd-v3.2.11-linux-amd64.tar.gz", checksumsVar: "etcd_checksums", checksum: undefined, members: ["etcd-v3.2.11-linux-amd64/etcd", "etcd-v3.2.11-linux-amd64/etcdctl"], stripComponents: 1 });
    expect(flannelRelease).toMatchObject({ tarball: "flannel-v0.7.1-linux-amd64.tar.gz", members: ["flanneld", "mk-docker-opts.sh"], stripComponents: 0, files: ["flannel-v0.7.1/flanneld", "flannel-v0.7.1/mk-docker-opts.sh"] });
    expect(dockerRelease).toMatchObject({ tarball: "docker-17.12.0-ce.tgz", members: ["docker/dockerd"], stripComponents: 1, files: ["docker/dockerd"] });
  });

  it("leaves out what comes from packages, as the roles decide", () => {
    const fromPackages = { ...FROM_RELEASES, etcd_from: "packages", flannel_from: "packages", docker_from: "packages" };
    expect(releaseArtifacts(fromPackages).map((a) => a.component)).toEqual(["kubernetes"]);
    expect(releaseArtifacts({ ...FROM_RELEASES, docker_from: "packages" }).map((a) => a.component)).toEqual(["kubernetes", "etcd", "flannel"]);
    expect(() => releaseArtifacts({ ...FROM_RELEASES, kube_version: undefined })).toThrow(/the cluster setting 'kube_version' must be a version, got nothing/);
  });
});

describe("SHA256SUMS", () => {
  const a = "a".repeat(64);
  const b = "b".repeat(64);

  it("is written as sha256sum writes it, sorted by name, odd names escaped", () => {
    expect(formatSha256Sums(new Map([["z/kubelet", a], ["new\nline\\x", b]]))).toBe(`\\${b}  new\\nline\\\\x\n${a}  z/kubelet\n`);
    const text = `${a}  etcd\n\\${b}  odd\\nname\n${b} *binary-mode\nnot a line\n`;
    expect(parseSha256Sums(text)).toEqual(new Map([["etcd", a], ["odd\nname", b], ["binary-mode", b]]));
  });

  it("merges: new sums replace a name's old one, other names stay", () => {
    const old = `${a}  kubernetes-v1.8.4/server/bin/kubelet\n${a}  flannel-v0.7.1/flanneld\n`;
    expect(mergeSha256Sums(old, new Map([["flannel-v0.7.1/flanneld", b], ["kubernetes-v1.9.11/server/bin/kubelet", b]]))).toBe(
      `${b}  flannel-v0.7.1/flanneld\n${a}  kubernetes-v1.8.4/server/bin/kubelet\n${b}  kubernetes-v1.9.11/server/bin/kubelet\n`,
    );
  });
});
