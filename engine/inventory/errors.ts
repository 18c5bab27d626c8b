/** The one error type of the inventory subsystem. */
import { UserError } from "../errors";

/** A bad inventory source or pattern; the message names the file and line when there is one, and says what to fix. */
export class InventoryError extends UserError {
  /** where the problem is, when it is in a file */
  readonly file?: string;
  readonly line?: number;

  constructor(message: string, where?: { file: string; line?: number }) {
    const prefix = where ? (where.line !== undefined ? `${where.file}:${where.line}: ` : `${where.file}: `) : "";
    super(prefix + message);
    this.file = where?.file;
    this.line = where?.line;
  }
}

/** Runs `fn`, giving any InventoryError it throws without a location the file and line given. */
export function atLine<T>(file: string, line: number | undefined, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof InventoryError && e.file === undefined) throw new InventoryError(e.message, { file, line });
    throw e;
  }
}
