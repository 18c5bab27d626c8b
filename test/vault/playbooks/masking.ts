/**
 * Vault values through every kind of output, for test/vault/masking.test.ts: a task name,
 * a message, a command's output and failure, a file's diff, a controller file read through
 * copy's src. Writes only below `-e dir=DIR`.
 *
 *   tsplay test/vault/playbooks/masking.ts -i localhost -e dir=/tmp/x -e @secrets.yml --vault-password-file pw --diff
 */
import { play, playbook, task } from "../../../engine";
import { command, copy, debug } from "../../../modules";

export default playbook([
  play({
    name: "vault values in output",
    hosts: "localhost",
    gatherFacts: false,
    tasks: [
      task("show {{db_password}}", debug({ msg: "the password is {{db_password}}" })),
      task("echo it", command({ cmd: "echo token {{api_key}}" })),
      task("a config holding it", copy({ dest: "{{dir}}/app.conf", content: "password={{db_password}}\nport=1\n" })),
      task("a vault-encrypted controller file, copied", copy({ src: "{{dir}}/sealed.conf", dest: "{{dir}}/unsealed.conf", mode: "0600" })),
      task("a failure that prints it", command({ cmd: "sh -c 'echo {{db_password}} >&2; exit 3'" }), { ignoreErrors: true }),
    ],
  }),
]);
