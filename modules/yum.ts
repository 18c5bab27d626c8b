/**
 * yum: packages are installed, at their newest version, or removed, with yum where the
 * host has it, else dnf.
 *
 *   task("flannel", yum({ name: "flannel" }))
 *   task("tools", yum({ name: ["conntrack-tools", "socat"], state: "latest", enablerepo: "extras", updateCache: true }))
 *
 * What is installed is read with `rpm -q` in the same round trip that finds the tool, so
 * a task with nothing to do costs one command; `latest` also asks `check-update` (against
 * the cached metadata unless `updateCache`, which adds `--refresh`). A
 * `present` package that no repository holds is predicted as "install" by --check and
 * fails in a real run, with the tool's message.
 */
import { defineModule, ModuleFailure, needsEarlierTask, type ModuleContext, type ModuleFunction, type Plan } from "../engine/module";
import { describeChanges, hasChanges, namesProblem, packageChanges, packageList, tail, type PackageResult, type PackageState } from "../engine/package-plan";
import { joinShell, sh } from "../engine/shell";

export type YumResult = PackageResult;

export interface YumArgs {
  name: string | string[];
  state?: PackageState;
  enablerepo?: string | string[];
  disablerepo?: string | string[];
  /** re-read the repositories' metadata first, however fresh the cache (`--refresh`) */
  updateCache?: boolean;
}

/** Output of the probe: blocks opened by "@@", one per package, each with `v=VERSION` lines. */
export function parseRpmQuery(names: string[], output: string): Record<string, string | null> {
  const blocks = output.split("@@\n").slice(1);
  const installed: Record<string, string | null> = {};
  names.forEach((name, i) => {
    const versions = (blocks[i] ?? "")
      .split("\n")
      .filter((line) => line.startsWith("v="))
      .map((line) => line.slice(2));
    installed[name] = versions.length ? versions.join(", ") : null;
  });
  return installed;
}

/** `yum/dnf -q check-update` lines: "name.arch  version  repo" (yum wraps a long name onto its own line). */
export function parseCheckUpdate(output: string): Set<string> {
  const names = new Set<string>();
  // the "Obsoleting Packages" section that may follow lists replacements, not updates
  const words = output
    .split(/^Obsoleting Packages/m)[0]!
    .split("\n")
    .filter((line) => line.trim() && !/^(Security:|Last metadata)/.test(line.trim()))
    .flatMap((line) => line.trim().split(/\s+/));
  for (let i = 0; i + 2 < words.length; i += 3) {
    const nameArch = words[i] ?? "";
    const dot = nameArch.lastIndexOf(".");
    if (dot > 0) names.add(nameArch.slice(0, dot));
  }
  return names;
}

// disabling first, so that `disablerepo: "*", enablerepo: "x"` means "only x", as in Ansible;
// each option is one word, quoted like any value
const repoOptions = (args: YumArgs): string[] => [
  ...[args.disablerepo ?? []].flat().map((repo) => `--disablerepo=${repo}`),
  ...[args.enablerepo ?? []].flat().map((repo) => `--enablerepo=${repo}`),
  ...(args.updateCache ? ["--refresh"] : []),
];

export async function planYum(ctx: ModuleContext, args: YumArgs): Promise<Plan<YumResult>> {
  const names = packageList(args.name);
  const state = args.state ?? "present";
  const options = repoOptions(args);
  const lines = [
    sh`if command -v yum >/dev/null 2>&1; then mgr=yum; elif command -v dnf >/dev/null 2>&1; then mgr=dnf; else echo 'neither yum nor dnf is installed' >&2; exit 3; fi`,
    sh`echo "mgr=$mgr"`,
    sh`for p in ${names}; do echo @@; rpm -q --qf 'v=%{VERSION}-%{RELEASE}.%{ARCH}\n' -- "$p" 2>/dev/null; done; true`,
  ];
  // exit 100: updates available, 0: none, anything else: the tool failed
  if (state === "latest") lines.push(sh`echo @@cu; "$mgr" -q check-update ${options} -- ${names}; echo "@@rc=$?"`);
  const read = await ctx.conn.run(joinShell(lines, "\n"));
  if (read.code !== 0) throw new ModuleFailure(`could not read installed packages: ${read.stderr.trim() || `exit code ${read.code}`}`);
  const [head = "", cu = ""] = read.stdout.split("@@cu\n");
  const manager = /^mgr=(\S+)/m.exec(head)?.[1] ?? "yum";
  const before = parseRpmQuery(names, head);
  const rc = /@@rc=(\d+)/.exec(cu)?.[1];
  const updatesUnknown = state === "latest" && rc !== "0" && rc !== "100";
  const problem = `${manager} check-update failed: ${read.stderr.trim() || `exit code ${rc}`}`;
  const changes = packageChanges(names, state, before, updatesUnknown ? new Set() : parseCheckUpdate(cu.replace(/@@rc=\d+\n?/, "")));
  const result: Partial<YumResult> = { manager, before, installed: changes.install, upgraded: changes.upgrade, removed: changes.remove };
  // a repository that an earlier task would add is unknown yet: missing packages are still known
  if (updatesUnknown) return needsEarlierTask(problem, { changed: hasChanges(changes), summary: `${manager}: ${describeChanges(changes) || "nothing to install"} (updates not known now)`, result });
  if (!hasChanges(changes)) return { changed: false, result };
  return {
    changed: true,
    summary: `${manager}: ${describeChanges(changes)}`,
    result,
    apply: async () => {
      const steps = [
        changes.install.length > 0 && sh`${manager} -y install ${options} -- ${changes.install}`,
        changes.upgrade.length > 0 && sh`${manager} -y upgrade ${options} -- ${changes.upgrade}`,
        changes.remove.length > 0 && sh`${manager} -y remove ${options} -- ${changes.remove}`,
      ];
      const run = await ctx.conn.run(joinShell(steps.map((step) => step && sh`${step} || exit $?`), "\n"));
      if (run.code !== 0) throw new ModuleFailure(`${manager} failed to ${describeChanges(changes)}:\n${tail(run.stderr + run.stdout)}`, { stdout: run.stdout });
      return { stdout: tail(run.stdout) };
    },
  };
}

export const yum: ModuleFunction<YumArgs, YumResult> = defineModule({
  name: "yum",
  args: {
    name: { type: "any", required: true, doc: "a package or a list of packages" },
    state: { type: "string", choices: ["present", "absent", "latest"] },
    enablerepo: { type: "any", doc: "a repository id or a list of them" },
    disablerepo: { type: "any", doc: "a repository id or a list of them" },
    updateCache: { type: "boolean", doc: "re-read the repositories' metadata (--refresh)" },
  },
  check: (args) => namesProblem(args.name) ?? namesProblem(args.enablerepo, true) ?? namesProblem(args.disablerepo, true),
  plan: (ctx, args) => planYum(ctx, args as YumArgs),
});
