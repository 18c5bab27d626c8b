/**
 * What yum, apt and package share: the result shape, and turning "installed now" plus
 * "wanted" into the packages to install, upgrade and remove. The package managers' own
 * output is parsed in their modules; this file knows none of them.
 */
import type { BaseResult } from "./module";
import { ModuleFailure } from "./module";

export type PackageState = "present" | "absent" | "latest";

export interface PackageResult extends BaseResult {
  /** the tool that did (or would do) it: yum, dnf or apt */
  manager: string;
  /** each named package as found before any change: its installed version, or null */
  before: Record<string, string | null>;
  /** what was (or in --check would be) installed, upgraded and removed */
  installed: string[];
  upgraded: string[];
  removed: string[];
  /** the package manager's output, after a change */
  stdout?: string;
}

export interface PackageChanges {
  install: string[];
  upgrade: string[];
  remove: string[];
}

/** `name` (and yum's repo options) take a string or a list of strings: checked when the playbook loads. */
export function namesProblem(value: unknown, optional = false): string | undefined {
  if (optional && value === undefined) return undefined;
  if (typeof value === "string" || (Array.isArray(value) && value.every((v) => typeof v === "string"))) return undefined;
  return `expected a string or a list of strings, got ${JSON.stringify(value)}`;
}

/** `name` as a list; a name that starts with "-" would be read as an option, so it is refused. */
export function packageList(name: string | string[]): string[] {
  const names = (Array.isArray(name) ? name : [name]).map((n) => n.trim()).filter(Boolean);
  if (names.length === 0) throw new ModuleFailure("no package named: 'name' is empty");
  const bad = names.find((n) => n.startsWith("-") || /\s/.test(n));
  if (bad !== undefined) throw new ModuleFailure(`${JSON.stringify(bad)} is not a package name`);
  return names;
}

/**
 * `installed`: the version of each package now, or null. `upgradable`: those for which the
 * repositories hold a newer version (only needed for `latest`).
 */
export function packageChanges(names: string[], state: PackageState, installed: Record<string, string | null>, upgradable: ReadonlySet<string> = new Set()): PackageChanges {
  const changes: PackageChanges = { install: [], upgrade: [], remove: [] };
  for (const name of names) {
    const version = installed[name] ?? null;
    if (state === "absent") {
      if (version !== null) changes.remove.push(name);
    } else if (version === null) {
      changes.install.push(name);
    } else if (state === "latest" && upgradable.has(name)) {
      changes.upgrade.push(name);
    }
  }
  return changes;
}

export function describeChanges(changes: PackageChanges): string {
  return [
    changes.install.length ? `install ${changes.install.join(", ")}` : "",
    changes.upgrade.length ? `upgrade ${changes.upgrade.join(", ")}` : "",
    changes.remove.length ? `remove ${changes.remove.join(", ")}` : "",
  ]
    .filter(Boolean)
    .join("; ");
}

export const hasChanges = (changes: PackageChanges) => changes.install.length + changes.upgrade.length + changes.remove.length > 0;

/** The last lines of a package manager's output; progress redrawn with "\r" keeps its last state. */
export function tail(text: string, lines = 15): string {
  return text
    .trim()
    .split("\n")
    .map((line) => line.replace(/\r$/, "").split("\r").pop()!)
    .slice(-lines)
    .join("\n");
}
