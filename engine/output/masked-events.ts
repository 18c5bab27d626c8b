/**
 * The run's events as every output sees them (text, JSON, the report): each value a vault
 * revealed replaced by "(hidden)" wherever it appears, in messages, results, task names and
 * warnings. A diff with a vault value on either side is hidden whole: masking the new value
 * would still show the old one, which may be a secret too.
 *
 *   const events = new RunEventBus();                      // the runner emits here
 *   attachPlainOutput(maskedEvents(events, vault.secrets), write, 0);
 */
import { RunEventBus, type RunEvents } from "../events";
import type { FileDiff } from "../module";
import type { SecretValues } from "../vault/secret-values";

export const HIDDEN_DIFF = "(the differences are hidden: the file holds a value from the vault)\n";

// a Record, so that an event added to RunEvents and not forwarded here fails tsc
const FORWARDED: Record<Exclude<keyof RunEvents, "host-result">, true> = {
  "play-start": true,
  "task-start": true,
  "task-end": true,
  "play-end": true,
  warning: true,
  recap: true,
};

function shownDiff(diff: FileDiff, secrets: SecretValues): FileDiff {
  if (!secrets.appearsIn(diff.before) && !secrets.appearsIn(diff.after)) return { ...diff, path: secrets.mask(diff.path) };
  return { path: secrets.mask(diff.path), before: "", after: HIDDEN_DIFF };
}

export function maskedEvents(source: RunEventBus, secrets: SecretValues): RunEventBus {
  const shown = new RunEventBus();
  for (const name of Object.keys(FORWARDED) as (keyof typeof FORWARDED)[]) source.on(name, (e) => shown.emit(name, secrets.maskDeep(e) as never));
  source.on("host-result", ({ diff, ...rest }) => shown.emit("host-result", { ...secrets.maskDeep(rest), ...(diff ? { diff: diff.map((d) => shownDiff(d, secrets)) } : {}) }));
  return shown;
}
