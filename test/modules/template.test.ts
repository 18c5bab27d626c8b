import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { template } from "../../modules/template";
import { HOSTILE_NAMES, run, snapshot } from "./context";

let dir: string;
let templates: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "tsplay-template-"));
  templates = mkdtempSync(join(tmpdir(), "tsplay-templates-"));
  writeFileSync(join(templates, "etcd.conf.mustache"), "ETCD_NAME={{name}}\nETCD_URL=https://{{address}}:2379\n{{#peers}}peer={{.}}\n{{/peers}}");
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(templates, { recursive: true, force: true });
});

const vars = { name: "etcd1", address: "10.0.0.1", peers: ["a", "b<&>"] };
const rendered = "ETCD_NAME=etcd1\nETCD_URL=https://10.0.0.1:2379\npeer=a\npeer=b<&>\n";

describe("template", () => {
  it("renders with the host's vars, unescaped, then reports no change", async () => {
    const dest = join(dir, "etcd.conf");
    const first = await run(template({ src: "etcd.conf.mustache", dest, mode: "0640", group: "nogroup" }), { vars, templates: [templates] });
    expect(first.result).toMatchObject({ changed: true, dest, src: join(templates, "etcd.conf.mustache"), mode: "0640", group: "nogroup" });
    expect(readFileSync(dest, "utf8")).toBe(rendered);
    expect(statSync(dest).gid).toBe(65534);
    expect((statSync(dest).mode & 0o777).toString(8)).toBe("640");
    const second = await run(template({ src: "etcd.conf.mustache", dest, mode: "0640", group: "nogroup" }), { vars, templates: [templates] });
    expect(second.result.changed).toBe(false);
  });

  it("shows the rendered diff, and in check mode touches nothing", async () => {
    const dest = join(dir, "etcd.conf");
    writeFileSync(dest, "ETCD_NAME=old\n");
    const before = snapshot(dir);
    const { plan } = await run(template({ src: "etcd.conf.mustache", dest }), { vars, templates: [templates], check: true, diff: true });
    expect(plan).toMatchObject({ changed: true, summary: `update ${dest}`, diff: [{ path: dest, before: "ETCD_NAME=old\n", after: rendered }] });
    expect(snapshot(dir)).toEqual(before);
  });

  it("fails on an undefined variable, naming the template and the variable", async () => {
    const dest = join(dir, "etcd.conf");
    await expect(run(template({ src: "etcd.conf.mustache", dest }), { vars: { name: "x" }, templates: [templates] })).rejects.toThrow(
      `template ${join(templates, "etcd.conf.mustache")}: undefined variable 'address'`,
    );
    expect(existsSync(dest)).toBe(false);
  });

  it("looks in the role's templates before the playbook's, and names them when missing", async () => {
    const role = join(templates, "role");
    mkdirSync(role);
    writeFileSync(join(role, "etcd.conf.mustache"), "role {{name}}\n");
    await run(template({ src: "etcd.conf.mustache", dest: join(dir, "x") }), { vars, templates: [role, templates] });
    expect(readFileSync(join(dir, "x"), "utf8")).toBe("role etcd1\n");
    await expect(run(template({ src: "missing.mustache", dest: join(dir, "y") }), { templates: [role] })).rejects.toThrow(
      `template 'missing.mustache' not found in ${role}`,
    );
  });

  it("keeps secrets out of summary and diff for a no-log task", async () => {
    writeFileSync(join(templates, "token.mustache"), "token={{token}}\n");
    const { plan } = await run(template({ src: "token.mustache", dest: join(dir, "token") }), { vars: { token: "hunter2" }, templates: [templates], diff: true, noLog: true });
    expect(plan.diff).toBeUndefined();
    expect(JSON.stringify(plan)).not.toContain("hunter2");
  });

  it("validates its arguments when the task is written", () => {
    expect(() => template({ src: "a", dest: "/x", content: "c" } as any)).toThrow(/unknown option 'content'/);
    expect(() => template({ src: "a" } as any)).toThrow(/option 'dest' is required/);
    expect(() => template({ src: "a", dest: "/x", mode: "9999" } as any)).toThrow(/option 'mode' must be an octal mode/);
  });

  it("writes hostile names and values exactly and runs nothing", async () => {
    writeFileSync(join(templates, "v.mustache"), "value={{value}}\n");
    for (const name of HOSTILE_NAMES) {
      const value = `${name} $(touch pwned) \`touch pwned\``;
      const dest = join(dir, name);
      await run(template({ src: "v.mustache", dest }), { vars: { value }, templates: [templates] });
      expect(readFileSync(dest, "utf8")).toBe(`value=${value}\n`);
      expect((await run(template({ src: "v.mustache", dest }), { vars: { value }, templates: [templates] })).result.changed).toBe(false);
    }
    expect(readdirSync(dir).sort()).toEqual([...HOSTILE_NAMES].sort());
    expect(existsSync(join(process.cwd(), "pwned"))).toBe(false);
  });
});
