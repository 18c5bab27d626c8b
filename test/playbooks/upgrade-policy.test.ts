import { describe, expect, it } from "vitest";
import { versionProblem } from "../../playbooks/upgrade";

const none = { downgrade: false, skip: false };

describe("upgrade.ts's version policy", () => {
  it("allows a patch and one minor version up, and the same version", () => {
    expect(versionProblem("Kubernetes v1.8.4", "v1.8.15", none)).toBeUndefined();
    expect(versionProblem("Kubernetes v1.8.4", "v1.9.11", none)).toBeUndefined();
    expect(versionProblem("Kubernetes v1.9.11", "v1.9.11", none)).toBeUndefined();
  });

  it("refuses a downgrade and a skip of a minor version, unless told", () => {
    expect(versionProblem("Kubernetes v1.8.4", "v1.7.12", none)).toBe("refusing to downgrade from v1.8.4 to v1.7.12 (upgrade_allow_downgrade: true forces it)");
    expect(versionProblem("Kubernetes v1.8.4", "v1.10.0", none)).toMatch(/^refusing to skip minor versions from v1\.8\.4 to v1\.10\.0/);
    expect(versionProblem("Kubernetes v1.8.4", "v2.0.0", none)).toMatch(/^refusing to skip minor versions/);
    expect(versionProblem("Kubernetes v1.8.4", "v1.7.12", { downgrade: true, skip: false })).toBeUndefined();
    expect(versionProblem("Kubernetes v1.8.4", "v1.10.0", { downgrade: false, skip: true })).toBeUndefined();
  });

  it("says when kube_version is not a version; an unknown running version lets it go on", () => {
    expect(versionProblem("Kubernetes v1.8.4", "latest", none)).toBe("kube_version 'latest' is not a version like v1.9.11");
    expect(versionProblem("", "v1.8.4", none)).toBeUndefined();
  });
});
