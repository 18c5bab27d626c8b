/**
 * systemd on every test host: a unit installed by an earlier task and started (in --check,
 * "would start"), enabled, restarted by a handler when its file changes (systemd re-reads
 * it first, on its own), a unit masked, and, with `-e sleeper=off`, stopped and disabled.
 */
import { handler, play, playbook, task } from "../../../engine";
import { copy } from "../../../modules";
import { systemd } from "../../../modules/systemd";

const on = (h: { vars: Record<string, unknown> }) => h.vars.sleeper !== "off";
const restart = handler("restart sleeper", systemd({ name: "tsplay-sleeper", state: "restarted" }));

export default playbook([
  play({
    name: "systemd",
    hosts: "testbed",
    handlers: [restart],
    vars: { sleep_seconds: "1000", sleeper: "on" },
    tasks: [
      task("sleeper unit", copy({ dest: "/etc/systemd/system/tsplay-sleeper.service", content: "[Unit]\nDescription=tsplay test sleeper\n[Service]\nExecStart=/bin/sleep {{sleep_seconds}}\n[Install]\nWantedBy=multi-user.target\n" }), { notify: [restart] }),
      task("sleeper", systemd({ name: "tsplay-sleeper", state: (h) => (on(h) ? "started" : "stopped"), enabled: on })),
      task("never", systemd({ name: "tsplay-never.service", masked: true })),
    ],
  }),
]);
