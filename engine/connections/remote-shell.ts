/**
 * A long-lived `/bin/sh` on one SSH exec channel that runs the commands sent to it, one
 * at a time, and a small pool of them per connection. Opening an exec channel costs a
 * round trip, a session process and a login shell on the host (15-30 ms on the test
 * hosts, more when they are busy); a command sent to a shell that is already running costs none of that.
 *
 *   const pool = new ShellPool(client, slots, 4);
 *   const shell = await pool.acquire();            // undefined: use an exec channel instead
 *   const result = await shell.run(sh`uptime`, stdinBytes, timeoutMs);
 *   pool.release(shell);
 *
 * Controller to shell, one line per command, parsed by the shell itself:
 *
 *   __tsplay_run NONCE e 'command line'              stdin is /dev/null
 *   __tsplay_run NONCE t 'command line' 'TEXT'       stdin is TEXT and a newline
 *   __tsplay_run NONCE b 'command line' 'BASE64'     stdin is those bytes
 *
 * Each value is single-quoted (engine/shell.ts), so no command text can end the line
 * early or become part of the frame, and the command runs in a child process (a subshell,
 * or `/bin/sh -c` when it uses `$$`) with its own `exit`, traps, variables and options:
 * it cannot change the shell that reads the next command.
 * Shell to controller: the command's stdout followed by `NONCE CODE\n`, and its stderr
 * followed by `NONCE\n`. The nonce is 128 random bits, new for every command, so no
 * output can contain or forge it; output is passed through untouched, binary included.
 * Stdin travels inside the line, as text or base64 (a command that stops reading early
 * cannot leave bytes behind for the next one); large inputs use an exec channel instead.
 * A line cut short never runs (its quote is unterminated), so a command given stdin here
 * has all of it; it can tell: `$__tsplay_stdin_whole` is 1, and for text, the shell
 * variable `$__tsplay_stdin_text` holds it too (without its final newline), which lets
 * engine/file-transfer.ts write a file and skip its checksum without starting a process.
 * Neither is exported: programs the command starts never see them.
 *
 * A command is never run twice: if the channel ends before both markers arrived, the
 * command is reported "lost" (it may or may not have completed), as a cut exec channel is.
 * Output that a command's background process writes after the command ended would land
 * in the next command's output (an exec channel would instead wait for that process).
 */
import { randomBytes } from "node:crypto";
import type { ClientChannel, Client as SshClient } from "ssh2";
import type { RunResult } from "../connection";
import { quote, sh, type Shell } from "../shell";
import { commandResult, openChannel, TIMEOUT_GRACE_MS, type ChannelSlots } from "./exec-channel";

/** Stdin up to this size travels through a shell (base64 in the command line); larger uses an exec channel. */
export const SHELL_STDIN_LIMIT = 256 * 1024;
/** A shell that has not answered its first probe by then is taken as unusable on this host. */
const READY_TIMEOUT_MS = 15_000;

/*
 * A command runs in a forked subshell of the shell (`e`): no new program is started for
 * it, which saves a process start per command (2-10 ms on the test hosts). A command that
 * names `$$` gets a `/bin/sh -c` of its own (`x`): in a subshell `$$` would be the shell's
 * pid, not the command's. Either way `$0` is /bin/sh and there are no positional parameters.
 * Stdin that is text ending in a newline (most files put on a host) is fed from a here-doc
 * (`t`), which the shell writes into the command's pipe itself; other bytes go through
 * `base64 -d` (`b`), two more processes.
 */
const PRELUDE = `__tsplay_run() {
  case $2 in
  x) if [ $# -gt 3 ]; then printf %s "$4" | base64 -d | /bin/sh -c "$3"; else /bin/sh -c "$3" </dev/null; fi ;;
  t) __tsplay_in=$4
    ( __tsplay_s=$3; __tsplay_stdin_text=$__tsplay_in; __tsplay_in=; __tsplay_stdin_whole=1; set --; eval "$__tsplay_s" ) <<__TSPLAY_INPUT__
$__tsplay_in
__TSPLAY_INPUT__
    ;;
  b) printf %s "$4" | base64 -d | { __tsplay_s=$3; __tsplay_stdin_whole=1; set --; eval "$__tsplay_s"; } ;;
  *) ( __tsplay_s=$3; set --; eval "$__tsplay_s" ) </dev/null ;;
  esac
  __tsplay_code=$?
  __tsplay_in=
  printf '%s %d\\n' "$1" "$__tsplay_code"
  printf '%s\\n' "$1" >&2
}
if command -v base64 >/dev/null 2>&1; then __tsplay_b64=1; else __tsplay_b64=0; fi
`;

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** The text of `input` when a here-doc can carry it: UTF-8 without NUL, ending in a newline (which the here-doc adds back). */
function hereDocText(input: Buffer): string | undefined {
  if (input.length === 0 || input[input.length - 1] !== 0x0a || input.includes(0)) return undefined;
  try {
    return utf8.decode(input).slice(0, -1);
  } catch {
    return undefined;
  }
}

const newNonce = () => randomBytes(16).toString("hex");

/** A command naming `$$` runs in a `/bin/sh -c` of its own (mode `x`), fed through base64. */
const namesOwnPid = (line: string) => /\$\$|\$\{\$\}/.test(line);

/** What the shell sent back for one command line. */
type Outcome = { code: number; stdout: Buffer; stderr: Buffer } | "lost" | "abandoned";

interface Pending {
  nonce: string;
  resolve: (outcome: Outcome) => void;
  safetyNet?: NodeJS.Timeout;
  code?: number;
  stdout?: Buffer;
  stderr?: Buffer;
}

/** Bytes received on one stream of the channel since the last command ended. */
class StreamBuffer {
  private chunks: Buffer[] = [];
  private size = 0;

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
  }

  /**
   * When the stream ends with `NONCE<rest>\n`: the bytes before the marker and `<rest>`.
   * Only the stream's end is looked at: nothing follows a marker until the next command.
   */
  takeBeforeMarker(nonce: string, restPattern: RegExp): { body: Buffer; rest: string } | undefined {
    const tail = this.tail(nonce.length + 16).toString("latin1");
    if (!tail.endsWith("\n")) return undefined;
    const at = tail.lastIndexOf(nonce);
    if (at < 0) return undefined;
    const rest = tail.slice(at + nonce.length, -1);
    if (!restPattern.test(rest)) return undefined;
    const all = Buffer.concat(this.chunks, this.size);
    this.chunks = [];
    this.size = 0;
    return { body: all.subarray(0, all.length - (tail.length - at)), rest };
  }

  private tail(n: number): Buffer {
    const last = this.chunks[this.chunks.length - 1];
    if (last && last.length >= n) return last.subarray(last.length - n);
    const parts: Buffer[] = [];
    let have = 0;
    for (let i = this.chunks.length - 1; i >= 0 && have < n; i--) {
      parts.unshift(this.chunks[i]!);
      have += this.chunks[i]!.length;
    }
    const joined = Buffer.concat(parts);
    return joined.subarray(Math.max(0, joined.length - n));
  }
}

export class RemoteShell {
  /** no command can be sent any more: the shell was closed, or its channel ended */
  ended = false;
  /** whether the host has base64, needed for a command's stdin */
  canDecode = false;
  private pending?: Pending;
  private gone = false;
  private readonly out = new StreamBuffer();
  private readonly err = new StreamBuffer();

  private constructor(
    private readonly channel: ClientChannel,
    private readonly onGone: (shell: RemoteShell) => void,
  ) {
    // Listening starts inside ssh2's exec callback (see openChannel): the channel can end
    // in the same packet batch that opened it.
    channel.on("data", (chunk: Buffer) => {
      this.out.push(chunk);
      this.check();
    });
    channel.stderr.on("data", (chunk: Buffer) => {
      this.err.push(chunk);
      this.check();
    });
    // The shell exited (killed, or its input ended): whatever was running is lost. Waiting
    // for "close" could take long: a command's child may still hold the channel's output.
    channel.on("exit", () => this.finish());
    channel.on("close", () => this.finish());
    channel.on("error", () => {}); // a write after the shell exited is not an error
  }

  /**
   * Starts a shell on a new channel and waits until it answers. Rejects when no channel
   * could be opened; resolves undefined when the host's shell cannot serve (exec channels
   * do then). `onGone` is called once, when the shell's channel has ended.
   */
  static async open(client: SshClient, onGone: (shell: RemoteShell) => void): Promise<RemoteShell | undefined> {
    const shell = await openChannel(client, sh`exec /bin/sh`, (channel) => new RemoteShell(channel, onGone));
    const ready = newNonce();
    // The login shell may print something first (a motd, a .bashrc): the probe drops it.
    const probe = `${PRELUDE}printf '%s %d\\n' ${ready} "$__tsplay_b64"; printf '%s\\n' ${ready} >&2\n`;
    const answer = await shell.send(ready, probe, READY_TIMEOUT_MS);
    if (typeof answer === "string") {
      shell.close();
      return undefined;
    }
    shell.canDecode = answer.code === 1;
    return shell;
  }

  /** Whether this shell can feed `stdin` to the command `line` (binary input, and any input of a command naming `$$`, need base64 on the host). */
  canFeed(command: Shell, stdin: Buffer | undefined): boolean {
    return !stdin?.length || this.canDecode || (!namesOwnPid(command.text) && hereDocText(stdin) !== undefined);
  }

  /** Runs `command` on the host, as `/bin/sh -c` would; "lost" when the shell or the connection ended first. */
  async run(command: Shell, stdin: Buffer | undefined, timeoutMs: number | undefined): Promise<RunResult | "lost"> {
    if (this.pending) throw new Error("a remote shell runs one command at a time");
    const started = Date.now();
    const nonce = newNonce();
    // from here on the command is data inside the frame: its text, quoted as one word
    const line = command.text;
    const needsOwnPid = namesOwnPid(line);
    const text = stdin && !needsOwnPid ? hereDocText(stdin) : undefined;
    const input = text !== undefined ? ` ${quote(text)}` : stdin && stdin.length > 0 ? ` ${quote(stdin.toString("base64"))}` : "";
    const mode = needsOwnPid ? "x" : text !== undefined ? "t" : input ? "b" : "e";
    const outcome = await this.send(nonce, `__tsplay_run ${nonce} ${mode} ${quote(line)}${input}\n`, timeoutMs === undefined ? undefined : timeoutMs + TIMEOUT_GRACE_MS);
    if (outcome === "lost") return "lost";
    const elapsed = Date.now() - started;
    if (outcome === "abandoned") return commandResult(undefined, Buffer.alloc(0), Buffer.alloc(0), timeoutMs, elapsed, true);
    return commandResult(outcome.code, outcome.stdout, outcome.stderr, timeoutMs, elapsed, false);
  }

  /** Ends the shell: it exits when it reads the end of its input. */
  close(): void {
    if (this.ended) return;
    this.ended = true;
    this.channel.end();
  }

  private send(nonce: string, text: string, giveUpAfterMs: number | undefined): Promise<Outcome> {
    if (this.ended) return Promise.resolve("lost");
    return new Promise((resolve) => {
      const pending: Pending = { nonce, resolve };
      if (giveUpAfterMs !== undefined) {
        // Only if the host's own timeout(1) did not end the command: stop waiting for it.
        // The shell is still busy with it, so the shell goes too.
        pending.safetyNet = setTimeout(() => {
          this.pending = undefined;
          resolve("abandoned");
          this.close();
          this.channel.close();
        }, giveUpAfterMs);
      }
      this.pending = pending;
      this.channel.write(text);
    });
  }

  private check(): void {
    const pending = this.pending;
    if (!pending) return;
    if (pending.code === undefined) {
      const marked = this.out.takeBeforeMarker(pending.nonce, /^ \d+$/);
      if (marked) {
        pending.code = Number(marked.rest.slice(1));
        pending.stdout = marked.body;
      }
    }
    if (pending.stderr === undefined) pending.stderr = this.err.takeBeforeMarker(pending.nonce, /^$/)?.body;
    if (pending.code === undefined || pending.stderr === undefined) return;
    clearTimeout(pending.safetyNet);
    this.pending = undefined;
    pending.resolve({ code: pending.code, stdout: pending.stdout!, stderr: pending.stderr });
  }

  private finish(): void {
    this.ended = true;
    const pending = this.pending;
    if (pending) {
      clearTimeout(pending.safetyNet);
      this.pending = undefined;
      pending.resolve("lost");
    }
    if (this.gone) return;
    this.gone = true;
    this.onGone(this);
  }
}

interface Waiter {
  resolve: (shell: RemoteShell | undefined) => void;
  reject: (error: unknown) => void;
}

/**
 * Up to `max` shells on one connection, each serving one command at a time; a command
 * waits for a free shell rather than opening more. Every shell keeps one of the
 * connection's channel slots while it lives.
 */
export class ShellPool {
  /** the host's shell could not serve: every command uses an exec channel */
  unsupported = false;
  private readonly idle: RemoteShell[] = [];
  private live = 0;
  private opening = 0;
  private readonly waiters: Waiter[] = [];

  constructor(
    private readonly client: SshClient,
    private readonly slots: ChannelSlots,
    private readonly max: number,
  ) {
    if (max < 1) this.unsupported = true;
  }

  /** A shell for one command; undefined when this host's commands must use exec channels. */
  acquire(): Promise<RemoteShell | undefined> {
    if (this.unsupported) return Promise.resolve(undefined);
    return new Promise((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      this.pump();
    });
  }

  release(shell: RemoteShell): void {
    if (!shell.ended) this.idle.push(shell);
    this.pump();
  }

  private pump(): void {
    while (this.waiters.length && this.idle.length) {
      const shell = this.idle.pop()!;
      if (!shell.ended) this.waiters.shift()!.resolve(shell);
    }
    if (this.waiters.length <= this.opening || this.live + this.opening >= this.max) return;
    if (this.slots.tryTake()) this.openOne();
    // every channel slot is taken by exec channels and no shell is coming: those queue properly
    else if (this.live + this.opening === 0) for (const waiter of this.waiters.splice(0)) waiter.resolve(undefined);
  }

  private openOne(): void {
    this.opening++;
    const gone = () => {
      this.live--;
      this.slots.give();
      this.pump();
    };
    RemoteShell.open(this.client, (shell) => {
      const at = this.idle.indexOf(shell);
      if (at >= 0) this.idle.splice(at, 1);
      gone();
    }).then(
      (shell) => {
        this.opening--;
        this.live++;
        if (!shell) {
          // the host's shell did not answer as expected; its channel's end gives the slot back
          this.unsupported = true;
          for (const waiter of this.waiters.splice(0)) waiter.resolve(undefined);
          return;
        }
        this.idle.push(shell);
        this.pump();
      },
      (error: unknown) => {
        this.opening--;
        this.slots.give();
        // no channel could be opened (the connection is gone, or sshd refuses): the
        // waiters' commands never started, the caller decides whether to reconnect
        for (const waiter of this.waiters.splice(0)) waiter.reject(error);
      },
    );
  }
}
