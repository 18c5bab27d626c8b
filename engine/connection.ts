/**
 * What the runner and modules need from a host: run a command, put a file, read a file.
 * `local` and `ssh` implement `run`; putting and reading files are built on it once
 * (see file-transfer.ts) so both transports write files the same atomic way.
 * A command is a `Shell` (engine/shell.ts), never a string: it is quoted by construction.
 */
import { UserError } from "./errors";
import { putFile, readFile } from "./file-transfer";
import type { Shell } from "./shell";

export interface Become {
  user: string;
  /** sudo password; never echoed or logged */
  password?: string;
}

export interface RunOptions {
  stdin?: string | Buffer;
  env?: Record<string, string>;
  timeoutMs?: number;
  /** run through sudo as this user; false or absent runs as the connecting user */
  become?: Become | false;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  stdoutBytes: Buffer;
}

export interface PutOptions {
  /** octal string like "0644"; absent keeps an existing file's mode, or applies the umask */
  mode?: string;
  owner?: string;
  group?: string;
  become?: Become | false;
}

/** The host cannot be reached (connect, auth or a dropped connection): not a task failure. */
export class UnreachableError extends UserError {
}

export abstract class Connection {
  constructor(readonly host: string) {}

  abstract run(command: Shell, options?: RunOptions): Promise<RunResult>;

  async close(): Promise<void> {}

  /** Writes `data` to `path` atomically: temp file beside it, owner and mode set, then rename. */
  put(path: string, data: string | Buffer, options: PutOptions = {}): Promise<void> {
    return putFile(this, path, data, options);
  }

  /** The file's bytes, or null when it does not exist. */
  read(path: string, options: { become?: Become | false } = {}): Promise<Buffer | null> {
    return readFile(this, path, options);
  }
}
