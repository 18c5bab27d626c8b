/** `tsplay new role NAME`: the files of a new role that passes its own test as created. */
import { hostTest } from "./host-test";
import type { ScaffoldName } from "./names";

/** `folder`: where the role is created, as the user sees it (for the test's "how to run"). */
export function roleFiles({ name, camel, snake }: ScaffoldName, folder: string): Record<string, string> {
  const dir = `${snake}_dir`;
  return {
    "index.ts": `/**
 * ${name}: TODO say what this role sets up.
 *
 *   play({ name: "${name}", hosts: "all", roles: [${camel}.with({ ${snake}_port: 8080 })] })
 *
 * Its parameters are its defaults: a misspelt name or a value of the wrong type fails
 * tsc and fails when the playbook loads. Everything it writes is below \`${dir}\`.
 */
import { handler, role, task } from "tsplay";
import { command, file, template } from "tsplay/modules";

// Runs once, after the play's tasks, on the hosts where a task that notifies it changed.
// For a service this would be systemd({ name: "${name}", state: "restarted" }).
const reload = handler("${name}: reload", command({ argv: ["touch", "{{${dir}}}/reloaded"] }));

export const ${camel} = role({
  name: "${name}",
  // templates/ and files/ are looked up below this folder
  dir: import.meta.dirname,
  defaults: {
    ${dir}: "/etc/${name}",
    ${snake}_port: 8080,
    ${snake}_log_level: "info",
  },
  handlers: [reload],
  tasks: [
    task("${name}: folder", file({ path: "{{${dir}}}", state: "directory", mode: "0755" }), { tags: ["${name}"] }),
    task("${name}: config", template({ src: "${name}.conf.mustache", dest: "{{${dir}}}/${name}.conf", mode: "0644" }), {
      tags: ["${name}"],
      notify: [reload],
    }),
  ],
});
`,
    [`templates/${name}.conf.mustache`]: `# managed by tsplay (role ${name}) on {{inventory_hostname}}
port={{${snake}_port}}
log_level={{${snake}_log_level}}
`,
    "tests/playbook.ts": `/** The ${name} role on every host of the inventory; ${name}.test.ts runs it. */
import { play, playbook } from "tsplay";
import { ${camel} } from "..";

export default playbook([
  play({
    name: "${name}",
    hosts: "all",
    roles: [${camel}.with({ ${snake}_port: 8080 })],
  }),
]);
`,
    [`tests/${name}.test.ts`]: hostTest({
      subject: `role ${name}`,
      playbook: "playbook.ts",
      dirVar: dir,
      name,
      runWith: `npx vitest run ${folder}/tests`,
    }),
  };
}
