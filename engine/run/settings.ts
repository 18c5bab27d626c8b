import type { Vars } from "../host-context";

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
    ...overrides,
  };
}
