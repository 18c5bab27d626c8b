import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  checkHostKey,
  fingerprint,
  hashKnownHostName,
  hostsFieldMatches,
  keyTypeOf,
  knownHostName,
  knownHostsLine,
  parseKnownHosts,
  readKnownHostsFiles,
  recordKnownHost,
} from "../../engine/connections/known-hosts";

// Two real ed25519 public keys; the hashed names below were written by `ssh-keygen -H`
// for "db.example.org" and "[db.example.org]:2222", and the fingerprint by `ssh-keygen -l`.
const KEY1 = "AAAAC3NzaC1lZDI1NTE5AAAAIHfWbwAGyMeOQ+q6gPS1vn2w5Ed8Y8cOx59vO+FtywsA";
const KEY2 = "AAAAC3NzaC1lZDI1NTE5AAAAIMwdr05UclTO9MHckhgW7HvU9NE3s8VlcEDMw1YlFTag";
const KEY1_FINGERPRINT = "SHA256:WYAQbhemE+8JuaoARS0giS5O+QwcP6Pnv1x1I5kCC0A";
const HASHED_PORT_22 = "|1|OLs3vNmpiKA7qI6rEY4A9L1PSIw=|1yZ7fCuxoDk50UoJyhqM9Jrn5v4=";
const HASHED_PORT_2222 = "|1|dYE+BhTvV6I4OTRQdGfn04pXcPM=|g8SvUDTxNU84lYgfZbQPXhX/iXs=";
const key1 = Buffer.from(KEY1, "base64");
const key2 = Buffer.from(KEY2, "base64");

describe("parsing known_hosts", () => {
  it("reads entries with their markers and line numbers, skipping comments, blanks and broken lines", () => {
    const text = [
      "# a comment",
      "",
      `web1,10.0.0.5 ssh-ed25519 ${KEY1} root@web1`,
      "broken-line-without-key",
      `@cert-authority *.example.org ssh-ed25519 ${KEY2}`,
      `@revoked old.example.org ssh-ed25519 ${KEY2}`,
      `@unknown-marker x ssh-ed25519 ${KEY2}`,
      `   indented ssh-ed25519 ${KEY2}\r`,
    ].join("\n");
    const entries = parseKnownHosts(text, "/k");
    expect(entries.map((e) => [e.line, e.marker, e.hosts, e.keyType])).toEqual([
      [3, undefined, "web1,10.0.0.5", "ssh-ed25519"],
      [5, "cert-authority", "*.example.org", "ssh-ed25519"],
      [6, "revoked", "old.example.org", "ssh-ed25519"],
      [8, undefined, "indented", "ssh-ed25519"],
    ]);
    expect(entries[0]!.key.equals(key1)).toBe(true);
    expect(entries[0]!.file).toBe("/k");
  });
});

describe("matching a host against an entry's names", () => {
  it("matches any name of a comma-separated list, ignoring case", () => {
    expect(hostsFieldMatches("web1,10.0.0.5", "10.0.0.5")).toBe(true);
    expect(hostsFieldMatches("WEB1,10.0.0.5", "web1")).toBe(true);
    expect(hostsFieldMatches("web1,10.0.0.5", "web2")).toBe(false);
  });

  it("supports * and ? wildcards and treats dots literally", () => {
    expect(hostsFieldMatches("*.example.org", "db.example.org")).toBe(true);
    expect(hostsFieldMatches("web?", "web7")).toBe(true);
    expect(hostsFieldMatches("web?", "web10")).toBe(false);
    expect(hostsFieldMatches("10.0.0.5", "10x0x0x5")).toBe(false);
  });

  it("lets a negated pattern exclude a host that another pattern matches", () => {
    expect(hostsFieldMatches("*.example.org,!secret.example.org", "secret.example.org")).toBe(false);
    expect(hostsFieldMatches("*.example.org,!secret.example.org", "db.example.org")).toBe(true);
  });

  it("names a host on another port [host]:port, and port 22 by the bare host", () => {
    expect(knownHostName("DB", 22)).toBe("db");
    expect(knownHostName("db", 2222)).toBe("[db]:2222");
    expect(hostsFieldMatches("[db]:2222", "db", 2222)).toBe(true);
    expect(hostsFieldMatches("[db]:2222", "db", 22)).toBe(false);
    expect(hostsFieldMatches("db", "db", 2222)).toBe(false);
    expect(hostsFieldMatches("[10.0.0.*]:2222", "10.0.0.9", 2222)).toBe(true);
  });

  it("matches hashed names written by ssh-keygen -H, port included", () => {
    expect(hostsFieldMatches(HASHED_PORT_22, "db.example.org", 22)).toBe(true);
    expect(hostsFieldMatches(HASHED_PORT_22, "DB.example.org", 22)).toBe(true);
    expect(hostsFieldMatches(HASHED_PORT_22, "db.example.org", 2222)).toBe(false);
    expect(hostsFieldMatches(HASHED_PORT_2222, "db.example.org", 2222)).toBe(true);
    expect(hostsFieldMatches(HASHED_PORT_22, "other.example.org", 22)).toBe(false);
    expect(hostsFieldMatches("|1|garbage", "db.example.org", 22)).toBe(false);
  });

  it("hashes a name the way ssh-keygen does", () => {
    const salt = Buffer.from(HASHED_PORT_22.split("|")[2]!, "base64");
    expect(hashKnownHostName("db.example.org", salt)).toBe(HASHED_PORT_22);
  });
});

describe("checking a presented host key", () => {
  const entries = parseKnownHosts(
    [
      `db.example.org ssh-ed25519 ${KEY1}`,
      `${HASHED_PORT_2222} ssh-ed25519 ${KEY2}`,
      `@cert-authority *.example.org ssh-ed25519 ${KEY2}`,
      `@revoked *.example.org ssh-ed25519 ${KEY2}`,
    ].join("\n"),
    "/kh",
  );

  it("accepts the recorded key", () => {
    expect(checkHostKey(entries, "db.example.org", 22, key1)).toEqual({ status: "known" });
    expect(checkHostKey(entries, "db.example.org", 2222, key2)).toEqual({ status: "known" });
  });

  it("reports a different key for a recorded host as changed, naming the recorded entry", () => {
    const verdict = checkHostKey(entries.slice(0, 1), "db.example.org", 22, key2);
    expect(verdict.status).toBe("changed");
    if (verdict.status === "changed") expect(verdict.entries.map((e) => `${e.file}:${e.line}`)).toEqual(["/kh:1"]);
  });

  it("reports a host with no entry as unknown; a cert-authority line is not a host key", () => {
    expect(checkHostKey(entries, "web.example.org", 22, key1)).toEqual({ status: "unknown" });
    expect(checkHostKey(entries, "db.example.org", 2200, key1)).toEqual({ status: "unknown" });
  });

  it("rejects a key marked @revoked even when it is also recorded", () => {
    expect(checkHostKey(entries, "web.example.org", 22, key2).status).toBe("revoked");
    const withRevoked = parseKnownHosts(`db.example.org ssh-ed25519 ${KEY1}\n@revoked db.example.org ssh-ed25519 ${KEY1}`);
    expect(checkHostKey(withRevoked, "db.example.org", 22, key1).status).toBe("revoked");
  });
});

describe("key details", () => {
  it("reads the key type from the blob and fingerprints it as ssh-keygen -l does", () => {
    expect(keyTypeOf(key1)).toBe("ssh-ed25519");
    expect(fingerprint(key1)).toBe(KEY1_FINGERPRINT);
  });

  it("writes a line OpenSSH can read back", () => {
    expect(knownHostsLine("10.77.0.11", 22, key1)).toBe(`10.77.0.11 ssh-ed25519 ${KEY1}`);
    expect(knownHostsLine("10.77.0.11", 2222, key1)).toBe(`[10.77.0.11]:2222 ssh-ed25519 ${KEY1}`);
  });
});

describe("known_hosts files", () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("records a new key on a line of its own, creating the file and folder if needed", async () => {
    dir = await mkdtemp(join(tmpdir(), "tsplay-kh-"));
    const file = join(dir, "ssh", "known_hosts");
    await recordKnownHost(file, "h1", 22, key1);
    expect(await readFile(file, "utf8")).toBe(`h1 ssh-ed25519 ${KEY1}\n`);

    const unterminated = join(dir, "unterminated");
    await writeFile(unterminated, `h1 ssh-ed25519 ${KEY1}`);
    await recordKnownHost(unterminated, "h2", 2222, key2);
    const entries = await readKnownHostsFiles([unterminated, join(dir, "missing")]);
    expect(entries.map((e) => e.hosts)).toEqual(["h1", "[h2]:2222"]);
    expect(checkHostKey(entries, "h2", 2222, key2)).toEqual({ status: "known" });
  });
});
