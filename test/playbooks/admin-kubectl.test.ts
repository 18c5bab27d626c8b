/**
 * The day-2 playbooks' cordon, drain, uncordon and delete node run kubectl with the admin
 * kubeconfig through the kubectl module. Through `command` (as before), a PKI folder kept in
 * the vault handed kubectl vault text: the first cordon failed. Each such task, its
 * arguments taken as a run would, gets a private decrypted copy.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Playbook, Task } from "../../engine";
import { Vault } from "../../engine/vault/vault";
import removeNode from "../../playbooks/remove-node";
import upgrade from "../../playbooks/upgrade";
import { makeContext } from "../modules/context";
import { tempDir } from "../temp-dir";
import { standInKubectl } from "../vault/stand-in-kubectl";

const dir = tempDir("tsplay-admin-kubectl-");
const kubectlSaw = standInKubectl(dir);
const vault = new Vault([{ label: "default", password: Buffer.from("pw") }]);
const CONFIG = "apiVersion: v1\nkind: Config\n";
writeFileSync(join(dir, "admin.kubeconfig"), vault.seal(CONFIG));


const tasksOf = (book: Playbook): Task[] => book.plays.flatMap((p) => [...p.preTasks, ...p.tasks, ...p.postTasks]).filter((t): t is Task => t.kind === "task");
const KUBECTL_TASKS: [string, Playbook, string[]][] = [
  ["remove-node.ts", removeNode, ["cordoned", "drained", "Node deleted"]],
  ["upgrade.ts", upgrade, ["cordoned before?", "cordoned", "drained", "uncordoned"]],
];

describe("the day-2 playbooks' kubectl and a PKI folder kept in the vault", () => {
  for (const [file, book, names] of KUBECTL_TASKS) {
    it(`${file}: ${names.join(", ")} hand kubectl the decrypted admin kubeconfig`, async () => {
      const vars = { pki_dir: dir, node: "h4", node_ip: "10.77.0.14", kube_api_tasks: true, hostvars: { h4: { node_ip: "10.77.0.14" } } };
      for (const name of names) {
        const task = tasksOf(book).find((t) => t.name === name);
        expect(task?.call.module.name, name).toBe("kubectl");
        const ctx = makeContext({ vars, vault: { vault, sealFiles: true } });
        const h = { ...ctx.hostContext, groups: { all: ["h1", "h4"] } };
        const args = Object.fromEntries(Object.entries(task!.call.args as Record<string, unknown>).map(([k, v]) => [k, typeof v === "function" ? v(h) : v]));
        const plan = await task!.call.module.plan(ctx, args);
        await plan.apply?.();
        const { words, content } = kubectlSaw();
        expect(words, name).toContain("10.77.0.14");
        expect(content, name).toBe(CONFIG);
      }
    });
  }
});
