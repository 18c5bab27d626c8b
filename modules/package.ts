/**
 * package: packages installed or removed with the host's own package manager, so that a
 * role runs on CentOS (yum/dnf) and Debian (apt) alike.
 *
 *   task("conntrack", pkg({ name: "conntrack" }))
 *   task("socat, newest", pkg({ name: ["socat"], state: "latest" }))
 *
 * The manager comes from the gathered facts (`pkg_mgr`): apt, or yum/dnf; `use` picks one
 * by hand, as Ansible's `use` does (a Debian host may also carry dnf for an RPM tree).
 * `updateCache` refreshes apt's lists first when they are older than `cacheValidTime`
 * seconds (yum and dnf refresh expired metadata by themselves; without `cacheValidTime`
 * they re-read it too, `--refresh`). `policyRcD` is apt's (RPM packages never start their
 * services on install).
 * Exported as `pkg`, since `package` is a reserved word in JavaScript.
 */
import { defineModule, ModuleFailure, type ModuleFunction, type Plan } from "../engine/module";
import { namesProblem, type PackageResult, type PackageState } from "../engine/package-plan";
import { planApt } from "./apt";
import { planYum } from "./yum";

export interface PkgArgs {
  name: string | string[];
  state?: PackageState;
  use?: "auto" | "apt" | "yum" | "dnf";
  updateCache?: boolean;
  cacheValidTime?: number;
  policyRcD?: number;
}

export type PkgResult = PackageResult;

export const pkg: ModuleFunction<PkgArgs, PkgResult> = defineModule({
  name: "package",
  args: {
    name: { type: "any", required: true, doc: "a package or a list of packages" },
    state: { type: "string", choices: ["present", "absent", "latest"] },
    use: { type: "string", choices: ["auto", "apt", "yum", "dnf"] },
    updateCache: { type: "boolean", doc: "refresh the package lists or metadata first" },
    cacheValidTime: { type: "number", doc: "seconds apt's lists stay fresh enough with updateCache" },
    policyRcD: { type: "number", doc: "apt: exit code of policy-rc.d while installing; 101 keeps services from starting" },
  },
  check: (args) => namesProblem(args.name),
  plan: async (ctx, args): Promise<Plan<PkgResult>> => {
    const { name, state, use = "auto", updateCache, cacheValidTime, policyRcD } = args as PkgArgs;
    switch (use === "auto" ? ctx.facts.pkg_mgr : use) {
      case "apt":
        return planApt(ctx, { name, state, updateCache, cacheValidTime, policyRcD });
      case "yum":
      case "dnf":
        return planYum(ctx, { name, state, updateCache: updateCache === true && cacheValidTime === undefined });
      case "":
        throw new ModuleFailure("the host's package manager is not known: package needs gathered facts (gatherFacts: true), or use apt or yum");
      default:
        throw new ModuleFailure(`package does not support ${ctx.facts.pkg_mgr}; use apt or yum, or command`);
    }
  },
});
