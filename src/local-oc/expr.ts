// A small evaluator for the subset of expr-lang (https://expr-lang.org) that Operations Center's
// `?filter=` parameter is used with: literals, member access, comparison, `in`, `contains`,
// `startsWith`, `endsWith`, `matches`, `not`/`!`, `and`/`&&`, `or`/`||` and parentheses.
// Like Operations Center, the expression is compiled against an environment (the names it may
// use) and must evaluate to a boolean; compile and run errors both become 400
// "Failed to compile filter expression: ..." at the call site.

class ExprError extends Error {}

type Token =
  | { kind: "num"; value: number; pos: number }
  | { kind: "str"; value: string; pos: number }
  | { kind: "ident"; value: string; pos: number }
  | { kind: "op"; value: string; pos: number }
  | { kind: "eof"; pos: number };

const OPERATORS = ["==", "!=", "<=", ">=", "&&", "||", "<", ">", "!", "(", ")", "[", "]", ",", "."];
const WORD_OPERATORS = new Set(["and", "or", "not", "in", "contains", "startsWith", "endsWith", "matches"]);

function location(source: string, pos: number): string {
  const before = source.slice(0, pos);
  const line = before.split("\n").length;
  const column = pos - before.lastIndexOf("\n");
  return `(${line}:${column})`;
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (/[0-9]/.test(c)) {
      const m = /^[0-9]+(\.[0-9]+)?/.exec(source.slice(i))!;
      tokens.push({ kind: "num", value: Number(m[0]), pos: i });
      i += m[0].length;
      continue;
    }
    if (c === '"' || c === "'" || c === "`") {
      let j = i + 1;
      let value = "";
      while (j < source.length && source[j] !== c) {
        if (source[j] === "\\" && c !== "`" && j + 1 < source.length) {
          const e = source[j + 1]!;
          value += e === "n" ? "\n" : e === "t" ? "\t" : e;
          j += 2;
          continue;
        }
        value += source[j];
        j++;
      }
      if (j >= source.length) throw new ExprError(`literal not terminated ${location(source, i)}`);
      tokens.push({ kind: "str", value, pos: i });
      i = j + 1;
      continue;
    }
    if (/[A-Za-z_$]/.test(c)) {
      const m = /^[A-Za-z_$][A-Za-z0-9_$]*/.exec(source.slice(i))!;
      tokens.push({ kind: WORD_OPERATORS.has(m[0]) ? "op" : "ident", value: m[0], pos: i });
      i += m[0].length;
      continue;
    }
    const op = OPERATORS.find((o) => source.startsWith(o, i));
    if (op === undefined) throw new ExprError(`unexpected token "${c}" ${location(source, i)}`);
    tokens.push({ kind: "op", value: op, pos: i });
    i += op.length;
  }
  tokens.push({ kind: "eof", pos: source.length });
  return tokens;
}

export type Node =
  | { type: "lit"; value: unknown }
  | { type: "name"; name: string; pos: number }
  | { type: "member"; object: Node; property: string }
  | { type: "index"; object: Node; index: Node }
  | { type: "array"; items: Node[] }
  | { type: "unary"; op: string; operand: Node }
  | { type: "binary"; op: string; left: Node; right: Node };

const PRECEDENCE: Record<string, number> = {
  "||": 1,
  or: 1,
  "&&": 2,
  and: 2,
  "==": 3,
  "!=": 3,
  "<": 4,
  ">": 4,
  "<=": 4,
  ">=": 4,
  in: 4,
  contains: 4,
  startsWith: 4,
  endsWith: 4,
  matches: 4,
};

class Parser {
  private i = 0;
  constructor(
    private readonly source: string,
    private readonly tokens: Token[],
  ) {}

  private peek(): Token {
    return this.tokens[this.i]!;
  }
  private next(): Token {
    return this.tokens[this.i++]!;
  }
  private expect(op: string): void {
    const t = this.next();
    if (t.kind !== "op" || t.value !== op) {
      throw new ExprError(`unexpected token ${describe(t)} ${location(this.source, t.pos)}`);
    }
  }

  parse(): Node {
    if (this.peek().kind === "eof") throw new ExprError("unexpected token EOF (1:1)");
    const node = this.expression(0);
    const t = this.peek();
    if (t.kind !== "eof") throw new ExprError(`unexpected token ${describe(t)} ${location(this.source, t.pos)}`);
    return node;
  }

  private expression(minPrecedence: number): Node {
    let left = this.unary();
    for (;;) {
      const t = this.peek();
      if (t.kind !== "op") break;
      // "not in" / "not contains"...
      let op = t.value;
      let negate = false;
      if (op === "not" && this.tokens[this.i + 1]?.kind === "op" && PRECEDENCE[(this.tokens[this.i + 1] as { value: string }).value] === 4) {
        negate = true;
        op = (this.tokens[this.i + 1] as { value: string }).value;
      }
      const precedence = PRECEDENCE[op];
      if (precedence === undefined || precedence <= minPrecedence) break;
      this.i += negate ? 2 : 1;
      const right = this.expression(precedence);
      const node: Node = { type: "binary", op, left, right };
      left = negate ? { type: "unary", op: "not", operand: node } : node;
    }
    return left;
  }

  private unary(): Node {
    const t = this.peek();
    if (t.kind === "op" && (t.value === "!" || t.value === "not")) {
      this.next();
      return { type: "unary", op: "not", operand: this.unary() };
    }
    return this.postfix(this.primary());
  }

  private postfix(node: Node): Node {
    for (;;) {
      const t = this.peek();
      if (t.kind === "op" && t.value === ".") {
        this.next();
        const p = this.next();
        if (p.kind !== "ident" && !(p.kind === "op" && WORD_OPERATORS.has(p.value))) {
          throw new ExprError(`unexpected token ${describe(p)} ${location(this.source, p.pos)}`);
        }
        node = { type: "member", object: node, property: String((p as { value: string }).value) };
      } else if (t.kind === "op" && t.value === "[") {
        this.next();
        const index = this.expression(0);
        this.expect("]");
        node = { type: "index", object: node, index };
      } else {
        return node;
      }
    }
  }

  private primary(): Node {
    const t = this.next();
    switch (t.kind) {
      case "num":
      case "str":
        return { type: "lit", value: t.value };
      case "ident":
        if (t.value === "true") return { type: "lit", value: true };
        if (t.value === "false") return { type: "lit", value: false };
        if (t.value === "nil") return { type: "lit", value: null };
        return { type: "name", name: t.value, pos: t.pos };
      case "op":
        if (t.value === "(") {
          const node = this.expression(0);
          this.expect(")");
          return node;
        }
        if (t.value === "[") {
          const items: Node[] = [];
          if (!(this.peek().kind === "op" && (this.peek() as { value: string }).value === "]")) {
            for (;;) {
              items.push(this.expression(0));
              const sep = this.peek();
              if (sep.kind === "op" && sep.value === ",") {
                this.next();
                continue;
              }
              break;
            }
          }
          this.expect("]");
          return { type: "array", items };
        }
        break;
      case "eof":
        break;
    }
    throw new ExprError(`unexpected token ${describe(t)} ${location(this.source, t.pos)}`);
  }
}

function describe(t: Token): string {
  if (t.kind === "eof") return "EOF";
  if (t.kind === "str") return `String("${t.value}")`;
  if (t.kind === "num") return `Number("${t.value}")`;
  if (t.kind === "ident") return `Identifier("${t.value}")`;
  return `Operator("${t.value}")`;
}

/** A compiled filter: evaluate it against one environment object per item. */
interface CompiledExpression {
  run(env: Record<string, unknown>): boolean;
}

function checkNames(node: Node, env: Record<string, unknown>, source: string): void {
  switch (node.type) {
    case "name":
      if (!Object.hasOwn(env, node.name)) {
        throw new ExprError(`unknown name ${node.name} ${location(source, node.pos)}`);
      }
      return;
    case "member":
      checkNames(node.object, env, source);
      return;
    case "index":
      checkNames(node.object, env, source);
      checkNames(node.index, env, source);
      return;
    case "array":
      for (const item of node.items) checkNames(item, env, source);
      return;
    case "unary":
      checkNames(node.operand, env, source);
      return;
    case "binary":
      checkNames(node.left, env, source);
      checkNames(node.right, env, source);
      return;
    case "lit":
      return;
  }
}

function typeName(v: unknown): string {
  if (v === null || v === undefined) return "nil";
  if (typeof v === "string") return "string";
  if (typeof v === "number") return Number.isInteger(v) ? "int" : "float64";
  if (typeof v === "boolean") return "bool";
  if (Array.isArray(v)) return "[]interface {}";
  return "map[string]interface {}";
}

function equal(a: unknown, b: unknown): boolean {
  if (a === null || a === undefined) return b === null || b === undefined;
  if (b === null || b === undefined) return false;
  if (typeof a === "object" || typeof b === "object") return JSON.stringify(a) === JSON.stringify(b);
  return a === b;
}

function evaluate(node: Node, env: Record<string, unknown>): unknown {
  switch (node.type) {
    case "lit":
      return node.value;
    case "name":
      return env[node.name];
    case "member": {
      const obj = evaluate(node.object, env);
      if (obj === null || obj === undefined) return null;
      if (typeof obj !== "object") throw new ExprError(`type ${typeName(obj)} has no field ${node.property}`);
      return (obj as Record<string, unknown>)[node.property] ?? null;
    }
    case "index": {
      const obj = evaluate(node.object, env);
      const index = evaluate(node.index, env);
      if (obj === null || obj === undefined) return null;
      if (Array.isArray(obj) && typeof index === "number") return obj[index] ?? null;
      if (typeof obj === "object" && typeof index === "string") return (obj as Record<string, unknown>)[index] ?? null;
      throw new ExprError(`cannot fetch ${String(index)} from ${typeName(obj)}`);
    }
    case "array":
      return node.items.map((n) => evaluate(n, env));
    case "unary": {
      const v = evaluate(node.operand, env);
      if (typeof v !== "boolean") throw new ExprError(`invalid operation: ! (mismatched type ${typeName(v)})`);
      return !v;
    }
    case "binary": {
      const { op } = node;
      if (op === "&&" || op === "and" || op === "||" || op === "or") {
        const l = evaluate(node.left, env);
        if (typeof l !== "boolean") throw new ExprError(`invalid operation: ${op} (mismatched type ${typeName(l)})`);
        if ((op === "&&" || op === "and") && !l) return false;
        if ((op === "||" || op === "or") && l) return true;
        const r = evaluate(node.right, env);
        if (typeof r !== "boolean") throw new ExprError(`invalid operation: ${op} (mismatched type ${typeName(r)})`);
        return r;
      }
      const l = evaluate(node.left, env);
      const r = evaluate(node.right, env);
      switch (op) {
        case "==":
          return equal(l, r);
        case "!=":
          return !equal(l, r);
        case "<":
        case ">":
        case "<=":
        case ">=": {
          if (!((typeof l === "number" && typeof r === "number") || (typeof l === "string" && typeof r === "string"))) {
            throw new ExprError(`invalid operation: ${op} (mismatched types ${typeName(l)} and ${typeName(r)})`);
          }
          const a = l as number | string;
          const b = r as number | string;
          return op === "<" ? a < b : op === ">" ? a > b : op === "<=" ? a <= b : a >= b;
        }
        case "in":
          if (Array.isArray(r)) return r.some((x) => equal(x, l));
          if (r !== null && typeof r === "object") return typeof l === "string" && Object.hasOwn(r, l);
          if (r === null || r === undefined) return false;
          throw new ExprError(`operator "in" not defined on ${typeName(r)}`);
        case "contains":
        case "startsWith":
        case "endsWith":
        case "matches": {
          if (typeof l !== "string" || typeof r !== "string") {
            throw new ExprError(`invalid operation: ${op} (mismatched types ${typeName(l)} and ${typeName(r)})`);
          }
          if (op === "contains") return l.includes(r);
          if (op === "startsWith") return l.startsWith(r);
          if (op === "endsWith") return l.endsWith(r);
          try {
            return new RegExp(r).test(l);
          } catch (err) {
            throw new ExprError(`error parsing regexp: ${(err as Error).message}`);
          }
        }
      }
      throw new ExprError(`unknown operator ${op}`);
    }
  }
}

/**
 * Compiles `source` against the names of `sampleEnv` (an environment of the right shape, as
 * expr.Env(...) gives Operations Center). Throws ExprError with expr-lang-like messages.
 */
export function compileExpression(source: string, sampleEnv: Record<string, unknown>): CompiledExpression {
  const ast = new Parser(source, tokenize(source)).parse();
  checkNames(ast, sampleEnv, source);
  return {
    run(env) {
      const result = evaluate(ast, env);
      if (typeof result !== "boolean") throw new ExprError(`expected bool, but got ${typeName(result)}`);
      return result;
    },
  };
}
