/**
 * file: a path is a directory, a file with given attributes, a symlink, or absent.
 *
 *   task("etcd data", file({ path: "/var/lib/etcd", state: "directory", owner: "etcd", mode: "0700", recurse: true }))
 *   task("kubectl", file({ path: "/usr/local/bin/kubectl", state: "link", src: "/opt/kubernetes/bin/kubectl" }))
 *
 * As in Ansible: "directory" creates parents; "file" only changes attributes and fails when
 * the file is missing (in check mode it reports a change instead, since an earlier task may
 * create it); "touch" creates or updates times and always reports a change; "link" creates
 * or atomically repoints a symlink (replacing a non-link, or linking to a missing target,
 * needs `force`); "absent" removes recursively. Symlinks are followed except by "link" and
 * "absent". `recurse` applies owner/group/mode to a whole tree, symlinks in it left alone.
 */
import { posix } from "node:path";
import { defineModule, ModuleFailure, type BaseResult, type Plan } from "../engine/module";
import {
  attributeChanges,
  displayPath,
  modeText,
  probe,
  readStat,
  runChange,
  setAttributesCommand,
  statFragment,
  type Attributes,
  type RemoteStat,
} from "../engine/remote-stat";
import { joinShell, sh, type Shell } from "../engine/shell";

type FileState = "directory" | "file" | "absent" | "link" | "touch";

export interface FileResult extends BaseResult {
  path: string;
  state: FileState;
  mode?: string;
  owner?: string;
  group?: string;
  /** the link target, for state "link" */
  src?: string;
}

/** What a state asks of the host; no `steps` and no `fail` means no change. */
interface Outcome {
  summary: string;
  steps: Shell[];
  /** the run must fail, but only when applied: check mode reports the change */
  fail?: string;
}

export const file = defineModule({
  name: "file",
  args: {
    path: { type: "string", required: true },
    state: { type: "string", choices: ["directory", "file", "absent", "link", "touch"] },
    mode: { type: "mode" },
    owner: { type: "string" },
    group: { type: "string" },
    recurse: { type: "boolean", doc: "apply owner/group/mode to everything below a directory" },
    src: { type: "string", doc: "the link target, for state: link" },
    force: { type: "boolean", doc: "link: replace a file or point at a missing target" },
  },
  check(args) {
    const state = args.state ?? "file";
    if (state === "link" && args.src === undefined) return "state 'link' needs 'src' (the link target)";
    if (state !== "link" && args.src !== undefined) return "'src' is only for state 'link'";
    if (state === "link" && args.mode !== undefined) return "a symlink has no mode of its own; set 'mode' on its target";
    if (args.recurse && state !== "directory") return "'recurse' is only for state 'directory'";
    return undefined;
  },
  async plan(ctx, args): Promise<Plan<FileResult>> {
    const state: FileState = args.state ?? "file";
    // a trailing slash would make `rm` or `[ -L ]` act on a link's target
    const path = state === "link" || state === "absent" ? args.path.replace(/(.)\/+$/, "$1") : args.path;
    const wanted: Attributes = { mode: args.mode, owner: args.owner, group: args.group };
    const linkTarget = args.src;
    const lines = [sh`p=${path}`, statFragment("p", "", { follow: state !== "link" && state !== "absent" })];
    if (linkTarget !== undefined) {
      const resolved = linkTarget.startsWith("/") ? linkTarget : `${posix.dirname(path)}/${linkTarget}`;
      lines.push(sh`if [ -e ${resolved} ]; then echo target=1; fi`);
    }
    if (args.recurse) lines.push(sh`if [ "$t" = directory ]; then ${treeDiffers(wanted)}; fi`);
    const fields = await probe(ctx.conn, lines);
    const stat = readStat(fields, "");
    const shown = displayPath(path);

    const outcome = ((): Outcome => {
      switch (state) {
        case "absent":
          return stat.type === "absent" ? none() : { summary: `remove ${stat.type} ${shown}`, steps: [sh`rm -rf -- ${path}`] };
        case "directory":
          return directory(path, shown, stat, wanted, args.recurse === true && fields.has("tree"));
        case "file":
          if (stat.type === "absent" || stat.type === "link") {
            const fail = `${shown} does not exist; state 'file' only changes attributes (use state 'touch', copy or template to create it)`;
            return { summary: `${shown} is missing (an earlier task may create it)`, steps: [], fail };
          }
          if (stat.type === "directory") throw new ModuleFailure(`${shown} is a directory, not a file (use state 'directory')`);
          return attributes(path, shown, stat, wanted);
        case "touch": {
          const changes = stat.type === "absent" || stat.type === "link" ? [] : attributeChanges(stat, wanted);
          const verb = stat.type === "absent" || stat.type === "link" ? "create" : "touch";
          return { summary: [`${verb} ${shown}`, ...changes].join(", "), steps: [sh`touch -- ${path}`, setAttributesCommand(path, wanted)] };
        }
        case "link":
          return link(path, shown, stat, wanted, linkTarget ?? "", args.force === true, fields.has("target"));
      }
    })();

    const result: FileResult = { changed: false, path, state };
    if (state === "link") Object.assign(result, { src: linkTarget, owner: args.owner ?? stat.owner, group: args.group ?? stat.group });
    else if (state !== "absent") {
      Object.assign(result, { mode: modeText(args.mode ?? stat.mode), owner: args.owner ?? stat.owner, group: args.group ?? stat.group });
    }
    const steps = outcome.steps.filter((step) => step.text !== "");
    if (steps.length === 0 && !outcome.fail) return { changed: false, result };

    const diff =
      ctx.diff && !ctx.noLog
        ? [{ path, before: describe(stat.type, stat), after: describe(state === "touch" ? "file" : state, { ...stat, ...result, mode: result.mode }) }]
        : undefined;
    const apply = async () => {
      if (outcome.fail) throw new ModuleFailure(outcome.fail);
      await runChange(ctx.conn, joinShell([sh`set -e`, ...steps], "\n"), `could not ${outcome.summary}`);
    };
    return { changed: true, summary: outcome.summary, diff, result, apply };
  },
});

function none(): Outcome {
  return { summary: "", steps: [] };
}

function attributes(path: string, shown: string, stat: RemoteStat, wanted: Attributes): Outcome {
  const changes = attributeChanges(stat, wanted);
  return changes.length ? { summary: `${shown}: ${changes.join(", ")}`, steps: [setAttributesCommand(path, wanted)] } : none();
}

function directory(path: string, shown: string, stat: RemoteStat, wanted: Attributes, treeDiffers: boolean): Outcome {
  if (stat.type === "absent") {
    const summary = `create directory ${shown}`;
    const general = joinShell([sh`mkdir -p -- ${path}`, setAttributesCommand(path, wanted)], "\n");
    const mode = modeText(wanted.mode);
    if (mode === undefined || wanted.owner !== undefined || wanted.group !== undefined) return { summary, steps: [general] };
    // Usually the parent exists and a single mkdir creates the directory with its mode: one
    // process instead of two (each costs several ms on a busy host). Else the general way.
    return { summary, steps: [sh`if ! mkdir -m ${mode} -- ${path} 2>/dev/null; then\n${general}\nfi`] };
  }
  if (stat.type === "link") throw new ModuleFailure(`${shown} is a symlink to a missing target; remove it or fix the link`);
  if (stat.type !== "directory") throw new ModuleFailure(`${shown} exists and is a ${stat.type}, not a directory`);
  if (!treeDiffers) return attributes(path, shown, stat, wanted);
  const changes = attributeChanges(stat, wanted);
  return { summary: `${shown}: ${[...changes, "attributes below it"].join(", ")}`, steps: [fixTree(path, wanted)] };
}

function link(path: string, shown: string, stat: RemoteStat, wanted: Attributes, target: string, force: boolean, targetExists: boolean): Outcome {
  if (stat.type === "link" && stat.linkTarget === target) {
    const changes = attributeChanges(stat, wanted);
    return changes.length ? { summary: `${shown}: ${changes.join(", ")}`, steps: [setAttributesCommand(path, wanted, { link: true })] } : none();
  }
  if (stat.type === "directory") throw new ModuleFailure(`${shown} is a directory; remove it first (state 'absent') to put a link there`);
  if ((stat.type === "file" || stat.type === "other") && !force) {
    throw new ModuleFailure(`${shown} exists and is not a symlink; set force: true to replace it with a link`);
  }
  const summary =
    stat.type === "absent"
      ? `link ${shown} → ${displayPath(target)}`
      : stat.type === "link"
        ? `repoint ${shown}: ${displayPath(stat.linkTarget ?? "")} → ${displayPath(target)}`
        : `replace ${stat.type} ${shown} with a link to ${displayPath(target)}`;
  const fail = targetExists || force ? undefined : `link target ${displayPath(target)} does not exist; set force: true to create a dangling link`;
  // the new link is made beside the old path and renamed over it: never a moment without a link
  const steps = [
    sh`d=$(mktemp -d ${`${posix.dirname(path)}/.tsplay.XXXXXXXX`})`,
    sh`trap 'rm -rf -- "$d"' EXIT`,
    sh`ln -s -- ${target} "$d/link"`,
    sh`mv -T -f -- "$d/link" ${path}`,
    setAttributesCommand(path, wanted, { link: true }),
  ];
  return { summary, steps, fail };
}

function treeCondition(wanted: Attributes, parts: ("owner" | "mode")[]): Shell[] {
  const tests: Shell[] = [];
  const mode = modeText(wanted.mode);
  if (parts.includes("owner") && wanted.owner !== undefined) tests.push(sh`! -user ${wanted.owner}`);
  if (parts.includes("owner") && wanted.group !== undefined) tests.push(sh`! -group ${wanted.group}`);
  if (parts.includes("mode") && mode !== undefined) tests.push(sh`! -perm ${mode}`);
  return tests;
}

/** find's words for "any of these tests": `test1 -o test2 ...` */
const anyOf = (tests: Shell[]) => tests.flatMap((test, i) => (i === 0 ? [test] : ["-o", test]));

/** Prints `tree=differs` when anything below "$p" has other attributes (or find cannot tell). */
function treeDiffers(wanted: Attributes): Shell {
  const tests = treeCondition(wanted, ["owner", "mode"]);
  if (tests.length === 0) return sh`:`;
  return sh`if out=$(find -H "$p" ! -type l \\( ${anyOf(tests)} \\) -printf x -quit); then [ -z "$out" ] || echo tree=differs; else echo tree=differs; fi`;
}

/** Changes only what differs, so file times of already-right entries are left alone. */
function fixTree(path: string, wanted: Attributes): Shell {
  const steps: Shell[] = [];
  const owner = treeCondition(wanted, ["owner"]);
  if (owner.length) {
    const who = (wanted.owner ?? "") + (wanted.group !== undefined ? `:${wanted.group}` : "");
    steps.push(sh`find -H ${path} ! -type l \\( ${anyOf(owner)} \\) -exec chown -- ${who} {} +`);
  }
  const mode = treeCondition(wanted, ["mode"]);
  const modeValue = modeText(wanted.mode);
  if (mode.length && modeValue !== undefined) steps.push(sh`find -H ${path} ! -type l ${mode} -exec chmod -- ${modeValue} {} +`);
  return joinShell(steps, "\n");
}

function describe(type: string, attributes: { mode?: number | string; owner?: string; group?: string; linkTarget?: string; src?: string }): string {
  const lines = [`state: ${type}`];
  if (type === "absent") return `${lines[0]}\n`;
  const target = attributes.src ?? attributes.linkTarget;
  if (type === "link" && target !== undefined) lines.push(`src: ${target}`);
  else if (attributes.mode !== undefined) lines.push(`mode: ${modeText(attributes.mode)}`);
  if (attributes.owner !== undefined) lines.push(`owner: ${attributes.owner}`);
  if (attributes.group !== undefined) lines.push(`group: ${attributes.group}`);
  return `${lines.join("\n")}\n`;
}
