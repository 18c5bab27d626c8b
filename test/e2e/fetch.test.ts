/**
 * fetch over SSH from the three test hosts, through sudo from an ordinary login: the
 * bytes arrive whole and verified, 0600, and --check predicts the first run.
 *
 *   sudo npm test -- test/e2e/fetch.test.ts
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { jsonLines, tsplay } from "../cli/cli";
import { tempDir } from "../temp-dir";
import { HOSTS, TESTBED_INVENTORY, TESTBED_KNOWN_HOSTS, onHost, testbedUp } from "./testbed";

const changed = (stdout: string) =>
  jsonLines(stdout)
    .filter((e) => e.type === "task" && e.status === "changed")
    .map((e) => `${e.host}:${e.task}`)
    .sort();

describe.skipIf(!testbedUp)("fetch over SSH", () => {
  it("pulls a root-only binary file through sudo, checksum-verified, 0600; --check predicts it; a second run changes nothing", () => {
    const work = tempDir("tsplay-fetch-e2e-");
    const backups = join(work, "backups");
    // an ordinary login with sudo: the file is readable by root only, so only become can fetch it
    const inventory = join(work, "hosts.ini");
    writeFileSync(inventory, `${readFileSync(TESTBED_INVENTORY, "utf8").replace("ansible_user=root", "ansible_user=tsplay")}ansible_become=true\n`);
    const root = `/root/tsplay-fetch-${process.pid}`;
    const snapshot = `${root}/snap $(id) 'q' ü.db`;
    const args = ["test/e2e/playbooks/fetch.ts", "-i", inventory, "--known-hosts", TESTBED_KNOWN_HOSTS, "-e", `root=${root}`, "-e", `backups=${backups}`, "--output", "json"];

    const check = tsplay([...args, "--check"]);
    expect(check.code, check.stderr + check.stdout).toBe(0);
    expect(readdirSync(work)).toEqual(["hosts.ini"]);

    const first = tsplay(args);
    expect(first.code, first.stderr + first.stdout).toBe(0);
    expect(changed(first.stdout)).toEqual(changed(check.stdout));
    expect(changed(first.stdout).filter((c) => c.startsWith("h1:"))).toEqual(["h1:fetch", "h1:fetch flat", "h1:root folder", "h1:snapshot"]);

    for (const host of HOSTS) {
      const onIt = onHost(host, `sha256sum < "${root}/snap \\$(id) 'q' ü.db"`);
      expect(onIt.code, onIt.stderr).toBe(0);
      for (const fetched of [join(backups, "tree", host, snapshot), join(backups, `${host}.db`)]) {
        expect(createHash("sha256").update(readFileSync(fetched)).digest("hex")).toBe(onIt.stdout.slice(0, 64));
        expect(statSync(fetched).mode & 0o7777).toBe(0o600);
      }
    }
    const result = jsonLines(first.stdout).find((e) => e.task === "fetch flat" && e.host === "h1")!;
    expect(result.result).toMatchObject({ dest: join(backups, "h1.db"), size: 3000000 });

    const second = tsplay(args);
    expect(second.code).toBe(0);
    expect(changed(second.stdout)).toEqual([]);
    for (const host of HOSTS) onHost(host, `rm -rf ${root}`);
  });
});
