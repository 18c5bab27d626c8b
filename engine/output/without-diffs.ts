/**
 * The run's events with file differences left out. `--report` records differences for the
 * report; the terminal and `--output json` show them only when `--diff` asks, as without
 * a report.
 */
import type { RunEventBus } from "../events";
import { derivedEvents } from "./derived-events";

export const withoutDiffs = (source: RunEventBus): RunEventBus => derivedEvents(source, { hostResult: ({ diff: _diff, ...rest }) => rest });
