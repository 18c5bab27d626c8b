import { describe, expect, it } from "vitest";
import { play, playbook, role, task } from "../../engine";
import { debug } from "../../modules";
import { run } from "./harness";

const web = role({
  name: "web",
  defaults: { port: 80, server: "nginx", features: ["gzip"] },
  tasks: [task("show", debug({ msg: "{{server}}:{{port}}" }))],
});

describe("typed role parameters", () => {
  it("override the role's defaults and play vars, below extra vars", async () => {
    const pb = playbook([play({ name: "p", hosts: "h1", gatherFacts: false, vars: { port: 1 }, roles: [web.with({ port: 8080 })] })]);
    expect((await run(pb)).results[0]!.msg).toBe("nginx:8080");
    expect((await run(pb, undefined, { extraVars: { port: 9 } })).results[0]!.msg).toBe("nginx:9");
    const plain = playbook([play({ name: "p", hosts: "h1", gatherFacts: false, roles: [web] })]);
    expect((await run(plain)).results[0]!.msg).toBe("nginx:80");
  });

  it("reject a wrong name or type when the playbook loads, for callers tsc did not check", () => {
    // @ts-expect-error: 'prot' is not a parameter of web
    expect(() => web.with({ prot: 8080 })).toThrow("role web: unknown parameter 'prot' (parameters: port, server, features)");
    // @ts-expect-error: port is a number
    expect(() => web.with({ port: "8080" })).toThrow(`role web: parameter 'port' must be a number, got "8080"`);
    // @ts-expect-error: features is a list
    expect(() => web.with({ features: "gzip" })).toThrow(/'features' must be an array/);
  });

  it("carry tags and when for the role's tasks", async () => {
    const pb = playbook([play({ name: "p", hosts: "all", gatherFacts: false, roles: [web.with({}, { tags: ["web"], when: (h) => h.host === "h2" })] })]);
    const r = await run(pb, undefined, { tags: ["web"] });
    expect(r.results.map((e) => `${e.host}:${e.status}`).sort()).toEqual(["h1:skipped", "h2:ok", "h3:skipped"]);
  });
});
