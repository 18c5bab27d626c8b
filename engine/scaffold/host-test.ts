/**
 * The vitest file generated beside a scaffolded role or playbook: it runs the real
 * `tsplay` command on the test hosts, so that what was generated is proven, not assumed.
 */

export interface HostTestOptions {
  /** what is tested, for the test's title: "role log-rotate" */
  subject: string;
  /** the playbook run by the test, relative to the test file */
  playbook: string;
  /** the variable pointing at a scratch folder on the hosts, set with -e for each test run */
  dirVar: string;
  /** the name of the scratch folder's prefix */
  name: string;
  /** how to run this test, for its doc comment */
  runWith: string;
}

export function hostTest(o: HostTestOptions): string {
  return `/**
 * The ${o.subject} on the test hosts, through the real tsplay command: --check predicts
 * the changes, the first run makes them, the second run changes nothing.
 *
 *   ${o.runWith}
 *
 * Hosts: the inventory in TSPLAY_TEST_INVENTORY, else test/testbed/state/inventory.ini
 * (from the folder the test runs in). Without it the test is skipped, except in CI.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const PLAYBOOK = join(import.meta.dirname, ${JSON.stringify(o.playbook)});
const INVENTORY = resolve(process.env.TSPLAY_TEST_INVENTORY ?? "test/testbed/state/inventory.ini");
const TSPLAY = join(dirname(createRequire(import.meta.url).resolve("tsplay/package.json")), "bin", "tsplay.js");

const hostsMissing = !existsSync(INVENTORY);
if (hostsMissing) {
  const why = \`no test inventory at \${INVENTORY}: bring the test hosts up, or set TSPLAY_TEST_INVENTORY\`;
  if (process.env.CI) throw new Error(why);
  console.warn(\`${o.subject} test skipped: \${why}\`);
}

interface RunEvent {
  type: string;
  host?: string;
  task?: string;
  status?: string;
  hosts?: Record<string, { changed: number; failed: number; unreachable: number }>;
}

/** Runs the playbook with JSON output; \`changed\` lists "host: task" for each change (or predicted change). */
function tsplay(...args: string[]) {
  const out = spawnSync(process.execPath, [TSPLAY, PLAYBOOK, "-i", INVENTORY, "--output", "json", ...args], { encoding: "utf8", timeout: 300_000 });
  const events: RunEvent[] = out.stdout.split("\\n").filter((line) => line.startsWith("{")).map((line) => JSON.parse(line));
  const changed = events.filter((e) => e.type === "task" && e.status === "changed").map((e) => \`\${e.host}: \${e.task}\`).sort();
  const recap = events.find((e) => e.type === "recap")?.hosts ?? {};
  return { code: out.status, output: out.stderr + out.stdout, changed, recap };
}

describe.skipIf(hostsMissing)(${JSON.stringify(o.subject)}, () => {
  it("changes on the first run, nothing on the second, and --check predicts the first run", () => {
    const scratch = ["-e", \`${o.dirVar}=/tmp/${o.name}-test-\${process.pid}-\${Date.now()}\`];

    const check = tsplay(...scratch, "--check");
    expect(check.code, check.output).toBe(0);

    const first = tsplay(...scratch);
    expect(first.code, first.output).toBe(0);
    expect(first.changed.length, first.output).toBeGreaterThan(0);
    expect(first.changed).toEqual(check.changed);

    const second = tsplay(...scratch);
    expect(second.code, second.output).toBe(0);
    expect(second.changed).toEqual([]);
    expect(Object.keys(second.recap).length).toBeGreaterThan(0);
    for (const [host, counts] of Object.entries(second.recap)) expect(counts, host).toMatchObject({ changed: 0, failed: 0, unreachable: 0 });
  }, 900_000);
});
`;
}
