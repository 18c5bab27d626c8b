/**
 * Reads a line from the terminal without echoing it (--ask-become-pass, --ask-vault-pass).
 * The prompt goes to stderr, so that output piped elsewhere (`tsplay vault view f | less`)
 * holds only what was asked for.
 *
 *   await readSecret("Vault password: ", { option: "--ask-vault-pass", instead: "give --vault-password-file FILE instead" });
 */
import { UserError } from "./errors";
import { createInterface } from "node:readline";

const BECOME = { option: "--ask-become-pass", instead: "set ansible_become_password in a vars file instead" };

export function readSecret(prompt: string, { option, instead }: { option: string; instead: string } = BECOME): Promise<string> {
  if (!process.stdin.isTTY) return Promise.reject(new UserError(`${option} needs a terminal; ${instead}`));
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    const muted = rl as unknown as { _writeToOutput: (text: string) => void };
    process.stderr.write(prompt);
    muted._writeToOutput = () => {};
    rl.question("", (answer) => {
      rl.close();
      process.stderr.write("\n");
      resolve(answer);
    });
  });
}
