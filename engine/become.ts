import type { Become } from "./connection";
import { sh, type Shell } from "./shell";

export interface BecomeCommand {
  command: Shell;
  /** written to stdin before the command's own input: sudo reads the password first */
  stdinPrefix?: string;
}

/**
 * Wraps a shell command in sudo. With a password, sudo reads it from stdin (`-S`) with an
 * empty prompt, so it is neither echoed nor mixed into the command's output. The command
 * travels as one argument of `sh -c`: its text is quoted, not nested.
 */
export function wrapBecome(command: Shell, become: Become | false | undefined, connectedAs: string): BecomeCommand {
  if (!become || become.user === connectedAs) return { command };
  if (become.password !== undefined) {
    return {
      command: sh`sudo -S -p '' -u ${become.user} -- /bin/sh -c ${command.text}`,
      stdinPrefix: `${become.password}\n`,
    };
  }
  return { command: sh`sudo -n -u ${become.user} -- /bin/sh -c ${command.text}` };
}
