/**
 * Durations written as cfssl writes them (Go's time.ParseDuration): "87600h", "720h",
 * "1h30m". Days are not a Go unit, so "365d" is refused rather than guessed.
 */
import { RequestError } from "./request-error";

const UNIT_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };
const WHOLE = /^(?:\d+(?:\.\d+)?(?:h|ms|m|s))+$/;
const PART = /(\d+(?:\.\d+)?)(h|ms|m|s)/g;

/** Milliseconds, or undefined when the text is not a positive Go duration. */
export function parseDuration(text: string): number | undefined {
  if (!WHOLE.test(text)) return undefined;
  let ms = 0;
  for (const [, amount, unit] of text.matchAll(PART)) ms += Number(amount) * UNIT_MS[unit!]!;
  return ms > 0 ? ms : undefined;
}

export function requireDuration(text: unknown, option: string): number {
  const ms = typeof text === "string" ? parseDuration(text) : undefined;
  if (ms === undefined) throw new RequestError(`${option} must be a duration like "87600h" or "720h", got ${JSON.stringify(text)}`);
  return ms;
}
