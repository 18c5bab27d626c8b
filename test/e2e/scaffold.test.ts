/**
 * `tsplay new` end to end: a generated role and playbook pass their own generated tests
 * on the test hosts as created, and the role's test catches a role that is not idempotent.
 */
import { appendFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { scratchProject } from "../scaffold/scratch";
import { TESTBED_INVENTORY, testbedUp } from "./testbed";

describe.skipIf(!testbedUp)("scaffolded role and playbook on the test hosts", () => {
  const scratch = scratchProject();
  afterAll(() => scratch.remove());
  const hosts = { TSPLAY_TEST_INVENTORY: TESTBED_INVENTORY, CI: undefined };

  it("pass their generated tests as created", () => {
    expect(scratch.newFiles("role", "log-rotate").code).toBe(0);
    expect(scratch.newFiles("playbook", "deploy_site").code).toBe(0);
    const run = scratch.vitest(hosts);
    expect(run.code, run.output).toBe(0);
    expect(run.summary).toMatchObject({ numTotalTests: 2, numPassedTests: 2, numPendingTests: 0 });
  }, 900_000);

  it("the generated role test fails when the role changes something on every run", () => {
    appendFileSync(
      join(scratch.dir, "roles/log-rotate/index.ts"),
      `\nlogRotate.tasks.push(p.task("stamp", command({ argv: ["date"] })));\n`,
    );
    const run = scratch.vitest(hosts, "roles/log-rotate/tests/log-rotate.test.ts");
    expect(run.code).not.toBe(0);
    expect(run.summary).toMatchObject({ numFailedTests: 1 });
    expect(run.output).toMatch(/h1: stamp/);
  }, 900_000);
});
