/**
 * kube-lb: with more than one master, a load balancer on every node in front of all the
 * masters' kube-apiservers (kubeasz's kube-lb idea), so that losing one master does not take
 * the node's kubelet and kube-proxy down: Debian's or CentOS's haproxy, listening on
 * 127.0.0.1:{{kube_lb_port}}, balancing TCP to each master's secure port and checking each
 * one every 2 s. The node's kubeconfigs point at it (`kube_apiserver_url`, roles/shared/cluster-facts.ts).
 * With one master nothing is installed: the kubeconfigs name the master itself.
 */
import { handler, role, task, type HostContext } from "../../engine";
import { systemd, template } from "../../modules";
import { packagesTask } from "../shared/packages";

const restartHaproxy = handler("restart haproxy", systemd({ name: "haproxy", state: "restarted" }));
const balanced = (h: HostContext) => (h.groups.master ?? []).length > 1;

export const kubeLb = role({
  name: "kube-lb",
  dir: import.meta.dirname,
  handlers: [restartHaproxy],
  tasks: [
    packagesTask("haproxy package", "haproxy", balanced),
    task("/etc/haproxy/haproxy.cfg", template({ src: "haproxy.cfg.mustache", dest: "/etc/haproxy/haproxy.cfg", mode: "0644" }), { when: balanced, notify: [restartHaproxy] }),
    task("haproxy enabled and running", systemd({ name: "haproxy", state: "started", enabled: true }), { when: balanced }),
  ],
});
