import { describe, expect, it } from "vitest";
import { block, play, playbook, role, task } from "../../engine";
import { debug, setFact } from "../../modules";
import { run } from "./harness";

// Each layer sets `v` to its own name and also sets a marker only it sets; the task
// shows `v`. Removing layers from the top down must reveal each one below.
const INVENTORY = `
[parent:children]
child
[child]
h1 v=host
[all:vars]
ansible_connection=local
v=inv_all
[parent:vars]
v=parent
[child:vars]
v=child
`;

function layered(layers: { role?: boolean; play?: boolean; roleVars?: boolean; block?: boolean; task?: boolean; fact?: boolean }) {
  const r = role({
    name: "r",
    defaults: { v: "role_default" },
    vars: layers.roleVars ? { v: "role_vars" } : {},
    tasks: [
      ...(layers.fact ? [task("set", setFact({ v: "set_fact" }))] : []),
      block("b", [task("show", debug({ msg: "{{v}}" }), { vars: layers.task ? { v: "task" } : undefined })], { vars: layers.block ? { v: "block" } : undefined }),
    ],
  });
  return playbook([play({ name: "p", hosts: "h1", gatherFacts: false, vars: layers.play ? { v: "play" } : {}, roles: [r] })]);
}

const shown = async (pb: ReturnType<typeof layered>, inventory = INVENTORY, extra = {}) =>
  (await run(pb, inventory, { extraVars: extra })).results.find((e) => e.task === "show")?.msg;

describe("variable precedence", () => {
  it("goes role defaults < inventory < play < role vars < block < task < set facts < extra vars", async () => {
    const all = { play: true, roleVars: true, block: true, task: true, fact: true };
    expect(await shown(layered(all), INVENTORY, { v: "extra" })).toBe("extra");
    expect(await shown(layered(all))).toBe("set_fact");
    expect(await shown(layered({ ...all, fact: false }))).toBe("task");
    expect(await shown(layered({ play: true, roleVars: true, block: true }))).toBe("block");
    expect(await shown(layered({ play: true, roleVars: true }))).toBe("role_vars");
    expect(await shown(layered({ play: true }))).toBe("play");
    expect(await shown(layered({}))).toBe("host");
  });

  it("inside the inventory: all < parent group < child group < host", async () => {
    const pb = layered({});
    expect(await shown(pb, INVENTORY.replace("h1 v=host", "h1"))).toBe("child");
    expect(await shown(pb, INVENTORY.replace("h1 v=host", "h1").replace("[child:vars]\nv=child", ""))).toBe("parent");
    expect(await shown(pb, "[child]\nh1\n[all:vars]\nansible_connection=local\nv=inv_all\n")).toBe("inv_all");
    expect(await shown(pb, "[child]\nh1\n[all:vars]\nansible_connection=local\n")).toBe("role_default");
  });

  it("an undefined variable fails the task, naming the variable, the task and the host", async () => {
    const pb = playbook([play({ name: "p", hosts: "h1", gatherFacts: false, tasks: [task("uses nothing", debug({ msg: "{{nothing_here}}" }))] })]);
    const r = await run(pb);
    const e = r.results[0]!;
    expect(e).toMatchObject({ task: "uses nothing", host: "h1", status: "failed" });
    expect(e.msg).toMatch(/undefined variable 'nothing_here'/);
    expect(e.msg).toMatch(/vars\.test\.ts:\d+/);
  });

  it("exposes magic variables: inventory_hostname, groups, group_names, hostvars", async () => {
    const pb = playbook([
      play({
        name: "p",
        hosts: "h1",
        gatherFacts: false,
        tasks: [task("magic", debug({ msg: (h) => `${h.vars.inventory_hostname} ${JSON.stringify(h.vars.groups)} ${h.vars.group_names} {{hostvars.h1.v}}` }))],
      }),
    ]);
    const r = await run(pb, INVENTORY);
    expect(r.results[0]!.msg).toBe('h1 {"all":["h1"],"ungrouped":[],"parent":["h1"],"child":["h1"]} parent,child host');
  });
});
