/**
 * Brings the test hosts up before the tests and down after them. Outside CI a
 * non-root user cannot make containers: the end-to-end tests then skip, saying why.
 * In CI they never skip. Hosts that were already up (a developer's) are left up.
 * TSPLAY_TESTBED=off runs without hosts (unit tests while another run uses them).
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { TESTBED_INVENTORY, TESTBED_SCRIPTS } from "./e2e/testbed";

export default function setup(): (() => void) | undefined {
  if (process.env.TSPLAY_TESTBED === "off") {
    if (process.env.CI) throw new Error("CI runs the end-to-end tests; TSPLAY_TESTBED=off is for a developer's unit-test runs");
    console.warn("end-to-end tests skipped: TSPLAY_TESTBED=off");
    return undefined;
  }
  if (process.getuid?.() !== 0) {
    if (process.env.CI) throw new Error("CI runs the end-to-end tests as root; this run is not root");
    console.warn("end-to-end tests skipped: making test hosts needs root (run `sudo npm test`)");
    return undefined;
  }
  const alreadyUp = existsSync(TESTBED_INVENTORY);
  // `sudo npm test` on a fresh machine: the Debian tools the tests check results with first
  execFileSync("bash", [`${TESTBED_SCRIPTS}/../install-tools.sh`], { stdio: "inherit" });
  execFileSync("bash", [`${TESTBED_SCRIPTS}/up.sh`, "3"], { stdio: "inherit" });
  return () => {
    if (!alreadyUp) execFileSync("bash", [`${TESTBED_SCRIPTS}/down.sh`], { stdio: "inherit" });
  };
}
