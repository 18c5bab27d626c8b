import { describe, expect, it } from "vitest";
import { parseDuration } from "../../engine/pki/duration";
import { canonicalIp, ipFromBytes, ipToBytes } from "../../engine/pki/ip-address";
import { describeUsages, parseProfile } from "../../engine/pki/profile";
import { describeSubject, parseRequest } from "../../engine/pki/request";
import { parseEntry } from "../../engine/pki/token-csv";
import { caCsr, kubernetesCsr, kubernetesProfile } from "./guide";

describe("cfssl requests and profiles", () => {
  it("reads the guide's CSR JSON: subject in Go's order, DNS names before IPs, RSA 2048", () => {
    const request = parseRequest(kubernetesCsr, { isCa: false, profile: kubernetesProfile });
    expect(describeSubject(request.subject)).toBe("C=CN, ST=BeiJing, L=BeiJing, O=k8s, OU=System, CN=kubernetes");
    expect(request.sans.slice(0, 2)).toEqual([
      { kind: "DNS", value: "kubernetes" },
      { kind: "DNS", value: "kubernetes.default" },
    ]);
    expect(request.sans.at(-1)).toEqual({ kind: "IP", value: "10.254.0.1" });
    expect(request.key).toEqual({ algo: "rsa", size: 2048 });
    expect(request.validityMs).toBe(87600 * 3_600_000);
    expect(describeUsages(request.usages)).toEqual(["digital signature", "key encipherment", "server auth", "client auth"]);
  });

  it("takes cfssl's defaults: a 5-year CA unless csr.ca.expiry says otherwise, a 1-year leaf without a profile", () => {
    expect(parseRequest(caCsr, { isCa: true }).validityMs).toBe(43800 * 3_600_000);
    expect(parseRequest({ ...caCsr, ca: { expiry: "87600h", pathlen: 1 } }, { isCa: true })).toMatchObject({ validityMs: 87600 * 3_600_000, pathLength: 1 });
    expect(parseRequest({ CN: "x" }, { isCa: false }).validityMs).toBe(8760 * 3_600_000);
    expect(describeUsages(parseRequest(caCsr, { isCa: true }).usages)).toEqual(["cert sign", "crl sign"]);
  });

  it("several names entries give several values of a type, in cfssl's order", () => {
    const request = parseRequest({ CN: "x", names: [{ O: "a", OU: "u" }, { O: "b" }] }, { isCa: false });
    expect(describeSubject(request.subject)).toBe("O=a, O=b, OU=u, CN=x");
  });

  it("maps cfssl's usage names and spellings to the same bits", () => {
    expect(parseProfile({ usages: ["signing", "digital signature", "s/mime"] }).usages).toEqual(parseProfile({ usages: ["digital signature", "email protection"] }).usages);
  });

  it("reads Go durations and refuses what Go would not", () => {
    expect(parseDuration("87600h")).toBe(87600 * 3_600_000);
    expect(parseDuration("1h30m")).toBe(5_400_000);
    expect(parseDuration("365d")).toBeUndefined();
    expect(parseDuration("0h")).toBeUndefined();
  });
});

describe("IP addresses in certificates", () => {
  it("one canonical text per address, through bytes and back", () => {
    expect(canonicalIp("0:0::1")).toBe("::1");
    expect(canonicalIp("FD00:0:0::A")).toBe("fd00::a");
    expect(canonicalIp("kubernetes")).toBeUndefined();
    for (const ip of ["10.254.0.1", "::1", "fd00::a", "2001:db8:1:2:3:4:5:6", "::ffff:102:304"]) expect(ipFromBytes(ipToBytes(ip))).toBe(ip);
    expect(ipToBytes("10.254.0.1")).toEqual(Buffer.from([10, 254, 0, 1]));
  });
});

describe("token.csv lines", () => {
  it("reads the guide's line, quoted groups with commas included", () => {
    expect(parseEntry('abc,kubelet-bootstrap,10001,"system:kubelet-bootstrap"')).toEqual({ token: "abc", user: "kubelet-bootstrap", uid: "10001", groups: "system:kubelet-bootstrap" });
    expect(parseEntry('abc,u,1,"g1,g2"')?.groups).toBe("g1,g2");
    expect(parseEntry("# a comment")).toBeUndefined();
  });
});
