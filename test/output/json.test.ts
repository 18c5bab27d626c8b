/** `--output json`: what a task line says beyond its host, task and status. */
import { describe, expect, it } from "vitest";
import { RunEventBus, type RunEvents } from "../../engine/events";
import { attachJsonOutput } from "../../engine/output/json";

function lines(results: RunEvents["host-result"][]): Record<string, unknown>[] {
  const events = new RunEventBus();
  const out: string[] = [];
  attachJsonOutput(events, (line) => out.push(line));
  for (const result of results) events.emit("host-result", result);
  return out.map((line) => JSON.parse(line));
}

describe("JSON output", () => {
  it("names the host a delegated task ran on, beside the host it ran for", () => {
    const base = { task: "t", play: "p", status: "ok" as const, msg: "", durationMs: 1 };
    const [delegated, plain] = lines([
      { ...base, host: "h1", delegatedTo: "localhost" },
      { ...base, host: "h2" },
    ]);
    expect(delegated).toMatchObject({ type: "task", host: "h1", delegatedTo: "localhost" });
    expect(plain).not.toHaveProperty("delegatedTo");
  });
});
