/**
 * Values from a vault are secrets in every output: plain text (with -v results), JSON
 * events, --diff, the report, error messages, `tsplay inventory`. The playbook
 * (playbooks/masking.ts) puts them into a task name, a message, a command's output, a
 * failure, a file's diff and a vault-encrypted controller file copied with `src`.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { jsonLines, tsplay } from "../cli/cli";
import { RunEventBus, type RunEvents } from "../../engine/events";
import { maskedEvents } from "../../engine/output/masked-events";
import { SecretValues } from "../../engine/vault/secret-values";
import { Vault } from "../../engine/vault/vault";
import { tempDir } from "../temp-dir";

const FIXTURES = join(import.meta.dirname, "fixtures");
const SECRETS = ["s3cret-from-ansible", "alice-token-123", "key-from-ansible-1.1", "key-from-ansible-1.2", "copied-from-sealed-file"];
// on the host before the run: not from the vault, but a secret the diff must not show either
const OLD_SECRET = "old-secret-on-the-host";
const passwords = ["--vault-id", join(FIXTURES, "default.password"), "--vault-id", `prod@${join(FIXTURES, "prod.password")}`];
const defaultVault = () => new Vault([{ label: "default", password: Buffer.from(readFileSync(join(FIXTURES, "default.password"), "utf8").trim()) }]);

function scene() {
  const dir = tempDir("tsplay-vault-masking-");
  writeFileSync(join(dir, "app.conf"), `password=${OLD_SECRET}\n`);
  writeFileSync(join(dir, "sealed.conf"), defaultVault().seal("secret=copied-from-sealed-file\n"));
  const run = (...more: string[]) =>
    tsplay(["test/vault/playbooks/masking.ts", "-i", "localhost", "-e", `dir=${dir}`, "-e", `@${join(FIXTURES, "vars-1.1.yml")}`, "-e", `@${join(FIXTURES, "inline.yml")}`, ...passwords, "--no-typecheck", ...more]);
  return { dir, run };
}

const leaks = (text: string) => [...SECRETS, OLD_SECRET].filter((secret) => text.includes(secret));

describe("the events every output reads (plain, listr, JSON, ad-hoc, the report)", () => {
  it("carry no vault value, in any event, however deep, including values revealed after the run started", () => {
    const secrets = new SecretValues();
    secrets.add("early-secret");
    const source = new RunEventBus();
    const seen: unknown[] = [];
    const shown = maskedEvents(source, secrets);
    for (const name of ["play-start", "task-start", "host-result", "task-end", "play-end", "warning", "recap"] as const) shown.on(name, (e) => seen.push(e));
    source.emit("play-start", { name: "play early-secret", hosts: ["h"], check: false });
    source.emit("task-start", { name: "task early-secret", handler: false, hosts: ["h"], play: "p" });
    secrets.add("late-secret-from-a-controller-file");
    const result: RunEvents["host-result"] = {
      task: "t",
      host: "h",
      play: "p",
      status: "failed",
      msg: "late-secret-from-a-controller-file failed",
      durationMs: 1,
      result: { nested: [{ stdout: "early-secret" }], json: JSON.stringify({ k: "multi\nline-secret-value" }) },
      diff: [{ path: "/a", before: "x", after: "y" }, { path: "/b", before: "old", after: "early-secret" }],
    };
    secrets.add("multi\nline-secret-value");
    source.emit("host-result", result);
    source.emit("task-end", { name: "early-secret" });
    source.emit("play-end", { name: "p" });
    source.emit("warning", { msg: "about early-secret" });
    source.emit("recap", { hosts: {} });
    const text = JSON.stringify(seen);
    expect(text).not.toMatch(/early-secret|late-secret|line-secret/);
    expect(seen[2]).toMatchObject({ msg: "(hidden) failed", result: { nested: [{ stdout: "(hidden)" }], json: '{"k":"(hidden)"}' } });
    expect((seen[2] as RunEvents["host-result"]).diff).toEqual([{ path: "/a", before: "x", after: "y" }, { path: "/b", before: "", after: expect.stringMatching(/^\(the differences are hidden/) }]);
    // the runner's own event is untouched: registering a task's result keeps the real value
    expect(result.msg).toBe("late-secret-from-a-controller-file failed");
  });
});

describe("vault values in output", () => {
  it("plain text, -v results and --diff show (hidden); a diff with a vault value is hidden whole", () => {
    const { dir, run } = scene();
    const r = run("--diff", "-v");
    expect(r.code, r.stderr).toBe(0);
    expect(leaks(r.stdout + r.stderr)).toEqual([]);
    expect(r.stdout).toContain("TASK [show (hidden)]");
    expect(r.stdout).toContain("ok: [localhost] the password is (hidden)");
    expect(r.stdout).toContain('"stdout":"token (hidden)"');
    expect(r.stdout).toContain("FAILED! non-zero return code 3: (hidden)");
    expect(r.stdout.match(/\+\(the differences are hidden: the file holds a value from the vault\)/g)).toHaveLength(2);
    // what the hosts get is the plaintext
    expect(readFileSync(join(dir, "app.conf"), "utf8")).toBe("password=s3cret-from-ansible\nport=1\n");
    expect(readFileSync(join(dir, "unsealed.conf"), "utf8")).toBe("secret=copied-from-sealed-file\n");
  });

  it("JSON events: messages, results and diffs", () => {
    const { run } = scene();
    const r = run("--diff", "--output", "json");
    expect(r.code, r.stderr).toBe(0);
    expect(leaks(r.stdout)).toEqual([]);
    const tasks = jsonLines(r.stdout).filter((e) => e.type === "task");
    expect(tasks.map((e) => e.task)).toContain("show (hidden)");
    expect(tasks.find((e) => e.task === "echo it")?.result.stdout).toBe("token (hidden)");
    expect(tasks.find((e) => e.task === "a config holding it")?.diff).toEqual([{ path: expect.stringMatching(/app\.conf$/), before: "", after: expect.stringMatching(/^\(the differences are hidden/) }]);
  });

  it("tsplay adhoc: Ansible's ad-hoc lines", () => {
    const r = tsplay(["adhoc", "localhost", "-m", "debug", "-a", "var=api_key", "-e", `@${join(FIXTURES, "inline.yml")}`, ...passwords]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('localhost | SUCCESS => {\n    "api_key": "(hidden)"\n}\n');
  });

  it("the run report", () => {
    const { dir, run } = scene();
    const report = join(dir, "run.html");
    const r = run("--report", report);
    expect(r.code, r.stderr).toBe(0);
    const html = readFileSync(report, "utf8");
    expect(leaks(html)).toEqual([]);
    expect(html).toContain("(hidden)");
  });

  it("an error message naming a value from the vault, on stderr and in the report", () => {
    const dir = tempDir("tsplay-vault-masking-");
    mkdirSync(join(dir, "group_vars"));
    writeFileSync(join(dir, "hosts"), "[web]\nweb1 ansible_connection=local\n");
    const sealed = defaultVault().seal("not-a-port-but-a-secret").trimEnd().split("\n").map((line) => `  ${line}`).join("\n");
    writeFileSync(join(dir, "group_vars/web.yml"), `ansible_port: !vault |\n${sealed}\n`);
    const report = join(dir, "run.html");
    const r = tsplay(["playbooks/hello.ts", "-i", join(dir, "hosts"), "-e", `root=${dir}`, "--vault-password-file", join(FIXTURES, "default.password"), "--report", report, "--no-typecheck"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`ERROR: ${join(dir, "group_vars/web.yml")}:1: ansible_port must be a port number (1-65535), got "(hidden)"\n`);
    expect(readFileSync(report, "utf8")).not.toContain("not-a-port-but-a-secret");
    for (const command of [["inventory", "--list"], ["adhoc", "all", "--list-hosts"]]) {
      const other = tsplay([...command, "-i", join(dir, "hosts"), "--vault-password-file", join(FIXTURES, "default.password")]);
      expect(other.stderr, command[0]).toMatch(/ansible_port must be a port number \(1-65535\), got "\(hidden\)"\n$/);
    }
  });

  it("tsplay inventory: vault values are (hidden) unless --show-secrets", () => {
    const dir = tempDir("tsplay-vault-inventory-view-");
    mkdirSync(join(dir, "host_vars"));
    writeFileSync(join(dir, "hosts"), "[web]\nweb1\n");
    writeFileSync(join(dir, "host_vars/web1.yml"), readFileSync(join(FIXTURES, "inline.yml")));
    const view = (...more: string[]) => tsplay(["inventory", "-i", join(dir, "hosts"), "--host", "web1", ...passwords, ...more]);
    const hidden = view();
    expect(hidden.code, hidden.stderr).toBe(0);
    expect(JSON.parse(hidden.stdout)).toEqual({ api_key: "(hidden)", prod_key: "(hidden)", nested: { inner: "(hidden)" }, plain: "not a secret" });
    expect(JSON.parse(view("--show-secrets").stdout)).toMatchObject({ api_key: "key-from-ansible-1.1", nested: { inner: "multi\nline secret" } });
    const without = tsplay(["inventory", "-i", join(dir, "hosts"), "--list"]);
    expect(without.code).toBe(1);
    expect(without.stderr).toMatch(/host_vars\/web1\.yml:3: !vault value: vault-encrypted, and no vault password was given/);
  });
});
