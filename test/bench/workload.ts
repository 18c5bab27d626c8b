/**
 * Benchmark workload 1 (and 2): 50 converging tasks, the tsplay side. The Ansible side is
 * workload.yml, task for task the same: 30 directories, 10 copied files, 10 lines in other
 * files, all below `root` (a host var, or -e root=DIR). Facts are not gathered on either side.
 *
 *   tsplay test/bench/workload.ts -i test/bench/state/inventory-3.ini --forks 3
 */
import { play, playbook, task } from "../../engine";
import { copy, file, lineinfile } from "../../modules";

const two = (i: number) => String(i).padStart(2, "0");
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, k) => from + k);

export default playbook([
  play({
    name: "benchmark workload",
    hosts: "all",
    gatherFacts: false,
    tasks: [
      ...range(1, 30).map((i) => task(`directory ${two(i)}`, file({ path: `{{root}}/d${two(i)}`, state: "directory", mode: "0755" }))),
      ...range(1, 10).map((i) =>
        task(`copy ${two(i)}`, copy({ dest: `{{root}}/d${two(i)}/copy-${two(i)}.conf`, content: `# managed by the benchmark\nsetting_${i} = ${i}\n`, mode: "0644" })),
      ),
      ...range(11, 20).map((i) =>
        task(`line ${two(i)}`, lineinfile({ path: `{{root}}/d${two(i)}/line-${two(i)}.conf`, regexp: `^key${i}=`, line: `key${i}=value${i}`, create: true, mode: "0644" })),
      ),
    ],
  }),
]);
