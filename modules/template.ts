/**
 * template: a file on the host is a controller template rendered with the host's vars.
 *
 *   task("kubelet unit", template({ src: "kubelet.service.mustache", dest: "/etc/systemd/system/kubelet.service" }))
 *
 * `src` is looked up in the role's then the playbook's `templates/` folders unless
 * absolute. Templates are strict mustache: an undefined variable fails the task, nothing
 * is HTML-escaped. The result is written exactly as copy writes content (sha256 compared
 * on the host, atomic write, owner/mode, backup).
 */
import { posix } from "node:path";
import { destInDirectory, planFileContent, readSource, type ManagedFileResult } from "../engine/managed-file";
import { defineModule, ModuleFailure, type Plan } from "../engine/module";

export interface TemplateResult extends ManagedFileResult {
  /** the controller template rendered */
  src: string;
}

export const template = defineModule({
  name: "template",
  args: {
    src: { type: "string", required: true, doc: "a controller template, found in the templates/ search folders unless absolute" },
    dest: { type: "string", required: true },
    mode: { type: "mode" },
    owner: { type: "string" },
    group: { type: "string" },
    backup: { type: "boolean" },
  },
  async plan(ctx, args): Promise<Plan<TemplateResult>> {
    const { path: source, content: text } = readSource(ctx, args.src, ctx.searchDirs.templates, "template");
    let content: string;
    try {
      content = ctx.render(text.toString("utf8"));
    } catch (error) {
      throw new ModuleFailure(`template ${source}: ${(error as Error).message}`);
    }
    const dest = destInDirectory(args.dest, args.src);
    const intoDirectory = dest === args.dest ? posix.basename(args.src) : undefined;
    const plan = await planFileContent(ctx, dest, { content, mode: args.mode, owner: args.owner, group: args.group, backup: args.backup }, { intoDirectory });
    return { ...plan, result: { ...plan.result, src: source } };
  },
});
