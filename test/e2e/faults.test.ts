/**
 * Faults during a run, on the test hosts, each judged by what is on the hosts afterwards:
 * a host powered off mid-play, Ctrl-C (once: a graceful stop; twice: at once), a full disk.
 * (An etcd member lost during the rolling restart is in cluster.test.ts, which has the cluster.)
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { jsonLines, REPO, tsplay } from "../cli/cli";
import { HOSTS, onHost, TESTBED_INVENTORY, TESTBED_KNOWN_HOSTS, testbedScript, testbedUp } from "./testbed";

const root = `/tmp/tsplay-faults-${process.pid}`;
const base = ["-i", TESTBED_INVENTORY, "--known-hosts", TESTBED_KNOWN_HOSTS, "--output", "json"];

/** tsplay as a child process whose JSON events arrive as they are printed. */
function started(args: string[]) {
  const child = spawn(process.execPath, [join(REPO, "bin/tsplay.js"), ...args, ...base], { cwd: REPO });
  let stdout = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  const exited = new Promise<{ code: number | null; at: number }>((resolve) => child.on("exit", (code) => resolve({ code, at: Date.now() })));
  const events = () => jsonLines(stdout.split("\n").slice(0, -1).join("\n"));
  return { child, exited, events };
}

async function until(what: string, condition: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const changedOn = (events: Record<string, any>[], host: string) => events.filter((e) => e.type === "task" && e.host === host && e.status === "changed").length;
const tempFiles = (host: string, dir: string) => onHost(host, `find ${dir} -name '.tsplay.*' 2>/dev/null`).stdout.trim();

describe.skipIf(!testbedUp)("faults during a run", () => {
  afterAll(() => {
    for (const host of HOSTS) onHost(host, `rm -rf ${root}*`);
  });

  it("a host powered off mid-play: the others finish, it is unreachable (exit 4), and a re-run converges it", async () => {
    const dir = `${root}-poweroff`;
    const run = started(["test/e2e/playbooks/faults.ts", "-e", `root=${dir}`]);
    try {
      // all three are in the slow step: power h3 off under it
      await until("the folder on every host", () => run.events().filter((e) => e.task === "folder").length === 3);
      testbedScript("stop-host.sh", "h3");
      const { code } = await run.exited;
      expect(code).toBe(4);
      const events = run.events();
      const recap = events.at(-1)!;
      expect(recap.type).toBe("recap");
      expect(recap.hosts.h3.unreachable).toBeGreaterThan(0);
      for (const host of ["h1", "h2"]) {
        expect(recap.hosts[host]).toMatchObject({ failed: 0, unreachable: 0 });
        expect(onHost(host, `cat ${dir}/last`).stdout).toBe(`${host}\n`);
      }
    } finally {
      testbedScript("start-host.sh", "h3");
    }
    // no manual step: the next run finishes h3, and the one after changes nothing
    const again = tsplay(["test/e2e/playbooks/faults.ts", "-e", `root=${dir}`, ...base]);
    expect(again.code, again.stderr).toBe(0);
    expect(changedOn(jsonLines(again.stdout), "h3")).toBeGreaterThan(0);
    expect(onHost("h3", `cat ${dir}/last`).stdout).toBe("h3\n");
    const third = tsplay(["test/e2e/playbooks/faults.ts", "-e", `root=${dir}`, ...base]);
    expect(HOSTS.map((h) => changedOn(jsonLines(third.stdout), h))).toEqual([0, 0, 0]);
    expect(tempFiles("h3", dir)).toBe("");
  }, 180_000);

  it("Ctrl-C with files in flight: nothing more starts, what is in flight lands whole, the recap so far, exit 130", async () => {
    const dir = `${root}-sigint`;
    const run = started(["test/e2e/playbooks/transfer.ts", "-e", `root=${dir}`]);
    await until("transfers under way", () => Number(onHost("h2", `ls ${dir} 2>/dev/null | grep -c big`).stdout.trim() || 0) >= 2);
    run.child.kill("SIGINT");
    const { code } = await run.exited;
    expect(code).toBe(130);
    const events = run.events();
    expect(events.find((e) => e.type === "warning")?.msg).toMatch(/^interrupted: letting the tasks in flight finish/);
    expect(events.at(-1)!.type).toBe("recap");
    const big = events.filter((e) => e.type === "task" && e.task === "big files");
    expect(big.map((e) => e.msg)).toEqual(HOSTS.map(() => expect.stringMatching(/^interrupted after \d+ of 40 items \(task at .*transfer\.ts:\d+\)$/)));
    for (const host of HOSTS) {
      expect(tempFiles(host, dir)).toBe("");
      // every file that exists is whole
      const sizes = onHost(host, `cd ${dir} && for f in big-*; do echo "$(wc -c < "$f") $f"; done`).stdout.trim().split("\n");
      for (const line of sizes) {
        const [size, name] = line.split(" ");
        expect(Number(size)).toBe(name!.slice(4).length + 1 + 8 * 1024 * 1024);
      }
      expect(sizes.length).toBeLessThan(40);
    }
  }, 180_000);

  it("Ctrl-C twice ends at once, and leaves no temp file behind", async () => {
    const dir = `${root}-sigint2`;
    const run = started(["test/e2e/playbooks/transfer.ts", "-e", `root=${dir}`]);
    await until("transfers under way", () => Number(onHost("h1", `ls ${dir} 2>/dev/null | grep -c big`).stdout.trim() || 0) >= 1);
    run.child.kill("SIGINT");
    await new Promise((resolve) => setTimeout(resolve, 100));
    const sent = Date.now();
    run.child.kill("SIGINT");
    const { code, at } = await run.exited;
    expect(code).toBe(130);
    expect(at - sent).toBeLessThan(2000);
    // the transfers cut off clean up on the hosts (their stdin ends short of its checksum)
    await until("no temp file left", () => HOSTS.every((host) => tempFiles(host, dir) === ""), 15_000);
  }, 120_000);

  it("a full disk: the old file stays intact, and the task fails naming the host and the path", () => {
    const dir = `${root}-full`;
    onHost("h2", `mkdir -p ${dir} && mount -t tmpfs -o size=64k tsplay-full ${dir} && echo old > ${dir}/f`);
    try {
      const run = tsplay(["test/e2e/playbooks/write-file.ts", "--limit", "h2", "-e", `dest=${dir}/f`, "-e", "size=200000", ...base]);
      expect(run.code).toBe(2);
      const failed = jsonLines(run.stdout).find((e) => e.type === "task" && e.status === "failed")!;
      expect(failed.host).toBe("h2");
      expect(failed.msg).toMatch(new RegExp(`^could not write ${dir}/f: .*No space left on device`));
      expect(onHost("h2", `cat ${dir}/f`).stdout).toBe("old\n");
      expect(tempFiles("h2", dir)).toBe("");
    } finally {
      onHost("h2", `umount ${dir}; rm -rf ${dir}`);
    }
  });
});
