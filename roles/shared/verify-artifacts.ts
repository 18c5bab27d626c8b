/**
 * The play a playbook runs before it copies anything from artifacts_dir: every release file
 * the run will copy (those of the selected versions, of the components not installed from
 * packages) is checked on the controller against {{artifacts_dir}}/SHA256SUMS, the manifest
 * playbooks/artifacts.ts wrote when it unpacked the tarballs it had verified. A file that is
 * missing from the manifest or whose sha256 differs fails the play, naming it, and the run
 * stops there (anyErrorsFatal): no host is touched.
 *
 *   playbook([verifyArtifacts(), ...])                          // playbooks/cluster.ts
 *   playbook([verifyArtifacts(["kubernetes", "flannel"]), ...]) // a playbook copying only those
 *
 * Tagged `always`, so `--tags kubelet` checks too. It runs on the cluster's hosts, once,
 * delegated to the controller, rather than as a play on localhost: `--limit node4` leaves
 * localhost out of every play, and the files node4 gets would go unchecked. `verify_artifacts:
 * false` (a folder filled by hand, no manifest) skips it.
 */
import { play, task, type HostContext, type Play } from "../../engine";
import { assert, checksum } from "../../modules";
import { MANIFEST, releaseArtifacts, type Component } from "./release-artifacts";
import { parseSha256Sums } from "./sha256sums";

const manifestPath = (h: HostContext) => `${String(h.vars.artifacts_dir)}/${MANIFEST}`;
// `-e verify_artifacts=false` gives a string, as in Ansible
const verifying = (h: HostContext) => h.vars.verify_artifacts !== false && h.vars.verify_artifacts !== "false";

/** Why the manifest cannot vouch for the files this run copies, or undefined when it can. */
export function manifestProblem(h: HostContext, components?: readonly Component[]): string | undefined {
  const text = h.controllerFile(manifestPath(h));
  if (text === undefined) {
    return `no ${manifestPath(h)}: assemble artifacts_dir from the release tarballs with playbooks/artifacts.ts (-e downloads_dir=DIR), which checks them against their published checksums and writes it; or set verify_artifacts: false to copy its files unchecked`;
  }
  const listed = parseSha256Sums(text);
  const unlisted = releaseArtifacts(h.vars, components).flatMap((a) => a.files.filter((f) => !listed.has(f)));
  if (unlisted.length === 0) return undefined;
  return `${manifestPath(h)} does not list ${unlisted.join(", ")}: unpack them with playbooks/artifacts.ts, which checks their tarballs first`;
}

function expectedSums(h: HostContext, components?: readonly Component[]) {
  const listed = parseSha256Sums(h.controllerFile(manifestPath(h)) ?? "");
  return releaseArtifacts(h.vars, components)
    .flatMap((a) => a.files)
    .filter((f) => listed.has(f))
    .map((path) => ({ path, checksum: `sha256:${listed.get(path)}` }));
}

export function verifyArtifacts(components?: readonly Component[]): Play {
  const onController = { runOnce: true, delegateTo: "localhost", when: verifying };
  return play({
    name: "release files match the artifacts manifest",
    hosts: "etcd:master:node",
    gatherFacts: false,
    anyErrorsFatal: true,
    tags: ["always"],
    tasks: [
      task(
        "the manifest lists every release file this run copies",
        assert({ that: (h) => manifestProblem(h, components) === undefined, failMsg: (h) => manifestProblem(h, components) ?? "" }),
        onController,
      ),
      task(
        "every release file this run copies has its manifest sha256",
        checksum({ chdir: "{{artifacts_dir}}", files: (h) => expectedSums(h, components), hint: "they changed after playbooks/artifacts.ts unpacked them from their checked tarballs: run it again to restore them" }),
        onController,
      ),
    ],
  });
}
