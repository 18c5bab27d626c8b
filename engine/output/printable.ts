/**
 * Text that comes from data (host names, task names, messages, command output, diffs) as
 * a terminal may show it: control characters, which could move the cursor, rewrite the
 * line or change the terminal's state, and the bidirectional overrides that make text read
 * differently from what it is, are shown as escapes (`\x1b`, `\r`, `\u202e`). JSON output
 * keeps them exact.
 */

// C0 controls but tab (and newline where text may span lines), DEL, C1 controls, bidi controls
const UNSAFE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const UNSAFE_IN_LINE = /[\x00-\x08\x0a-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const NAMED: Record<string, string> = { "\n": "\\n", "\r": "\\r" };

function escape(c: string): string {
  const code = c.charCodeAt(0);
  return NAMED[c] ?? (code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`);
}

/** For text that may hold several lines (messages, diffs): newlines and tabs stay. */
export const printable = (text: string): string => text.replace(UNSAFE, escape);

/** For a name shown inside one line (a host, a task, a play): a newline is escaped too. */
export const printableName = (text: string): string => text.replace(UNSAFE_IN_LINE, escape);
