/**
 * Addresses in the service range (`service_cluster_ip_range`): the kubernetes service's, the
 * range's first address, and the cluster DNS's (`cluster_dns`), which kube-apiserver accepts
 * only inside the range. Checked at the start of every play, so a DNS address the API server
 * would refuse fails the run before any host is touched, not at the add-on's last step.
 *
 *   firstServiceAddress("10.254.0.0/16")             // "10.254.0.1"
 *   checkClusterDns("10.255.0.2", "10.254.0.0/16")   // throws, naming both
 */

interface Range {
  network: number;
  size: number;
}

function parseAddress(text: string): number | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  const octets = match?.slice(1).map(Number);
  if (!octets || octets.some((octet) => octet > 255)) return undefined;
  return octets.reduce((n, octet) => n * 256 + octet, 0);
}

const addressText = (n: number) => [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join(".");

function parseRange(range: string): Range {
  const [address = "", bits = "", ...rest] = range.split("/");
  const base = parseAddress(address);
  if (base === undefined || rest.length > 0 || !/^\d{1,2}$/.test(bits) || Number(bits) > 32) {
    throw new Error(`service_cluster_ip_range must be an IPv4 CIDR like 10.254.0.0/16, got ${JSON.stringify(range)}`);
  }
  const size = 2 ** (32 - Number(bits));
  return { network: base - (base % size), size };
}

/** 10.254.0.0/16 → 10.254.0.1: the kubernetes service's address, which must be in the certificate */
export function firstServiceAddress(range: string): string {
  return addressText(parseRange(range).network + 1);
}

/** `cluster_dns` as given, when kube-apiserver could give that address to the DNS service. */
export function checkClusterDns(clusterDns: string, range: string): string {
  const { network, size } = parseRange(range);
  const address = parseAddress(clusterDns);
  if (address === undefined) throw new Error(`cluster_dns must be an IPv4 address like 10.254.0.2, got ${JSON.stringify(clusterDns)}`);
  const inRange = `service_cluster_ip_range ${range}`;
  if (address < network || address >= network + size) {
    throw new Error(`cluster_dns ${clusterDns} is outside ${inRange}: kube-apiserver gives services addresses from that range only`);
  }
  if (address === network || address === network + size - 1) throw new Error(`cluster_dns ${clusterDns} is the network or broadcast address of ${inRange}`);
  if (address === network + 1) throw new Error(`cluster_dns ${clusterDns} is the kubernetes service's address (the first of ${inRange}): take another, such as ${addressText(network + 2)}`);
  return clusterDns;
}
