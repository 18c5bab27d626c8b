import { spawn, spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO, jsonLines, tsplay } from "../cli/cli";
import { HOSTS, TESTBED_INVENTORY, TESTBED_KNOWN_HOSTS, onHost, testbedScript, testbedUp } from "./testbed";
import { tempDir } from "../temp-dir";

const scratch = () => tempDir("tsplay-ssh-");
const statuses = (stdout: string, task: string) =>
  Object.fromEntries(
    jsonLines(stdout)
      .filter((e) => e.type === "task" && e.task === task)
      .map((e) => [e.host, e.status]),
  );

describe.skipIf(!testbedUp)("runs over SSH", () => {
  it("become: a non-root user with sudo writes where only root can", () => {
    const marker = String(process.pid);
    const inventory = join(scratch(), "hosts.ini");
    writeFileSync(inventory, readFileSync(TESTBED_INVENTORY, "utf8").replace("ansible_user=root", "ansible_user=tsplay"));
    const base = ["test/e2e/playbooks/touch-root.ts", "-i", inventory, "--known-hosts", TESTBED_KNOWN_HOSTS, "-e", `marker=${marker}`, "--output", "json"];

    const plain = tsplay(base);
    expect(plain.code).toBe(2);
    expect(jsonLines(plain.stdout).find((e) => e.task === "who")?.result.stdout).toBe("tsplay");

    writeFileSync(inventory, `${readFileSync(inventory, "utf8")}ansible_become=true\n`);
    const become = tsplay(base);
    expect(become.code, become.stdout).toBe(0);
    expect(jsonLines(become.stdout).find((e) => e.task === "who")?.result.stdout).toBe("root");
    for (const host of HOSTS) {
      expect(onHost(host, `stat -c '%U %a' /root/tsplay-become-${marker}`).stdout.trim()).toBe("root 600");
      onHost(host, `rm -f /root/tsplay-become-${marker}`);
    }
  });

  describe("host keys", () => {
    const hello = (knownHosts: string, ...more: string[]) =>
      tsplay(["playbooks/hello.ts", "-i", TESTBED_INVENTORY, "--limit", "h1", "--known-hosts", knownHosts, "-e", "root=/tmp/tsplay-hostkeys", "--output", "json", ...more]);

    it("a known host connects", () => {
      expect(hello(TESTBED_KNOWN_HOSTS).code).toBe(0);
    });

    it("an unknown host fails clearly, saying how to trust it", () => {
      const empty = join(scratch(), "known_hosts");
      writeFileSync(empty, "");
      const out = hello(empty);
      expect(out.code).toBe(4);
      const fact = jsonLines(out.stdout).find((e) => e.type === "task")!;
      expect(fact.status).toBe("unreachable");
      expect(fact.msg).toMatch(/ssh-accept-new|ssh-keyscan/);
    });

    it("--ssh-accept-new trusts and records a new host", () => {
      const file = join(scratch(), "known_hosts");
      writeFileSync(file, "");
      expect(hello(file, "--ssh-accept-new").code).toBe(0);
      expect(readFileSync(file, "utf8")).toMatch(/10\.77\.0\.11/);
      expect(hello(file).code).toBe(0);
    });

    it("a changed key always fails, also with --ssh-accept-new", () => {
      const dir = scratch();
      spawnSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", join(dir, "other")]);
      const otherKey = readFileSync(join(dir, "other.pub"), "utf8").split(" ").slice(0, 2).join(" ");
      const file = join(dir, "known_hosts");
      writeFileSync(file, `10.77.0.11 ${otherKey}\n`);
      for (const out of [hello(file), hello(file, "--ssh-accept-new")]) {
        expect(out.code).toBe(4);
        expect(jsonLines(out.stdout).find((e) => e.type === "task")!.msg).toMatch(/changed/i);
      }
    });
  });

  it("a stopped host is reported unreachable; the others finish; exit code 4", () => {
    testbedScript("stop-host.sh", "h3");
    try {
      const out = tsplay(["playbooks/hello.ts", "-i", TESTBED_INVENTORY, "--known-hosts", TESTBED_KNOWN_HOSTS, "-e", `root=/tmp/tsplay-unreach-${process.pid}`, "--output", "json"]);
      expect(out.code).toBe(4);
      const recap = jsonLines(out.stdout).at(-1)!;
      expect(recap.hosts.h3).toMatchObject({ unreachable: 1 });
      expect(recap.hosts.h1).toMatchObject({ unreachable: 0, failed: 0 });
      expect(statuses(out.stdout, "marker")).toEqual({ h1: "changed", h2: "changed" });
    } finally {
      testbedScript("start-host.sh", "h3");
    }
  });

  it("a connection cut mid-run ends the run cleanly, with no half-written file", async () => {
    const root = `/tmp/tsplay-cut-${process.pid}`;
    const run = spawn(process.execPath, [join(REPO, "bin/tsplay.js"), "test/e2e/playbooks/transfer.ts", "-i", TESTBED_INVENTORY, "--known-hosts", TESTBED_KNOWN_HOSTS, "-e", `root=${root}`, "--output", "json"], { cwd: REPO });
    let stdout = "";
    run.stdout.on("data", (chunk) => (stdout += chunk));
    const exited = new Promise<number | null>((resolve) => run.on("exit", resolve));
    // once the big copies are going, kill h2's sshd session processes (they serve this run
    // only) the moment a transfer is in flight: killing between two commands would only
    // make the run reconnect
    await waitUntil(() => Number(onHost("h2", `ls ${root} 2>/dev/null | grep -c big`).stdout.trim() || 0) >= 3, 60_000);
    const killed = onHost("h2", KILL_SESSIONS_MID_TRANSFER);
    expect(Number(killed.stdout.trim()), killed.stderr).toBeGreaterThan(0);
    const code = await exited;
    expect([2, 4]).toContain(code);
    const recap = jsonLines(stdout).at(-1)!;
    expect(recap.type).toBe("recap");
    expect(recap.hosts.h2.failed + recap.hosts.h2.unreachable).toBeGreaterThan(0);
    expect(recap.hosts.h1).toMatchObject({ failed: 0, unreachable: 0 });
    // every file on h2 is whole; no temp file is left
    const listing = onHost("h2", `cd ${root} && ls -a && for f in big-*; do head -n 1 "$f" | tr -d '\\n'; echo " $(wc -c < "$f") $f"; done`);
    expect(listing.stdout).not.toMatch(/\.tsplay\./);
    for (const line of listing.stdout.split("\n").filter((l) => / big-\d+$/.test(l))) {
      const [item, size, name] = line.split(" ");
      expect(name).toBe(`big-${item}`);
      expect(Number(size)).toBe(item!.length + 1 + 8 * 1024 * 1024);
    }
    for (const host of HOSTS) onHost(host, `rm -rf ${root}`);
  }, 180_000);
});

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Run on the host: waits for a transfer (the `cat` writing a temp file), then SIGKILLs every
 * sshd session process but the one running this script; prints how many it killed.
 */
const KILL_SESSIONS_MID_TRANSFER = `
until pgrep -x cat >/dev/null; do sleep 0.02; done
n=0
for p in $(pgrep -f '^sshd: root@notty'); do [ "$p" = "$PPID" ] || { kill -KILL "$p" && n=$((n + 1)); }; done
echo $n`;
