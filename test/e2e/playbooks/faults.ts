/**
 * A run that takes a few seconds on every host, to power a host off under: a folder, a
 * slow step, then files written into the folder. `-e root=DIR`.
 */
import { play, playbook, task } from "../../../engine";
import { command, copy, file } from "../../../modules";

export default playbook([
  play({
    name: "faults",
    hosts: "testbed",
    gatherFacts: false,
    tasks: [
      task("folder", file({ path: "{{root}}", state: "directory" })),
      task("slow step", command({ argv: ["sleep", "4"], creates: "{{root}}/slept" })),
      task("slept", copy({ dest: "{{root}}/slept", content: "done\n" })),
      task("files", copy({ dest: "{{root}}/file-{{item}}", content: "{{item}}\n" }), { loop: [1, 2, 3, 4, 5] }),
      task("last", copy({ dest: "{{root}}/last", content: "{{inventory_hostname}}\n" })),
    ],
  }),
]);
