/**
 * What must not compile: a command is a Shell, never a string. tsc (run before vitest by
 * `npm test`) reports an @ts-expect-error that has no error to expect, so each one below
 * fails the type check the day its guard is loosened.
 */
import { describe, expect, it } from "vitest";
import type { Connection } from "../../engine/connection";
import type { ModuleContext } from "../../engine/module";
import { probe, runChange } from "../../engine/remote-stat";
import { joinShell, raw, sh, type Shell } from "../../engine/shell";

/** Only compiled, never called. */
function commandsBuiltAsStrings(conn: Connection, ctx: ModuleContext, path: string, script: Shell) {
  // the accepted ways
  void conn.run(sh`cat -- ${path}`);
  void ctx.conn.run(joinShell([sh`set -e`, script], "\n"));
  void ctx.conn.run(raw("systemctl daemon-reload"));

  // @ts-expect-error a plain string is not a command
  void conn.run("cat /etc/hostname");
  // @ts-expect-error nor for a module's connection
  void ctx.conn.run("id -un");
  // @ts-expect-error a plain template string splices `path` in unquoted
  void ctx.conn.run(`cat -- ${path}`);
  // @ts-expect-error concatenating with + gives a string
  void ctx.conn.run(sh`cd ${path} && ` + script);
  // @ts-expect-error a Shell inside a template string gives a string
  void ctx.conn.run(`! { ${script}; }`);
  // @ts-expect-error lines joined by Array.join give a string
  void ctx.conn.run([sh`set -e`, script].join("\n"));
  // @ts-expect-error an object that looks like a Shell is not one
  void ctx.conn.run({ text: "id -un" });
  // @ts-expect-error the helpers that send commands take Shell values only
  void probe(ctx.conn, ["stat -- /etc/hostname"]);
  // @ts-expect-error the helpers that send commands take Shell values only
  void runChange(ctx.conn, `rm -f -- ${path}`, "remove it");
  // @ts-expect-error joinShell's separator is one of a few fixed ones, not free text
  void joinShell([script], `; rm -rf ${path}; `);
  // @ts-expect-error sh quotes strings, numbers, arrays and Shell values, nothing else
  void sh`echo ${undefined}`;
}

describe("commands are Shell values", () => {
  it("is checked by tsc: the @ts-expect-error lines above must each be an error", () => {
    expect(typeof commandsBuiltAsStrings).toBe("function");
  });
});
