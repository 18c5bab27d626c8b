/** `tsplay new playbook NAME`: a playbook built from core modules, and its test on the test hosts. */
import { hostTest } from "./host-test";
import type { ScaffoldName } from "./names";

/** `folder`: where the playbook is created, as the user sees it. */
export function playbookFiles({ name, snake }: ScaffoldName, folder: string): Record<string, string> {
  const dir = `${snake}_dir`;
  return {
    [`${name}.ts`]: `/**
 * ${name}: TODO say what this playbook does.
 *
 *   npx tsplay ${folder}/${name}.ts -i INVENTORY [--check] [--diff]
 *
 * A role is added with \`roles: [someRole.with({ ... })]\` in the play.
 */
import { handler, play, playbook, task } from "tsplay";
import { command, copy, file } from "tsplay/modules";

const reload = handler("${name}: reload", command({ argv: ["touch", "{{${dir}}}/reloaded"] }));

export default playbook([
  play({
    name: "${name}",
    hosts: "all",
    // play vars: inventory variables lose to them, \`-e\` wins over them
    vars: { ${dir}: "/srv/${name}", ${snake}_motd: "managed by tsplay" },
    handlers: [reload],
    tasks: [
      task("${name}: folder", file({ path: "{{${dir}}}", state: "directory", mode: "0755" })),
      task("${name}: motd", copy({ dest: "{{${dir}}}/motd", content: "{{${snake}_motd}} on {{inventory_hostname}}\\n", mode: "0644" }), {
        notify: [reload],
      }),
    ],
  }),
]);
`,
    [`tests/${name}.test.ts`]: hostTest({
      subject: `playbook ${name}`,
      playbook: `../${name}.ts`,
      dirVar: dir,
      name,
      runWith: `npx vitest run ${folder}/tests/${name}.test.ts`,
    }),
  };
}
