/**
 * yum/dnf, apt and package against real package managers on the test hosts, from local
 * repositories this test builds: noarch RPMs made with rpmbuild and indexed by
 * createrepo_c, and an apt repository of .debs (downloaded, and two made with dpkg-deb)
 * indexed by dpkg-scanpackages. h3 gets Debian's dnf and rpm for the duration of the test
 * (which makes its facts say pkg_mgr=dnf); everything is removed at the end.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jsonLines, tsplay } from "../cli/cli";
import { copyToHost, DEB_CACHE, downloadDebs, ensureControllerPackages, installOnHost, purgeOnHost } from "./debian-packages";
import { onHost, TESTBED_INVENTORY, TESTBED_KNOWN_HOSTS, testbedUp } from "./testbed";

const PLAYBOOK = "test/e2e/playbooks/packages.ts";
const RPM_HOST = "h3";
const APT_HOSTS = ["h1", "h2"];
let work: string;
let addedOnRpmHost: string[] = [];

function rpm(name: string, version: string, out: string): void {
  const spec = join(work, `${name}.spec`);
  writeFileSync(
    spec,
    [`Name: ${name}`, `Version: ${version}`, "Release: 1", "Summary: tsplay test package", "License: MIT", "BuildArch: noarch", "AutoReqProv: no",
      "%description", "A package the tsplay tests install.", "%install", `mkdir -p %{buildroot}/usr/share/${name}`, `echo ${version} > %{buildroot}/usr/share/${name}/version`,
      "%files", `/usr/share/${name}`, ""].join("\n"),
  );
  execFileSync("rpmbuild", ["-bb", "--quiet", "--define", `_topdir ${work}/rpmbuild`, "--define", `_rpmdir ${out}`, "--define", "_build_id_links none", spec], { stdio: "pipe" });
}

function deb(name: string, version: string, out: string): void {
  const root = join(work, `${name}-${version}`);
  mkdirSync(join(root, "DEBIAN"), { recursive: true });
  mkdirSync(join(root, "usr/share", name), { recursive: true });
  writeFileSync(join(root, "usr/share", name, "version"), `${version}\n`);
  writeFileSync(join(root, "DEBIAN/control"), `Package: ${name}\nVersion: ${version}\nArchitecture: all\nMaintainer: tsplay <tsplay@localhost>\nDescription: tsplay test package\n`);
  execFileSync("dpkg-deb", ["--build", "--root-owner-group", root, join(out, `${name}_${version}_all.deb`)], { stdio: "pipe" });
}

function publish(): void {
  execFileSync("createrepo_c", ["--quiet", join(work, "rpm")]);
  execFileSync("bash", ["-c", `cd ${work}/deb && dpkg-scanpackages --multiversion . /dev/null > Packages 2>/dev/null`]);
  copyToHost(RPM_HOST, join(work, "rpm"), "/var/tmp/tsplay-rpm-repo");
  for (const host of APT_HOSTS) copyToHost(host, join(work, "deb"), "/var/tmp/tsplay-apt-repo");
}

const run = (vars: Record<string, string>, check = false) => {
  const extra = Object.entries(vars).flatMap(([k, v]) => ["-e", `${k}=${v}`]);
  const out = tsplay([PLAYBOOK, "-i", TESTBED_INVENTORY, "--known-hosts", TESTBED_KNOWN_HOSTS, "--output", "json", ...extra, ...(check ? ["--check"] : [])]);
  const events = jsonLines(out.stdout).filter((e) => e.type === "task");
  expect(out.code, out.stderr + events.filter((e) => e.status === "failed").map((e) => `${e.host} ${e.task}: ${e.msg}`).join("\n")).toBe(0);
  return events;
};
const statuses = (events: Record<string, any>[]) => events.map((e) => `${e.host}:${e.task}: ${e.status} ${e.msg}`).join("\n");
const changed = (events: Record<string, any>[]) => events.filter((e) => e.status === "changed").map((e) => `${e.host}:${e.task}`).sort();

describe.skipIf(!testbedUp)("yum, apt and package on the test hosts", () => {
  beforeAll(() => {
    ensureControllerPackages(["rpm", "createrepo-c", "dpkg-dev"]);
    work = mkdtempSync(join(tmpdir(), "tsplay-packages-"));
    mkdirSync(join(work, "rpm"));
    mkdirSync(join(work, "deb"));
    rpm("tsplay-demo", "1.0", join(work, "rpm"));
    rpm("tsplay-tool", "1.0", join(work, "rpm"));
    deb("tsplay-demo", "1.0", join(work, "deb"));
    deb("tsplay-tool", "1.0", join(work, "deb"));
    downloadDebs(["hello", "tree"], join(work, "deb"));
    addedOnRpmHost = installOnHost(RPM_HOST, ["dnf", "rpm"], join(DEB_CACHE, "dnf"));
    publish();
  }, 300_000);

  afterAll(() => {
    // one rpm -e per package: rpm removes nothing when one of those named is missing.
    // Debian's rpm keeps its database in root's home (%_dbpath), not in /var/lib/rpm.
    onHost(RPM_HOST, "for p in tsplay-demo tsplay-tool; do rpm -e $p 2>/dev/null; done; rm -rf \"$(rpm --eval %_dbpath)\" /etc/yum.repos.d /var/tmp/tsplay-rpm-repo /var/cache/dnf");
    purgeOnHost(RPM_HOST, addedOnRpmHost);
    onHost(RPM_HOST, "rm -rf /var/lib/rpm /var/lib/dnf /etc/dnf");
    for (const host of [...APT_HOSTS, RPM_HOST]) {
      onHost(host, "DEBIAN_FRONTEND=noninteractive apt-get purge -y -q hello tree tsplay-demo tsplay-tool >/dev/null 2>&1; rm -rf /usr/share/tsplay-demo /usr/share/tsplay-tool /etc/apt/sources.list.d/tsplay-test.list /var/tmp/tsplay-apt-repo /var/lib/apt/lists/_var_tmp_tsplay-apt-repo_* /var/lib/apt/periodic/update-success-stamp");
    }
    if (work) rmSync(work, { recursive: true, force: true });
  }, 120_000);

  it("installs, upgrades to the newest and removes; a second run changes nothing; --check predicts each run", () => {
    const phase1 = { demo_state: "present", apt_state: "present" };
    const checked = run(phase1, true);
    const predicted = changed(checked);
    const first = run(phase1);
    expect(changed(first)).toEqual(predicted);
    expect(predicted, statuses(checked)).toEqual(
      ["h1:apt source", "h1:demo, either way", "h1:hello and tree", "h1:tool, newest", "h2:apt source", "h2:demo, either way", "h2:hello and tree", "h2:tool, newest",
        "h3:demo, either way", "h3:tool, newest, from one repository", "h3:yum repo", "h3:yum repos folder"].sort(),
    );
    // package picked yum (dnf) on the rpm host and apt elsewhere, from the facts
    const demo = first.filter((e) => e.task === "demo, either way");
    expect(Object.fromEntries(demo.map((e) => [e.host, e.result.manager]))).toEqual({ h1: "apt", h2: "apt", h3: "dnf" });
    expect(first.find((e) => e.host === "h1" && e.task === "apt lists")?.result.cache_updated).toBe(true);
    expect(changed(run(phase1))).toEqual([]);
    expect(changed(run(phase1, true))).toEqual([]);
    expect(onHost(RPM_HOST, "rpm -q tsplay-demo tsplay-tool").stdout).toBe("tsplay-demo-1.0-1.noarch\ntsplay-tool-1.0-1.noarch\n");
    for (const host of APT_HOSTS) {
      expect(onHost(host, "dpkg-query -W -f '${Package} ${Version}\\n' hello tree tsplay-demo tsplay-tool").stdout).toMatch(/^hello \S+\ntree \S+\ntsplay-demo 1\.0\ntsplay-tool 1\.0\n$/);
    }

    // The repositories publish tsplay-tool 1.1; the Debian hosts refresh their lists, as
    // their periodic apt job would (what a refresh would bring cannot be known in --check).
    rpm("tsplay-tool", "1.1", join(work, "rpm"));
    deb("tsplay-tool", "1.1", join(work, "deb"));
    publish();
    for (const host of APT_HOSTS) expect(onHost(host, "apt-get update -q >/dev/null 2>&1").code).toBe(0);
    const phase2 = { demo_state: "absent", apt_state: "absent" };
    const predicted2 = changed(run(phase2, true));
    expect(changed(run(phase2))).toEqual(predicted2);
    expect(predicted2).toEqual(
      ["h1:demo, either way", "h1:hello and tree", "h1:tool, newest", "h2:demo, either way", "h2:hello and tree", "h2:tool, newest", "h3:demo, either way", "h3:tool, newest, from one repository"].sort(),
    );
    expect(changed(run(phase2))).toEqual([]);
    expect(onHost(RPM_HOST, "rpm -q tsplay-demo tsplay-tool").stdout).toBe("package tsplay-demo is not installed\ntsplay-tool-1.1-1.noarch\n");
    for (const host of APT_HOSTS) {
      expect(onHost(host, "dpkg-query -W -f '${db:Status-Abbrev}${Package} ${Version}\\n' hello tree tsplay-demo tsplay-tool | grep ^ii").stdout).toBe("ii tsplay-tool 1.1\n");
    }
  }, 400_000);
});
