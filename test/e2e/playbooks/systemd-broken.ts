/** A unit whose start fails: the task must fail with the unit's status and journal. */
import { play, playbook, task } from "../../../engine";
import { copy } from "../../../modules";
import { systemd } from "../../../modules/systemd";

export default playbook([
  play({
    name: "broken unit",
    hosts: "testbed",
    gatherFacts: false,
    tasks: [
      task("broken unit", copy({ dest: "/etc/systemd/system/tsplay-broken.service", content: "[Service]\nType=oneshot\nExecStart=/bin/sh -c 'echo tsplay-boom >&2; exit 3'\n" })),
      task("start it", systemd({ name: "tsplay-broken", state: "started" })),
    ],
  }),
]);
