/**
 * Masking what a vault revealed: the value itself, as JSON writes it, base64-encoded, and
 * each base64 line of a PEM key; never values too short to mask sensibly, nor the
 * ordinary lines of a structured file.
 */
import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { SecretValues } from "../../engine/vault/secret-values";

describe("SecretValues", () => {
  it("masks a value wherever it appears, as JSON writes it too", () => {
    const secrets = new SecretValues();
    secrets.add('pa"ss\nword');
    expect(secrets.mask('x pa"ss\nword y')).toBe("x (hidden) y");
    expect(secrets.mask(JSON.stringify({ k: 'pa"ss\nword' }))).toBe('{"k":"(hidden)"}');
  });

  it("a file's content without its final newline too, as a command or a template line uses it", () => {
    const secrets = new SecretValues();
    secrets.add("from-a-password-file\n");
    expect(secrets.mask("echo from-a-password-file; ok")).toBe("echo (hidden); ok");
  });

  it("leaves out strings shorter than 4 characters, and what is not a string", () => {
    const secrets = new SecretValues();
    secrets.addAll({ port: 22, on: true, short: "abc", list: ["long-enough"] });
    expect(secrets.size).toBe(1);
    expect(secrets.mask("port 22 abc long-enough")).toBe("port 22 abc (hidden)");
  });

  it("a key: whole, base64-encoded (as a kubeconfig embeds it), and each base64 line of its body", () => {
    const pem = generateKeyPairSync("ec", { namedCurve: "prime256v1" }).privateKey.export({ type: "sec1", format: "pem" }).toString();
    const secrets = new SecretValues();
    secrets.add(pem);
    expect(secrets.mask(`key:\n${pem}`)).toBe("key:\n(hidden)");
    expect(secrets.mask(`client-key-data: ${Buffer.from(pem).toString("base64")}`)).toBe("client-key-data: (hidden)");
    const body = pem.split("\n")[1]!;
    expect(secrets.mask(`head -2 printed ${body}`)).toBe("head -2 printed (hidden)");
    // the armour says what a file holds, not what it is
    expect(secrets.mask("-----BEGIN EC PRIVATE KEY-----")).toBe("-----BEGIN EC PRIVATE KEY-----");
  });

  it("the ordinary lines of a structured file stay readable", () => {
    const secrets = new SecretValues();
    secrets.add("apiVersion: v1\nclusters:\n- cluster:\n    server: https://10.77.0.11:6443\n  name: kubernetes\nusers:\n- name: kubelet-bootstrap\n  user:\n    token: 0123456789abcdef0123456789abcdef\n");
    expect(secrets.mask("server: https://10.77.0.11:6443, name: kubelet-bootstrap")).toBe("server: https://10.77.0.11:6443, name: kubelet-bootstrap");
  });

  it("maskDeep copies plain data, keys kept; appearsIn tells whether text holds a secret", () => {
    const secrets = new SecretValues();
    const data = { "the-secret-value": ["the-secret-value", 1, null, { deep: "x the-secret-value" }] };
    expect(secrets.maskDeep(data)).toBe(data);
    secrets.add("the-secret-value");
    expect(secrets.maskDeep(data)).toEqual({ "the-secret-value": ["(hidden)", 1, null, { deep: "x (hidden)" }] });
    expect(data["the-secret-value"][0]).toBe("the-secret-value");
    expect(secrets.appearsIn("a the-secret-value")).toBe(true);
    expect(secrets.appearsIn("a the-secret-value")).toBe(true);
    expect(secrets.appearsIn("nothing")).toBe(false);
  });
});
