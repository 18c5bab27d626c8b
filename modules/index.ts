/** Every core module, for `import { copy, file } from "tsplay/modules"`. */
export { assert } from "./assert";
export { command } from "./command";
export { copy } from "./copy";
export { debug } from "./debug";
export { file } from "./file";
export { lineinfile } from "./lineinfile";
export { setFact } from "./set-fact";
export { shell } from "./shell";
export { template } from "./template";
export { waitFor } from "./wait-for";
export { bootstrapToken } from "./bootstrap-token";
export { cert } from "./cert";
export { kubeconfig } from "./kubeconfig";
