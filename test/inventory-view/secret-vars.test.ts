/** Which variables are secrets: masked at any depth by name, empty values left as they are. */
import { describe, expect, it } from "vitest";
import { HIDDEN_SECRET, isSecretName, maskSecrets } from "../../engine/secret-vars";

describe("secret variables", () => {
  it("are Ansible's connection and become passwords, and names ending in password, pass, passphrase, secret, token", () => {
    for (const name of ["ansible_password", "ansible_ssh_pass", "ansible_become_password", "ansible_become_pass", "ansible_sudo_pass", "db_root_password", "password", "api_token", "client_secret", "key_passphrase", "PASSWD"]) {
      expect(isSecretName(name), name).toBe(true);
    }
    for (const name of ["ansible_ssh_private_key_file", "token_file", "passive", "compass", "bypass_proxy", "ansible_user", "secrets_dir"]) {
      expect(isSecretName(name), name).toBe(false);
    }
  });

  it("are masked in nested objects and lists; the rest is untouched, and the input is not changed", () => {
    const vars = { ansible_become_password: "x", users: [{ name: "a", password: "p" }], db: { root_password: "y", port: 5432 }, empty_password: "", port: 22 };
    expect(maskSecrets(vars)).toEqual({ ansible_become_password: HIDDEN_SECRET, users: [{ name: "a", password: HIDDEN_SECRET }], db: { root_password: HIDDEN_SECRET, port: 5432 }, empty_password: "", port: 22 });
    expect(vars.ansible_become_password).toBe("x");
  });
});
