/**
 * Facts, gathered in one round trip: one portable sh script prints `key=value` lines.
 * Kept to what roles branch on; more can be added here without touching the runner.
 */
import type { Connection } from "./connection";
import type { Facts } from "./host-context";
import { raw } from "./shell";

// a constant script, read with String.raw so sed's backslashes stay as written
const GATHER = raw(String.raw`
. /etc/os-release 2>/dev/null
echo "id=$ID"
echo "id_like=$ID_LIKE"
echo "name=$NAME"
echo "version=$VERSION_ID"
echo "hostname=$(hostname 2>/dev/null || cat /proc/sys/kernel/hostname)"
echo "arch=$(uname -m)"
echo "init=$(cat /proc/1/comm 2>/dev/null)"
route=$(ip -4 route show default 2>/dev/null | head -n 1)
dev=$(echo "$route" | sed -n 's/.* dev \([^ ]*\).*/\1/p')
if [ -n "$dev" ]; then
  addr=$(ip -4 -o addr show dev "$dev" scope global 2>/dev/null | head -n 1)
else
  addr=$(ip -4 -o addr show scope global 2>/dev/null | head -n 1)
fi
echo "ipv4=$(echo "$addr" | sed -n 's/.* inet \([0-9.]*\).*/\1/p')"
# apt-get first: a Debian host may have dnf installed (to manage an RPM tree), never the reverse
for m in apt-get dnf yum zypper apk pacman; do
  if command -v "$m" >/dev/null 2>&1; then echo "pkg=$m"; break; fi
done
`);

const FAMILIES: Record<string, string> = {
  debian: "Debian",
  ubuntu: "Debian",
  rhel: "RedHat",
  centos: "RedHat",
  fedora: "RedHat",
  rocky: "RedHat",
  almalinux: "RedHat",
  suse: "Suse",
  alpine: "Alpine",
  arch: "Archlinux",
};

export function emptyFacts(): Facts {
  return {
    os_family: "",
    distribution: "",
    distribution_version: "",
    distribution_major_version: "",
    hostname: "",
    default_ipv4: "",
    architecture: "",
    init_system: "",
    pkg_mgr: "",
  };
}

export function parseFacts(output: string): Facts {
  const raw = new Map<string, string>();
  for (const line of output.split("\n")) {
    const eq = line.indexOf("=");
    if (eq > 0) raw.set(line.slice(0, eq), line.slice(eq + 1).trim());
  }
  const get = (key: string) => raw.get(key) ?? "";
  const ids = [get("id"), ...get("id_like").split(/\s+/)].filter(Boolean);
  const family = ids.map((id) => FAMILIES[id]).find(Boolean) ?? (get("id") ? get("id") : "");
  const version = get("version");
  const pkg = get("pkg");
  return {
    os_family: family,
    distribution: get("name").replace(/ (GNU\/)?Linux$/, "").split(" ")[0] ?? "",
    distribution_version: version,
    distribution_major_version: version.split(".")[0] ?? "",
    hostname: get("hostname"),
    default_ipv4: get("ipv4"),
    architecture: get("arch"),
    init_system: get("init") === "systemd" ? "systemd" : get("init"),
    pkg_mgr: pkg === "apt-get" ? "apt" : pkg,
  };
}

export async function gatherFacts(conn: Connection): Promise<Facts> {
  const result = await conn.run(GATHER);
  return parseFacts(result.stdout);
}
