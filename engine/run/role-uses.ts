/**
 * The uses of roles in one play. Each use is private: its parameters layered on its own
 * defaults, its role's vars, and the handlers it notifies. When a play uses a role more
 * than once, its output names each use by the parameters that tell them apart.
 *
 *   roles: [leak.with({ leak_name: "first" }), leak]   →   "leak (leak_name=first)", "leak (leak_name=default)"
 */
import type { Handler, Notifiable, Play, Role, RoleUse } from "../dsl";

/**
 * The label output shows for each use: the role's name and, for a role used more than
 * once, the first parameter whose value differs in every use (else all that differ, else
 * the use's number).
 */
export function roleLabels(play: Play): Map<RoleUse, string> {
  const labels = new Map<RoleUse, string>();
  for (const use of play.roles) {
    const siblings = play.roles.filter((other) => other.role === use.role);
    if (siblings.length === 1) {
      labels.set(use, use.role.name);
      continue;
    }
    const value = (u: RoleUse, key: string) => u.params?.[key] ?? u.role.defaults[key];
    const distinct = (key: string) => new Set(siblings.map((u) => JSON.stringify(value(u, key)))).size;
    const keys = Object.keys(use.role.defaults);
    const telling = keys.find((key) => distinct(key) === siblings.length);
    const words = (telling ? [telling] : keys.filter((key) => distinct(key) > 1)).map((key) => `${key}=${String(value(use, key))}`);
    labels.set(use, `${use.role.name} (${words.length ? words.join(", ") : `#${siblings.indexOf(use) + 1}`})`);
  }
  return labels;
}

/** Which role defines each handler of the play (a play's own handlers have none). */
export function handlerOwners(play: Play): Map<Handler<any, any>, Role<any>> {
  const owners = new Map<Handler<any, any>, Role<any>>();
  for (const use of play.roles) for (const h of use.role.handlers) if (!owners.has(h)) owners.set(h, use.role);
  return owners;
}

/** A handler to run, and the use of its role whose values it runs with (none for a play's handler). */
export interface Notification {
  handler: Handler<any, any>;
  use: RoleUse | undefined;
}

/**
 * The handlers `notify` names, each with the use it runs for: notified from inside a use of
 * its own role, that use; from anywhere else, every use of its role in the play.
 */
export function notifications(play: Play, handlers: readonly Handler<any, any>[], owners: Map<Handler<any, any>, Role<any>>, notify: readonly Notifiable[], from: RoleUse | undefined): Notification[] {
  const named = handlers.filter((h) => notify.some((n) => n === h || (n.kind === "topic" && h.listen.some((t) => t.name === n.name))));
  return named.flatMap((handler): Notification[] => {
    const owner = owners.get(handler);
    if (!owner) return [{ handler, use: undefined }];
    if (from?.role === owner) return [{ handler, use: from }];
    return play.roles.filter((use) => use.role === owner).map((use) => ({ handler, use }));
  });
}
