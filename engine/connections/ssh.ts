/**
 * Runs commands on a host over SSH with the `ssh2` client: one connection per host per
 * run, opened on the first command, with several exec channels in flight at once.
 *
 *   const conn = new SshConnection("web1", { address: "10.0.0.5", user: "deploy" });
 *   const { code, stdout } = await conn.run(sh`cat -- ${path}`);
 *
 * The socket has Nagle's algorithm off: with it on, every exec also waits ~40 ms on a
 * delayed ACK (GUIDE.md section 5).
 */
import { homedir, constants as os } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import ssh2 from "ssh2";
import type { ClientChannel, ConnectConfig, ServerHostKeyAlgorithm, Client as SshClient } from "ssh2";
import { wrapBecome, type BecomeCommand } from "../become";
import { Connection, UnreachableError, type RunOptions, type RunResult } from "../connection";
import { quote, sh } from "../shell";
import { authMethods, describeAuth } from "./ssh-auth";
import {
  checkHostKey,
  fingerprint,
  hostsFieldMatches,
  keyTypeOf,
  knownHostName,
  readKnownHostsFiles,
  recordKnownHost,
  type KnownHostEntry,
} from "./known-hosts";

const { Client } = ssh2;

export interface SshJump {
  address: string;
  port?: number;
  /** defaults to the target's user */
  user?: string;
}

export interface SshOptions {
  address: string;
  port?: number;
  user: string;
  privateKeyFile?: string;
  password?: string;
  /** default: ~/.ssh/known_hosts (new keys are recorded there) and /etc/ssh/ssh_known_hosts */
  knownHostsFile?: string;
  /** trust and record the key of a host that has no entry yet (a changed key still fails) */
  acceptNew?: boolean;
  /** false skips host key checking entirely: the caller warns about it */
  checkHostKeys?: boolean;
  jump?: SshJump;
  connectTimeoutMs?: number;
  /** exec channels open at once; sshd's MaxSessions defaults to 10 */
  maxSessions?: number;
}

interface Endpoint {
  address: string;
  port: number;
  user: string;
}

interface Session {
  ready: Promise<SshClient>;
  clients: SshClient[];
  closed: boolean;
  /** why the connection went away, for the error message */
  reason?: string;
}

const KEEPALIVE_MS = 15_000;
const KEEPALIVE_MAX_MISSED = 3;
/** timeout(1) sends TERM at the limit, then KILL this many seconds later. */
const TIMEOUT_KILL_AFTER_S = 2;
/** timeout(1)'s exit status when the command ran out of time. */
const TIMED_OUT = 124;
/** If the host has not ended a timed-out command by then, stop waiting for it. */
const TIMEOUT_GRACE_MS = (TIMEOUT_KILL_AFTER_S + 3) * 1000;
/** Retries of a refused channel open: sshd frees a closed session's slot a moment late. */
const OPEN_RETRY_DELAYS_MS = [5, 10, 20, 40, 80, 160, 320, 640];

export class SshConnection extends Connection {
  private readonly target: Endpoint;
  private session?: Session;
  private active = 0;
  private readonly queue: (() => void)[] = [];

  constructor(
    host: string,
    private readonly options: SshOptions,
  ) {
    super(host);
    this.target = { address: options.address, port: options.port ?? 22, user: options.user };
  }

  async run(command: string, options: RunOptions = {}): Promise<RunResult> {
    await this.acquireChannel();
    try {
      return await this.runOnChannel(command, options, true);
    } finally {
      this.releaseChannel();
    }
  }

  async close(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    if (!session) return;
    session.closed = true;
    await session.ready.catch(() => undefined);
    await Promise.all(session.clients.map(endClient));
  }

  private async runOnChannel(command: string, options: RunOptions, mayReconnect: boolean): Promise<RunResult> {
    const session = this.liveSession();
    const client = await session.ready;
    const wrapped = remoteCommand(command, options, this.target.user);
    let result: RunResult | "lost";
    try {
      result = await execute(client, wrapped.command, options.timeoutMs, (channel) => {
        if (wrapped.stdinPrefix) channel.write(wrapped.stdinPrefix);
        if (options.stdin !== undefined) channel.write(options.stdin);
        channel.end();
      });
    } catch (error) {
      if (!session.closed) throw error;
      // The connection had dropped before the command could start (e.g. sshd restarted
      // between tasks): reconnect once. A command that did start is never run twice.
      if (mayReconnect) return this.runOnChannel(command, options, false);
      throw this.lost(session, "before a command could start");
    }
    if (result === "lost") throw this.lost(session, "while a command was running (it may or may not have completed)");
    return result;
  }

  private lost(session: Session, when: string): UnreachableError {
    const t = this.target;
    return new UnreachableError(
      `${this.host}: the SSH connection to ${t.user}@${t.address}:${t.port} was lost ${when}${session.reason ? `: ${session.reason}` : ""}`,
    );
  }

  private liveSession(): Session {
    if (!this.session || this.session.closed) this.session = this.openSession();
    return this.session;
  }

  private openSession(): Session {
    const session: Session = { clients: [], closed: false, ready: undefined as never };
    session.ready = this.connectAll(session).catch((error: unknown) => {
      session.closed = true;
      for (const client of session.clients) client.end();
      throw error;
    });
    session.ready.catch(() => undefined); // awaited by run(); never an unhandled rejection here
    return session;
  }

  private async connectAll(session: Session): Promise<SshClient> {
    let sock: Readable | undefined;
    const jump = this.options.jump;
    if (jump) {
      const bastion: Endpoint = { address: jump.address, port: jump.port ?? 22, user: jump.user ?? this.target.user };
      const bastionClient = await this.handshake(session, bastion, undefined, "jump host ");
      sock = await forwardTo(bastionClient, this.target).catch((error: Error) => {
        throw new UnreachableError(
          `${this.host}: jump host ${bastion.address} could not open a connection to ${this.target.address}:${this.target.port}: ${error.message}`,
        );
      });
    }
    return this.handshake(session, this.target, sock, "");
  }

  /** Connects, checks the host key, authenticates; rejects with UnreachableError. */
  private async handshake(session: Session, to: Endpoint, sock: Readable | undefined, role: string): Promise<SshClient> {
    const check = this.options.checkHostKeys !== false;
    const knownHosts = check ? await readKnownHostsFiles(this.knownHostsFiles()) : [];
    const auth = await authMethods(to.user, this.options).catch((error: Error) => {
      throw new UnreachableError(`${this.host}: ${error.message}`);
    });
    const client = new Client();
    session.clients.push(client);
    let hostKeyProblem: string | undefined;
    let ready = false;

    const config: ConnectConfig = {
      host: to.address,
      port: to.port,
      username: to.user,
      sock,
      readyTimeout: this.options.connectTimeoutMs ?? 10_000,
      keepaliveInterval: KEEPALIVE_MS,
      keepaliveCountMax: KEEPALIVE_MAX_MISSED,
      authHandler: auth,
      algorithms: { serverHostKey: hostKeyAlgorithms(knownHosts, to) },
      hostVerifier: (key: Buffer, verify: (valid: boolean) => void) => {
        if (!check) return verify(true);
        this.verifyHostKey(knownHosts, to, key).then(
          () => verify(true),
          (error: Error) => {
            hostKeyProblem = error.message;
            verify(false);
          },
        );
      },
    };

    return new Promise((resolve, reject) => {
      const fail = (why: string) => {
        reject(new UnreachableError(`${this.host}: cannot connect to ${role}${to.user}@${to.address}:${to.port}: ${why}`));
      };
      client.on("error", (error: Error & { level?: string; code?: string }) => {
        if (ready) {
          session.reason = describeError(error, config.readyTimeout!);
          return;
        }
        if (hostKeyProblem) return fail(hostKeyProblem);
        if (error.level === "client-authentication") {
          return fail(`authentication failed (tried ${describeAuth(auth)})`);
        }
        fail(describeError(error, config.readyTimeout!));
      });
      client.on("close", () => {
        closedClients.add(client);
        session.closed = true;
        session.reason ??= "the connection was closed";
        if (!ready) fail(hostKeyProblem ?? "the connection was closed during the handshake");
      });
      client.on("ready", () => {
        ready = true;
        resolve(client);
      });
      client.connect(config);
      // After connect() the TCP socket exists; through a jump host there is none to tune.
      client.setNoDelay(true);
    });
  }

  private knownHostsFiles(): string[] {
    if (this.options.knownHostsFile) return [this.options.knownHostsFile];
    return [join(homedir(), ".ssh", "known_hosts"), "/etc/ssh/ssh_known_hosts"];
  }

  private async verifyHostKey(knownHosts: KnownHostEntry[], to: Endpoint, key: Buffer): Promise<void> {
    const name = knownHostName(to.address, to.port);
    const presented = `${keyTypeOf(key)} ${fingerprint(key)}`;
    const file = this.knownHostsFiles()[0]!;
    const verdict = checkHostKey(knownHosts, to.address, to.port, key);
    switch (verdict.status) {
      case "known":
        return;
      case "revoked":
        throw new Error(`the host key ${presented} of ${name} is marked @revoked in ${verdict.entry.file}:${verdict.entry.line}`);
      case "changed": {
        const expected = verdict.entries.map((e) => `${e.keyType} ${fingerprint(e.key)} (${e.file}:${e.line})`).join(", ");
        throw new Error(
          `HOST KEY CHANGED for ${name}: it presented ${presented}, but the known key is ${expected}. ` +
            `Someone may be intercepting the connection, or the host was reinstalled. If the change is expected, ` +
            `remove the old key with: ssh-keygen -R ${quote(name)} -f ${quote(verdict.entries[0]!.file)}`,
        );
      }
      case "unknown":
        if (this.options.acceptNew) {
          await recordKnownHost(file, to.address, to.port, key);
          return;
        }
        throw new Error(
          `the host key of ${name} is not known (it presented ${presented}). Check it, then trust it with: ` +
            `ssh-keyscan ${to.port === 22 ? "" : `-p ${to.port} `}${quote(to.address)} >> ${quote(file)}; ` +
            `or run with --ssh-accept-new to record keys of hosts seen for the first time`,
        );
    }
  }

  private acquireChannel(): Promise<void> {
    if (this.active < (this.options.maxSessions ?? 8)) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.queue.push(resolve));
  }

  private releaseChannel(): void {
    const next = this.queue.shift();
    if (next) next(); // the slot passes straight to the next waiting command
    else this.active--;
  }
}

/**
 * The command line sent to sshd. sshd refuses most environment variables (AcceptEnv), so
 * they are exported by the script itself. The script always runs under /bin/sh, whatever
 * the user's login shell is, in the C locale like the local connection, so the output
 * modules parse is stable. No `env` process: on the test hosts each exec costs ~2-3 ms.
 *
 * A time limit is enforced on the host by timeout(1), which kills the command's whole
 * process group: sshd ignores the SSH "signal" request for root logins, and closing the
 * channel would leave the command running. Under become it runs inside sudo, as that user.
 */
function remoteCommand(command: string, options: RunOptions, connectedAs: string): BecomeCommand {
  const assignments = Object.entries({ LC_ALL: "C", ...options.env }).map(([name, value]) => {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`invalid environment variable name: ${JSON.stringify(name)}`);
    return `${name}=${value}`;
  });
  const script = `${sh`export ${assignments}`}\n${command}`;
  const limited = options.timeoutMs
    ? sh`timeout -k ${TIMEOUT_KILL_AFTER_S} ${(options.timeoutMs / 1000).toFixed(3)} /bin/sh -c ${script}`
    : undefined;
  const wrapped = wrapBecome(limited ?? script, options.become, connectedAs);
  if (wrapped.command !== (limited ?? script)) return wrapped; // sudo runs it with /bin/sh -c
  return { command: `exec ${limited ?? sh`/bin/sh -c ${script}`}` };
}

/** Host key algorithms with the types already recorded for this host first, as OpenSSH orders them. */
function hostKeyAlgorithms(knownHosts: KnownHostEntry[], to: Endpoint): ServerHostKeyAlgorithm[] {
  const all: ServerHostKeyAlgorithm[] = ["ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"];
  const known = new Set(
    knownHosts.filter((e) => e.marker === undefined && hostsFieldMatches(e.hosts, to.address, to.port)).map((e) => e.keyType),
  );
  const algorithmKeyType = (algorithm: string) => (algorithm.startsWith("rsa-sha2-") ? "ssh-rsa" : algorithm);
  return [...all.filter((a) => known.has(algorithmKeyType(a))), ...all.filter((a) => !known.has(algorithmKeyType(a)))];
}

/**
 * Runs one command on a new exec channel. sshd counts a session against MaxSessions
 * until it has processed the whole batch of packets in which the close arrived, so an
 * open sent right after a close can be refused although the slot is free; a refused
 * open never started the command, so it is safe to try again. Rejects only when no
 * channel could be opened.
 */
async function execute(
  client: SshClient,
  command: string,
  timeoutMs: number | undefined,
  sendInput: (channel: ClientChannel) => void,
): Promise<RunResult | "lost"> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await new Promise<RunResult | "lost">((resolve, reject) => {
        // collect() must listen from inside this callback: the exit status can arrive in
        // the same packet batch as the exec reply, before any promise continuation runs.
        client.exec(command, (error, channel) => (error ? reject(error) : resolve(collect(channel, timeoutMs, sendInput))));
      });
    } catch (error) {
      const refused = (error as { reason?: unknown }).reason !== undefined;
      const delay = OPEN_RETRY_DELAYS_MS[attempt];
      if (!refused || delay === undefined) throw error; // "Not connected" etc.: the caller decides
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

function forwardTo(bastion: SshClient, to: Endpoint): Promise<Readable> {
  return new Promise((resolve, reject) => {
    bastion.forwardOut("127.0.0.1", 0, to.address, to.port, (error, stream) => (error ? reject(error) : resolve(stream)));
  });
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
      const stdoutBytes = Buffer.concat(out);
      let stderr = Buffer.concat(err).toString("utf8");
      const killedByTimeout = code === TIMED_OUT || code === 128 + os.signals.SIGKILL;
      const timedOut = abandoned || (timeoutMs !== undefined && killedByTimeout && Date.now() - started >= timeoutMs);
      if (timedOut) stderr += `\ncommand timed out after ${timeoutMs} ms`;
      resolve({ code: code ?? TIMED_OUT, stdout: stdoutBytes.toString("utf8"), stderr, stdoutBytes });
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

function describeError(error: Error & { code?: string }, timeoutMs: number): string {
  switch (error.code) {
    case "ECONNREFUSED":
      return "connection refused (is sshd running, on this port?)";
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return "no route to host";
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return "the host name does not resolve";
    case "ETIMEDOUT":
      return `timed out after ${timeoutMs} ms`;
    case "ECONNRESET":
      return "the connection was reset";
  }
  if (/timed out while waiting for handshake/i.test(error.message)) return `no SSH handshake within ${timeoutMs} ms`;
  return error.message;
}

/** Clients whose socket has closed: ending them again would wait for a close that never comes. */
const closedClients = new WeakSet<SshClient>();

function endClient(client: SshClient): Promise<void> {
  if (closedClients.has(client)) return Promise.resolve();
  return new Promise((resolve) => {
    const done = setTimeout(resolve, 1_000);
    client.once("close", () => {
      clearTimeout(done);
      resolve();
    });
    client.end();
  });
}
