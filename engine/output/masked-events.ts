/**
 * The run's events as every output sees them (text, JSON, the report): each value a vault
 * revealed replaced by "(hidden)" wherever it appears, in messages, results, task names and
 * warnings. A diff with a vault value on either side is hidden whole: masking the new value
 * would still show the old one, which may be a secret too.
 *
 *   const events = new RunEventBus();                      // the runner emits here
 *   attachPlainOutput(maskedEvents(events, vault.secrets), write, 0);
 */
import type { RunEventBus } from "../events";
import type { FileDiff } from "../module";
import type { SecretValues } from "../vault/secret-values";
import { derivedEvents } from "./derived-events";

export const HIDDEN_DIFF = "(the differences are hidden: the file holds a value from the vault)\n";

function shownDiff(diff: FileDiff, secrets: SecretValues): FileDiff {
  if (!secrets.appearsIn(diff.before) && !secrets.appearsIn(diff.after)) return { ...diff, path: secrets.mask(diff.path) };
  return { path: secrets.mask(diff.path), before: "", after: HIDDEN_DIFF };
}

export function maskedEvents(source: RunEventBus, secrets: SecretValues): RunEventBus {
  return derivedEvents(source, {
    event: (e) => secrets.maskDeep(e),
    hostResult: ({ diff, ...rest }) => ({ ...secrets.maskDeep(rest), ...(diff ? { diff: diff.map((d) => shownDiff(d, secrets)) } : {}) }),
  });
}
