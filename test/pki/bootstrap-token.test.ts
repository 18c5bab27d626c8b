import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { bootstrapToken } from "../../modules/bootstrap-token";
import { run, snapshot } from "../modules/context";

let dir: string;
let dest: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "tsplay-token-"));
  dest = join(dir, "token.csv");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** the guide's line: TOKEN,kubelet-bootstrap,10001,"system:kubelet-bootstrap" */
const GUIDE_LINE = /^([0-9a-f]{32}),kubelet-bootstrap,10001,"system:kubelet-bootstrap"\n$/;
const tokenOf = () => GUIDE_LINE.exec(readFileSync(dest, "utf8"))?.[1];

describe("bootstrapToken", () => {
  it("writes the guide's token.csv line, 0600, with 128 random bits in 32 hex digits", async () => {
    const { result, plan } = await run(bootstrapToken({ dest }));
    expect(readFileSync(dest, "utf8")).toMatch(GUIDE_LINE);
    expect(statSync(dest).mode & 0o777).toBe(0o600);
    expect(result).toMatchObject({ changed: true, dest, user: "kubelet-bootstrap", fact: "bootstrap_token", new_token: true });
    expect(plan.summary).toBe(`${dest}: create it with a new token`);
    expect(plan.setFacts).toEqual({ bootstrap_token: tokenOf() });
  });

  it("keeps the token across runs: later tasks get the same value, nothing is rewritten", async () => {
    await run(bootstrapToken({ dest }));
    const token = tokenOf();
    const before = snapshot(dir);
    const again = await run(bootstrapToken({ dest }));
    expect(again.result).toMatchObject({ changed: false, new_token: false });
    expect(again.plan.setFacts).toEqual({ bootstrap_token: token });
    expect((await run(bootstrapToken({ dest, fact: "kubelet_token" }), { check: true })).plan.setFacts).toEqual({ kubelet_token: token });
    expect(snapshot(dir)).toEqual(before);
  });

  it("keeps the token out of the result, the summary and any diff", async () => {
    const runs = [await run(bootstrapToken({ dest }), { diff: true }), await run(bootstrapToken({ dest, uid: "10002" }), { diff: true })];
    const token = tokenOf() ?? readFileSync(dest, "utf8").slice(0, 32);
    for (const { plan, result } of runs) {
      expect(plan.diff).toBeUndefined();
      expect(JSON.stringify({ summary: plan.summary, result })).not.toContain(token);
    }
  });

  it("in check mode predicts creation, touches nothing, and still gives later tasks a token", async () => {
    const before = snapshot(dir);
    const { plan } = await run(bootstrapToken({ dest }), { check: true });
    expect(plan.changed).toBe(true);
    expect(String(plan.setFacts?.bootstrap_token)).toMatch(/^[0-9a-f]{32}$/);
    expect(snapshot(dir)).toEqual(before);
  });

  it("keeps a hand-made token and the file's other lines; updates only this user's other fields", async () => {
    const handMade = "0123456789abcdef0123456789abcdef";
    writeFileSync(dest, `${handMade},kubelet-bootstrap,10001,"system:kubelet-bootstrap"\nadmintoken1234567890,admin,1,"system:masters"\n`);
    expect((await run(bootstrapToken({ dest }))).result.changed).toBe(true); // only the mode: 0644 → 0600
    expect(statSync(dest).mode & 0o777).toBe(0o600);
    const { plan } = await run(bootstrapToken({ dest, groups: "system:bootstrappers" }));
    expect(plan.setFacts).toEqual({ bootstrap_token: handMade });
    expect(readFileSync(dest, "utf8")).toBe(`${handMade},kubelet-bootstrap,10001,"system:bootstrappers"\nadmintoken1234567890,admin,1,"system:masters"\n`);
  });

  it("replaces the ${BOOTSTRAP_TOKEN} a heredoc left unexpanded (the guide's warning)", async () => {
    writeFileSync(dest, '${BOOTSTRAP_TOKEN},kubelet-bootstrap,10001,"system:kubelet-bootstrap"\n', { mode: 0o600 });
    const { plan, result } = await run(bootstrapToken({ dest }));
    expect(plan.summary).toMatch(/replace the unusable token of kubelet-bootstrap/);
    expect(result.new_token).toBe(true);
    expect(readFileSync(dest, "utf8")).toMatch(GUIDE_LINE);
  });

  it("adds a line for another user, with its own token", async () => {
    await run(bootstrapToken({ dest }));
    chmodSync(dest, 0o600);
    const first = tokenOf();
    const { plan } = await run(bootstrapToken({ dest, user: "node-bootstrap", uid: "10002", fact: "node_token" }));
    const lines = readFileSync(dest, "utf8").split("\n");
    expect(lines[0]).toBe(`${first},kubelet-bootstrap,10001,"system:kubelet-bootstrap"`);
    expect(lines[1]).toMatch(/^[0-9a-f]{32},node-bootstrap,10002,"system:kubelet-bootstrap"$/);
    expect(plan.setFacts?.node_token).not.toBe(first);
  });

  it("refuses fields that would break the CSV when the playbook loads", () => {
    expect(() => bootstrapToken({ dest, user: 'a,"b' })).toThrow(/user must be non-empty text without commas/);
    expect(() => bootstrapToken({ dest, fact: "not a name" })).toThrow(/fact must be a variable name/);
  });
});
