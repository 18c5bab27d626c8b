import { generateKeyPairSync } from "node:crypto";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ArgumentError } from "../../engine/module-args";
import { cert } from "../../modules/cert";
import { HOSTILE_NAMES, makeContext, run, snapshot } from "../modules/context";
import { adminCsr, caCsr, certText, kubeProxyCsr, kubernetesCsr, kubernetesProfile, openssl } from "./guide";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "tsplay-cert-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const perms = (path: string) => (statSync(path).mode & 0o777).toString(8);
const read = (name: string) => readFileSync(join(dir, name), "utf8");
/** openssl 3 prints "C = CN, ST = ..." where the guide's openssl printed "C=CN, ST=..." */
const dn = (text: string) => new RegExp(text.replace(/([.*+?()[\]])/g, "\\$1").replace(/=/g, " ?= ?"));
const ca = () => run(cert({ dir, name: "ca", isCa: true, csr: caCsr }));
const kubernetes = (csr: Record<string, unknown> = kubernetesCsr, more: { profile?: Record<string, unknown>; renewBefore?: string } = {}) =>
  run(cert({ dir, name: "kubernetes", csr, profile: kubernetesProfile, ...more }));

describe("cert: the guide's CA and certificates (2.1.2–2.1.6)", () => {
  it("makes a self-signed CA: CA:TRUE, cert sign and crl sign, an RSA 2048 key in cfssl's PKCS#1 PEM", async () => {
    const { result, plan } = await ca();
    expect(result).toMatchObject({ changed: true, reasons: ["missing"], new_key: true, cert: join(dir, "ca.pem"), key: join(dir, "ca-key.pem") });
    expect(plan.summary).toBe(`issue ${join(dir, "ca.pem")} with a new rsa 2048 key: ca.pem is missing; ca-key.pem is missing`);
    const text = certText(join(dir, "ca.pem"));
    expect(text).toMatch(dn("Issuer: C=CN, ST=BeiJing, L=BeiJing, O=k8s, OU=System, CN=kubernetes"));
    expect(text).toMatch(dn("Subject: C=CN, ST=BeiJing, L=BeiJing, O=k8s, OU=System, CN=kubernetes"));
    expect(text).toMatch(/X509v3 Key Usage: critical\n\s+Certificate Sign, CRL Sign\n/);
    expect(text).toMatch(/X509v3 Basic Constraints: critical\n\s+CA:TRUE\n/);
    expect(text).toMatch(/Public-Key: \(2048 bit\)/);
    expect(openssl("verify", "-CAfile", join(dir, "ca.pem"), join(dir, "ca.pem"))).toMatch(/: OK/);
    expect(read("ca-key.pem")).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n/);
    expect(perms(join(dir, "ca-key.pem"))).toBe("600");
    expect(perms(join(dir, "ca.pem"))).toBe("644");
  });

  it("signs the kubernetes certificate so that the guide's checks in 2.1.6 hold", async () => {
    await ca();
    const { result } = await kubernetes();
    expect(result).toMatchObject({ changed: true, reasons: ["missing"], subject: "C=CN, ST=BeiJing, L=BeiJing, O=k8s, OU=System, CN=kubernetes" });
    const path = join(dir, "kubernetes.pem");
    const text = certText(path);
    // Issuer as ca-csr.json, Subject and SANs as kubernetes-csr.json, usages as the kubernetes profile
    expect(text).toMatch(/Signature Algorithm: sha256WithRSAEncryption/);
    expect(text).toMatch(dn("Issuer: C=CN, ST=BeiJing, L=BeiJing, O=k8s, OU=System, CN=kubernetes"));
    expect(text).toMatch(dn("Subject: C=CN, ST=BeiJing, L=BeiJing, O=k8s, OU=System, CN=kubernetes"));
    expect(text).toMatch(/X509v3 Key Usage: critical\n\s+Digital Signature, Key Encipherment\n/);
    expect(text).toMatch(/X509v3 Extended Key Usage: ?\n\s+TLS Web Server Authentication, TLS Web Client Authentication\n/);
    expect(text).toMatch(/X509v3 Basic Constraints: critical\n\s+CA:FALSE\n/);
    expect(text).toMatch(/X509v3 Subject Key Identifier/);
    expect(text).toMatch(/X509v3 Authority Key Identifier/);
    expect(text).toContain(
      "DNS:kubernetes, DNS:kubernetes.default, DNS:kubernetes.default.svc, DNS:kubernetes.default.svc.cluster, DNS:kubernetes.default.svc.cluster.local, " +
        "IP Address:127.0.0.1, IP Address:192.168.5.78, IP Address:192.168.5.79, IP Address:192.168.5.80, IP Address:10.254.0.1\n",
    );
    expect(openssl("verify", "-CAfile", join(dir, "ca.pem"), path)).toBe(`${path}: OK\n`);
    // the certificate belongs to its key, and lives 87600h (10 years) from issue
    expect(openssl("x509", "-noout", "-modulus", "-in", path)).toBe(openssl("rsa", "-noout", "-modulus", "-in", join(dir, "kubernetes-key.pem")));
    const notAfter = Date.parse(openssl("x509", "-noout", "-enddate", "-in", path).replace("notAfter=", ""));
    expect(Math.abs(notAfter - Date.now() - 87600 * 3_600_000)).toBeLessThan(10 * 60_000);
  });

  it("makes the admin and kube-proxy client certificates: the O and CN kube-apiserver reads, no SANs", async () => {
    await ca();
    await run(cert({ dir, name: "admin", csr: adminCsr, profile: kubernetesProfile }));
    await run(cert({ dir, name: "kube-proxy", csr: kubeProxyCsr, profile: kubernetesProfile }));
    expect(certText(join(dir, "admin.pem"))).toMatch(dn("Subject: C=CN, ST=BeiJing, L=BeiJing, O=system:masters, OU=System, CN=admin"));
    const proxy = certText(join(dir, "kube-proxy.pem"));
    expect(proxy).toMatch(dn("Subject: C=CN, ST=BeiJing, L=BeiJing, O=k8s, OU=System, CN=system:kube-proxy"));
    expect(proxy).not.toMatch(/Subject Alternative Name/);
    expect(openssl("verify", "-CAfile", join(dir, "ca.pem"), join(dir, "admin.pem"), join(dir, "kube-proxy.pem"))).toMatch(/admin\.pem: OK\n.*kube-proxy\.pem: OK/);
  });

  it("makes an ECDSA P-256 key on request, and an ECDSA CA signs with ecdsa-with-SHA256", async () => {
    const ec = { algo: "ecdsa", size: 256 };
    await run(cert({ dir, name: "ca", isCa: true, csr: { ...caCsr, key: ec } }));
    await kubernetes({ ...kubernetesCsr, key: ec });
    expect(read("kubernetes-key.pem")).toMatch(/^-----BEGIN EC PRIVATE KEY-----\n/);
    const text = certText(join(dir, "kubernetes.pem"));
    expect(text).toMatch(/Public Key Algorithm: id-ecPublicKey/);
    expect(text).toMatch(/NIST CURVE: P-256/);
    expect(text).toMatch(/Signature Algorithm: ecdsa-with-SHA256/);
    expect(openssl("verify", "-CAfile", join(dir, "ca.pem"), join(dir, "kubernetes.pem"))).toMatch(/: OK/);
  });
});

describe("cert: issued again only for a reason, and says which", () => {
  it("a second run changes nothing and --check predicts nothing", async () => {
    await ca();
    await kubernetes();
    const before = snapshot(dir);
    const again = await kubernetes();
    expect(again.result).toMatchObject({ changed: false, reasons: [], new_key: false });
    expect(again.plan.apply).toBeUndefined();
    expect((await ca()).result.changed).toBe(false);
    expect((await run(cert({ dir, name: "kubernetes", csr: kubernetesCsr, profile: kubernetesProfile }), { check: true })).plan.changed).toBe(false);
    expect(snapshot(dir)).toEqual(before);
  });

  it("--check predicts the first run exactly and touches nothing, even before the CA exists", async () => {
    const before = snapshot(dir);
    const caCheck = await run(cert({ dir, name: "ca", isCa: true, csr: caCsr }), { check: true });
    expect(caCheck.plan).toMatchObject({ changed: true, summary: `issue ${join(dir, "ca.pem")} with a new rsa 2048 key: ca.pem is missing; ca-key.pem is missing` });
    const leafCheck = await run(cert({ dir, name: "kubernetes", csr: kubernetesCsr, profile: kubernetesProfile }), { check: true });
    expect(leafCheck.plan).toMatchObject({ changed: true, summary: `issue ${join(dir, "kubernetes.pem")}` });
    expect(leafCheck.plan.uncertain).toMatch(`the CA ${join(dir, "ca.pem")} or its key ${join(dir, "ca-key.pem")} does not exist`);
    expect(leafCheck.result.reasons).toEqual(["missing"]);
    expect(snapshot(dir)).toEqual(before);
    await expect(kubernetes()).rejects.toThrow(`the CA ${join(dir, "ca.pem")} or its key ${join(dir, "ca-key.pem")} does not exist: make it first`);
  });

  it("changing a SAN re-issues exactly that certificate, keeping its key", async () => {
    await ca();
    await kubernetes();
    await run(cert({ dir, name: "admin", csr: adminCsr, profile: kubernetesProfile }));
    const key = read("kubernetes-key.pem");
    const others = () => Object.fromEntries(Object.entries(snapshot(dir)).filter(([name]) => name !== "." && name !== "./kubernetes.pem"));
    const untouched = others();
    const hosts = [...kubernetesCsr.hosts.filter((h) => h !== "kubernetes"), "10.254.0.2"];

    const check = await run(cert({ dir, name: "kubernetes", csr: { ...kubernetesCsr, hosts }, profile: kubernetesProfile }), { check: true });
    expect(check.plan.summary).toBe(`re-issue ${join(dir, "kubernetes.pem")}: SANs differ: +IP:10.254.0.2 -DNS:kubernetes`);
    expect(check.result.reasons).toEqual(["sans"]);

    const { result } = await kubernetes({ ...kubernetesCsr, hosts });
    expect(result).toMatchObject({ changed: true, reasons: ["sans"], new_key: false });
    expect(certText(join(dir, "kubernetes.pem"))).toMatch(/IP Address:10\.254\.0\.2\n/);
    expect(read("kubernetes-key.pem")).toBe(key);
    expect(others()).toEqual(untouched);
    expect((await kubernetes({ ...kubernetesCsr, hosts })).result.changed).toBe(false);
  });

  it("names a changed subject, changed usages and an expiring certificate", async () => {
    await ca();
    await kubernetes();
    const subject = await run(cert({ dir, name: "kubernetes", csr: { ...kubernetesCsr, CN: "apiserver" }, profile: kubernetesProfile }), { check: true });
    expect(subject.result.reasons).toEqual(["subject"]);
    expect(subject.plan.summary).toMatch(/subject is "C=CN, ST=BeiJing, L=BeiJing, O=k8s, OU=System, CN=kubernetes", the request wants "C=CN, .*CN=apiserver"/);

    const serverOnly = { usages: ["signing", "key encipherment", "server auth"], expiry: "87600h" };
    const usages = await run(cert({ dir, name: "kubernetes", csr: kubernetesCsr, profile: serverOnly }), { check: true });
    expect(usages.result.reasons).toEqual(["usages"]);
    expect(usages.plan.summary).toMatch(/usages are \[digital signature, key encipherment, server auth, client auth, CA:FALSE\], the request wants \[digital signature, key encipherment, server auth, CA:FALSE\]/);

    // a shorter lifetime alone is no reason to re-issue: start again from a one-hour certificate
    rmSync(join(dir, "kubernetes.pem"));
    await kubernetes(kubernetesCsr, { profile: { ...kubernetesProfile, expiry: "1h" }, renewBefore: "30m" });
    expect((await kubernetes(kubernetesCsr, { profile: { ...kubernetesProfile, expiry: "1h" }, renewBefore: "30m" })).result.changed).toBe(false);
    const expiring = await kubernetes(kubernetesCsr, { profile: { ...kubernetesProfile, expiry: "1h" }, renewBefore: "59m" });
    expect(expiring.result.reasons).toEqual(["expiring"]);
    expect(expiring.plan.summary).toMatch(/kubernetes\.pem expires in \d+ days? \(\d{4}-\d\d-\d\d\), within the renewal window/);
  });

  it("re-issues a certificate another CA signed, or one that does not match its key", async () => {
    await ca();
    await kubernetes();
    const other = mkdtempSync(join(tmpdir(), "tsplay-other-ca-"));
    try {
      await run(cert({ dir: other, name: "ca", isCa: true, csr: caCsr }));
      await run(cert({ dir: other, name: "kubernetes", csr: kubernetesCsr, profile: kubernetesProfile }));
      writeFileSync(join(dir, "kubernetes.pem"), readFileSync(join(other, "kubernetes.pem")));
      const foreign = await kubernetes();
      expect(foreign.result.reasons).toEqual(["key-mismatch", "not-signed-by-ca"]);
      expect(foreign.plan.summary).toMatch(/kubernetes\.pem does not match kubernetes-key\.pem; kubernetes\.pem was not signed by the CA$/);
      expect(openssl("verify", "-CAfile", join(dir, "ca.pem"), join(dir, "kubernetes.pem"))).toMatch(/: OK/);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it("makes a new key when it is missing or of another kind than requested", async () => {
    await ca();
    await kubernetes();
    rmSync(join(dir, "kubernetes-key.pem"));
    const missing = await kubernetes();
    expect(missing.result).toMatchObject({ reasons: ["missing"], new_key: true });
    expect(missing.plan.summary).toMatch(/with a new rsa 2048 key: kubernetes-key\.pem is missing$/);

    const ec = await kubernetes({ ...kubernetesCsr, key: { algo: "ecdsa", size: 256 } });
    expect(ec.result).toMatchObject({ reasons: ["key-type"], new_key: true });
    expect(ec.plan.summary).toMatch(/kubernetes-key\.pem is rsa 2048, the request wants ecdsa 256/);
    expect(openssl("verify", "-CAfile", join(dir, "ca.pem"), join(dir, "kubernetes.pem"))).toMatch(/: OK/);
  });
});

describe("cert: private keys", () => {
  it("are never in a result, a summary or a diff, even with --diff", async () => {
    const first = await run(cert({ dir, name: "ca", isCa: true, csr: caCsr }), { diff: true });
    const second = await run(cert({ dir, name: "kubernetes", csr: kubernetesCsr, profile: kubernetesProfile }), { diff: true });
    for (const { plan, result } of [first, second]) {
      expect(plan.diff).toBeUndefined();
      const shown = JSON.stringify({ summary: plan.summary, result });
      expect(shown).not.toMatch(/PRIVATE KEY|MII/);
    }
  });

  it("are written 0600 from the first byte: through the atomic put (mktemp 0600, chmod, rename), key before certificate", async () => {
    const ctx = makeContext();
    const puts: { path: string; mode?: string }[] = [];
    const put = ctx.conn.put.bind(ctx.conn);
    ctx.conn.put = (path, data, options) => {
      puts.push({ path, mode: options?.mode });
      return put(path, data, options);
    };
    const call = cert({ dir, name: "ca", isCa: true, csr: { ...caCsr, key: { algo: "ecdsa", size: 256 } } });
    await (await call.module.plan(ctx, call.args)).apply?.();
    expect(puts).toEqual([
      { path: join(dir, "ca-key.pem"), mode: "0600" },
      { path: join(dir, "ca.pem"), mode: "0644" },
    ]);
  });

  it("a key readable by others is put back to 0600 without re-issuing", async () => {
    await ca();
    await kubernetes();
    const certBefore = read("kubernetes.pem");
    chmodSync(join(dir, "kubernetes-key.pem"), 0o644);
    const { plan, result } = await kubernetes();
    expect(plan.summary).toBe(`${join(dir, "kubernetes-key.pem")}: mode 0644 → 0600`);
    expect(result.reasons).toEqual([]);
    expect(perms(join(dir, "kubernetes-key.pem"))).toBe("600");
    expect(read("kubernetes.pem")).toBe(certBefore);
  });

  it("an unreadable key file is refused, never replaced", async () => {
    await ca();
    writeFileSync(join(dir, "kubernetes-key.pem"), "not a key\n", { mode: 0o600 });
    await expect(kubernetes()).rejects.toThrow(/kubernetes-key\.pem holds no private key that can be read .* move it away/);
    expect(read("kubernetes-key.pem")).toBe("not a key\n");
  });
});

describe("cert: a CA made by hand with cfssl is taken over", () => {
  /** what `cfssl gencert -initca` leaves: a PKCS#1 key and a CA certificate with the guide's subject */
  function cfsslCa() {
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    writeFileSync(join(dir, "ca-key.pem"), privateKey.export({ type: "pkcs1", format: "pem" }), { mode: 0o600 });
    openssl(
      "req", "-x509", "-new", "-key", join(dir, "ca-key.pem"), "-out", join(dir, "ca.pem"), "-days", "1825", "-sha256",
      "-subj", "/C=CN/ST=BeiJing/L=BeiJing/O=k8s/OU=System/CN=kubernetes",
      "-addext", "basicConstraints=critical,CA:TRUE,pathlen:2", "-addext", "keyUsage=critical,keyCertSign,cRLSign", "-addext", "subjectKeyIdentifier=hash",
    );
  }

  it("ca.pem and ca-key.pem (RSA PRIVATE KEY) are kept and sign new certificates", async () => {
    cfsslCa();
    expect(read("ca-key.pem")).toMatch(/^-----BEGIN RSA PRIVATE KEY-----/);
    const before = snapshot(dir);
    expect((await ca()).result).toMatchObject({ changed: false, reasons: [] });
    expect(snapshot(dir)).toEqual(before);
    await kubernetes();
    expect(openssl("verify", "-CAfile", join(dir, "ca.pem"), join(dir, "kubernetes.pem"))).toMatch(/: OK/);
  });

  it("a certificate cfssl signed from the same request and profile is kept", async () => {
    cfsslCa();
    const key = join(dir, "kubernetes-key.pem");
    writeFileSync(key, generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs1", format: "pem" }), { mode: 0o600 });
    const csr = openssl("req", "-new", "-key", key, "-subj", "/C=CN/ST=BeiJing/L=BeiJing/O=k8s/OU=System/CN=kubernetes");
    const extensions = join(dir, "ext.cnf");
    writeFileSync(
      extensions,
      "keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth,clientAuth\nbasicConstraints=critical,CA:FALSE\n" +
        "subjectAltName=DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster,DNS:kubernetes.default.svc.cluster.local," +
        "IP:127.0.0.1,IP:192.168.5.78,IP:192.168.5.79,IP:192.168.5.80,IP:10.254.0.1\n",
    );
    const csrFile = join(dir, "kubernetes.csr");
    writeFileSync(csrFile, csr);
    openssl("x509", "-req", "-in", csrFile, "-CA", join(dir, "ca.pem"), "-CAkey", join(dir, "ca-key.pem"), "-CAcreateserial", "-days", "3650", "-extfile", extensions, "-out", join(dir, "kubernetes.pem"));
    expect((await kubernetes()).result).toMatchObject({ changed: false, reasons: [] });
  });
});

describe("cert: arguments", () => {
  it("a mistake in the request or profile fails when the playbook loads", () => {
    expect(() => cert({ dir, name: "x", csr: { CN: "x", host: ["a"] } })).toThrow(ArgumentError);
    expect(() => cert({ dir, name: "x", csr: { CN: "x", host: ["a"] } })).toThrow(/csr: unknown field "host"/);
    expect(() => cert({ dir, name: "x", csr: { CN: "x" }, profile: { usages: ["server auht"] } })).toThrow(/unknown usage "server auht"/);
    expect(() => cert({ dir, name: "x", csr: { CN: "x" }, profile: { usages: ["server auth"], expiry: "10y" } })).toThrow(/profile\.expiry must be a duration/);
    expect(() => cert({ dir, name: "x", csr: { CN: "x", key: { algo: "ecdsa", size: 2048 } } })).toThrow(/ecdsa must be one of 256, 384, 521/);
    expect(() => cert({ dir, name: "x", csr: { CN: "x", hosts: ["ünï.example"] } })).toThrow(/write it as "xn--n-nga1b\.example"/);
    expect(() => cert({ dir, name: "x", csr: { CN: "x" }, profile: { usages: ["server auth"], expiry: "1h" }, renewBefore: "2h" })).toThrow(/renewBefore \(2h\) must be shorter/);
    expect(() => cert({ dir, name: "ca", isCa: true, csr: caCsr, profile: kubernetesProfile })).toThrow(/a CA takes no profile/);
    expect(() => cert({ dir, name: "a/b", csr: { CN: "x" } })).toThrow(/name must be a file name without "\/"/);
  });

  it("works with folder and file names a shell would take for syntax", async () => {
    const ec = { algo: "ecdsa", size: 256 };
    // a folder name ending in a newline is left out: engine/file-transfer.ts loses it in $(dirname)
    for (const name of HOSTILE_NAMES.filter((n) => !n.endsWith("\n"))) {
      const folder = join(dir, name);
      mkdirSync(folder);
      await run(cert({ dir: folder, name, isCa: true, csr: { ...caCsr, key: ec } }));
      const leaf = () => run(cert({ dir: folder, name: "leaf", ca: name, csr: { ...kubeProxyCsr, key: ec }, profile: kubernetesProfile }));
      expect((await leaf()).result.changed).toBe(true);
      expect(openssl("verify", "-CAfile", join(folder, `${name}.pem`), join(folder, "leaf.pem"))).toMatch(/: OK/);
      expect(perms(join(folder, `${name}-key.pem`))).toBe("600");
      expect((await leaf()).result.changed).toBe(false);
    }
    for (const where of [dir, process.cwd()]) expect(() => statSync(join(where, "pwned"))).toThrow();
  });
});
