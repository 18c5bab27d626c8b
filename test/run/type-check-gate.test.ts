/**
 * A run given its playbook's type check still running (a playbook edited since its last
 * check): the hosts are connected meanwhile, no task starts before the check passes, and a
 * type error ends the run there, its connections closed, with no event of any play.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { play, playbook, task } from "../../engine";
import type { Connection } from "../../engine/connection";
import { LocalConnection } from "../../engine/connections/local";
import { RunEventBus } from "../../engine/events";
import { loadInventory } from "../../engine/inventory";
import { PlaybookError } from "../../engine/run/validate";
import { runPlaybook } from "../../engine/run/playbook-runner";
import { defaultSettings } from "../../engine/run/settings";
import { debug } from "../../modules";
import { tempDir } from "../temp-dir";
import { THREE_LOCAL } from "./harness";

/** a local connection that says when it was connected, ran a command, and was closed */
class Watched extends LocalConnection {
  constructor(
    host: string,
    private readonly log: string[],
  ) {
    super(host);
  }
  async connect() {
    this.log.push(`connect ${this.host}`);
  }
  run(...args: Parameters<Connection["run"]>) {
    this.log.push(`run ${this.host}`);
    return super.run(...args);
  }
  async close() {
    this.log.push(`close ${this.host}`);
  }
}

async function gatedRun(typeChecked: Promise<void>) {
  const dir = tempDir("tsplay-gate-");
  writeFileSync(join(dir, "hosts.ini"), THREE_LOCAL);
  const inventory = await loadInventory([join(dir, "hosts.ini")]);
  const log: string[] = [];
  const events = new RunEventBus();
  for (const type of ["play-start", "task-start", "host-result"] as const) events.on(type, () => log.push(type));
  const book = playbook([play({ name: "p", hosts: "web", tasks: [task("t", debug({ msg: "hi" }))] }), play({ name: "q", hosts: "db", tasks: [] })]);
  const outcome = runPlaybook({ playbook: book, inventory, settings: defaultSettings({ playbookDir: dir }), events, connect: (host) => new Watched(host, log), typeChecked });
  return { outcome, log };
}

describe("a run while its playbook's type check runs", () => {
  it("connects every host of its plays, and starts nothing before the check passes", async () => {
    let pass = () => {};
    const { outcome, log } = await gatedRun(new Promise<void>((resolve) => (pass = resolve)));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(log.sort()).toEqual(["connect h1", "connect h2", "connect h3"]);
    pass();
    expect((await outcome).exitCode).toBe(0);
    expect(log).toContain("task-start");
  });

  it("a type error ends it before any play: nothing run, every connection closed", async () => {
    let fail = (_error: Error) => {};
    const { outcome, log } = await gatedRun(new Promise<void>((_resolve, reject) => (fail = reject)));
    fail(new PlaybookError("type error: x.ts:3:1: error TS2322"));
    await expect(outcome).rejects.toThrow("type error: x.ts:3:1");
    expect(log.filter((line) => !line.startsWith("connect")).sort()).toEqual(["close h1", "close h2", "close h3"]);
  });
});
