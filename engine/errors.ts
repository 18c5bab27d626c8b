/**
 * What tsplay tells the user. A UserError is a mistake or a condition the user can act on
 * (a module failure, a template, inventory, argument or playbook error, an unreachable
 * host): shown as one line naming what and where, never with a stack trace. Anything else
 * thrown is a bug, in tsplay or in a module, and is shown as an internal error with its
 * stack so that it can be reported and fixed.
 */
export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** The one-line message of a user error; the labelled stack of anything else. */
export function describeError(error: unknown, where: string): string {
  if (error instanceof UserError) return error.message;
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return `internal error in ${where} (a bug: please report it): ${detail}`;
}
