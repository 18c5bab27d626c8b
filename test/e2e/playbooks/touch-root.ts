/** Writes into /root: possible only as root, so it shows whether become worked. */
import { play, playbook, task } from "../../../engine";
import { command, copy } from "../../../modules";

export default playbook([
  play({
    name: "become",
    hosts: "testbed",
    gatherFacts: false,
    tasks: [
      task("who", command({ cmd: "id -un" }), { changedWhen: () => false, checkMode: false }),
      task("root-only file", copy({ dest: "/root/tsplay-become-{{marker}}", content: "written with sudo\n", mode: "0600" })),
    ],
  }),
]);
