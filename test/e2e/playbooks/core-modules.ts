/**
 * Every core module once, on every test host, below `root` — a folder whose name is
 * hostile to shells. Converges: a second run changes nothing.
 */
import { handler, play, playbook, task } from "../../../engine";
import { assert, command, copy, debug, file, lineinfile, setFact, shell, template, waitFor } from "../../../modules";

const NASTY = "we ird $(touch pwned); 'q' \"dq\" ü";
const restarted = handler("note the change", command({ argv: ["touch", "{{root}}/handler-ran"] }));

export default playbook([
  play({
    name: "core modules over ssh",
    hosts: "testbed",
    handlers: [restarted],
    vars: { dir: `{{root}}/${NASTY}` },
    tasks: [
      task("facts say Debian", assert({ that: (h) => [h.facts.os_family === "Debian", h.facts.pkg_mgr === "apt", h.facts.init_system === "systemd"] })),
      task("root folder", file({ path: "{{root}}", state: "directory", mode: "0755" })),
      task("nasty folder", file({ path: "{{dir}}", state: "directory", mode: "0750" })),
      task("link", file({ path: "{{dir}}/link ;x", src: "{{dir}}", state: "link" })),
      task("copy", copy({ dest: "{{dir}}/copied $(id)", content: "line one\n'quoted' $HOME `id`\n", mode: "0640" }), { notify: [restarted] }),
      task("secret", copy({ dest: "{{dir}}/secret-key.pem", content: "-----BEGIN PRIVATE KEY-----\nnot really\n", mode: "0600" }), { noLog: true }),
      task("template", template({ src: "host.conf.mustache", dest: "{{dir}}/host.conf" })),
      task("lineinfile", lineinfile({ path: "{{dir}}/settings.conf", regexp: "^port=", line: "port=2379", create: true })),
      task("command creates", command({ argv: ["touch", "{{dir}}/made by command"], creates: "{{dir}}/made by command" })),
      // values reach shell code through the environment, never by templating them into it
      task("shell creates", shell({ cmd: 'echo "$0" > "$TARGET"', env: { TARGET: "{{dir}}/made by shell" }, creates: "{{dir}}/made by shell" })),
      task("read back", shell({ cmd: 'cat "$CONF" 2>/dev/null || true', env: { CONF: "{{dir}}/host.conf" } }), { register: "conf", changedWhen: () => false, checkMode: false }),
      task("remember", setFact({ conf_lines: (h) => String((h.vars.conf as { stdout?: string }).stdout ?? "").split("\n").length })),
      task("show", debug({ msg: "{{inventory_hostname}} has {{conf_lines}} lines" })),
      task("sshd listens", waitFor({ port: 22, timeout: 10 })),
      task("file exists", waitFor({ path: "{{dir}}/host.conf", timeout: 10 })),
    ],
  }),
]);
