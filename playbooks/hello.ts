/**
 * The smallest useful playbook: a role with a template and a handler, tags, and a
 * check before anything is touched. Writes only below the folder given as `-e root=DIR`.
 *
 *   tsplay playbooks/hello.ts -i localhost -e root=$(mktemp -d)
 */
import { play, playbook, task } from "../engine";
import { assert, copy, debug } from "../modules";
import { greeter } from "../roles/greeter";

export default playbook([
  play({
    name: "say hello",
    hosts: "all",
    preTasks: [
      task("root is an absolute folder", assert({ that: (h) => typeof h.vars.root === "string" && h.vars.root.startsWith("/"), failMsg: "pass -e root=/some/dir" }), {
        tags: ["always"],
      }),
    ],
    // role parameters are typed: greeter.with({ audiance: "x" }) or { audience: 42 } does not compile
    roles: [greeter.with({ audience: "tsplay users" })],
    tasks: [
      task("marker", copy({ dest: "{{root}}/greeter/marker", content: "managed by tsplay\n", mode: "0600" }), { tags: ["marker"] }),
      task("say where", debug({ msg: "greeting written to {{root}}/greeter/greeting.txt" })),
    ],
  }),
]);
