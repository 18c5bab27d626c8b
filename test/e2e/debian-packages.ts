/**
 * Debian packages for the tests, on the controller and on the test hosts. The hosts have
 * no route out, so what they need is downloaded here, with apt resolving dependencies
 * against the host's own dpkg status, and copied over SSH; each test purges what it added.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { REPO } from "../cli/cli";
import { addressOf, onHost, TESTBED_KEY, TESTBED_KNOWN_HOSTS } from "./testbed";

export const DEB_CACHE = join(REPO, ".cache/e2e-debs");

function sh(command: string, input?: string): string {
  const r = spawnSync("bash", ["-c", command], { encoding: "utf8", input, timeout: 600_000, env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
  if (r.status !== 0) throw new Error(`${command} failed (${r.status}): ${r.stderr}${r.stdout}`.slice(0, 4000));
  return r.stdout;
}

const installed = (name: string) => spawnSync("dpkg-query", ["-W", "-f", "${Status}", name], { encoding: "utf8" }).stdout === "install ok installed";

/** Installs the controller's tools the tests need (rpm, createrepo-c, ...) when missing. */
export function ensureControllerPackages(names: string[]): void {
  const missing = names.filter((name) => !installed(name));
  if (missing.length === 0) return;
  const install = `apt-get install -y -q ${missing.join(" ")}`;
  // a fresh machine may have no package lists yet
  if (spawnSync("bash", ["-c", `${install} >/dev/null 2>&1`]).status !== 0) sh(`apt-get update -q >/dev/null && ${install} >/dev/null`);
}

/** Debian's .debs of `names` (and, with `resolveFor`, what that host lacks of their dependencies) into a folder. */
export function downloadDebs(names: string[], folder: string, resolveFor?: string): string[] {
  try {
    return download(names, folder, resolveFor);
  } catch {
    // a fresh machine may have no package lists yet
    sh("apt-get update -q >/dev/null");
    return download(names, folder, resolveFor);
  }
}

function download(names: string[], folder: string, resolveFor?: string): string[] {
  mkdirSync(join(folder, "partial"), { recursive: true });
  if (resolveFor === undefined) {
    sh(`cd ${JSON.stringify(folder)} && apt-get download -q ${names.join(" ")} 2>&1`);
  } else {
    const status = onHost(resolveFor, "cat /var/lib/dpkg/status");
    const statusFile = join(folder, `status-${resolveFor}`);
    writeFileSync(statusFile, status.stdout);
    const apt = `apt-get -q -y --no-install-recommends -o Debug::NoLocking=1 -o Dir::State::status=${statusFile} -o Dir::Cache::archives=${folder}`;
    // the files this host needs now (the folder also keeps what earlier runs fetched), as
    // apt names them: "Inst dnf (4.14.0-3 Debian:12/oldstable [all])" → dnf_4.14.0-3_all.deb
    const wanted = [...sh(`${apt} --simulate install ${names.join(" ")}`).matchAll(/^Inst (\S+) (?:\[[^\]]*\] )?\((\S+) .*\[(\S+)\]\)/gm)].map(
      ([, name, version, arch]) => `${name}_${version!.replace(/:/g, "%3a")}_${arch}.deb`,
    );
    sh(`${apt} --download-only install ${names.join(" ")} 2>&1`);
    return wanted;
  }
  return readdirSync(folder).filter((f) => f.endsWith(".deb"));
}

/** Copies a controller folder's content (or only `files` of it) into `remote` on a host (tar over ssh). */
export function copyToHost(host: string, local: string, remote: string, files: string[] = ["."]): void {
  const ssh = `ssh -i ${TESTBED_KEY} -o UserKnownHostsFile=${TESTBED_KNOWN_HOSTS} -o BatchMode=yes root@${addressOf(host)}`;
  const names = files.map((f) => JSON.stringify(f)).join(" ");
  sh(`tar -C ${JSON.stringify(local)} --exclude=partial -cf - ${names} | ${ssh} 'rm -rf ${remote} && mkdir -p ${remote} && tar -C ${remote} -xf -'`);
}

/** Installs `names` with their missing dependencies on a host; returns the packages that were new there. */
export function installOnHost(host: string, names: string[], folder: string): string[] {
  const before = new Set(onHost(host, "dpkg-query -W -f '${Package}\\n'").stdout.split("\n"));
  const files = downloadDebs(names, folder, host);
  if (files.length === 0) return [];
  const remote = `/var/tmp/tsplay-debs-${process.pid}`;
  copyToHost(host, folder, remote, files);
  const r = onHost(host, `DEBIAN_FRONTEND=noninteractive dpkg -i ${remote}/*.deb >/dev/null 2>${remote}.log || { tail -20 ${remote}.log; exit 1; }; rm -rf ${remote} ${remote}.log`);
  if (r.code !== 0) throw new Error(`dpkg -i on ${host} failed: ${r.stdout}${r.stderr}`);
  const after = onHost(host, "dpkg-query -W -f '${db:Status-Abbrev} ${Package}\\n'").stdout.split("\n");
  return after.filter((line) => line.startsWith("ii ")).map((line) => line.slice(4)).filter((name) => !before.has(name));
}

/** Purges packages a test added (versions it only upgraded stay: the host works as before). */
export function purgeOnHost(host: string, names: string[]): void {
  if (names.length === 0) return;
  const r = onHost(host, `DEBIAN_FRONTEND=noninteractive dpkg --purge ${names.join(" ")} >/dev/null 2>/tmp/tsplay-purge.log || cat /tmp/tsplay-purge.log`);
  if (r.code !== 0 || r.stdout.trim()) throw new Error(`dpkg --purge on ${host} failed: ${r.stdout}${r.stderr}`);
}
