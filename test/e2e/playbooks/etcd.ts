/**
 * The guide's etcd steps on the three test hosts (2.3, 2.6): certificates made on the
 * controller, a 3-member TLS etcd cluster (its own unit, data dir and ports 12379/12380,
 * beside the hosts' default etcd), its health awaited, and flannel's network config written
 * with the v2 API (mkdir, mk) and with v3, then read back. `-e network=...` changes it.
 */
import { play, playbook, task } from "../../../engine";
import { copy, file } from "../../../modules";
import { cert } from "../../../modules/cert";
import { etcdConnection, etcdctl } from "../../../modules/etcdctl";
import { systemd } from "../../../modules/systemd";

const HOSTS = { h1: "10.77.0.11", h2: "10.77.0.12", h3: "10.77.0.13" };
const SSL = "/etc/tsplay-etcd";
const profile = { usages: ["signing", "key encipherment", "server auth", "client auth"], expiry: "87600h" };
const cluster = Object.entries(HOSTS).map(([name, ip]) => `${name}=https://${ip}:12380`).join(",");

/** every etcdctl task reaches the cluster through this one object */
const etcd = etcdConnection({
  endpoints: Object.values(HOSTS).map((ip) => `https://${ip}:12379`),
  ca: `${SSL}/ca.pem`,
  cert: `${SSL}/etcd.pem`,
  key: `${SSL}/etcd-key.pem`,
});

const unit = `[Unit]
Description=tsplay test etcd
After=network.target
[Service]
Type=notify
ExecStart=/usr/bin/etcd --name={{inventory_hostname}} --data-dir=/var/lib/tsplay-etcd --enable-v2 \\
  --cert-file=${SSL}/etcd.pem --key-file=${SSL}/etcd-key.pem --trusted-ca-file=${SSL}/ca.pem --client-cert-auth \\
  --peer-cert-file=${SSL}/etcd.pem --peer-key-file=${SSL}/etcd-key.pem --peer-trusted-ca-file=${SSL}/ca.pem --peer-client-cert-auth \\
  --listen-client-urls=https://{{ansible_host}}:12379 --advertise-client-urls=https://{{ansible_host}}:12379 \\
  --listen-peer-urls=https://{{ansible_host}}:12380 --initial-advertise-peer-urls=https://{{ansible_host}}:12380 \\
  --initial-cluster=${cluster} --initial-cluster-token=tsplay-test --initial-cluster-state=new
Restart=on-failure
[Install]
WantedBy=multi-user.target
`;

const flannel = (h: { vars: Record<string, unknown> }) => ({ Network: String(h.vars.network), SubnetLen: 24, Backend: { Type: "host-gw" } });
const once = { runOnce: true };

export default playbook([
  play({
    name: "certificates",
    hosts: "localhost",
    gatherFacts: false,
    tasks: [
      task("CA", cert({ dir: "{{pki_dir}}", name: "ca", isCa: true, csr: { CN: "tsplay test CA" } })),
      task("etcd certificate", cert({ dir: "{{pki_dir}}", name: "etcd", csr: { CN: "etcd", hosts: ["127.0.0.1", ...Object.values(HOSTS)] }, profile })),
    ],
  }),
  play({
    name: "etcd cluster",
    hosts: "testbed",
    vars: { network: "172.30.0.0/16" },
    tasks: [
      task("ssl folder", file({ path: SSL, state: "directory", mode: "0700" })),
      task("ca", copy({ src: "{{pki_dir}}/ca.pem", dest: `${SSL}/ca.pem`, mode: "0644" })),
      task("etcd cert", copy({ src: "{{pki_dir}}/etcd.pem", dest: `${SSL}/etcd.pem`, mode: "0644" })),
      task("etcd key", copy({ src: "{{pki_dir}}/etcd-key.pem", dest: `${SSL}/etcd-key.pem`, mode: "0600" }), { noLog: true }),
      task("data folder", file({ path: "/var/lib/tsplay-etcd", state: "directory", mode: "0700" })),
      task("unit", copy({ dest: "/etc/systemd/system/tsplay-etcd.service", content: unit })),
      task("etcd runs", systemd({ name: "tsplay-etcd", state: "started" })),
      task("healthy", etcdctl({ connection: etcd, action: "health", timeout: 60 }), once),
      task("members", etcdctl({ connection: etcd, action: "members" }), { ...once, register: "members" }),
      task("v2 network folder", etcdctl({ connection: etcd, api: "v2", action: "mkdir", key: "/kube-centos/network" }), once),
      task("v2 network config", etcdctl({ connection: etcd, api: "v2", action: "put", key: "/kube-centos/network/config", value: flannel }), once),
      task("v2 read back", etcdctl({ connection: etcd, api: "v2", action: "get", key: "/kube-centos/network/config" }), once),
      task("v2 list", etcdctl({ connection: etcd, api: "v2", action: "list", key: "/kube-centos/network" }), once),
      task("v3 network config", etcdctl({ connection: etcd, action: "put", key: "/kube-centos/network/config", value: flannel }), once),
      task("v3 read back", etcdctl({ connection: etcd, action: "get", key: "/kube-centos/network/config" }), once),
      task("v3 odd value", etcdctl({ connection: etcd, action: "put", key: "/tsplay/odd key $(id)", value: "-x\n'quoted' $(touch /tmp/pwned) `id`\n" }), once),
      task("v3 odd read back", etcdctl({ connection: etcd, action: "get", key: "/tsplay/odd key $(id)" }), once),
    ],
  }),
]);
