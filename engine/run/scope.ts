/** What a task inherits from the play, its role and the blocks around it. */
import type { Block, RoleUse } from "../dsl";
import type { HostContext, Vars } from "../host-context";

export interface Scope {
  role?: RoleUse;
  /** block vars, outer to inner */
  vars: Vars[];
  tags: string[];
  /** the `when`s of the role use and the blocks around the task; all must hold */
  whens: ((h: HostContext) => boolean)[];
  become?: boolean;
  becomeUser?: string;
  noLog?: boolean;
  ignoreErrors?: boolean;
  /** inside a block with a rescue section: a failure there is not yet fatal */
  rescuable: boolean;
}

export function playScope(tags: string[], become?: boolean, becomeUser?: string): Scope {
  return { vars: [], tags, whens: [], become, becomeUser, rescuable: false };
}

export function roleScope(parent: Scope, use: RoleUse): Scope {
  return {
    ...parent,
    role: use,
    tags: [...parent.tags, ...(use.tags ?? [])],
    whens: use.when ? [...parent.whens, use.when] : parent.whens,
  };
}

export function blockScope(parent: Scope, block: Block): Scope {
  const o = block.options;
  return {
    ...parent,
    vars: o.vars ? [...parent.vars, o.vars] : parent.vars,
    tags: [...parent.tags, ...(o.tags ?? [])],
    whens: o.when ? [...parent.whens, o.when] : parent.whens,
    become: o.become ?? parent.become,
    becomeUser: o.becomeUser ?? parent.becomeUser,
    noLog: o.noLog ?? parent.noLog,
    ignoreErrors: o.ignoreErrors ?? parent.ignoreErrors,
    rescuable: parent.rescuable || (o.rescue?.length ?? 0) > 0,
  };
}
