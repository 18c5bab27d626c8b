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
 * tsc and fails when the playbook loads; its own tasks read them typed (\`h.params\`).
 * Each use of the role has its own parameters and handler runs. Everything it writes is
 * below \`${dir}\`.
 */
import { role, roleParams } from "tsplay";
import { command, file, template } from "tsplay/modules";

const p = roleParams({
  ${dir}: "/etc/${name}",
  ${snake}_port: 8080,
  ${snake}_log_level: "info",
});

// Runs once, after the play's tasks, on the hosts where a task that notifies it changed.
// For a service this would be systemd({ name: "${name}", state: "restarted" }).
const reload = p.handler("${name}: reload", command({ argv: (h) => ["touch", \`\${h.params.${dir}}/reloaded\`] }));

export const ${camel} = role({
  name: "${name}",
  // templates/ and files/ are looked up below this folder
  dir: import.meta.dirname,
  defaults: p.defaults,
  handlers: [reload],
  tasks: [
    p.task("${name}: folder", file({ path: "{{${dir}}}", state: "directory", mode: "0755" }), { tags: ["${name}"] }),
    p.task("${name}: config", template({ src: "${name}.conf.mustache", dest: "{{${dir}}}/${name}.conf", mode: "0644" }), {
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
