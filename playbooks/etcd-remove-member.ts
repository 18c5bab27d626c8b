/**
 * One etcd member taken out of the cluster: `member remove` from a healthy member, then on
 * the member's host (when it is in the inventory and answers) etcd stopped and disabled and
 * its data moved aside (member.removed-TIME, never deleted). Refused when the members left
 * would not keep a quorum of healthy ones.
 *
 *   tsplay playbooks/etcd-remove-member.ts -i inventory -e member=infra4
 *
 * `member` is the member's etcd name or its inventory host. Afterwards, take the host out
 * of the inventory's `etcd` group and run playbooks/cluster.ts: the kubernetes certificate
 * and the etcd endpoints every component uses then leave it out.
 */
import { play, playbook, task, type HostContext } from "../engine";
import { assert, command, etcdConnection, etcdctl, systemd } from "../modules";
import { addressOf, clusterFacts } from "../roles/shared/cluster-facts";
import { settings } from "../roles/shared/settings";

const wanted = (h: HostContext) => {
  const value = h.vars.member;
  if (typeof value !== "string" || value === "") throw new Error("name the member to remove: -e member=NAME (its etcd name or inventory host)");
  return value;
};
const etcdName = (h: HostContext, host: string) => String((h.vars.hostvars as Record<string, Record<string, unknown>>)[host]?.etcd_name ?? host);
/** the inventory host of the member, when it is one */
const memberHost = (h: HostContext) => (h.groups.etcd ?? []).find((host) => host === wanted(h) || etcdName(h, host) === wanted(h));
const isMember = (h: HostContext) => memberHost(h) === h.host;
const memberName = (h: HostContext) => {
  const host = memberHost(h);
  return host === undefined ? wanted(h) : etcdName(h, host);
};
/** the cluster, asked at every member but the one leaving */
const theOthers = (h: HostContext) =>
  etcdConnection({
    endpoints: (h.groups.etcd ?? []).filter((host) => host !== memberHost(h)).map((host) => `https://${addressOf(h, host)}:2379`),
    ca: `${settings(h).ssl_dir}/ca.pem`,
    cert: `${settings(h).ssl_dir}/kubernetes.pem`,
    key: `${settings(h).ssl_dir}/kubernetes-key.pem`,
  });

export default playbook([
  play({
    name: "the member leaves the etcd cluster",
    hosts: "etcd",
    gatherFacts: false,
    // a refusal ends the run before anything is stopped
    anyErrorsFatal: true,
    preTasks: [clusterFacts()],
    tasks: [
      task("some other member stays", assert({ that: (h) => (h.groups.etcd ?? []).some((host) => host !== memberHost(h)), failMsg: "refusing to remove the last etcd member" }), { runOnce: true }),
      // from a member that stays: the first of the group that is not the one leaving
      task("member remove", etcdctl({ action: "memberRemove", member: memberName, connection: theOthers }), {
        when: (h) => h.host === (h.groups.etcd ?? []).find((host) => host !== memberHost(h)),
      }),
    ],
  }),
  play({
    name: "etcd stopped on the member's host, its data kept aside",
    hosts: "etcd",
    gatherFacts: false,
    tasks: [
      task("etcd stopped and disabled", systemd({ name: "etcd", state: "stopped", enabled: false }), { when: isMember }),
      task(
        "data moved aside",
        command({ argv: (h) => ["sh", "-c", 'mv "$1/member" "$1/member.removed-$(date +%Y%m%d%H%M%S)"', "sh", String(h.vars.etcd_data_dir)], removes: "{{etcd_data_dir}}/member" }),
        { when: isMember },
      ),
    ],
  }),
]);
