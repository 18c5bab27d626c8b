/**
 * Vault content wherever tsplay reads YAML: `-e @file`, group_vars/ and host_vars/, YAML
 * inventories; whole files ansible-vault encrypted and `!vault` values encrypt_string
 * printed. What they hold is recorded as secret; what does not open is one line naming the
 * file and line.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ExtraVarsError, loadExtraVars } from "../../engine/extra-vars";
import { InventoryError, loadInventory } from "../../engine/inventory";
import { readYaml } from "../../engine/inventory/yaml-text";
import { Vault } from "../../engine/vault/vault";
import { tempDir } from "../temp-dir";

const FIXTURES = join(import.meta.dirname, "fixtures");
const fixture = (name: string) => join(FIXTURES, name);
const text = (name: string) => readFileSync(fixture(name), "utf8");
const password = (name: string) => Buffer.from(text(name).trim());
const bothIds = () =>
  new Vault([
    { label: "default", password: password("default.password") },
    { label: "prod", password: password("prod.password") },
  ]);
/** A vault text as the block of a `!vault |` value. */
const indented = (vaultText: string, by: number) => vaultText.trimEnd().split("\n").map((line) => " ".repeat(by) + line).join("\n");
const PLAIN = { db_password: "s3cret-from-ansible", users: [{ name: "alice", token: "alice-token-123" }], port: 5432 };

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error("no error");
}
async function rejected(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error("no error");
    },
    (error: Error) => error,
  );
}

describe("a YAML file vault-encrypted as a whole", () => {
  it("reads as its plaintext, every string in it recorded as secret", () => {
    const vault = bothIds();
    expect(readYaml(text("vars-1.1.yml"), "vars-1.1.yml", vault).data).toEqual(PLAIN);
    expect(readYaml(text("vars-1.2-prod.yml"), "vars-1.2-prod.yml", vault).data).toEqual(PLAIN);
    // every string: the file was encrypted to keep them all; a number is shown
    expect(vault.secrets.mask("pw s3cret-from-ansible, token alice-token-123, user alice, port 5432")).toBe("pw (hidden), token (hidden), user (hidden), port 5432");
  });

  it("without a password, or with a wrong one, is one line naming the file", () => {
    expect(thrown(() => readYaml(text("vars-1.1.yml"), "group_vars/all.yml")).message).toBe(
      "group_vars/all.yml: vault-encrypted, and no vault password was given (--vault-password-file FILE, --vault-id LABEL@SOURCE or --ask-vault-pass)",
    );
    const wrong = new Vault([{ label: "default", password: Buffer.from("wrong") }]);
    const error = thrown(() => readYaml(text("vars-1.1.yml"), "group_vars/all.yml", wrong));
    expect(error).toBeInstanceOf(InventoryError);
    expect(error.message).toMatch(/^group_vars\/all\.yml: the vault password does not open it /);
  });

  it("keeps YAML 1.1's booleans, and says at which line of its plaintext a mistake is", () => {
    const vault = bothIds();
    expect(readYaml(vault.seal("enabled: yes\nquoted: 'no'\n"), "f.yml", vault).data).toEqual({ enabled: true, quoted: "no" });
    expect(thrown(() => readYaml(vault.seal("a: 1\na: 2\n"), "f.yml", vault)).message).toBe("f.yml:2: invalid YAML: key 'a' is given twice in one mapping");
  });
});

describe("!vault values, as ansible-vault encrypt_string prints them", () => {
  it("read as their plaintext, at any depth, each recorded as secret; other values stay as they are", () => {
    const vault = bothIds();
    expect(readYaml(text("inline.yml"), "inline.yml", vault).data).toEqual({
      plain: "not a secret",
      api_key: "key-from-ansible-1.1",
      prod_key: "key-from-ansible-1.2",
      nested: { inner: "multi\nline secret" },
    });
    expect(vault.secrets.mask("key-from-ansible-1.1 key-from-ansible-1.2 multi\nline secret not a secret")).toBe("(hidden) (hidden) (hidden) not a secret");
  });

  it("one that does not open names its file and line", () => {
    const onlyDefault = new Vault([{ label: "default", password: password("default.password") }]);
    expect(thrown(() => readYaml(text("inline.yml"), "inline.yml", onlyDefault)).message).toMatch(/^inline\.yml:10: !vault value: the vault password does not open it \(/);
    expect(thrown(() => readYaml(text("inline.yml"), "inline.yml")).message).toBe(
      "inline.yml:3: !vault value: vault-encrypted, and no vault password was given (--vault-password-file FILE, --vault-id LABEL@SOURCE or --ask-vault-pass)",
    );
    expect(thrown(() => readYaml("a: 1\nb: !vault |\n  not vault text\n", "f.yml", bothIds())).message).toBe(
      "f.yml:2: !vault value: not a valid vault text: its first line is not a vault header like $ANSIBLE_VAULT;1.1;AES256",
    );
    expect(thrown(() => readYaml("b: !vault { a: 1 }\n", "f.yml", bothIds())).message).toMatch(/^f\.yml:1: /);
  });

  it("an alias of a !vault value is its plaintext too", () => {
    const vault = bothIds();
    expect(readYaml(`a: &s !vault |\n${indented(vault.seal("aliased-secret"), 2)}\nb: *s\n`, "f.yml", vault).data).toEqual({ a: "aliased-secret", b: "aliased-secret" });
  });
});

describe("where tsplay reads YAML", () => {
  it("-e @file: a vault-encrypted file, or one with !vault values", () => {
    const vault = bothIds();
    expect(loadExtraVars([`@${fixture("vars-1.1.yml")}`, `@${fixture("inline.yml")}`], vault)).toMatchObject({ db_password: "s3cret-from-ansible", api_key: "key-from-ansible-1.1" });
    const error = thrown(() => loadExtraVars([`@${fixture("vars-1.1.yml")}`]));
    expect(error).toBeInstanceOf(ExtraVarsError);
    expect(error.message).toBe(`-e @${fixture("vars-1.1.yml")}: vault-encrypted, and no vault password was given (--vault-password-file FILE, --vault-id LABEL@SOURCE or --ask-vault-pass)`);
    expect(thrown(() => loadExtraVars([`@${fixture("inline.yml")}`])).message).toMatch(new RegExp(`^-e @${fixture("inline.yml")}:3: !vault value: vault-encrypted, and no vault password`));
  });

  it("group_vars/ and host_vars/: a vault file in a group's folder, !vault values in a host's file, and a YAML inventory", async () => {
    const dir = tempDir("tsplay-vault-inventory-");
    mkdirSync(join(dir, "group_vars/web"), { recursive: true });
    mkdirSync(join(dir, "host_vars"));
    writeFileSync(join(dir, "hosts.yml"), `web:\n  hosts:\n    web1:\n      api: !vault |\n${indented(bothIds().seal("inventory-api-key"), 8)}\n`);
    writeFileSync(join(dir, "group_vars/web/main.yml"), "plain_var: 1\n");
    copyFileSync(fixture("vars-1.1.yml"), join(dir, "group_vars/web/vault.yml"));
    copyFileSync(fixture("inline.yml"), join(dir, "host_vars/web1.yml"));
    const vault = bothIds();
    const inventory = await loadInventory([dir], { vault });
    expect(inventory.varsFor("web1")).toMatchObject({ plain_var: 1, db_password: "s3cret-from-ansible", api_key: "key-from-ansible-1.1", prod_key: "key-from-ansible-1.2", api: "inventory-api-key" });
    expect((await rejected(loadInventory([dir]))).message).toMatch(/hosts\.yml:4: !vault value: vault-encrypted, and no vault password was given/);
  });

  it("a YAML inventory vault-encrypted as a whole; an INI one is refused, its values could not be kept secret", async () => {
    const dir = tempDir("tsplay-vault-inventory-");
    const vault = bothIds();
    writeFileSync(join(dir, "hosts"), vault.seal("web:\n  hosts:\n    web1:\n      ansible_connection: local\n      api_password: from-a-vault-inventory\n"));
    expect((await loadInventory([join(dir, "hosts")], { vault })).varsFor("web1")).toMatchObject({ api_password: "from-a-vault-inventory" });
    expect(vault.secrets.mask("from-a-vault-inventory")).toBe("(hidden)");
    writeFileSync(join(dir, "hosts"), vault.seal("[web]\nweb1 api_password=x\n"));
    expect((await rejected(loadInventory([join(dir, "hosts")], { vault }))).message).toMatch(/hosts: a vault-encrypted INI inventory is not read/);
  });
});
