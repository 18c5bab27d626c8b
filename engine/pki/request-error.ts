/**
 * A certificate request or profile the user wrote wrongly. Its own name (not "Error")
 * makes the runner show the message as is, and the module's load-time `check` returns it.
 */
import { UserError } from "../errors";
export class RequestError extends UserError {
}

function holdsTemplate(value: unknown): boolean {
  if (typeof value === "string") return value.includes("{{");
  if (Array.isArray(value)) return value.some(holdsTemplate);
  if (value !== null && typeof value === "object") return Object.values(value).some(holdsTemplate);
  return false;
}

/**
 * For a module's `check`: the message of a RequestError thrown by `parse`. Arguments still
 * holding a `{{template}}` are let through at load time; the runner checks them again
 * once rendered, before the module runs.
 */
export function problemOf(args: unknown, parse: () => unknown): string | undefined {
  if (holdsTemplate(args)) return undefined;
  try {
    parse();
    return undefined;
  } catch (error) {
    if (error instanceof RequestError) return error.message;
    throw error;
  }
}
