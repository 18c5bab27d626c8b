/** The one error type of the inventory subsystem. */
import { UserError } from "../errors";

/** A bad inventory source or pattern; the message names the file and line when there is one, and says what to fix. */
export class InventoryError extends UserError {
  /** where the problem is, when it is in a file */
  readonly file?: string;
  readonly line?: number;
  /** the message without the file and line, for callers that say where in their own words */
  readonly reason: string;

  constructor(message: string, where?: { file: string; line?: number }) {
    const prefix = where ? (where.line !== undefined ? `${where.file}:${where.line}: ` : `${where.file}: `) : "";
    // messages quote what users wrote: a newline would split the one-line error, an escape sequence would drive the terminal
    super(escapeControls(prefix + message));
    this.file = where?.file;
    this.line = where?.line;
    this.reason = escapeControls(message);
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

/** C0 and C1 control characters and DEL. */
export const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;

/** `text` with every control character written as a \u escape. */
export function escapeControls(text: string): string {
  return text.replace(new RegExp(CONTROL_CHARACTER.source, "g"), (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
