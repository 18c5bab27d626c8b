/**
 * docker: docker on each `node` (seed-cluster-guide.md 2.7.1), installed with the host's
 * package manager (`docker_packages`) or, with docker_from: artifacts, dockerd from the
 * unpacked static release; joined to flannel's subnet through /run/flannel/docker, with the
 * cgroup driver kubelet uses. The unit lives in /etc/systemd/system, above the package's.
 * With Debian's docker.io, the unit uses the package's docker.socket and containerd service
 * as the packaged unit does.
 */
import { handler, role, task, type HostContext } from "../../engine";
import { copy, systemd } from "../../modules";
import { packagesTask } from "../shared/packages";
import { settings } from "../shared/settings";
import { unitFile } from "../shared/unit";

const restartDocker = handler("restart docker", systemd({ name: "docker", state: "restarted" }));
const fromArtifacts = (h: HostContext) => settings(h).docker_from === "artifacts";

export const docker = role({
  name: "docker",
  dir: import.meta.dirname,
  handlers: [restartDocker],
  tasks: [
    packagesTask("docker packages", (h) => settings(h).docker_packages, (h) => !fromArtifacts(h)),
    task("dockerd from the release", copy({ src: "{{artifacts_dir}}/docker/dockerd", dest: "/usr/local/bin/dockerd", mode: "0755" }), { when: fromArtifacts, notify: [restartDocker] }),
    ...unitFile("docker.service", { notify: [restartDocker] }),
    task("docker enabled and running", systemd({ name: "docker", state: "started", enabled: true })),
  ],
});
