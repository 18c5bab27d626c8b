/**
 * The modules `tsplay adhoc -m NAME` runs, under Ansible's names (`wait_for`, `package`,
 * `ansible.builtin.copy`) and their own (`waitFor`). assert and setFact are left out: they
 * evaluate a playbook's functions, which a command line has none of.
 *
 *   adhocModule("ansible.builtin.wait_for")  // waitFor's definition
 */
import { UserError } from "../errors";
import type { ModuleDefinition, ModuleFunction } from "../module";
import { apt, bootstrapToken, cert, command, copy, debug, etcdctl, file, kubeconfig, kubectl, lineinfile, pkg, shell, systemd, template, waitFor, yum } from "../../modules";

export interface AdhocModule {
  definition: ModuleDefinition<any, any>;
  /** the whole of `-a` (less the options it names) is the command line, as in Ansible */
  freeForm?: boolean;
  /** options whose `a,b` is a list, as Ansible's list options are */
  lists?: string[];
  /** the module reads gathered facts (package picks apt or yum from them) */
  needsFacts?: boolean;
}

export class UnknownModuleError extends UserError {}

// a call with a function for its arguments is not validated: it only hands back the definition
const definitionOf = (module: ModuleFunction<any, any>) => module(() => ({}) as never).module;

const TABLE: Record<string, Omit<AdhocModule, "definition"> & { module: ModuleFunction<any, any> }> = {
  command: { module: command, freeForm: true },
  shell: { module: shell, freeForm: true },
  file: { module: file },
  copy: { module: copy },
  template: { module: template },
  lineinfile: { module: lineinfile },
  systemd: { module: systemd },
  // Ansible's service module takes the same name/state/enabled; tsplay's hosts run systemd
  service: { module: systemd },
  apt: { module: apt, lists: ["name"] },
  yum: { module: yum, lists: ["name", "enablerepo", "disablerepo"] },
  package: { module: pkg, lists: ["name"], needsFacts: true },
  debug: { module: debug },
  wait_for: { module: waitFor },
  etcdctl: { module: etcdctl },
  kubectl: { module: kubectl, lists: ["create", "get"] },
  cert: { module: cert },
  kubeconfig: { module: kubeconfig },
  bootstrap_token: { module: bootstrapToken },
};

/** The module names `-m` takes, Ansible's first. */
export const adhocModuleNames = (): string[] => Object.keys(TABLE);

export function adhocModule(name: string): AdhocModule {
  const bare = name.replace(/^ansible\.(builtin|legacy)\./, "");
  const snake = bare.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  const entry = TABLE[bare] ?? TABLE[snake];
  if (!entry) throw new UnknownModuleError(`-m ${name}: no such module (modules: ${adhocModuleNames().join(", ")})`);
  const { module, ...rest } = entry;
  return { ...rest, definition: definitionOf(module) };
}
