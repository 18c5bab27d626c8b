/**
 * A small example role: a folder, a templated greeting, a settings line, and a
 * handler that records each time the greeting changed. Everything stays below `root`.
 */
import { handler, role, task } from "../../engine";
import { command, file, lineinfile, template } from "../../modules";

const recordChange = handler(
  "record greeting change",
  command({ argv: ["sh", "-c", 'date -u +%FT%TZ >> "$1"', "sh", "{{root}}/greeter/changes.log"] }),
);

export const greeter = role({
  name: "greeter",
  dir: import.meta.dirname,
  defaults: { greeting: "Hello", audience: "world" },
  handlers: [recordChange],
  tasks: [
    task("greeter folder", file({ path: "{{root}}/greeter", state: "directory", mode: "0755" }), { tags: ["greeter"] }),
    task("greeting", template({ src: "greeting.txt.mustache", dest: "{{root}}/greeter/greeting.txt", mode: "0644" }), {
      tags: ["greeter"],
      notify: [recordChange],
    }),
    task("greeting settings", lineinfile({ path: "{{root}}/greeter/settings.conf", regexp: "^audience=", line: "audience={{audience}}", create: true }), {
      tags: ["greeter", "settings"],
    }),
  ],
});
