/** Runs commands on the controller itself (`ansible_connection=local`, or `-i localhost`). */
import { spawn } from "node:child_process";
import { userInfo } from "node:os";
import { wrapBecome } from "../become";
import { Connection, type RunOptions, type RunResult } from "../connection";
import type { Shell } from "../shell";

export class LocalConnection extends Connection {
  private readonly user = userInfo().username;

  run(command: Shell, options: RunOptions = {}): Promise<RunResult> {
    const wrapped = wrapBecome(command, options.become, this.user);
    return new Promise((resolve, reject) => {
      const child = spawn("/bin/sh", ["-c", wrapped.command.text], {
        env: { ...process.env, LC_ALL: "C", ...options.env },
        stdio: ["pipe", "pipe", "pipe"],
      });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let timedOut = false;
      const timer = options.timeoutMs
        ? setTimeout(() => {
            timedOut = true;
            child.kill("SIGKILL");
          }, options.timeoutMs)
        : undefined;
      child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
      child.stderr.on("data", (chunk: Buffer) => err.push(chunk));
      child.on("error", reject);
      child.on("close", (code, signal) => {
        if (timer) clearTimeout(timer);
        const stdoutBytes = Buffer.concat(out);
        let stderr = Buffer.concat(err).toString("utf8");
        if (timedOut) stderr += `\ncommand timed out after ${options.timeoutMs} ms`;
        resolve({ code: code ?? (signal ? 128 : 1), stdout: stdoutBytes.toString("utf8"), stderr, stdoutBytes });
      });
      child.stdin.on("error", () => {}); // a command that exits without reading stdin is not an error
      if (wrapped.stdinPrefix) child.stdin.write(wrapped.stdinPrefix);
      if (options.stdin !== undefined) child.stdin.write(options.stdin);
      child.stdin.end();
    });
  }
}
