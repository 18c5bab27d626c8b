/**
 * SSH exec channels: opening one (retrying a refused open), and running one command on its
 * own channel. The remote shell (remote-shell.ts) opens its channel here too; a command
 * runs on its own exec channel only when it has a large stdin or the host has no usable shell.
 *
 *   const result = await runOnExecChannel(client, sh`exec /bin/sh -c 'uptime'`, undefined, (ch) => ch.end());
 */
import { constants as os } from "node:os";
import type { ClientChannel, Client as SshClient } from "ssh2";
import type { RunResult } from "../connection";
import type { Shell } from "../shell";

/** timeout(1) sends TERM at the limit, then KILL this many seconds later. */
export const TIMEOUT_KILL_AFTER_S = 2;
/** timeout(1)'s exit status when the command ran out of time. */
export const TIMED_OUT = 124;
/** If the host has not ended a timed-out command by then, stop waiting for it. */
export const TIMEOUT_GRACE_MS = (TIMEOUT_KILL_AFTER_S + 3) * 1000;
/** Retries of a refused channel open: sshd frees a closed session's slot a moment late. */
const OPEN_RETRY_DELAYS_MS = [5, 10, 20, 40, 80, 160, 320, 640];

/**
 * Opens an exec channel for `command`. sshd counts a session against MaxSessions until it
 * has processed the whole batch of packets in which the close arrived, so an open sent
 * right after a close can be refused although the slot is free; a refused open never
 * started the command, so it is safe to try again. Rejects only when no channel could be
 * opened. `attach` runs inside ssh2's callback: the exit status can arrive in the same
 * packet batch as the exec reply, before any promise continuation runs.
 */
export async function openChannel<T>(client: SshClient, command: Shell, attach: (channel: ClientChannel) => T): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await new Promise<T>((resolve, reject) => {
        client.exec(command.text, (error, channel) => (error ? reject(error) : resolve(attach(channel))));
      });
    } catch (error) {
      const refused = (error as { reason?: unknown }).reason !== undefined;
      const delay = OPEN_RETRY_DELAYS_MS[attempt];
      if (!refused || delay === undefined) throw error; // "Not connected" etc.: the caller decides
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

/** Runs one command on a new exec channel; "lost" when the connection went away first. */
export async function runOnExecChannel(
  client: SshClient,
  command: Shell,
  timeoutMs: number | undefined,
  sendInput: (channel: ClientChannel) => void,
): Promise<RunResult | "lost"> {
  return await openChannel(client, command, (channel) => collect(channel, timeoutMs, sendInput));
}

/** The result of a command that ended with `code`, noting a timeout in stderr. */
export function commandResult(code: number | undefined, stdout: Buffer, stderrBytes: Buffer, timeoutMs: number | undefined, elapsedMs: number, abandoned: boolean): RunResult {
  let stderr = stderrBytes.toString("utf8");
  const killedByTimeout = code === TIMED_OUT || code === 128 + os.signals.SIGKILL;
  const timedOut = abandoned || (timeoutMs !== undefined && killedByTimeout && elapsedMs >= timeoutMs);
  if (timedOut) stderr += `\ncommand timed out after ${timeoutMs} ms`;
  return { code: code ?? TIMED_OUT, stdout: stdout.toString("utf8"), stderr, stdoutBytes: stdout };
}

/** Output and exit status of one exec channel; "lost" when the connection went away first. */
function collect(channel: ClientChannel, timeoutMs: number | undefined, sendInput: (channel: ClientChannel) => void): Promise<RunResult | "lost"> {
  return new Promise((resolve) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const started = Date.now();
    let code: number | undefined;
    let abandoned = false;
    const finish = () => {
      clearTimeout(safetyNet);
      if (code === undefined && !abandoned) return resolve("lost");
      resolve(commandResult(code, Buffer.concat(out), Buffer.concat(err), timeoutMs, Date.now() - started, abandoned));
    };
    // Only if the host's own timeout(1) did not end the command: stop waiting for it.
    const safetyNet = timeoutMs
      ? setTimeout(() => {
          abandoned = true;
          channel.removeListener("close", finish);
          channel.close();
          finish();
        }, timeoutMs + TIMEOUT_GRACE_MS)
      : undefined;
    channel.on("data", (chunk: Buffer) => out.push(chunk));
    channel.stderr.on("data", (chunk: Buffer) => err.push(chunk));
    channel.on("exit", (exitCode: number | null, signal?: string) => {
      if (typeof exitCode === "number") code = exitCode;
      else code = 128 + ((signal && os.signals[signal as keyof typeof os.signals]) || 0);
    });
    channel.on("close", finish);
    channel.on("error", () => {}); // input written after the command exited is not an error
    sendInput(channel);
  });
}

/**
 * How many channels are open on one connection: exec channels for single commands and
 * the channels that remote shells keep. sshd refuses opens beyond MaxSessions (10 by default).
 */
export class ChannelSlots {
  private used = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly limit: number) {}

  tryTake(): boolean {
    if (this.used >= this.limit) return false;
    this.used++;
    return true;
  }

  take(): Promise<void> {
    if (this.tryTake()) return Promise.resolve();
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  give(): void {
    const next = this.waiting.shift();
    if (next) next(); // the slot passes straight to the next waiting command
    else this.used--;
  }
}
