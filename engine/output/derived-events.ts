/**
 * A second event bus that re-emits every event of a run, each changed on the way by the
 * step between the runner and an output: diffs left out, vault values masked.
 *
 *   derivedEvents(source, { event: (e) => secrets.maskDeep(e), hostResult: ({ diff, ...rest }) => rest })
 */
import { RunEventBus, type RunEvents } from "../events";

// a Record, so that an event added to RunEvents and not forwarded here fails tsc
const OTHER_EVENTS: Record<Exclude<keyof RunEvents, "host-result">, true> = {
  "play-start": true,
  "task-start": true,
  "task-end": true,
  "play-end": true,
  warning: true,
  recap: true,
};

interface Changes {
  /** every event but host-result (default: as it is) */
  event?: <E>(event: E) => E;
  hostResult: (event: RunEvents["host-result"]) => RunEvents["host-result"];
}

export function derivedEvents(source: RunEventBus, changes: Changes): RunEventBus {
  const derived = new RunEventBus();
  const change = changes.event ?? (<E>(event: E) => event);
  for (const name of Object.keys(OTHER_EVENTS) as (keyof typeof OTHER_EVENTS)[]) source.on(name, (e) => derived.emit(name, change(e) as never));
  source.on("host-result", (e) => derived.emit("host-result", changes.hostResult(e)));
  return derived;
}
