/**
 * A small example role: a folder, a templated greeting, a settings line, and a
 * handler that records each time the greeting changed. Everything stays below `root`.
 * Its parameters (`p`) are typed in its own code: `h.params.audience` is a string.
 */
import { role, roleParams } from "../../engine";
import { command, file, lineinfile, template } from "../../modules";

const p = roleParams({ greeting: "Hello", audience: "world" });

const recordChange = p.handler(
  "record greeting change",
  command({ argv: ["sh", "-c", 'date -u +%FT%TZ >> "$1"', "sh", "{{root}}/greeter/changes.log"] }),
);

export const greeter = role({
  name: "greeter",
  dir: import.meta.dirname,
  defaults: p.defaults,
  handlers: [recordChange],
  tasks: [
    p.task("greeter folder", file({ path: "{{root}}/greeter", state: "directory", mode: "0755" }), { tags: ["greeter"] }),
    p.task("greeting", template({ src: "greeting.txt.mustache", dest: "{{root}}/greeter/greeting.txt", mode: "0644" }), {
      tags: ["greeter"],
      notify: [recordChange],
    }),
    p.task("greeting settings", lineinfile({ path: "{{root}}/greeter/settings.conf", regexp: "^audience=", line: (h) => `audience=${h.params.audience.trim()}`, create: true }), {
      tags: ["greeter", "settings"],
    }),
  ],
});
