/**
 * A run with something in every section of the report: a changed file (and its diff), a
 * no-log file holding a secret, a slow step, a skipped task, an ignored failure, a failure on
 * one host, a handler. Writes only below `-e root=DIR` (a folder per host, so that several
 * inventory hosts may be this machine); `-e fail_on=HOST` names the host that fails,
 * `-e secret=…` the value that must never reach the report; a host's `nap` var (seconds)
 * makes its slow step slower.
 *
 *   tsplay test/report/playbooks/reported.ts -i localhost -e root=/tmp/r -e fail_on=localhost -e secret=s3cret --report r.html
 */
import { handler, play, playbook, task } from "../../../engine";
import { command, copy, debug, file } from "../../../modules";

const reload = handler("reload the app", debug({ msg: "app reloaded" }));

export default playbook([
  play({
    name: "report fixture",
    hosts: "all",
    vars: { port: 8080 },
    handlers: [reload],
    tasks: [
      task("app folder", file({ path: "{{root}}/{{inventory_hostname}}/app", state: "directory" })),
      task("app config", copy({ dest: "{{root}}/{{inventory_hostname}}/app/app.conf", content: "port={{port}}\nhost={{inventory_hostname}}\n" }), { notify: [reload] }),
      task("app token", copy({ dest: "{{root}}/{{inventory_hostname}}/app/token", content: "token={{secret}}\n", mode: "0600" }), { noLog: true }),
      task("slow step", command({ argv: (h) => ["sleep", String(h.vars.nap ?? 0.3)] }), { changedWhen: () => false }),
      task("only on request", debug({ msg: "not shown" }), { when: (h) => h.vars.never === true }),
      task("may fail", command({ argv: ["false"] }), { ignoreErrors: true, changedWhen: () => false }),
      task("break one host", command({ argv: ["sh", "-c", "echo the disk is on fire >&2; exit 3"] }), { when: (h) => h.host === h.vars.fail_on }),
      task("after the break", debug({ msg: "still here" })),
    ],
  }),
]);
