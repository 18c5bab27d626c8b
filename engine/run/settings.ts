import type { Vars } from "../host-context";
import { Vault } from "../vault/vault";

/** The run's switches, as the CLI (or a test) sets them. */
export interface RunSettings {
  check: boolean;
  diff: boolean;
  tags: string[];
  skipTags: string[];
  limit?: string;
  forks: number;
  extraVars: Vars;
  startAtTask?: string;
  forceHandlers: boolean;
  /** folder of the playbook file: `files/` and `templates/` beside it are searched */
  playbookDir: string;
  becomePassword?: string;
  /** the vault passwords: vault files read during the run are opened with them, and what they open is masked in output */
  vault: Vault;
}

export function defaultSettings(overrides: Partial<RunSettings> = {}): RunSettings {
  return {
    check: false,
    diff: false,
    tags: [],
    skipTags: [],
    forks: 10,
    extraVars: {},
    forceHandlers: false,
    playbookDir: process.cwd(),
    vault: Vault.none(),
    ...overrides,
  };
}
