/**
 * The play before the cluster playbook copies anything (roles/shared/verify-artifacts.ts),
 * run in-process on local "hosts" ahead of a play that stands for the rest of the playbook.
 */
import { createHash } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { play, playbook, task, type Vars } from "../../engine";
import type { RunSettings } from "../../engine/run/settings";
import { debug } from "../../modules";
import { formatSha256Sums } from "../../roles/shared/sha256sums";
import { verifyArtifacts } from "../../roles/shared/verify-artifacts";
import { run } from "../run/harness";
import { tempDir } from "../temp-dir";

const INVENTORY = "[etcd]\nh1\nh2\n[master]\nh1\n[node]\nh1\nh2\nh3\n[all:vars]\nansible_connection=local\n";
const KUBERNETES = ["kube-apiserver", "kube-controller-manager", "kube-scheduler", "kubelet", "kube-proxy"].map((b) => `kubernetes-v1.8.4/server/bin/${b}`);
const FLANNEL = ["flannel-v0.7.1/flanneld", "flannel-v0.7.1/mk-docker-opts.sh"];
const sha256 = (data: string) => createHash("sha256").update(data).digest("hex");

/** an artifacts_dir holding these files (content: their name) and a manifest of them */
function artifactsDir(files: string[] = [...KUBERNETES, ...FLANNEL]): string {
  const dir = tempDir("tsplay-verify-");
  for (const file of files) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), file);
  }
  writeFileSync(join(dir, "SHA256SUMS"), formatSha256Sums(new Map(files.map((f) => [f, sha256(f)]))));
  return dir;
}

const rest = play({ name: "the rest of the playbook", hosts: "etcd:master:node", gatherFacts: false, tasks: [task("a host is touched", debug({ msg: "touched" }), { tags: ["kubelet"] })] });
const vars = (dir: string, more: Vars = {}): Vars => ({ artifacts_dir: dir, kube_version: "v1.8.4", etcd_version: "v3.2.11", flannel_version: "v0.7.1", etcd_from: "packages", flannel_from: "artifacts", docker_from: "packages", ...more });
const verify = (extraVars: Vars, settings: Partial<RunSettings> = {}) => run(playbook([verifyArtifacts(), rest]), INVENTORY, { extraVars, ...settings });
const touched = (r: Awaited<ReturnType<typeof verify>>) => r.results.filter((e) => e.task === "a host is touched").map((e) => e.host);
const failed = (r: Awaited<ReturnType<typeof verify>>) => r.results.filter((e) => e.status === "failed");

describe("the release files' check before the cluster playbook", () => {
  it("passes when every file the run copies has its manifest sha256, checking once, on the controller", async () => {
    const r = await verify(vars(artifactsDir()));
    expect(r.exitCode).toBe(0);
    const checks = r.results.filter((e) => e.play === "release files match the artifacts manifest");
    expect(checks.map((e) => [e.task, e.host, e.delegatedTo, e.status, e.msg])).toEqual([
      ["the manifest lists every release file this run copies", "h1", "localhost", "ok", "all assertions passed"],
      ["every release file this run copies has its manifest sha256", "h1", "localhost", "ok", "7 files have their checksums"],
    ]);
    expect(touched(r)).toEqual(["h1", "h2", "h3"]);
  });

  it("stops the run at a changed file, naming it with the manifest's sha256 and its own, before any host is touched", async () => {
    const dir = artifactsDir();
    writeFileSync(join(dir, "kubernetes-v1.8.4/server/bin/kubelet"), "corrupted");
    for (const check of [false, true]) {
      const r = await verify(vars(dir), { check });
      expect(r.exitCode).toBe(2);
      expect(failed(r).map((e) => e.task)).toEqual(["every release file this run copies has its manifest sha256"]);
      expect(failed(r)[0]!.msg).toContain(
        `kubernetes-v1.8.4/server/bin/kubelet: sha256 is ${sha256("corrupted")}, expected ${sha256("kubernetes-v1.8.4/server/bin/kubelet")}\nthey changed after playbooks/artifacts.ts unpacked them from their checked tarballs: run it again to restore them`,
      );
      expect(touched(r)).toEqual([]);
    }
  });

  it("without a manifest fails saying how to make one; verify_artifacts: false copies unchecked", async () => {
    const dir = artifactsDir();
    rmSync(join(dir, "SHA256SUMS"));
    const r = await verify(vars(dir));
    expect(failed(r)[0]!.msg).toMatch(
      new RegExp(`^no ${dir}/SHA256SUMS: assemble artifacts_dir from the release tarballs with playbooks/artifacts\\.ts \\(-e downloads_dir=DIR\\), which checks them against their published checksums and writes it; or set verify_artifacts: false`),
    );
    expect(touched(r)).toEqual([]);
    for (const off of [false, "false"]) {
      const unchecked = await verify(vars(dir, { verify_artifacts: off }));
      expect(unchecked.exitCode).toBe(0);
      expect(unchecked.results.filter((e) => e.play === "release files match the artifacts manifest").map((e) => e.status)).toEqual(["skipped", "skipped"]);
    }
  });

  it("fails naming the files this run copies that the manifest does not list", async () => {
    const r = await verify(vars(artifactsDir(KUBERNETES)));
    expect(failed(r)[0]!.msg).toMatch(/SHA256SUMS does not list flannel-v0\.7\.1\/flanneld, flannel-v0\.7\.1\/mk-docker-opts\.sh: unpack them with playbooks\/artifacts\.ts/);
    expect(touched(r)).toEqual([]);
  });

  it("checks only the selected versions of what this run copies: packages need no artifact", async () => {
    const dir = artifactsDir(KUBERNETES);
    writeFileSync(join(dir, "flannel-v0.7.1-unrelated"), "anything");
    const r = await verify(vars(dir, { flannel_from: "packages" }));
    expect(r.exitCode).toBe(0);
    expect(r.results.find((e) => e.task === "every release file this run copies has its manifest sha256")?.msg).toBe("5 files have their checksums");
  });

  it("checks under --tags of one role (always), and under --limit of one host, still on the controller", async () => {
    const dir = artifactsDir();
    writeFileSync(join(dir, "flannel-v0.7.1/flanneld"), "corrupted");
    const tagged = await verify(vars(dir), { tags: ["kubelet"] });
    expect(failed(tagged).map((e) => e.task)).toEqual(["every release file this run copies has its manifest sha256"]);
    const limited = await verify(vars(dir), { limit: "h3" });
    expect(failed(limited).map((e) => [e.host, e.delegatedTo])).toEqual([["h3", "localhost"]]);
    expect([...touched(tagged), ...touched(limited)]).toEqual([]);
  });
});
