#!/usr/bin/env node
// The engine is TypeScript; tsx compiles it (and the playbook) in-process.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../engine/cli.ts");
process.exitCode = await main(process.argv);
