/** The public API for playbooks, roles and modules. */
export { block, flushHandlers, handler, play, playbook, role, roleParams, task, topic } from "./dsl";
export type { Block, Handler, Notifiable, Play, Playbook, Role, RoleKit, RoleUse, Task, TaskItem, TaskOptions, Topic } from "./dsl";
export type { Dynamic, Facts, HostContext, Vars } from "./host-context";
export { defineModule, ModuleFailure, needsEarlierTask } from "./module";
export { UserError } from "./errors";
export type { BaseResult, FileDiff, ModuleCall, ModuleContext, Plan } from "./module";
export { joinShell, raw, sh, Shell } from "./shell";
export type { ShellSeparator, ShellValue } from "./shell";
