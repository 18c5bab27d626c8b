/**
 * SshConnection against the real test hosts that test/testbed/up.sh boots (h1..hN, read
 * from test/testbed/state/inventory.ini). Bring them up first: `npm run testbed:up`.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { UnreachableError } from "../../engine/connection";
import { SshConnection, type SshOptions } from "../../engine/connections/ssh";
import { sh } from "../../engine/shell";

const STATE = join(import.meta.dirname, "..", "testbed", "state");
const INVENTORY = join(STATE, "inventory.ini");
const KNOWN_HOSTS = join(STATE, "known_hosts");
const isRoot = process.getuid?.() === 0;

if (!isRoot) console.warn("skipping the SSH tests against the test hosts: booting them needs root");

interface TestHost {
  name: string;
  address: string;
}

/** The few inventory.ini lines up.sh writes: `hN ansible_host=ADDRESS` and the key file. */
function readTestbed(): { hosts: TestHost[]; keyFile: string } {
  if (!existsSync(INVENTORY)) {
    throw new Error(`no test hosts: ${INVENTORY} is missing. Start them with: npm run testbed:up`);
  }
  const hosts: TestHost[] = [];
  let keyFile = "";
  for (const line of readFileSync(INVENTORY, "utf8").split("\n")) {
    const host = /^(h\d+)\s+ansible_host=(\S+)/.exec(line);
    if (host) hosts.push({ name: host[1]!, address: host[2]! });
    const key = /^ansible_ssh_private_key_file=(.+)$/.exec(line);
    if (key) keyFile = key[1]!;
  }
  return { hosts, keyFile };
}

describe.skipIf(!isRoot)("SshConnection on the test hosts", () => {
  let hosts: TestHost[];
  let keyFile: string;
  let scratch: string;
  const opened: SshConnection[] = [];

  const connect = (host: TestHost, options: Partial<SshOptions> = {}) => {
    const conn = new SshConnection(host.name, {
      address: host.address,
      user: "root",
      privateKeyFile: keyFile,
      knownHostsFile: KNOWN_HOSTS,
      ...options,
    });
    opened.push(conn);
    return conn;
  };
  const h = (i: number) => hosts[i]!;

  beforeAll(async () => {
    ({ hosts, keyFile } = readTestbed());
    expect(hosts.length, "the SSH tests need at least 2 test hosts").toBeGreaterThanOrEqual(2);
    scratch = await mkdtemp(join(tmpdir(), "tsplay-ssh-"));
  });

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((c) => c.close()));
  });

  afterAll(async () => {
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  describe("running commands", () => {
    it("returns stdout, stderr and the exit code", async () => {
      const conn = connect(h(0));
      const ok = await conn.run(sh`hostname; echo oops >&2`);
      expect(ok).toMatchObject({ code: 0, stdout: `${h(0).name}\n`, stderr: "oops\n" });
      expect(ok.stdoutBytes.equals(Buffer.from(`${h(0).name}\n`))).toBe(true);
      expect((await conn.run(sh`exit 3`)).code).toBe(3);
      expect((await conn.run(sh`kill -TERM $$`)).code).toBe(128 + 15);
    });

    it("runs the command under /bin/sh in the C locale, with the given environment", async () => {
      const conn = connect(h(0));
      const value = `it's "quoted" $(touch /tmp/tsplay-pwned) ; \`x\`\nline two ✓`;
      const result = await conn.run(sh`printf '%s|%s|%s' "$LC_ALL" "$GREETING" "$0"`, { env: { GREETING: value } });
      expect(result.stdout).toBe(`C|${value}|/bin/sh`);
      expect((await conn.run(sh`test -e /tmp/tsplay-pwned`)).code).toBe(1);
    });

    it("passes stdin through byte for byte", async () => {
      const conn = connect(h(0));
      const bytes = Buffer.from(Array.from({ length: 3 * 256 }, (_, i) => i % 256));
      expect((await conn.run(sh`cat`, { stdin: bytes })).stdoutBytes.equals(bytes)).toBe(true);
      const big = Buffer.alloc(4 * 1024 * 1024, "x");
      expect((await conn.run(sh`wc -c`, { stdin: big })).stdout.trim()).toBe(String(big.length));
      // a command that never reads its input still finishes
      expect((await conn.run(sh`true`, { stdin: big })).code).toBe(0);
    });

    it("kills a command that runs past its timeout", async () => {
      const conn = connect(h(0));
      const started = Date.now();
      const result = await conn.run(sh`sleep 30 & sleep 31; echo never`, { timeoutMs: 300 });
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(result.code).toBe(124);
      expect(result.stdout).toBe("");
      expect(result.stderr).toContain("timed out after 300 ms");
      // the whole process group went, not only the shell
      expect((await conn.run(sh`pgrep -x sleep || true`)).stdout).toBe("");
      expect((await conn.run(sh`echo still usable`)).stdout).toBe("still usable\n");
    });

    it("runs many commands at once on one connection, beyond sshd's MaxSessions", async () => {
      const conn = connect(h(0));
      const results = await Promise.all(Array.from({ length: 40 }, (_, i) => conn.run(sh`sleep 0.05; echo ${i} $SSH_CONNECTION`)));
      expect(results.map((r) => r.stdout.split(" ")[0])).toEqual(Array.from({ length: 40 }, (_, i) => String(i)));
      // one connection (one client port), not one per command
      expect(new Set(results.map((r) => r.stdout.split(" ").slice(1).join(" "))).size).toBe(1);
    });
  });

  describe("files", () => {
    const name = `/tmp/tsplay it's "odd" $(touch tsplay-pwned); \`touch tsplay-pwned\`\nnewline ünïcødé ✓.bin`;

    it("puts and reads back a binary file whose name has quotes, $(), a newline and non-ASCII", async () => {
      const conn = connect(h(1));
      const data = Buffer.concat([Buffer.from(Array.from({ length: 256 }, (_, i) => i)), Buffer.from("\r\n\0end")]);
      await conn.put(name, data, { mode: "0640" });
      expect((await conn.read(name))?.equals(data)).toBe(true);
      expect((await conn.run(sh`stat -c %a -- ${name}`)).stdout.trim()).toBe("640");
      expect((await conn.run(sh`test -e ~/tsplay-pwned || test -e /tmp/tsplay-pwned`)).code).toBe(1);
      expect(await conn.read(`${name}.missing`)).toBeNull();
      await conn.run(sh`rm -f -- ${name}`);
    });
  });

  describe("become", () => {
    it("runs commands as root through sudo from the unprivileged tsplay user", async () => {
      const conn = connect(h(1), { user: "tsplay" });
      expect((await conn.run(sh`id -un`)).stdout).toBe("tsplay\n");
      expect((await conn.run(sh`id -un`, { become: { user: "root" } })).stdout).toBe("root\n");
      const result = await conn.run(sh`printf %s "$LC_ALL/$X"; cat`, { become: { user: "root" }, env: { X: "y z" }, stdin: "in" });
      expect(result.stdout).toBe("C/y zin");

      const file = "/root/tsplay become test 'x'";
      await conn.put(file, "secret\n", { mode: "0600", owner: "root", become: { user: "root" } });
      expect((await conn.run(sh`cat -- ${file}`)).stderr).toMatch(/Permission denied/);
      expect((await conn.read(file, { become: { user: "root" } }))?.toString()).toBe("secret\n");
      await conn.run(sh`rm -f -- ${file}`, { become: { user: "root" } });
    });
  });

  describe("unreachable hosts", () => {
    it("reports a refused connection as UnreachableError naming the host", async () => {
      const conn = connect(h(0), { port: 2222 });
      const error = await conn.run(sh`true`).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UnreachableError);
      expect((error as Error).message).toMatch(new RegExp(`^${h(0).name}: cannot connect to root@${h(0).address}:2222: connection refused`));
    });

    it("reports failed authentication as UnreachableError", async () => {
      const otherKey = join(scratch, "other_key");
      execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", otherKey]);
      const error = await connect(h(0), { privateKeyFile: otherKey }).run(sh`true`).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UnreachableError);
      expect((error as Error).message).toContain(`authentication failed (tried key ${otherKey})`);
    });

    it("fails a command in flight when the connection drops, then reconnects for the next one", async () => {
      const conn = connect(h(0));
      // $PPID is this connection's sshd session process: killing it drops the connection.
      const error = await conn.run(sh`kill -KILL $PPID; sleep 5`).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UnreachableError);
      expect((error as Error).message).toContain("was lost while a command was running");
      expect((await conn.run(sh`echo back`)).stdout).toBe("back\n");
    });
  });

  describe("host keys", () => {
    const knownHostsLineFor = (host: TestHost) => readFileSync(KNOWN_HOSTS, "utf8").split("\n").find((l) => l.startsWith(`${host.address} `))!;

    it("refuses an unknown host and says how to trust it", async () => {
      const file = join(scratch, "empty_known_hosts");
      await writeFile(file, "");
      const error = await connect(h(0), { knownHostsFile: file }).run(sh`true`).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UnreachableError);
      expect((error as Error).message).toContain(`the host key of ${h(0).address} is not known`);
      expect((error as Error).message).toContain(`ssh-keyscan '${h(0).address}' >> '${file}'`);
      expect((error as Error).message).toContain("--ssh-accept-new");
    });

    it("records the key of a new host with acceptNew, and trusts it from then on", async () => {
      const file = join(scratch, "accept_known_hosts");
      await writeFile(file, "# kept\n");
      expect((await connect(h(0), { knownHostsFile: file, acceptNew: true }).run(sh`true`)).code).toBe(0);
      expect(await readFile(file, "utf8")).toBe(`# kept\n${knownHostsLineFor(h(0))}\n`);
      expect((await connect(h(0), { knownHostsFile: file }).run(sh`true`)).code).toBe(0);
    });

    it("always refuses a changed key, even with acceptNew", async () => {
      const file = join(scratch, "changed_known_hosts");
      // h2's key recorded under h1's address: h1 now presents a "changed" key
      await writeFile(file, `${h(0).address} ${knownHostsLineFor(h(1)).split(" ").slice(1).join(" ")}\n`);
      const error = await connect(h(0), { knownHostsFile: file, acceptNew: true }).run(sh`true`).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UnreachableError);
      expect((error as Error).message).toContain(`HOST KEY CHANGED for ${h(0).address}`);
      expect((error as Error).message).toContain(`${file}:1`);
      expect((error as Error).message).toContain(`ssh-keygen -R '${h(0).address}'`);
    });

    it("accepts hashed entries as ssh-keygen -H writes them", async () => {
      const file = join(scratch, "hashed_known_hosts");
      await writeFile(file, readFileSync(KNOWN_HOSTS));
      execFileSync("ssh-keygen", ["-H", "-f", file], { stdio: "ignore" });
      expect(await readFile(file, "utf8")).not.toContain(h(0).address);
      expect((await connect(h(0), { knownHostsFile: file }).run(sh`true`)).code).toBe(0);
    });

    it("skips the check when checkHostKeys is false", async () => {
      const file = join(scratch, "unused_known_hosts");
      expect((await connect(h(0), { knownHostsFile: file, checkHostKeys: false }).run(sh`true`)).code).toBe(0);
      expect(existsSync(file)).toBe(false);
    });
  });

  describe("jump host", () => {
    it("reaches a host through another one (ProxyJump)", async () => {
      const conn = connect(h(1), { jump: { address: h(0).address } });
      const result = await conn.run(sh`echo "$SSH_CONNECTION"; hostname`);
      const [client, , server] = result.stdout.split("\n")[0]!.split(" ");
      expect(client).toBe(h(0).address); // the target saw the connection come from the jump host
      expect(server).toBe(h(1).address);
      expect(result.stdout.split("\n")[1]).toBe(h(1).name);
    });
  });

  describe("timings (reported, not asserted)", () => {
    it("measures connection setup and per-command latency", async () => {
      const conn = connect(h(2) ?? h(0));
      let started = performance.now();
      await conn.run(sh`true`);
      const connectMs = performance.now() - started;

      const sequential = 200;
      started = performance.now();
      for (let i = 0; i < sequential; i++) await conn.run(sh`true`);
      const perExecMs = (performance.now() - started) / sequential;

      const parallel = 400;
      started = performance.now();
      await Promise.all(Array.from({ length: parallel }, () => conn.run(sh`true`)));
      const parallelMs = (performance.now() - started) / parallel;

      const payload = Buffer.alloc(16 * 1024 * 1024, 7);
      started = performance.now();
      await conn.put("/tmp/tsplay-throughput", payload);
      const putMs = performance.now() - started;
      await conn.run(sh`rm -f /tmp/tsplay-throughput`);

      console.log(
        `ssh timings: first command incl. connect ${connectMs.toFixed(1)} ms; ` +
          `sequential exec ${perExecMs.toFixed(2)} ms each; ` +
          `${parallel} execs 8 at a time ${parallelMs.toFixed(2)} ms each; ` +
          `put 16 MiB ${putMs.toFixed(0)} ms`,
      );
      expect(perExecMs).toBeGreaterThan(0);
    });
  });
});
