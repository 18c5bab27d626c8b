/**
 * The credentials an SSH connection offers, in order: the configured private key file,
 * else the user's default keys; then ssh-agent; then a password.
 */
import { UserError } from "../errors";
import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import type { AnyAuthMethod } from "ssh2";
import { loadSsh2 } from "./ssh2-module";

export interface AuthSettings {
  privateKeyFile?: string;
  password?: string;
}

const DEFAULT_KEYS = ["id_ed25519", "id_rsa", "id_ecdsa"];

/** Methods for ssh2's authHandler; each publickey method remembers its file for error messages. */
export type LabelledAuth = AnyAuthMethod & { label: string };

export async function authMethods(username: string, settings: AuthSettings): Promise<LabelledAuth[]> {
  const { utils } = await loadSsh2();
  const methods: LabelledAuth[] = [];
  if (settings.privateKeyFile) {
    const file = settings.privateKeyFile;
    let text: Buffer;
    try {
      text = await readFile(file);
    } catch (error) {
      throw new UserError(`cannot read the private key ${file}: ${(error as Error).message}`);
    }
    const key = utils.parseKey(text);
    if (key instanceof Error) {
      throw new UserError(
        `cannot use the private key ${file}: ${key.message}` +
          (/passphrase/i.test(key.message) ? " (load it into ssh-agent instead)" : ""),
      );
    }
    methods.push({ type: "publickey", username, key: text, label: `key ${file}` });
  } else {
    for (const name of DEFAULT_KEYS) {
      const file = join(homedir(), ".ssh", name);
      const text = await readFile(file).catch(() => undefined);
      // A missing or passphrase-protected default key is skipped, as ssh does without a prompt.
      if (text && !(utils.parseKey(text) instanceof Error)) {
        methods.push({ type: "publickey", username, key: text, label: `key ${file}` });
      }
    }
  }
  if (process.env.SSH_AUTH_SOCK) {
    methods.push({ type: "agent", username, agent: process.env.SSH_AUTH_SOCK, label: "ssh-agent" });
  }
  if (settings.password !== undefined) {
    methods.push({ type: "password", username, password: settings.password, label: "password" });
  }
  return methods;
}

export function describeAuth(methods: LabelledAuth[]): string {
  return methods.length ? methods.map((m) => m.label).join(", ") : "nothing: no private key, ssh-agent or password was available";
}
