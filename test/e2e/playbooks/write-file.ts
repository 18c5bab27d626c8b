/** One file written with copy: `-e dest=PATH -e size=BYTES` (its content is that many x's). */
import { play, playbook, task } from "../../../engine";
import { copy } from "../../../modules";

export default playbook([
  play({
    name: "write a file",
    hosts: "testbed",
    gatherFacts: false,
    tasks: [task("the file", copy({ dest: "{{dest}}", content: (h) => "x".repeat(Number(h.vars.size)) }))],
  }),
]);
