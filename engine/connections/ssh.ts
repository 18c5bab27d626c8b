/**
 * Runs commands on a host over SSH with the `ssh2` client: one connection per host per
 * run, opened on the first command. Commands go to a few long-lived remote shells on that
 * connection (remote-shell.ts), up to four at once; a command with a large stdin, or any
 * command on a host whose shell cannot serve, gets an exec channel of its own.
 *
 *   const conn = new SshConnection("web1", { address: "10.0.0.5", user: "deploy" });
 *   const { code, stdout } = await conn.run(sh`cat -- ${path}`);
 *
 * The socket has Nagle's algorithm off: with it on, every exec also waits ~40 ms on a
 * delayed ACK (GUIDE.md section 5). TSPLAY_TRACE=1 prints one line per command to stderr
 * (host, shell or exec, milliseconds; never the command) and a count per host at the end.
 */
import { UserError } from "../errors";
import { homedir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import type { ConnectConfig, ServerHostKeyAlgorithm, Client as SshClient } from "ssh2";
import { wrapBecome, type BecomeCommand } from "../become";
import { Connection, UnreachableError, type RunOptions, type RunResult } from "../connection";
import { joinShell, quote, sh, type Shell } from "../shell";
import { ChannelSlots, runOnExecChannel, TIMEOUT_KILL_AFTER_S } from "./exec-channel";
import { SHELL_STDIN_LIMIT, ShellPool } from "./remote-shell";
import { authMethods, describeAuth } from "./ssh-auth";
import { loadSsh2 } from "./ssh2-module";
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
  /** channels open at once (shells and exec channels); sshd's MaxSessions defaults to 10 */
  maxSessions?: number;
  /** long-lived remote shells per connection (default 4; 0: an exec channel per command) */
  maxShells?: number;
}

interface Endpoint {
  address: string;
  port: number;
  user: string;
}

interface Session {
  ready: Promise<SshClient>;
  clients: SshClient[];
  shells?: ShellPool;
  closed: boolean;
  /** why the connection went away, for the error message */
  reason?: string;
}

const KEEPALIVE_MS = 15_000;
const KEEPALIVE_MAX_MISSED = 3;
/** TSPLAY_SSH_SHELLS=0 turns the remote shells off (an exec channel per command), to compare or to work around a host */
const DEFAULT_MAX_SHELLS = Number(process.env.TSPLAY_SSH_SHELLS ?? 4);
const TRACE = process.env.TSPLAY_TRACE === "1";

export class SshConnection extends Connection {
  private readonly target: Endpoint;
  private session?: Session;
  private readonly slots: ChannelSlots;
  /** commands run so far, by how they travelled: through a remote shell, or on an exec channel of their own */
  readonly counts = { shell: 0, exec: 0 };

  constructor(
    host: string,
    private readonly options: SshOptions,
  ) {
    super(host);
    this.target = { address: options.address, port: options.port ?? 22, user: options.user };
    this.slots = new ChannelSlots(options.maxSessions ?? 8);
  }

  async run(command: Shell, options: RunOptions = {}): Promise<RunResult> {
    const prepared = remoteCommand(command, options, this.target.user);
    const stdin = inputOf(prepared.stdinPrefix, options.stdin);
    const started = TRACE ? performance.now() : 0;
    let via: "shell" | "exec" | "none" = "none";
    try {
      return await this.runPrepared(prepared, stdin, options.timeoutMs, true, (used) => (via = used));
    } finally {
      if (via !== "none") this.counts[via]++;
      if (TRACE) process.stderr.write(`tsplay-trace ${this.host} ${via} ${(performance.now() - started).toFixed(2)}ms stdin=${stdin?.length ?? 0}\n`);
    }
  }

  async close(): Promise<void> {
    if (TRACE) process.stderr.write(`tsplay-trace ${this.host} total shell=${this.counts.shell} exec=${this.counts.exec}\n`);
    const session = this.session;
    this.session = undefined;
    if (!session) return;
    session.closed = true;
    await session.ready.catch(() => undefined);
    await Promise.all(session.clients.map(endClient));
  }

  private async runPrepared(
    prepared: PreparedCommand,
    stdin: Buffer | undefined,
    timeoutMs: number | undefined,
    mayReconnect: boolean,
    used: (via: "shell" | "exec") => void,
  ): Promise<RunResult> {
    const session = this.liveSession();
    const client = await session.ready;
    let result: RunResult | "lost";
    let shellEnded = false;
    try {
      const pool = (session.shells ??= new ShellPool(client, this.slots, Math.min(this.options.maxShells ?? DEFAULT_MAX_SHELLS, this.slots.limit - 1)));
      const shell = stdin && stdin.length > SHELL_STDIN_LIMIT ? undefined : await pool.acquire();
      if (shell?.canFeed(prepared.shellLine, stdin)) {
        used("shell");
        try {
          result = await shell.run(prepared.shellLine, stdin, timeoutMs);
        } finally {
          pool.release(shell);
        }
        shellEnded = result === "lost";
      } else {
        if (shell) pool.release(shell);
        used("exec");
        await this.slots.take();
        try {
          result = await runOnExecChannel(client, prepared.execLine, timeoutMs, (channel) => {
            if (stdin) channel.write(stdin);
            channel.end();
          });
        } finally {
          this.slots.give();
        }
      }
    } catch (error) {
      if (!session.closed) throw error;
      // The connection had dropped before the command could start (e.g. sshd restarted
      // between tasks): reconnect once. A command that did start is never run twice.
      if (mayReconnect) return this.runPrepared(prepared, stdin, timeoutMs, false, used);
      throw this.lost(session, "before a command could start");
    }
    if (result === "lost") {
      // a shell can end while its connection lives on (a command killed it): say which
      const why = shellEnded && !session.closed ? "the remote shell running it ended" : undefined;
      throw this.lost(session, "while a command was running (it may or may not have completed)", why);
    }
    return result;
  }

  private lost(session: Session, when: string, why = session.reason): UnreachableError {
    const t = this.target;
    return new UnreachableError(`${this.host}: the SSH connection to ${t.user}@${t.address}:${t.port} was lost ${when}${why ? `: ${why}` : ""}`);
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
    const { Client } = await loadSsh2();
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
        throw new UserError(`the host key ${presented} of ${name} is marked @revoked in ${verdict.entry.file}:${verdict.entry.line}`);
      case "changed": {
        const expected = verdict.entries.map((e) => `${e.keyType} ${fingerprint(e.key)} (${e.file}:${e.line})`).join(", ");
        throw new UserError(
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
        throw new UserError(
          `the host key of ${name} is not known (it presented ${presented}). Check it, then trust it with: ` +
            `ssh-keyscan ${to.port === 22 ? "" : `-p ${to.port} `}${quote(to.address)} >> ${quote(file)}; ` +
            `or run with --ssh-accept-new to record keys of hosts seen for the first time`,
        );
    }
  }
}

interface PreparedCommand {
  /** what an exec channel runs (sshd hands it to the login shell) */
  execLine: Shell;
  /** what a remote shell runs with `/bin/sh -c` */
  shellLine: Shell;
  /** written to stdin before the command's own input: sudo reads the password first */
  stdinPrefix?: string;
}

/**
 * The command as sent to the host. sshd refuses most environment variables (AcceptEnv), so
 * they are exported by the script itself. The script always runs under /bin/sh, whatever
 * the user's login shell is, in the C locale like the local connection, so the output
 * modules parse is stable. No `env` process: on the test hosts each process costs ~2-3 ms.
 *
 * A time limit is enforced on the host by timeout(1), which kills the command's whole
 * process group: sshd ignores the SSH "signal" request for root logins, and closing the
 * channel would leave the command running. Under become it runs inside sudo, as that user.
 */
function remoteCommand(command: Shell, options: RunOptions, connectedAs: string): PreparedCommand {
  const assignments = Object.entries({ LC_ALL: "C", ...options.env }).map(([name, value]) => {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new UserError(`invalid environment variable name: ${JSON.stringify(name)}`);
    return `${name}=${value}`;
  });
  const script = joinShell([sh`export ${assignments}`, command], "\n");
  // each `-c` below gets the script's text as one quoted argument, not nested syntax
  const limited = options.timeoutMs
    ? sh`timeout -k ${TIMEOUT_KILL_AFTER_S} ${(options.timeoutMs / 1000).toFixed(3)} /bin/sh -c ${script.text}`
    : undefined;
  const inner = limited ?? script;
  const wrapped = wrapBecome(inner, options.become, connectedAs);
  if (wrapped.command !== inner) {
    // sudo runs it with /bin/sh -c
    return { execLine: wrapped.command, shellLine: sh`exec ${wrapped.command}`, stdinPrefix: wrapped.stdinPrefix };
  }
  if (limited) return { execLine: sh`exec ${limited}`, shellLine: sh`exec ${limited}` };
  return { execLine: sh`exec /bin/sh -c ${script.text}`, shellLine: script };
}

function inputOf(prefix: string | undefined, stdin: string | Buffer | undefined): Buffer | undefined {
  if (prefix === undefined && stdin === undefined) return undefined;
  const parts = [Buffer.from(prefix ?? ""), typeof stdin === "string" ? Buffer.from(stdin) : (stdin ?? Buffer.alloc(0))];
  return Buffer.concat(parts);
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

function forwardTo(bastion: SshClient, to: Endpoint): Promise<Readable> {
  return new Promise((resolve, reject) => {
    bastion.forwardOut("127.0.0.1", 0, to.address, to.port, (error, stream) => (error ? reject(error) : resolve(stream)));
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
