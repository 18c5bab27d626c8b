/**
 * Control characters from data never reach the terminal raw: plain output shows them as
 * escapes (a host's command output could otherwise clear the screen, retitle the window or
 * rewrite the line that says it failed); JSON keeps them exact.
 */
import { describe, expect, it } from "vitest";
import { RunEventBus, type RunEvents } from "../../engine/events";
import { attachJsonOutput } from "../../engine/output/json";
import { attachPlainOutput } from "../../engine/output/plain";
import { printable, printableName } from "../../engine/output/printable";

const HOSTILE = "ok\x1b[2J\x1b]0;owned\x07\rFAILED\u202eevil";
const result: RunEvents["host-result"] = {
  task: `show\x1b[31m`,
  host: "h1\x1b[1A",
  play: "p\r",
  role: "r\x00",
  status: "failed",
  msg: `${HOSTILE}\nsecond line\ttabbed`,
  durationMs: 1,
  diff: [{ path: "/etc/x\x1b", before: "a\x1b[0m\n", after: "b\n" }],
};

function render(attach: (events: RunEventBus, write: (line: string) => void) => void): string {
  const events = new RunEventBus();
  const lines: string[] = [];
  attach(events, (line) => lines.push(line));
  events.emit("play-start", { name: "play\x1b[H", hosts: ["h1"], check: false });
  events.emit("task-start", { name: result.task, handler: false, hosts: [result.host], play: result.play, role: result.role });
  events.emit("host-result", result);
  events.emit("warning", { msg: "careful\x1b[5m" });
  events.emit("recap", { hosts: { [result.host]: { ok: 0, changed: 0, unreachable: 0, failed: 1, skipped: 0, rescued: 0, ignored: 0 } } });
  return lines.join("\n");
}

describe("control characters in output", () => {
  it("are escaped in plain output, newlines and tabs of messages kept", () => {
    const out = render((events, write) => attachPlainOutput(events, write, 0));
    expect(out).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f\u202e]/);
    expect(out).toContain("fatal: [h1\\x1b[1A]: FAILED! ok\\x1b[2J\\x1b]0;owned\\x07\\rFAILED\\u202eevil\nsecond line\ttabbed");
    expect(out).toContain("TASK [r\\x00 : show\\x1b[31m]");
    expect(out).toContain("PLAY [play\\x1b[H]");
    expect(out).toContain("[WARNING]: careful\\x1b[5m");
    expect(out).toContain("-a\\x1b[0m");
  });

  it("are kept exactly in JSON output", () => {
    const out = render((events, write) => attachJsonOutput(events, write));
    const task = out.split("\n").map((l) => JSON.parse(l)).find((e) => e.type === "task");
    expect([task.host, task.task, task.msg, task.diff[0].before]).toEqual([result.host, result.task, result.msg, "a\x1b[0m\n"]);
  });

  it("names are escaped whole, newlines included", () => {
    expect(printableName("a\nb\u2066c")).toBe("a\\nb\\u2066c");
    expect(printable("a\nb\x9bc")).toBe("a\nb\\x9bc");
  });
});
