/**
 * The `ssh2` package, loaded when the first SSH connection opens: a start that opens none
 * (`--list-tasks`, a local run, a playbook error) does not pay the ~70 ms its loading costs.
 *
 *   const { Client } = await loadSsh2();
 */
import type ssh2 from "ssh2";

let loading: Promise<typeof ssh2> | undefined;

export function loadSsh2(): Promise<typeof ssh2> {
  return (loading ??= import("ssh2").then((module) => module.default));
}
