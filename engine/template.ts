/**
 * Mustache, made strict: a variable that is not defined is an error, never an empty
 * string, and nothing is HTML-escaped (we write config files, not web pages).
 * A variable whose value is itself a template (`"https://{{address}}:2379"`, common in
 * group_vars) is rendered when it is looked up, as Ansible does.
 */
import { UserError } from "./errors";
import Mustache from "mustache";

export class TemplateError extends UserError {
  constructor(
    message: string,
    readonly variable?: string,
  ) {
    super(message);
  }
}

const MAX_NESTING = 20;

class StrictContext extends Mustache.Context {
  constructor(
    view: unknown,
    parent: StrictContext | undefined,
    private readonly depth: number,
  ) {
    super(view, parent);
  }

  override push(view: unknown): StrictContext {
    return new StrictContext(view, this, this.depth);
  }

  override lookup(name: string): unknown {
    const value = super.lookup(name);
    if (value === undefined || value === null) {
      throw new TemplateError(`undefined variable '${name}'`, name);
    }
    if (typeof value === "string" && value.includes("{{")) {
      if (this.depth >= MAX_NESTING) throw new TemplateError(`variable '${name}' refers to itself`, name);
      return render(value, this.root(), this.depth + 1);
    }
    return value;
  }

  private root(): StrictContext {
    let context: StrictContext = this;
    while (context.parent) context = context.parent as StrictContext;
    return context;
  }
}

const writer = new Mustache.Writer();
const noEscape = { escape: (text: unknown) => String(text) };

function render(template: string, context: StrictContext, depth: number): string {
  const tokens = writer.parse(template);
  return writer.renderTokens(tokens, new StrictContext(context.view, undefined, depth), undefined, template, noEscape);
}

export function renderStrict(template: string, vars: Record<string, unknown>): string {
  if (!template.includes("{{")) return template;
  try {
    return render(template, new StrictContext(vars, undefined, 0), 0);
  } catch (error) {
    if (error instanceof TemplateError) throw error;
    throw new TemplateError(`template does not parse: ${(error as Error).message}`);
  }
}

/** Renders every string inside plain objects and arrays; functions and other values pass through. */
export function renderDeep<T>(value: T, vars: Record<string, unknown>): T {
  if (typeof value === "string") return renderStrict(value, vars) as T;
  if (Array.isArray(value)) return value.map((v) => renderDeep(v, vars)) as T;
  if (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderDeep(v, vars)])) as T;
  }
  return value;
}
