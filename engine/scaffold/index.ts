/**
 * `tsplay new role NAME` and `tsplay new playbook NAME`: write a role or playbook that
 * passes its own test as created. Nothing existing is ever overwritten: when any file
 * to be written exists, nothing is written.
 */
import { UserError } from "../errors";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { scaffoldName } from "./names";
import { playbookFiles } from "./playbook";
import { roleFiles } from "./role";

export { ScaffoldNameError } from "./names";

export type ScaffoldKind = "role" | "playbook";

export class ScaffoldExistsError extends UserError {
}

export interface ScaffoldOptions {
  /** the folder that receives the role's folder or the playbook; `roles` or `playbooks` under `cwd` by default */
  dir?: string;
  cwd?: string;
}

/** Creates the files and returns their paths, relative to `cwd`. */
export function scaffold(kind: ScaffoldKind, rawName: string, options: ScaffoldOptions = {}): string[] {
  const names = scaffoldName(rawName);
  const cwd = resolve(options.cwd ?? process.cwd());
  const parent = resolve(cwd, options.dir ?? (kind === "role" ? "roles" : "playbooks"));
  const root = kind === "role" ? join(parent, names.name) : parent;
  const shown = relative(cwd, root) || ".";
  const files = kind === "role" ? roleFiles(names, shown) : playbookFiles(names, shown);
  const targets = Object.keys(files).map((path) => join(root, path));
  const existing = targets.filter((path) => existsSync(path));
  if (existing.length) {
    throw new ScaffoldExistsError(`not overwriting ${existing.map((path) => relative(cwd, path)).join(", ")}: remove it or choose another name or --dir`);
  }
  for (const [path, content] of Object.entries(files)) {
    const target = join(root, path);
    mkdirSync(dirname(target), { recursive: true });
    // "wx": fails rather than overwrite a file made since the check above
    writeFileSync(target, content, { flag: "wx" });
  }
  return targets.map((path) => relative(cwd, path));
}
