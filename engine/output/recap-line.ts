import type { HostStats } from "../events";

export function recapLine(host: string, s: HostStats, width: number): string {
  return `${host.padEnd(width)} : ok=${s.ok}  changed=${s.changed}  unreachable=${s.unreachable}  failed=${s.failed}  skipped=${s.skipped}  rescued=${s.rescued}  ignored=${s.ignored}`;
}
