/**
 * A backup as the etcd-backup playbook takes one: a binary file only root can read is
 * made on every host, then fetched to the controller, in Ansible's per-host layout and flat.
 *
 *   tsplay test/e2e/playbooks/fetch.ts -i hosts.ini -e root=/root/x -e backups=/tmp/b
 */
import { play, playbook, task } from "../../../engine";
import { fetch, file, shell } from "../../../modules";

export default playbook([
  play({
    name: "fetch over ssh",
    hosts: "testbed",
    gatherFacts: false,
    vars: { snapshot: "{{root}}/snap $(id) 'q' ü.db" },
    tasks: [
      task("root folder", file({ path: "{{root}}", state: "directory", mode: "0700" })),
      // 3 MB of random bytes: binary output through the connection, larger than one SSH window
      task("snapshot", shell({ cmd: 'head -c 3000000 /dev/urandom > "$F" && chmod 600 "$F"', env: { F: "{{snapshot}}" }, creates: "{{snapshot}}" })),
      task("fetch", fetch({ src: "{{snapshot}}", dest: "{{backups}}/tree" })),
      task("fetch flat", fetch({ src: "{{snapshot}}", dest: "{{backups}}/{{inventory_hostname}}.db", flat: true })),
    ],
  }),
]);
