/**
 * The values a vault revealed in this run, and masking them: wherever one appears in text
 * that is shown (a message, a result, a diff, an error), it is replaced by "(hidden)". A
 * value is also looked for without the whitespace around it, as JSON writes it inside a
 * string and, for long ones, base64-encoded (a key embedded in a kubeconfig); each line of
 * base64 data in a value of several lines (a PEM key's body) is looked for alone, as part of
 * a key a command printed would show it. Other lines are not: a kubeconfig's
 * `server: https://...` says nothing secret.
 *
 *   const secrets = new SecretValues();
 *   secrets.add("hunter2-long");
 *   secrets.mask("password=hunter2-long");   // "password=(hidden)"
 *
 * Values shorter than MIN_LENGTH are not looked for: "22" or "yes" from a vault file would
 * mask every number and word in the output, and a secret that short protects nothing.
 * Only strings are secrets: a number or boolean in a vault file is shown.
 */
export const MASK = "(hidden)";
export const MIN_LENGTH = 4;
const LONG = 16;
const BASE64_LINE = /^[A-Za-z0-9+/]{16,}={0,2}$/;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

export class SecretValues {
  private readonly values = new Set<string>();
  private pattern: RegExp | undefined;

  get size(): number {
    return this.values.size;
  }

  /** A revealed string; anything else is ignored. */
  add(value: unknown): void {
    if (typeof value !== "string" || value.length < MIN_LENGTH) return;
    // a file's content ends with a newline its uses often lose ("echo $(cat f)", a template line)
    const trimmed = value.trim();
    const forms = [value, JSON.stringify(value).slice(1, -1), ...(trimmed.length >= MIN_LENGTH && trimmed !== value ? [trimmed, JSON.stringify(trimmed).slice(1, -1)] : [])];
    if (value.length >= LONG) forms.push(Buffer.from(value, "utf8").toString("base64"));
    if (value.includes("\n")) forms.push(...value.split(/\r?\n/).map((line) => line.trim()).filter((line) => BASE64_LINE.test(line)));
    for (const form of forms) {
      if (this.values.has(form)) continue;
      this.values.add(form);
      this.pattern = undefined;
    }
  }

  /** Every string in a value (a vars file's mapping, a list). */
  addAll(value: unknown): void {
    if (typeof value === "string") this.add(value);
    else if (Array.isArray(value)) value.forEach((item) => this.addAll(item));
    else if (value !== null && typeof value === "object" && !Buffer.isBuffer(value)) Object.values(value).forEach((item) => this.addAll(item));
  }

  /** The text with every secret in it replaced by the mask. */
  mask(text: string): string {
    const pattern = this.compiled();
    return pattern ? text.replace(pattern, MASK) : text;
  }

  /** Does the text hold a secret? */
  appearsIn(text: string): boolean {
    const pattern = this.compiled();
    if (!pattern) return false;
    pattern.lastIndex = 0;
    return pattern.test(text);
  }

  /** A copy of plain data (event payloads, results) with every string masked; keys are kept. */
  maskDeep<T>(value: T): T {
    if (this.values.size === 0) return value;
    const walk = (v: unknown): unknown => {
      if (typeof v === "string") return this.mask(v);
      if (Array.isArray(v)) return v.map(walk);
      if (v === null || typeof v !== "object" || Buffer.isBuffer(v) || v instanceof Date) return v;
      return Object.fromEntries(Object.entries(v).map(([key, item]) => [key, walk(item)]));
    };
    return walk(value) as T;
  }

  private compiled(): RegExp | undefined {
    if (this.values.size === 0) return undefined;
    // the longest first: a whole key is masked before one of its lines could be
    this.pattern ??= new RegExp([...this.values].sort((a, b) => b.length - a.length).map(escapeRegExp).join("|"), "g");
    return this.pattern;
  }
}
