/**
 * apt: Debian packages are installed, at their newest version, or removed.
 *
 *   task("tools", apt({ name: ["conntrack", "socat"], updateCache: true, cacheValidTime: 3600 }))
 *   task("no telnet", apt({ name: "telnet", state: "absent", purge: true }))
 *
 * One round trip reads what is installed (`dpkg-query`), how old the package lists are
 * (with `updateCache`) and, for `latest`, the installed and candidate versions
 * (`apt-cache policy`). `apt-get update` runs when `updateCache` is set and the lists are
 * older than `cacheValidTime` seconds (always, without it; and whenever the host has no
 * package lists at all); like Ansible, refreshing the lists alone is not a change. `latest` is judged against the lists as they are before
 * that refresh, in --check and in a real run alike. `name=version` asks for that version.
 * `policyRcD: 101` (Ansible's `policy_rc_d`) keeps the packages from starting their
 * services while they install (Debian starts them by default): a role that configures a
 * service starts it once its configuration is in place.
 */
import { defineModule, ModuleFailure, type ModuleContext, type ModuleFunction, type Plan } from "../engine/module";
import { describeChanges, hasChanges, namesProblem, packageChanges, packageList, tail, type PackageResult, type PackageState } from "../engine/package-plan";
import { joinShell, sh, type Shell } from "../engine/shell";

export interface AptResult extends PackageResult {
  /** apt-get update ran (or, in --check, would run) */
  cache_updated: boolean;
}

export interface AptArgs {
  name?: string | string[];
  state?: PackageState;
  updateCache?: boolean;
  /** seconds the package lists stay fresh enough with `updateCache` */
  cacheValidTime?: number;
  /** absent: also remove configuration files */
  purge?: boolean;
  /** false: --no-install-recommends */
  installRecommends?: boolean;
  /** the exit code /usr/sbin/policy-rc.d gives during the change; 101 forbids starting services */
  policyRcD?: number;
}

// apt's own stamp (written by its periodic job); refreshed here after each update, since
// the lists folder's time stays the same when nothing in the lists changed
const STAMP = "/var/lib/apt/periodic/update-success-stamp";

/** dpkg-query lines "name<TAB>status<TAB>version": installed means the status word "installed". */
export function parseDpkgQuery(output: string, purge = false): Record<string, string> {
  const installed: Record<string, string> = {};
  for (const line of output.split("\n")) {
    const [name, status = "", version = ""] = line.split("\t");
    if (!name) continue;
    const word = status.split(" ")[2];
    if (word === "installed" || (purge && word === "config-files")) installed[name] = version;
  }
  return installed;
}

/** `apt-cache policy` blocks: "name:\n  Installed: v\n  Candidate: v" → the names with a newer candidate. */
export function parseAptPolicy(output: string): Set<string> {
  const upgradable = new Set<string>();
  for (const block of output.split(/^(?=\S)/m)) {
    const name = /^(\S+):/.exec(block)?.[1];
    const installed = /^\s+Installed: (.*)$/m.exec(block)?.[1]?.trim();
    const candidate = /^\s+Candidate: (.*)$/m.exec(block)?.[1]?.trim();
    if (name && installed && candidate && installed !== "(none)" && candidate !== "(none)" && installed !== candidate) upgradable.add(name);
  }
  return upgradable;
}

/** "name=version" and "name:arch" as dpkg names them */
const bareName = (spec: string) => spec.split("=")[0]!.split(":")[0]!;

export async function planApt(ctx: ModuleContext, args: AptArgs): Promise<Plan<AptResult>> {
  const specs = args.name === undefined ? [] : packageList(args.name);
  const names = specs.map(bareName);
  const state = args.state ?? "present";
  const lines = [sh`echo @@dpkg`, sh`dpkg-query -W -f '\${Package}\\t\${Status}\\t\${Version}\\n' -- ${names} 2>/dev/null; true`];
  // no lists at all (a fresh host, or lists removed) is never fresh, whatever the folder's time
  if (args.updateCache) lines.push(sh`if ls /var/lib/apt/lists/ | grep -q _Packages; then echo "@@age=$(( $(date +%s) - $(stat -c %Y ${STAMP} 2>/dev/null || stat -c %Y /var/lib/apt/lists 2>/dev/null || echo 0) ))"; fi`);
  if (state === "latest" && names.length) lines.push(sh`echo @@policy`, sh`apt-cache policy -- ${names}`);
  const read = names.length || args.updateCache ? await ctx.conn.run(joinShell(lines, "\n")) : { code: 0, stdout: "", stderr: "" };
  if (read.code !== 0) throw new ModuleFailure(`could not read installed packages: ${read.stderr.trim() || `exit code ${read.code}`}`);
  const [dpkg = "", policy = ""] = read.stdout.split("@@policy\n");
  const found = parseDpkgQuery(dpkg.split("@@age=")[0]!, state === "absent" && args.purge);
  const before: Record<string, string | null> = {};
  specs.forEach((spec, i) => {
    const version = found[names[i]!] ?? null;
    // "name=1.2" is present only at that version
    const wanted = spec.includes("=") ? spec.slice(spec.indexOf("=") + 1) : undefined;
    before[spec] = version !== null && wanted !== undefined && state !== "absent" && version !== wanted ? null : version;
  });
  const upgradable = new Set([...parseAptPolicy(policy)].map((name) => specs[names.indexOf(name)] ?? name));
  const changes = packageChanges(specs, state, before, upgradable);
  const age = Number(/@@age=(-?\d+)/.exec(read.stdout)?.[1] ?? NaN);
  const updateCache = args.updateCache === true && !(args.cacheValidTime !== undefined && age >= 0 && age < args.cacheValidTime);
  const result: Partial<AptResult> = { manager: "apt", before, installed: changes.install, upgraded: changes.upgrade, removed: changes.remove, cache_updated: updateCache };
  if (!hasChanges(changes) && !updateCache) return { changed: false, result };

  const summary = [updateCache ? "update the package lists" : "", describeChanges(changes)].filter(Boolean).join("; ");
  const recommends = args.installRecommends === false ? ["--no-install-recommends"] : [];
  const install = [...changes.install, ...changes.upgrade];
  const steps = [
    updateCache && sh`apt-get update -q && mkdir -p /var/lib/apt/periodic && touch ${STAMP}`,
    hasChanges(changes) && args.policyRcD !== undefined && policyRcD(args.policyRcD),
    install.length > 0 &&
      sh`apt-get install -y -q -o DPkg::Lock::Timeout=120 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold ${recommends} -- ${install}`,
    changes.remove.length > 0 && sh`apt-get ${args.purge ? "purge" : "remove"} -y -q -o DPkg::Lock::Timeout=120 -- ${changes.remove}`,
  ];
  return {
    changed: hasChanges(changes),
    summary: `apt: ${summary}`,
    result,
    apply: async () => {
      const run = await ctx.conn.run(joinShell(steps.map((step) => step && sh`${step} || exit $?`), "\n"), { env: { DEBIAN_FRONTEND: "noninteractive" } });
      if (run.code !== 0) throw new ModuleFailure(`apt-get failed to ${summary}:\n${tail(run.stderr + run.stdout)}`, { stdout: run.stdout });
      return { stdout: tail(run.stdout) };
    },
  };
}

/**
 * Puts a policy-rc.d answering `code` in place for the rest of the script; a policy-rc.d
 * that was there before comes back afterwards, whatever happens.
 */
function policyRcD(code: number): Shell {
  return joinShell(
    [
      sh`if [ -e /usr/sbin/policy-rc.d ]; then mv -f /usr/sbin/policy-rc.d /usr/sbin/policy-rc.d.tsplay-saved; fi`,
      sh`trap 'rm -f /usr/sbin/policy-rc.d; if [ -e /usr/sbin/policy-rc.d.tsplay-saved ]; then mv -f /usr/sbin/policy-rc.d.tsplay-saved /usr/sbin/policy-rc.d; fi' EXIT`,
      sh`printf '#!/bin/sh\nexit %s\n' ${code} > /usr/sbin/policy-rc.d && chmod 0755 /usr/sbin/policy-rc.d`,
    ],
    "\n",
  );
}

export const apt: ModuleFunction<AptArgs, AptResult> = defineModule({
  name: "apt",
  args: {
    name: { type: "any", doc: "a package or a list of packages; name=version for one version" },
    state: { type: "string", choices: ["present", "absent", "latest"] },
    updateCache: { type: "boolean" },
    cacheValidTime: { type: "number", doc: "seconds" },
    purge: { type: "boolean" },
    installRecommends: { type: "boolean" },
    policyRcD: { type: "number", doc: "exit code of /usr/sbin/policy-rc.d while installing; 101 keeps services from starting" },
  },
  check: (args) => (args.name === undefined ? (args.updateCache ? undefined : "give 'name', or 'updateCache: true'") : namesProblem(args.name)),
  plan: (ctx, args) => planApt(ctx, args as AptArgs),
});
