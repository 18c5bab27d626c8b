/**
 * Verified release artifacts, with the three test hosts: playbooks/artifacts.ts refuses a
 * corrupted release tarball before unpacking anything, and playbooks/cluster.ts refuses a
 * corrupted binary of artifacts_dir at its first play, naming it, before any test host is
 * touched (--check and --tags kubelet too); repaired, the run proceeds and the hosts get the
 * files of the manifest. The tarballs are the STAND-INS test/demo.sh writes
 * (test/cluster/stand-in-downloads.sh), named and laid out as the real ones, checked
 * against their own checksums (not the published ones).
 */
import { cpSync, existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseSha256Sums } from "../../roles/shared/sha256sums";
import { changed, cleanHosts, clusterRun, failed, RUN_TIMEOUT, sha256 } from "./cluster-run";
import { HOSTS, onHost, testbedUp } from "./testbed";

const CHECK_PLAY = "release files match the artifacts manifest";
const KUBELET = "kubernetes-v1.8.4/server/bin/kubelet";

const cluster = clusterRun("tsplay-artifacts-");
const { tsplay } = cluster;
const tasks = (events: Record<string, any>[]) => events.filter((e) => e.type === "task");
const manifest = () => parseSha256Sums(readFileSync(`${cluster.dir}/artifacts/SHA256SUMS`, "utf8"));
/** what the cluster playbook leaves on a host; a clean host has none of it */
const deployedOn = (host: string) => onHost(host, "ls -d /etc/kubernetes /etc/systemd/system/kubelet.service /usr/local/bin/kubelet 2>/dev/null").stdout.trim();

describe.skipIf(!testbedUp)("verified release artifacts", () => {
  beforeAll(() => {
    cleanHosts(HOSTS);
    // writes the stand-in tarballs and assembles artifacts_dir from them with playbooks/artifacts.ts
    cluster.prepare();
  }, RUN_TIMEOUT);
  afterAll(() => {
    if (!testbedUp) return;
    cleanHosts(HOSTS);
    cluster.remove();
  });

  it("a corrupted release tarball is refused, named with both checksums, before anything is unpacked", () => {
    const corrupted = `${cluster.dir}/downloads-corrupted`;
    cpSync(`${cluster.dir}/downloads`, corrupted, { recursive: true });
    const tarball = `${corrupted}/kubernetes-server-linux-amd64.tar.gz`;
    const published = sha256(readFileSync(tarball));
    writeFileSync(tarball, Buffer.concat([readFileSync(tarball), Buffer.from("corrupted")]));

    const r = tsplay("playbooks/artifacts.ts", "-e", `downloads_dir=${corrupted}`, "-e", `artifacts_dir=${cluster.dir}/fresh`);
    expect(r.code, r.out).toBe(2);
    expect(failed(r.events).map((e) => `${e.host}:${e.task}`)).toEqual(["localhost:the downloaded tarballs have their checksums"]);
    expect(failed(r.events)[0].msg).toContain(`kubernetes-server-linux-amd64.tar.gz: sha256 is ${sha256(readFileSync(tarball))}, expected ${published}`);
    expect(changed(r.events)).toEqual([]);
    expect(existsSync(`${cluster.dir}/fresh`)).toBe(false);
  });

  it("a corrupted binary in artifacts_dir stops cluster.ts at its first play, naming it, with no task on any test host", { timeout: RUN_TIMEOUT }, () => {
    const kubelet = `${cluster.dir}/artifacts/${KUBELET}`;
    writeFileSync(kubelet, Buffer.concat([readFileSync(kubelet), Buffer.from("\n# corrupted\n")]));
    for (const options of [[], ["--check"], ["--tags", "kubelet"]]) {
      const r = tsplay("playbooks/cluster.ts", ...options);
      expect(r.code, `${options.join(" ")}\n${r.out}`).toBe(2);
      const [failure, ...others] = failed(r.events);
      expect(others).toEqual([]);
      expect(failure).toMatchObject({ play: CHECK_PLAY, task: "every release file this run copies has its manifest sha256", delegatedTo: "localhost" });
      expect(failure.msg).toContain(`${KUBELET}: sha256 is ${sha256(readFileSync(kubelet))}, expected ${manifest().get(KUBELET)}`);
      // every task ran on the controller, in the check's play, and no play came after it
      expect(tasks(r.events).filter((e) => e.play !== CHECK_PLAY || e.delegatedTo !== "localhost")).toEqual([]);
      expect(r.events.filter((e) => e.type === "play").map((e) => e.name)).toEqual([CHECK_PLAY]);
    }
    for (const host of HOSTS) expect(deployedOn(host), host).toBe("");
  });

  it("without a manifest it is refused with the fix; verify_artifacts=false runs unchecked", { timeout: RUN_TIMEOUT }, () => {
    renameSync(`${cluster.dir}/artifacts/SHA256SUMS`, `${cluster.dir}/SHA256SUMS.aside`);
    try {
      const refused = tsplay("playbooks/cluster.ts", "--check");
      expect(refused.code, refused.out).toBe(2);
      expect(failed(refused.events)[0].msg).toMatch(/^no \/.*\/artifacts\/SHA256SUMS: assemble artifacts_dir from the release tarballs with playbooks\/artifacts\.ts/);
      const unchecked = tsplay("playbooks/cluster.ts", "--check", "-e", "verify_artifacts=false");
      expect(unchecked.code, unchecked.out).toBe(0);
      expect(tasks(unchecked.events).filter((e) => e.play === CHECK_PLAY).map((e) => e.status)).toEqual(["skipped", "skipped"]);
    } finally {
      renameSync(`${cluster.dir}/SHA256SUMS.aside`, `${cluster.dir}/artifacts/SHA256SUMS`);
    }
  });

  it("repaired by playbooks/artifacts.ts, which unpacks that one file again, the run proceeds and the hosts get the manifest's files", { timeout: RUN_TIMEOUT }, () => {
    const repair = tsplay("playbooks/artifacts.ts", "-e", `downloads_dir=${cluster.dir}/downloads`);
    expect(repair.code, repair.out).toBe(0);
    expect(changed(repair.events)).toEqual(["localhost:Kubernetes server binaries from their tarball"]);
    expect(tasks(repair.events).find((e) => e.status === "changed")!.msg).toMatch(/: server\/bin\/kubelet \(differs\)$/);
    expect(sha256(readFileSync(`${cluster.dir}/artifacts/${KUBELET}`))).toBe(manifest().get(KUBELET));

    const r = tsplay("playbooks/cluster.ts");
    expect(r.code, r.out).toBe(0);
    expect(failed(r.events)).toEqual([]);
    expect(tasks(r.events).filter((e) => e.play === CHECK_PLAY).map((e) => `${e.host}:${e.status}`)).toEqual(["h1:ok", "h1:ok"]);
    for (const host of HOSTS) expect(onHost(host, "sha256sum /usr/local/bin/kubelet").stdout.split(" ")[0], host).toBe(manifest().get(KUBELET));
    expect(onHost("h1", "sha256sum /usr/local/bin/kube-apiserver").stdout.split(" ")[0]).toBe(manifest().get("kubernetes-v1.8.4/server/bin/kube-apiserver"));
  });
});
