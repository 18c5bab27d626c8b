/**
 * Assembles artifacts_dir, the folder of release binaries playbooks/cluster.ts copies, from
 * the release tarballs, downloaded once (elsewhere, for a controller without the internet)
 * into one folder:
 *
 *   tsplay playbooks/artifacts.ts -i inventory -e downloads_dir=/srv/downloads
 *   tsplay playbooks/artifacts.ts -i inventory -e downloads_dir=/srv/downloads-1.9 -e kube_version=v1.9.11
 *
 * On the controller alone. The tarballs of the inventory's versions, named as on their
 * release pages (kubernetes-server-linux-amd64.tar.gz, etcd-VERSION-linux-amd64.tar.gz,
 * flannel-VERSION-linux-amd64.tar.gz, and docker-VERSION.tgz with docker_from: artifacts;
 * none for a component installed from packages), are checked first against their checksums
 * (kubernetes_server_checksums, etcd_checksums, flannel_checksums, docker_checksums, by
 * version: the published ones where there are). A tarball whose checksum differs, or that
 * has none, fails the run, naming it, before anything is unpacked. Then the files the roles
 * copy are unpacked into the folders they read, and {{artifacts_dir}}/SHA256SUMS lists each
 * with its sha256 (`sha256sum -c SHA256SUMS` in that folder); the cluster playbook checks
 * them against it before it touches a host. Entries of other versions stay in it, so each
 * version is assembled by a run of its own. --check is exact; a re-run changes nothing.
 */
import { play, playbook, task, type HostContext, type Task } from "../engine";
import { assert, checksum, copy, unarchive, type UnarchiveResult } from "../modules";
import { MANIFEST, releaseArtifacts, type Component, type ReleaseArtifact } from "../roles/shared/release-artifacts";
import { mergeSha256Sums } from "../roles/shared/sha256sums";

const downloads = (h: HostContext) => String(h.vars.downloads_dir);
const artifactOf = (h: HostContext, component: Component) => releaseArtifacts(h.vars, [component])[0];

/** What keeps the run from starting: no downloads_dir, tarballs without a checksum. */
function missingInputs(h: HostContext): string | undefined {
  if (typeof h.vars.downloads_dir !== "string" || h.vars.downloads_dir === "") {
    return "give the folder holding the downloaded release tarballs: -e downloads_dir=DIR";
  }
  const unknown = releaseArtifacts(h.vars).filter((a) => a.checksum === undefined);
  if (unknown.length === 0) return undefined;
  const each = unknown.map((a) => `${a.tarball} ${a.version} (${a.checksumsVar}: { ${a.version}: "sha256:HEX" })`);
  return `no checksum for ${each.join(", ")}: give each as its release page publishes it or, where none is published, as you computed it from a copy you trust, in the inventory's group_vars or with -e '{"VARIABLE": {...}}'; tsplay unpacks no tarball it cannot check`;
}

const unpack = (component: Component, name: string): Task<UnarchiveResult> =>
  task(
    name,
    unarchive((h) => {
      const a = artifactOf(h, component)!;
      return { src: `${downloads(h)}/${a.tarball}`, dest: `${String(h.vars.artifacts_dir)}/${a.folder}`, include: a.members, stripComponents: a.stripComponents };
    }),
    { when: (h) => artifactOf(h, component) !== undefined },
  );

const unpacked: [Component, Task<UnarchiveResult>][] = [
  ["kubernetes", unpack("kubernetes", "Kubernetes server binaries from their tarball")],
  ["etcd", unpack("etcd", "etcd binaries from their tarball")],
  ["flannel", unpack("flannel", "flannel binaries from their tarball")],
  ["docker", unpack("docker", "dockerd from its tarball")],
];

/** The manifest as it was, with every file this run unpacked (or, under --check, would) and its sha256. */
function manifest(h: HostContext): string {
  const sums = new Map<string, string>();
  for (const [component, t] of unpacked) {
    const a: ReleaseArtifact | undefined = artifactOf(h, component);
    for (const file of h.result(t)?.files ?? []) if (a) sums.set(`${a.folder}/${file.path}`, file.sha256);
  }
  return mergeSha256Sums(h.controllerFile(`${String(h.vars.artifacts_dir)}/${MANIFEST}`) ?? "", sums);
}

export default playbook([
  play({
    name: "release tarballs, checked and unpacked into artifacts_dir",
    hosts: "localhost",
    gatherFacts: false,
    tasks: [
      task("downloads_dir, and a checksum for every tarball", assert({ that: (h) => missingInputs(h) === undefined, failMsg: (h) => missingInputs(h) ?? "" })),
      task(
        "the downloaded tarballs have their checksums",
        checksum({ chdir: "{{downloads_dir}}", files: (h) => releaseArtifacts(h.vars).map((a) => ({ path: a.tarball, checksum: a.checksum! })) }),
      ),
      ...unpacked.map(([, t]) => t),
      task(`${MANIFEST} of the unpacked files`, copy({ dest: `{{artifacts_dir}}/${MANIFEST}`, content: manifest, mode: "0644" })),
    ],
  }),
]);
