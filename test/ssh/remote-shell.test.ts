/**
 * The long-lived remote shells SshConnection runs commands through (remote-shell.ts), on
 * a real test host: each command must behave exactly as on an exec channel of its own.
 * Every case runs both ways (maxShells 4 and 0) and the two must agree.
 */
import { createHash } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { SshConnection } from "../../engine/connections/ssh";
import { raw, sh, type Shell } from "../../engine/shell";
import { addressOf, HOSTS, TESTBED_KEY, TESTBED_KNOWN_HOSTS, testbedUp } from "../e2e/testbed";

describe.skipIf(!testbedUp)("remote shells on a test host", () => {
  const host = HOSTS[0];
  const opened: SshConnection[] = [];
  const connect = (maxShells: number) => {
    const conn = new SshConnection(host, { address: addressOf(host), user: "root", privateKeyFile: TESTBED_KEY, knownHostsFile: TESTBED_KNOWN_HOSTS, maxShells });
    opened.push(conn);
    return conn;
  };
  /** runs `command` through a shell and on an exec channel; both results, once shown equal */
  const both = async (command: Shell, stdin?: string | Buffer) => {
    const [viaShell, viaExec] = [connect(4), connect(0)];
    const a = await viaShell.run(command, { stdin });
    const b = await viaExec.run(command, { stdin });
    expect(viaShell.counts).toEqual({ shell: 1, exec: 0 });
    expect(viaExec.counts).toEqual({ shell: 0, exec: 1 });
    expect({ code: a.code, stdout: a.stdoutBytes.toString("base64"), stderr: a.stderr }).toEqual({ code: b.code, stdout: b.stdoutBytes.toString("base64"), stderr: b.stderr });
    return a;
  };

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((c) => c.close()));
  });

  it("gives each command stdin as sent: text, text without a final newline, binary, hostile here-doc text, none", async () => {
    const text = "line one\n__TSPLAY_INPUT__\n$(touch /tmp/tsplay-pwned) `x` \\n ${HOME}\n✓ ünïcode\n";
    expect((await both(sh`cat`, text)).stdout).toBe(text);
    expect((await both(sh`cat`, "no newline at the end")).stdout).toBe("no newline at the end");
    const binary = Buffer.from([0, 1, 2, 0xff, 0xfe, 10, 0x80, 0]);
    expect((await both(sh`cat`, binary)).stdoutBytes.equals(binary)).toBe(true);
    expect((await both(sh`cat; echo end`)).stdout).toBe("end\n");
    expect((await both(sh`read line; echo $?`)).stdout).toBe("1\n");
    expect((await both(sh`test -e /tmp/tsplay-pwned; echo $?`)).stdout).toBe("1\n");
  });

  it("passes output through untouched, marker-like lines and binary included", async () => {
    const result = await both(raw("printf 'x 0\\n%s 0\\n' 0123456789abcdef0123456789abcdef; printf 'err\\n0123456789abcdef\\n' >&2; printf '\\000\\377no newline'"));
    expect(result.stdoutBytes.equals(Buffer.from("x 0\n0123456789abcdef0123456789abcdef 0\n\0\xffno newline", "latin1"))).toBe(true);
    expect(result.stderr).toBe("err\n0123456789abcdef\n");
  });

  it("keeps nothing a command does from the next one: directory, variables, options, traps, exit", async () => {
    const conn = connect(1); // one shell: every command goes through the same one
    await conn.run(sh`cd /tmp; x=leaked; export Y=leaked; set -eu; trap 'echo trapped' EXIT; umask 077; exec 3>/dev/null`);
    const after = await conn.run(raw('echo "$(pwd) x=${x:-} Y=${Y:-} $(umask)"; case $- in *e*|*u*) echo "options leaked: $-";; esac'));
    expect(after.stdout).toBe("/root x= Y= 0022\n");
    expect((await conn.run(sh`exit 7`)).code).toBe(7);
    expect((await conn.run(sh`set -e; false; echo not reached`)).code).toBe(1);
    const pids = await Promise.all([conn.run(sh`echo $$`), conn.run(sh`echo $$`)]);
    expect(pids[0]!.stdout).not.toBe(pids[1]!.stdout); // $$ is the command's own process, as with sh -c
    expect((await conn.run(sh`kill -TERM $$`)).code).toBe(143);
    expect((await conn.run(sh`printf "%s|%s" "$0" "$#"`)).stdout).toBe("/bin/sh|0");
    expect(conn.counts).toEqual({ shell: 8, exec: 0 });
  });

  it("serves many commands at once, each with its own input and output", async () => {
    const conn = connect(4);
    const inputs = Array.from({ length: 60 }, (_, i) => (i % 3 === 0 ? Buffer.from([i, 0, 255, i]) : `input ${i}\n`.repeat(i)));
    const results = await Promise.all(inputs.map((input, i) => conn.run(sh`sha256sum; echo ${i} >&2; exit ${i % 5}`, { stdin: input })));
    results.forEach((r, i) => {
      expect(r.stdout.slice(0, 64)).toBe(createHash("sha256").update(inputs[i]!).digest("hex"));
      expect(r.stderr).toBe(`${i}\n`);
      expect(r.code).toBe(i % 5);
    });
    expect(conn.counts.exec).toBe(0);
  });

  it("puts files whole, text or not, without a checksum process only where stdin cannot arrive cut", async () => {
    const dir = `/tmp/tsplay-remote-shell-${process.pid}`;
    const contents = ["two lines\nof text\n", "\n", "no final newline", "", "tab\tand ✓ and \\ and '$(x)'\n", Buffer.from([0, 10, 255, 10])];
    for (const [via, conn] of [["shell", connect(4)], ["exec", connect(0)]] as const) {
      await conn.run(sh`mkdir -p -- ${dir}`);
      for (const [i, content] of contents.entries()) {
        const path = `${dir}/${via}-${i}`;
        await conn.put(path, content, { mode: "0640" });
        const back = await conn.read(path, {});
        expect(back?.equals(Buffer.from(content)), `${via} ${JSON.stringify(content.toString())}`).toBe(true);
        expect((await conn.run(sh`stat -c %a -- ${path}`)).stdout).toBe("640\n");
      }
      // neither variable reaches a program the command starts, nor the next command
      const leaked = await conn.run(raw("env | grep -c __tsplay; echo \"[${__tsplay_stdin_text-}${__tsplay_stdin_whole-}]\""), { stdin: "x\n" });
      expect(leaked.stdout).toBe(via === "shell" ? "0\n[x1]\n" : "0\n[]\n");
      expect((await conn.run(raw('echo "[${__tsplay_stdin_text-}${__tsplay_stdin_whole-}]"'))).stdout).toBe("[]\n");
      await conn.run(sh`rm -rf -- ${dir}`);
    }
  });

  it("sends a large stdin on an exec channel of its own", async () => {
    const conn = connect(4);
    const big = Buffer.alloc(300 * 1024, "y");
    expect((await conn.run(sh`wc -c`, { stdin: big })).stdout.trim()).toBe(String(big.length));
    expect((await conn.run(sh`echo small`)).stdout).toBe("small\n");
    expect(conn.counts).toEqual({ shell: 1, exec: 1 });
  });

  it("ends a timed-out command without losing the shell", async () => {
    const conn = connect(1);
    const result = await conn.run(sh`sleep 20; echo never`, { timeoutMs: 300 });
    expect(result.code).toBe(124);
    expect(result.stderr).toContain("timed out after 300 ms");
    expect((await conn.run(sh`echo still usable`)).stdout).toBe("still usable\n");
    expect(conn.counts).toEqual({ shell: 2, exec: 0 });
  });
});
