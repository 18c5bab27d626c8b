/**
 * A stand-in kubectl, first on PATH during each test of the file that calls this: it answers
 * `{"items": []}` and keeps what it was given, read back by `seen()`.
 *
 *   const kubectlSaw = standInKubectl(tempDir("tsplay-x-"));
 *   ... kubectlSaw()   // { words: "get nodes --kubeconfig=…", kubeconfig: "/tmp/…", mode: "600", content: "…" }
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach } from "vitest";

export function standInKubectl(dir: string): () => { words: string; kubeconfig: string; mode: string; content: string } {
  const record = join(dir, "seen");
  const script = `#!/bin/sh\nfor a; do case "$a" in --kubeconfig=*) f="\${a#--kubeconfig=}";; esac; done\n{ echo "$*"; echo "$f"; stat -c %a "$f"; cat "$f"; } > ${record}\necho '{"items": []}'\n`;
  writeFileSync(join(dir, "kubectl"), script, { mode: 0o755 });
  let path: string | undefined;
  beforeEach(() => {
    writeFileSync(record, "");
    path = process.env.PATH;
    process.env.PATH = `${dir}:${path}`;
  });
  afterEach(() => {
    process.env.PATH = path;
  });
  return () => {
    const [words = "", kubeconfig = "", mode = "", ...content] = readFileSync(record, "utf8").split("\n");
    return { words, kubeconfig, mode, content: content.join("\n") };
  };
}
