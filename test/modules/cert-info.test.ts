import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cert, certInfo } from "../../modules";
import { caCsr, kubernetesCsr, kubernetesProfile } from "../pki/guide";
import { run } from "./context";

let dir: string;
const ec = { algo: "ecdsa", size: 256 };
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "tsplay-cert-info-"));
  await run(cert({ dir, name: "ca", isCa: true, csr: { ...caCsr, key: ec } }));
  await run(cert({ dir, name: "kubernetes", csr: { ...kubernetesCsr, key: ec }, profile: { ...kubernetesProfile, expiry: "48h" }, renewBefore: "1h" }));
  writeFileSync(join(dir, "junk.pem"), "not a certificate\n");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("certInfo", () => {
  it("reads subject, issuer, SANs, not-after and days left, as data and as a table", async () => {
    const r = await run(certInfo({ paths: [join(dir, "ca.pem"), join(dir, "kubernetes.pem")], optional: [join(dir, "kubelet.crt")] }));
    const [ca, leaf] = r.result.certificates;
    expect(ca).toMatchObject({ subject: expect.stringContaining("CN=kubernetes"), sans: [] });
    expect(ca!.days_left).toBeGreaterThan(1000);
    expect(leaf).toMatchObject({ path: join(dir, "kubernetes.pem"), issuer: expect.stringContaining("CN=kubernetes"), days_left: 1 });
    expect(leaf!.sans).toContain("IP:127.0.0.1");
    expect(r.result.missing).toEqual([join(dir, "kubelet.crt")]);
    expect(r.plan.summary!.split("\n")[0]).toMatch(/^certificate\s+days left\s+not after\s+subject\s+issuer\s+SANs$/);
    expect(r.plan.summary).toContain(`not there: ${join(dir, "kubelet.crt")}`);
    expect(r.result.changed).toBe(false);
  });

  it("fails naming the certificates that expire within failWithin days, keeping the data", async () => {
    const failing = run(certInfo({ paths: [join(dir, "ca.pem"), join(dir, "kubernetes.pem")], failWithin: 30 }));
    await expect(failing).rejects.toThrow(`1 certificate expire within 30 days: ${join(dir, "kubernetes.pem")} (1 day left)`);
    await expect(failing).rejects.toMatchObject({ result: { expiring: [`${join(dir, "kubernetes.pem")} (1 day left)`] } });
    expect((await run(certInfo({ paths: [join(dir, "kubernetes.pem")], failWithin: 1 }))).result.expiring).toEqual([]);
  });

  it("a missing certificate that is not optional, or a file that is not one, fails", async () => {
    await expect(run(certInfo({ paths: [join(dir, "nope.pem")] }))).rejects.toThrow(`${join(dir, "nope.pem")} does not exist`);
    await expect(run(certInfo({ paths: [join(dir, "junk.pem")] }))).rejects.toThrow("is not a PEM certificate");
  });
});
