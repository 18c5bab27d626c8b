/**
 * Lines to stdout. When the reader goes away (`tsplay ... | head`), the rest of the output
 * is dropped quietly and the run goes on to its end: stopping mid-task would leave hosts
 * half-changed for the sake of output nobody reads.
 */
export function outputWriter(): (line: string) => void {
  let closed = false;
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error;
    closed = true;
  });
  return (line) => {
    if (!closed) process.stdout.write(`${line}\n`);
  };
}
