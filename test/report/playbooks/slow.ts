/**
 * A run slow enough to interrupt: a quick first task, then a wait long enough to press
 * Ctrl-C during it, then a task that an interrupted run never starts.
 *
 *   tsplay test/report/playbooks/slow.ts -i localhost --report r.html   # then Ctrl-C
 */
import { play, playbook, task } from "../../../engine";
import { command, debug } from "../../../modules";

export default playbook([
  play({
    name: "slow",
    hosts: "all",
    gatherFacts: false,
    tasks: [
      task("first", debug({ msg: "started" })),
      task("long wait", command({ argv: ["sleep", "2"] }), { changedWhen: () => false }),
      task("never started when interrupted", debug({ msg: "too late" })),
    ],
  }),
]);
