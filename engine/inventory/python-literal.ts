/**
 * Python's ast.literal_eval, as Ansible's INI plugin applies it to every value:
 * `5` -> 5, `True` -> true, `None` -> null, `[1, 'a']` -> [1, "a"], `{'a': 1}` -> {a: 1}, `'x'` -> "x";
 * anything that is not a Python literal (`true`, `a b`, `0755`, `web01`) stays the text it was.
 * Tuples and sets become arrays; a trailing `# comment` is Python syntax too, so `True # c` -> true.
 */
export function pythonLiteral(text: string): unknown {
  try {
    return new LiteralParser(text).parse();
  } catch (e) {
    if (e instanceof NotALiteral) return text;
    throw e;
  }
}

class NotALiteral extends Error {}

const DIGITS = String.raw`\d(?:_?\d)*`;
const NUMBER = new RegExp(
  String.raw`^(?:0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|` +
    String.raw`(?:${DIGITS}\.(?:${DIGITS})?|\.${DIGITS}|${DIGITS})(?:[eE][+-]?${DIGITS})?)`,
);
const SIMPLE_ESCAPES: Record<string, string> = {
  "\\": "\\", "'": "'", '"': '"', a: "\x07", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v", "\n": "",
};

class LiteralParser {
  private pos = 0;
  constructor(private readonly src: string) {}

  parse(): unknown {
    const first = this.value();
    let result = first;
    if (this.peek() === ",") {
      // a bare tuple: `80, 443`
      const items = [first];
      while (this.eat(",") && !this.atEnd()) items.push(this.value());
      result = items;
    }
    if (!this.atEnd()) this.fail();
    return result;
  }

  private fail(): never {
    throw new NotALiteral();
  }

  private peek(): string {
    for (;;) {
      while (/\s/.test(this.src[this.pos] ?? "")) this.pos++;
      if (this.src[this.pos] !== "#") return this.src[this.pos] ?? "";
      while (this.pos < this.src.length && this.src[this.pos] !== "\n") this.pos++;
    }
  }

  private eat(c: string): boolean {
    if (this.peek() !== c) return false;
    this.pos++;
    return true;
  }

  private atEnd(): boolean {
    return this.peek() === "";
  }

  private value(): unknown {
    const c = this.peek();
    if (c === "[") return this.sequence("]");
    if (c === "(") return this.parenthesised();
    if (c === "{") return this.braces();
    if (c === "-" || c === "+") {
      this.pos++;
      const n = this.number();
      return c === "-" ? -n : n;
    }
    if (/[0-9.]/.test(c)) return this.number();
    const s = this.strings();
    if (s !== undefined) return s;
    const name = /^[A-Za-z_]\w*/.exec(this.src.slice(this.pos))?.[0];
    const constants: Record<string, unknown> = { True: true, False: false, None: null };
    if (name === undefined || !(name in constants)) this.fail();
    this.pos += name.length;
    return constants[name];
  }

  private sequence(close: string): unknown[] {
    this.pos++;
    const items: unknown[] = [];
    while (!this.eat(close)) {
      items.push(this.value());
      if (!this.eat(",")) {
        if (!this.eat(close)) this.fail();
        break;
      }
    }
    return items;
  }

  private parenthesised(): unknown {
    const start = this.pos++;
    if (this.eat(")")) return [];
    const first = this.value();
    if (this.eat(")")) return first;
    this.pos = start;
    return this.sequence(")");
  }

  private braces(): unknown {
    const start = this.pos++;
    if (this.eat("}")) return {};
    this.value();
    const isDict = this.peek() === ":";
    this.pos = start;
    if (!isDict) return this.sequence("}"); // a set
    this.pos++;
    const dict: Record<string, unknown> = {};
    while (!this.eat("}")) {
      const key = this.value();
      if (!this.eat(":")) this.fail();
      dict[pythonKey(key)] = this.value();
      if (!this.eat(",")) {
        if (!this.eat("}")) this.fail();
        break;
      }
    }
    return dict;
  }

  private number(): number {
    this.peek();
    const text = NUMBER.exec(this.src.slice(this.pos))?.[0];
    if (text === undefined) this.fail();
    this.pos += text.length;
    if (/[\w.]/.test(this.src[this.pos] ?? "")) this.fail(); // 5abc, 1.2.3, 1j (complex)
    const plain = text.replace(/_/g, "");
    let n: number;
    if (/^0[xob]/i.test(plain)) n = Number(plain.toLowerCase());
    else if (/^\d+$/.test(plain)) {
      if (/^0\d/.test(plain) && /[1-9]/.test(plain)) this.fail(); // 0755 is a syntax error in Python 3
      n = Number(plain);
    } else return Number(plain);
    if (!Number.isSafeInteger(n)) this.fail(); // keep big integers as text rather than lose digits
    return n;
  }

  /** One or more adjacent string literals ('a' "b" is "ab"), or undefined when none starts here. */
  private strings(): string | undefined {
    let out: string | undefined;
    for (;;) {
      this.peek();
      const m = /^([rRbBuU]|[bB][rR]|[rR][bB])?('''|"""|'|")/.exec(this.src.slice(this.pos));
      if (!m) return out;
      this.pos += m[0].length;
      out = (out ?? "") + this.stringBody(m[2], /r/i.test(m[1] ?? ""));
    }
  }

  private stringBody(quote: string, raw: boolean): string {
    let out = "";
    for (;;) {
      if (this.pos >= this.src.length) this.fail();
      if (this.src.startsWith(quote, this.pos)) {
        this.pos += quote.length;
        return out;
      }
      const c = this.src[this.pos++];
      if (c === "\n" && quote.length === 1) this.fail();
      if (c !== "\\") out += c;
      else if (raw) out += c + (this.src[this.pos++] ?? "");
      else out += this.escape();
    }
  }

  private escape(): string {
    const c = this.src[this.pos++] ?? this.fail();
    if (c in SIMPLE_ESCAPES) return SIMPLE_ESCAPES[c];
    const octal = /^[0-7]{1,3}/.exec(this.src.slice(this.pos - 1))?.[0];
    if (octal) {
      this.pos += octal.length - 1;
      return String.fromCodePoint(parseInt(octal, 8));
    }
    const width = { x: 2, u: 4, U: 8 }[c];
    if (width === undefined) return "\\" + c; // unknown escapes stay as written
    const hex = this.src.slice(this.pos, this.pos + width);
    if (!new RegExp(`^[0-9a-fA-F]{${width}}$`).test(hex)) this.fail();
    this.pos += width;
    return String.fromCodePoint(parseInt(hex, 16));
  }
}

function pythonKey(key: unknown): string {
  if (key === true) return "True";
  if (key === false) return "False";
  if (key === null) return "None";
  if (typeof key === "object") throw new NotALiteral(); // lists and dicts cannot be keys
  return String(key);
}
