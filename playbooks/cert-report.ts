/**
 * Every certificate the cluster uses, where it is: on the controller (pki_dir: the CA,
 * kubernetes, admin and kube-proxy certificates) and on each host (ca.pem, kubernetes.pem,
 * and the kubelet's client and serving certificates once it has bootstrapped). Each task
 * prints a table — subject, issuer, SANs, not-after, days left — and `--output json` gives
 * the same as data (`result.certificates`). The run fails (exit 2) when any certificate
 * expires within `cert_warn_days` (30 by default), naming them.
 *
 *   tsplay playbooks/cert-report.ts -i inventory
 *   tsplay playbooks/cert-report.ts -i inventory -e cert_warn_days=60 --output json
 *
 * Reads only: nothing changes on any host, in --check or not.
 */
import { play, playbook, task, type HostContext } from "../engine";
import { certInfo } from "../modules";
import { settings } from "../roles/shared/settings";

function warnDays(h: HostContext): number {
  const value = h.vars.cert_warn_days ?? 30;
  const days = Number(value);
  if (!Number.isFinite(days) || days < 0) throw new Error(`cert_warn_days must be a number of days, got ${JSON.stringify(value)}`);
  return days;
}

const ssl = (h: HostContext, file: string) => `${settings(h).ssl_dir}/${file}`;

export default playbook([
  play({
    name: "certificates on the controller",
    hosts: "localhost",
    gatherFacts: false,
    tasks: [
      task(
        "the CA, kubernetes, admin and kube-proxy certificates",
        certInfo({ paths: (h) => ["ca", "kubernetes", "admin", "kube-proxy"].map((name) => `${settings(h).pki_dir}/${name}.pem`), failWithin: warnDays }),
      ),
    ],
  }),
  play({
    name: "certificates on the hosts",
    hosts: "etcd:master:node",
    gatherFacts: false,
    tasks: [
      task(
        "ca.pem, kubernetes.pem and the kubelet's certificates",
        certInfo({
          paths: (h) => [ssl(h, "ca.pem"), ssl(h, "kubernetes.pem")],
          // written by kubelet 1.8 into its --cert-dir when it bootstraps (and rotates) them
          optional: (h) => ["kubelet-client.crt", "kubelet-client-current.pem", "kubelet.crt", "kubelet-server-current.pem"].map((file) => ssl(h, file)),
          failWithin: warnDays,
        }),
      ),
    ],
  }),
]);
