/**
 * The run's events with file differences left out. `--report` records differences for the
 * report; the terminal and `--output json` show them only when `--diff` asks, as without
 * a report.
 */
import { RunEventBus, type RunEvents } from "../events";

// a Record, so that an event added to RunEvents and not forwarded here fails tsc
const FORWARDED: Record<Exclude<keyof RunEvents, "host-result">, true> = {
  "play-start": true,
  "task-start": true,
  "task-end": true,
  "play-end": true,
  warning: true,
  recap: true,
};

export function withoutDiffs(source: RunEventBus): RunEventBus {
  const shown = new RunEventBus();
  for (const name of Object.keys(FORWARDED) as (keyof typeof FORWARDED)[]) source.on(name, (e) => shown.emit(name, e as never));
  source.on("host-result", ({ diff: _diff, ...rest }) => shown.emit("host-result", rest));
  return shown;
}
