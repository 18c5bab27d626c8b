/** Reads a line from the terminal without echoing it (for --ask-become-pass). */
import { UserError } from "./errors";
import { createInterface } from "node:readline";

export function readSecret(prompt: string): Promise<string> {
  if (!process.stdin.isTTY) return Promise.reject(new UserError("--ask-become-pass needs a terminal; set ansible_become_password in a vars file instead"));
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
    const muted = rl as unknown as { _writeToOutput: (text: string) => void };
    process.stdout.write(prompt);
    muted._writeToOutput = () => {};
    rl.question("", (answer) => {
      rl.close();
      process.stdout.write("\n");
      resolve(answer);
    });
  });
}
