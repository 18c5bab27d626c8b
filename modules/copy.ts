/**
 * copy: a file on the host has the given content, or the content of a controller file.
 *
 *   task("etcd config", copy({ dest: "/etc/etcd/etcd.conf", content: "ETCD_NAME=etcd1\n", mode: "0644" }))
 *   task("ca key", copy({ src: "ca-key.pem", dest: "/etc/kubernetes/ssl/", mode: "0600" }), { noLog: true })
 *
 * `src` is looked up in the role's then the playbook's `files/` folders unless absolute.
 * A `dest` ending in "/" or naming an existing directory receives dest/<basename of src>.
 * Contents are compared by sha256 computed on the host; only owner/mode are changed when
 * the content already matches. `backup` keeps `dest.<timestamp>~` before overwriting;
 * `force: false` leaves an existing file alone. A symlink at dest is replaced by the file.
 * A `src` that does not exist is a failure; under --check it is predicted as a change (an
 * earlier task of the run may make it), and a file an earlier task would have written on
 * the controller is read as that task would have left it.
 */
import { posix } from "node:path";
import { destInDirectory, planFileContent, readSource, type ManagedFileResult } from "../engine/managed-file";
import { defineModule, ModuleFailure, needsEarlierTask, type Plan } from "../engine/module";

export interface CopyResult extends ManagedFileResult {
  /** the controller file copied, when `src` was given */
  src?: string;
}

export const copy = defineModule({
  name: "copy",
  args: {
    dest: { type: "string", required: true },
    content: { type: "string" },
    src: { type: "string", doc: "a controller file, found in the files/ search folders unless absolute" },
    mode: { type: "mode" },
    owner: { type: "string" },
    group: { type: "string" },
    backup: { type: "boolean" },
    force: { type: "boolean", doc: "false: only create dest when it is missing" },
  },
  check(args) {
    if ((args.content === undefined) === (args.src === undefined)) return "give either 'content' or 'src'";
    return undefined;
  },
  async plan(ctx, args): Promise<Plan<CopyResult>> {
    if (args.src === undefined && args.dest.endsWith("/")) {
      throw new ModuleFailure(`dest '${args.dest}' is a directory; with 'content', give the file's full path`);
    }
    let read: { path: string; content: Buffer } | undefined;
    try {
      read = args.src === undefined ? undefined : readSource(ctx, args.src, ctx.searchDirs.files, "src");
    } catch (error) {
      // a src an earlier task of the run makes (a certificate the ca play issues): --check predicts the copy
      if (!(error instanceof ModuleFailure) || !/ not found/.test(error.message)) throw error;
      return needsEarlierTask<CopyResult>(error.message, { changed: true, summary: `copy ${args.src} to ${args.dest}`, result: { dest: args.dest } });
    }
    const source = read?.path;
    const content = read === undefined ? (args.content ?? "") : read.content;
    const dest = destInDirectory(args.dest, args.src);
    const intoDirectory = args.src !== undefined && dest === args.dest ? posix.basename(args.src) : undefined;
    const plan = await planFileContent(ctx, dest, { content, mode: args.mode, owner: args.owner, group: args.group, backup: args.backup, force: args.force }, { intoDirectory });
    return source === undefined ? plan : { ...plan, result: { ...plan.result, src: source } };
  },
});
