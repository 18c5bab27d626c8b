/** Copies many large files to every host: a long-running run to cut connections under. */
import { play, playbook, task } from "../../../engine";
import { copy, file } from "../../../modules";

const BIG = "0123456789abcdef".repeat(512 * 1024); // 8 MiB

export default playbook([
  play({
    name: "transfer",
    hosts: "testbed",
    gatherFacts: false,
    tasks: [
      task("folder", file({ path: "{{root}}", state: "directory" })),
      task("big files", copy({ dest: "{{root}}/big-{{item}}", content: (h) => `${h.item}\n${BIG}` }), { loop: Array.from({ length: 40 }, (_, i) => i) }),
    ],
  }),
]);
