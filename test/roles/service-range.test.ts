import { describe, expect, it } from "vitest";
import { checkClusterDns, firstServiceAddress } from "../../roles/shared/service-range";

describe("addresses in the service range", () => {
  it("the kubernetes service has the range's first address", () => {
    expect(firstServiceAddress("10.254.0.0/16")).toBe("10.254.0.1");
    expect(firstServiceAddress("10.254.7.9/16")).toBe("10.254.0.1");
    expect(firstServiceAddress("172.16.4.0/22")).toBe("172.16.4.1");
    expect(() => firstServiceAddress("10.254.0.0")).toThrow("service_cluster_ip_range must be an IPv4 CIDR like 10.254.0.0/16, got \"10.254.0.0\"");
    expect(() => firstServiceAddress("10.254.0.0/33")).toThrow(/IPv4 CIDR/);
  });

  it("cluster_dns is taken when kube-apiserver could give it to the DNS service", () => {
    expect(checkClusterDns("10.254.0.2", "10.254.0.0/16")).toBe("10.254.0.2");
    expect(checkClusterDns("10.254.255.254", "10.254.0.0/16")).toBe("10.254.255.254");
  });

  it("cluster_dns outside the range fails, naming both values", () => {
    expect(() => checkClusterDns("10.255.0.2", "10.254.0.0/16")).toThrow(
      "cluster_dns 10.255.0.2 is outside service_cluster_ip_range 10.254.0.0/16: kube-apiserver gives services addresses from that range only",
    );
    expect(() => checkClusterDns("10.253.255.255", "10.254.0.0/16")).toThrow(/outside/);
  });

  it("nor the kubernetes service's address, the network's or the broadcast address, nor a non-address", () => {
    expect(() => checkClusterDns("10.254.0.1", "10.254.0.0/16")).toThrow(
      "cluster_dns 10.254.0.1 is the kubernetes service's address (the first of service_cluster_ip_range 10.254.0.0/16): take another, such as 10.254.0.2",
    );
    expect(() => checkClusterDns("10.254.0.0", "10.254.0.0/16")).toThrow(/network or broadcast address/);
    expect(() => checkClusterDns("10.254.255.255", "10.254.0.0/16")).toThrow(/network or broadcast address/);
    expect(() => checkClusterDns("10.254.0.256", "10.254.0.0/16")).toThrow('cluster_dns must be an IPv4 address like 10.254.0.2, got "10.254.0.256"');
    expect(() => checkClusterDns("10.254.0.2", "10.254.0.0/x")).toThrow(/service_cluster_ip_range must be an IPv4 CIDR/);
  });
});
