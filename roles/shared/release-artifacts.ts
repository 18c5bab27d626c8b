/**
 * The release tarballs the cluster's binaries come from, and how each unpacks into
 * artifacts_dir as the roles read it: kubernetes-VERSION/server/bin/*, etcd-VERSION-linux-amd64/*,
 * flannel-VERSION/*, docker/dockerd. playbooks/artifacts.ts unpacks them; the play before
 * any host is touched (verify-artifacts.ts) checks the files against the manifest it wrote.
 * A component installed from packages (etcd_from, flannel_from, docker_from) needs none.
 *
 *   releaseArtifacts(h.vars)                  // what this inventory's settings copy from artifacts_dir
 *   releaseArtifacts(h.vars, ["kubernetes"])  // the server binaries alone
 */
import type { Vars } from "../../engine";
import { settings } from "./settings";

export type Component = "kubernetes" | "etcd" | "flannel" | "docker";

/** in artifacts_dir: every unpacked file with its sha256, as `sha256sum -c` reads it */
export const MANIFEST = "SHA256SUMS";

export interface ReleaseArtifact {
  component: Component;
  version: string;
  /** the tarball's name on its release page */
  tarball: string;
  /** the variable mapping versions to the tarball's checksum (ALGORITHM:HEX) */
  checksumsVar: string;
  /** this version's checksum, when that variable has one */
  checksum?: string;
  /** the folder below artifacts_dir it unpacks into */
  folder: string;
  /** the members unpacked, as `tar -tf` names them */
  members: string[];
  stripComponents: number;
  /** the unpacked files, relative to artifacts_dir: what the roles copy, and the manifest's names */
  files: string[];
}

export const KUBERNETES_SERVER_BINARIES = ["kube-apiserver", "kube-controller-manager", "kube-scheduler", "kubelet", "kube-proxy"];

function versionOf(vars: Vars, name: string): string {
  const value = vars[name];
  if (typeof value !== "string" || value === "") throw new Error(`the cluster setting '${name}' must be a version, got ${JSON.stringify(value) ?? "nothing"} (inventory/group_vars/all.yaml)`);
  return value;
}

function checksumOf(vars: Vars, variable: string, version: string): string | undefined {
  const table = vars[variable];
  const value = table !== null && typeof table === "object" ? (table as Record<string, unknown>)[version] : undefined;
  return typeof value === "string" ? value : undefined;
}

/** A tarball's NAMEs, below its top folder when it has one, unpacked into `folder` without that top folder. */
function artifact(vars: Vars, component: Component, versionVar: string, layout: (v: string) => { tarball: string; top?: string; folder: string; names: string[] }): ReleaseArtifact {
  const version = versionOf(vars, versionVar);
  const { tarball, top, folder, names } = layout(version);
  const checksumsVar = `${component === "kubernetes" ? "kubernetes_server" : component}_checksums`;
  return {
    component,
    version,
    tarball,
    checksumsVar,
    checksum: checksumOf(vars, checksumsVar, version),
    folder,
    members: names.map((name) => (top ? `${top}/${name}` : name)),
    stripComponents: top ? top.split("/").length : 0,
    files: names.map((name) => `${folder}/${name}`),
  };
}

const LAYOUTS: Record<Component, (vars: Vars) => ReleaseArtifact> = {
  kubernetes: (vars) =>
    artifact(vars, "kubernetes", "kube_version", (v) => ({ tarball: "kubernetes-server-linux-amd64.tar.gz", top: "kubernetes", folder: `kubernetes-${v}`, names: KUBERNETES_SERVER_BINARIES.map((b) => `server/bin/${b}`) })),
  etcd: (vars) => artifact(vars, "etcd", "etcd_version", (v) => ({ tarball: `etcd-${v}-linux-amd64.tar.gz`, top: `etcd-${v}-linux-amd64`, folder: `etcd-${v}-linux-amd64`, names: ["etcd", "etcdctl"] })),
  // flannel's tarball has no top folder
  flannel: (vars) => artifact(vars, "flannel", "flannel_version", (v) => ({ tarball: `flannel-${v}-linux-amd64.tar.gz`, folder: `flannel-${v}`, names: ["flanneld", "mk-docker-opts.sh"] })),
  // docker's static release: docker-17.12.0-ce.tgz holds docker/dockerd
  docker: (vars) => artifact(vars, "docker", "docker_version", (v) => ({ tarball: `docker-${v}.tgz`, top: "docker", folder: "docker", names: ["dockerd"] })),
};

/** Whether the settings install this component from artifacts_dir, as its role decides. */
function fromRelease(vars: Vars, component: Component): boolean {
  const s = settings({ vars });
  if (component === "etcd") return s.etcd_from !== "packages";
  if (component === "flannel") return s.flannel_from !== "packages";
  if (component === "docker") return s.docker_from === "artifacts";
  return true;
}

/** The tarballs whose files a run with these settings copies, of the components asked for. */
export function releaseArtifacts(vars: Vars, components: readonly Component[] = ["kubernetes", "etcd", "flannel", "docker"]): ReleaseArtifact[] {
  return components.filter((c) => fromRelease(vars, c)).map((c) => LAYOUTS[c](vars));
}
