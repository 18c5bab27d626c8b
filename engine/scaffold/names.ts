/** Names of scaffolded roles and playbooks: kebab or snake case, and the identifiers made from them. */
import { UserError } from "../errors";

// words that cannot be an exported `const`, and names the generated files already import
const RESERVED = new Set(
  (
    "break case catch class const continue debugger default delete do else enum export extends false finally for function if import in " +
    "instanceof new null return super switch this throw true try typeof var void while with yield let static implements interface " +
    "package private protected public await arguments eval " +
    "role task handler play playbook block command copy file template debug assert"
  ).split(" "),
);

export interface ScaffoldName {
  /** as given: `log-rotate` or `log_rotate` */
  name: string;
  /** the exported identifier: `logRotate` */
  camel: string;
  /** the prefix of the role's variables: `log_rotate` */
  snake: string;
}

export class ScaffoldNameError extends UserError {
}

/** Checks a name and derives its identifiers; throws a ScaffoldNameError saying what a valid name looks like. */
export function scaffoldName(name: string): ScaffoldName {
  const kebab = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
  const snake = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;
  if (!kebab.test(name) && !snake.test(name)) {
    throw new ScaffoldNameError(
      `invalid name ${JSON.stringify(name)}: use kebab-case or snake_case (lower-case letters, digits, '-' or '_' between words, starting with a letter), e.g. log-rotate`,
    );
  }
  const words = name.split(/[-_]/);
  const camel = words[0] + words.slice(1).map((w) => w[0]!.toUpperCase() + w.slice(1)).join("");
  if (RESERVED.has(camel)) throw new ScaffoldNameError(`invalid name ${JSON.stringify(name)}: '${camel}' is a reserved word or a name the generated code imports; choose another`);
  return { name, camel, snake: words.join("_") };
}
