/**
 * The day-2 playbooks' cordon, drain, uncordon and delete node run kubectl with the admin
 * kubeconfig through the kubectl module. Through `command` (as before), a PKI folder kept in
 * the vault handed kubectl vault text: the first cordon failed. Each such task, its
 * arguments taken as a run would, gets a private decrypted copy.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { HostContext, Playbook, Task } from "../../engine";
import { resolveArgs } from "../../engine/run/run-module";
import { Vault } from "../../engine/vault/vault";
import type { KubectlResult } from "../../modules/kubectl";
import removeNode from "../../playbooks/remove-node";
import upgrade from "../../playbooks/upgrade";
import { makeContext } from "../modules/context";
import { tempDir } from "../temp-dir";
import { standInKubectl } from "../vault/stand-in-kubectl";

const dir = tempDir("tsplay-admin-kubectl-");
// kubectl get node answers with a node an earlier run left cordoned
const standIn = standInKubectl(dir, { items: [{ kind: "Node", metadata: { name: "10.77.0.14" }, spec: { unschedulable: true } }] });
const vault = new Vault([{ label: "default", password: Buffer.from("pw") }]);
const CONFIG = "apiVersion: v1\nkind: Config\n";
writeFileSync(join(dir, "admin.kubeconfig"), vault.seal(CONFIG));

const tasksOf = (book: Playbook): Task[] => book.plays.flatMap((p) => [...p.preTasks, ...p.tasks, ...p.postTasks]).filter((t): t is Task => t.kind === "task");
const KUBECTL_TASKS: [string, Playbook, [string, string][]][] = [
  ["remove-node.ts", removeNode, [["cordoned", "cordon"], ["drained", "drain"], ["Node deleted", "delete node"]]],
  ["upgrade.ts", upgrade, [["cordoned before?", "get node"], ["cordoned", "cordon"], ["drained", "drain"], ["uncordoned", "uncordon"]]],
];
const vars = { pki_dir: dir, node: "h4", node_ip: "10.77.0.14", kube_version: "v1.8.4", kube_api_tasks: true, hostvars: { h4: { node_ip: "10.77.0.14" } } };

describe("the day-2 playbooks' kubectl and a PKI folder kept in the vault", () => {
  for (const [file, book, expected] of KUBECTL_TASKS) {
    it(`${file}: ${expected.map(([name]) => name).join(", ")} hand kubectl the decrypted admin kubeconfig`, async () => {
      for (const [name, verb] of expected) {
        const task = tasksOf(book).find((t) => t.name === name);
        expect(task?.call.module.name, name).toBe("kubectl");
        const ctx = makeContext({ vars, vault: { vault, sealFiles: true } });
        const h = { ...ctx.hostContext, groups: { all: ["h1", "h4"] } };
        const args = resolveArgs(task!.call.args, h, vars);
        standIn.forget();
        const plan = await task!.call.module.plan(ctx, args);
        await plan.apply?.();
        const { words, content } = standIn.seen();
        expect(words, name).toMatch(new RegExp(` ${verb} 10\\.77\\.0\\.14( |$)`));
        expect(content, name).toBe(CONFIG);
      }
    });
  }

  it("upgrade.ts uncordons a node an earlier run left cordoned, though its version is already the one asked for", async () => {
    const ctx = makeContext({ vars });
    const read = tasksOf(upgrade).find((t) => t.name === "cordoned before?")!;
    const plan = await read.call.module.plan(ctx, { get: ["node", "10.77.0.14"], kubeconfig: join(dir, "plain.kubeconfig") });
    const items = (plan.result as KubectlResult | undefined)?.items;
    expect(items).toHaveLength(1);
    const results: Record<string, unknown> = { "cordoned before?": { items }, "installed kubelet version": { stdout: "Kubernetes v1.8.4" } };
    const h = { ...ctx.hostContext, result: (t: { name: string }) => results[t.name] } as unknown as HostContext;
    const when = tasksOf(upgrade).find((t) => t.name === "uncordoned")!.options.when as (h: HostContext) => boolean;
    expect(when(h)).toBe(true);
    results["cordoned before?"] = { items: [] };
    expect(when(h)).toBe(false);
  });
});
