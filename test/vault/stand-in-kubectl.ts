/**
 * A stand-in kubectl, first on PATH during each test of the file that calls this: it answers
 * `answer` (default `{"items": []}`) and keeps what it was given, read back by `seen()` (all
 * empty when it has not run since the test began or since `forget()`).
 *
 *   const kubectl = standInKubectl(tempDir("tsplay-x-"));
 *   ... kubectl.seen()   // { words: "--kubeconfig=… get nodes …", kubeconfig: "/tmp/…", mode: "600", content: "…" }
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach } from "vitest";

export function standInKubectl(dir: string, answer = { items: [] as unknown[] }) {
  const record = join(dir, "seen");
  const script = `#!/bin/sh\nfor a; do case "$a" in --kubeconfig=*) f="\${a#--kubeconfig=}";; esac; done\n{ echo "$*"; echo "$f"; stat -c %a "$f"; cat "$f"; } > ${record}\ncat <<'EOF'\n${JSON.stringify(answer)}\nEOF\n`;
  writeFileSync(join(dir, "kubectl"), script, { mode: 0o755 });
  const forget = () => writeFileSync(record, "");
  let path: string | undefined;
  beforeEach(() => {
    forget();
    path = process.env.PATH;
    process.env.PATH = `${dir}:${path}`;
  });
  afterEach(() => {
    process.env.PATH = path;
  });
  const seen = () => {
    const [words = "", kubeconfig = "", mode = "", ...content] = readFileSync(record, "utf8").split("\n");
    return { words, kubeconfig, mode, content: content.join("\n") };
  };
  return { seen, forget };
}
