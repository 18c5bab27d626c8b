/** A host's connection as one task sees it: every command runs with the task's become. */
import { Connection, type Become, type RunOptions, type RunResult } from "../connection";
import type { Shell } from "../shell";

export class ConnectionWithBecome extends Connection {
  constructor(
    private readonly inner: Connection,
    private readonly become: Become | false,
  ) {
    super(inner.host);
  }

  run(command: Shell, options: RunOptions = {}): Promise<RunResult> {
    return this.inner.run(command, { ...options, become: options.become ?? this.become });
  }
}
