/**
 * The content of a file the ca role made in the controller's pki_dir (a certificate, a key,
 * token.csv, a kubeconfig), read when the task runs. Under --check on a fresh controller the
 * file does not exist yet (the ca play would make it): the copy is then predicted as a
 * change instead of failing, as copy's `src` would.
 */
import { existsSync, readFileSync } from "node:fs";
import { settings } from "./settings";

export function fromController(name: string): (h: { vars: Record<string, unknown> }) => string {
  return (h) => {
    const path = `${settings(h).pki_dir}/${name}`;
    if (existsSync(path)) return readFileSync(path, "utf8");
    if (h.vars.ansible_check_mode) return `(${path} is made by the ca play)\n`;
    throw new Error(`${path} does not exist on the controller: run the ca play (tag ca) first`);
  };
}
