/**
 * kubectl on the controller with a kubeconfig the vault keeps there (the admin kubeconfig
 * of an encrypted PKI folder): it is handed a private decrypted copy for the command's
 * lifetime, never the vault text; elsewhere, or without a vault, the path as it is.
 */
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { kubectl } from "../../modules";
import { Vault } from "../../engine/vault/vault";
import { makeContext } from "../modules/context";
import { tempDir } from "../temp-dir";
import { standInKubectl } from "./stand-in-kubectl";

const dir = tempDir("tsplay-vault-kubectl-");
const standIn = standInKubectl(dir);
const vault = new Vault([{ label: "default", password: Buffer.from("pw") }]);
const CONFIG = "apiVersion: v1\nkind: Config\nusers: [{name: admin, user: {client-key-data: c2VjcmV0LWtleS1kYXRh}}]\n";


const get = async (kubeconfig: string, sealFiles: boolean) => {
  const call = kubectl({ get: ["nodes"], kubeconfig });
  const plan = await call.module.plan(makeContext({ vault: { vault, sealFiles } }), call.args);
  await plan.apply?.();
  return standIn.seen();
};

describe("kubectl and a kubeconfig kept in the vault", () => {
  it("on the controller: a 0600 decrypted copy while kubectl runs, removed after", async () => {
    const sealed = join(dir, "admin.kubeconfig");
    writeFileSync(sealed, vault.seal(CONFIG));
    const { kubeconfig: copy, mode, content } = await get(sealed, true);
    expect(copy).not.toBe(sealed);
    expect(copy).toMatch(/\/tsplay-vault-copy-[^/]+\/admin\.kubeconfig$/);
    expect(mode).toBe("600");
    expect(content).toBe(CONFIG);
    expect(existsSync(copy)).toBe(false);
    expect(vault.secrets.mask(CONFIG)).toBe("(hidden)");
  });

  it("run (cordon, drain, delete node) gets the decrypted copy too, and runs nothing under --check", async () => {
    const sealed = join(dir, "run-admin.kubeconfig");
    writeFileSync(sealed, vault.seal(CONFIG));
    const call = kubectl({ run: ["cordon", "10.77.0.14"], kubeconfig: sealed });
    const plan = await call.module.plan(makeContext({ vault: { vault, sealFiles: true } }), call.args);
    expect(plan).toMatchObject({ changed: true, summary: "kubectl cordon 10.77.0.14" });
    // planned, not applied (a --check run stops here): kubectl has not run
    expect(standIn.seen().words).toBe("");
    await plan.apply?.();
    const { words, kubeconfig, mode, content } = standIn.seen();
    expect(words).toMatch(/ cordon 10\.77\.0\.14$/);
    expect(kubeconfig).toMatch(/\/tsplay-vault-copy-[^/]+\/run-admin\.kubeconfig$/);
    expect(mode).toBe("600");
    expect(content).toBe(CONFIG);
  });

  it("a plain kubeconfig, or a task that does not run where the vault keeps files, gets the path itself", async () => {
    const plain = join(dir, "plain.kubeconfig");
    writeFileSync(plain, CONFIG);
    expect((await get(plain, true)).kubeconfig).toBe(plain);
    const sealed = join(dir, "other.kubeconfig");
    writeFileSync(sealed, vault.seal(CONFIG));
    expect((await get(sealed, false)).kubeconfig).toBe(sealed);
  });
});
