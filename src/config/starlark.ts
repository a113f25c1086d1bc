// A checker for Incus instance placement scriptlets (incus@be7afc5
// internal/server/scriptlet/instance_placement.go). No maintained Starlark parser exists on npm, so
// this is a tokenizer and recursive-descent parser for the Starlark grammar (starlark-go's legacy
// file dialect, as Incus compiles it), followed by the checks Incus's compile and init steps make,
// plus this provider's stricter rules:
//   - `def instance_placement(request, candidate_members)` exists at top level, those two
//     parameters only (any order, no defaults, no *args / **kwargs);
//   - no `while`, no recursion (direct or through other functions), no top-level if / for;
//   - no call of a placement helper at top level (they exist only while placing);
//   - every name is defined: a Starlark builtin, a documented helper, or defined in the file;
//   - a global is assigned once.
// Each problem names the file, the line and the column (1-based).
import { MAX_NESTING } from "./input-limits.js";

/** The helpers the Incus documentation lists for placement scriptlets. */
const placementHelpers = [
  "log_info",
  "log_warn",
  "log_error",
  "set_target",
  "get_cluster_member_resources",
  "get_cluster_member_state",
  "get_instance_resources",
] as const;

const BUILTINS = new Set([
  "None",
  "True",
  "False",
  "abs",
  "any",
  "all",
  "bool",
  "bytes",
  "chr",
  "dict",
  "dir",
  "enumerate",
  "fail",
  "float",
  "getattr",
  "hasattr",
  "hash",
  "int",
  "len",
  "list",
  "max",
  "min",
  "ord",
  "print",
  "range",
  "repr",
  "reversed",
  "set",
  "sorted",
  "str",
  "tuple",
  "type",
  "zip",
]);
// Predeclared by Incus but outside the documented list: named in the message so the fix is clear.
const UNDOCUMENTED_HELPERS = new Set(["get_instances", "get_instances_count", "get_cluster_members", "get_project"]);
const REQUIRED = "instance_placement";
const REQUIRED_PARAMS = ["candidate_members", "request"];

interface StarlarkProblem {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

export function formatStarlarkProblem(p: StarlarkProblem): string {
  return `${p.file}:${p.line}:${p.column}: ${p.message}`;
}

interface Pos {
  line: number;
  column: number;
}

type TokenKind = "name" | "number" | "string" | "op" | "newline" | "indent" | "dedent" | "eof";
interface Token extends Pos {
  kind: TokenKind;
  text: string;
}

class SyntaxProblem extends Error {
  constructor(
    readonly pos: Pos,
    message: string,
  ) {
    super(message);
  }
}

const KEYWORDS = new Set(["and", "break", "continue", "def", "elif", "else", "for", "if", "in", "lambda", "load", "not", "or", "pass", "return", "while"]);
const RESERVED = new Set([
  "as",
  "assert",
  "async",
  "await",
  "class",
  "del",
  "except",
  "finally",
  "from",
  "global",
  "import",
  "is",
  "nonlocal",
  "raise",
  "try",
  "with",
  "yield",
]);
const OPERATORS = [
  "**=",
  "//=",
  "<<=",
  ">>=",
  "==",
  "!=",
  "<=",
  ">=",
  "**",
  "//",
  "<<",
  ">>",
  "+=",
  "-=",
  "*=",
  "/=",
  "%=",
  "&=",
  "|=",
  "^=",
  "+",
  "-",
  "*",
  "/",
  "%",
  "&",
  "|",
  "^",
  "~",
  "<",
  ">",
  "(",
  ")",
  "[",
  "]",
  "{",
  "}",
  ",",
  ":",
  ";",
  ".",
  "=",
];

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  const indents = [0];
  let depth = 0;
  let i = 0;
  let line = 1;
  let lineStart = 0;
  let atLineStart = true;
  const pos = (at: number): Pos => ({ line, column: at - lineStart + 1 });
  const push = (kind: TokenKind, text: string, at: number) => tokens.push({ kind, text, ...pos(at) });
  while (i <= source.length) {
    if (atLineStart && depth === 0) {
      let width = 0;
      let j = i;
      while (j < source.length && (source[j] === " " || source[j] === "\t")) {
        width += source[j] === "\t" ? 8 - (width % 8) : 1;
        j++;
      }
      const c = source[j];
      if (c === "\n" || c === "#" || c === "\r" || j >= source.length) {
        // A blank or comment-only line does not change the indentation.
        i = j;
        while (i < source.length && source[i] !== "\n") i++;
        if (i >= source.length) break;
        i++;
        line++;
        lineStart = i;
        continue;
      }
      if (width > indents[indents.length - 1]!) {
        indents.push(width);
        push("indent", "", j);
      } else {
        while (width < indents[indents.length - 1]!) {
          indents.pop();
          push("dedent", "", j);
        }
        if (width !== indents[indents.length - 1]) throw new SyntaxProblem(pos(j), "unindent does not match any outer indentation level");
      }
      i = j;
      atLineStart = false;
    }
    if (i >= source.length) break;
    const c = source[i]!;
    if (c === "\n") {
      if (depth === 0) push("newline", "", i);
      i++;
      line++;
      lineStart = i;
      atLineStart = true;
      continue;
    }
    if (c === " " || c === "\t" || c === "\r") {
      i++;
      continue;
    }
    if (c === "#") {
      while (i < source.length && source[i] !== "\n") i++;
      continue;
    }
    if (c === "\\" && source[i + 1] === "\n") {
      i += 2;
      line++;
      lineStart = i;
      continue;
    }
    const rest = source.slice(i);
    const stringStart = /^[rRbB]{0,2}("""|'''|"|')/.exec(rest);
    if (stringStart !== null) {
      const quote = stringStart[1]!;
      const raw = /r/i.test(stringStart[0].slice(0, -quote.length));
      const start = i;
      const startPos = pos(i);
      i += stringStart[0].length;
      let closed = false;
      while (i < source.length) {
        if (!raw && source[i] === "\\") {
          if (source[i + 1] === "\n") {
            line++;
            lineStart = i + 2;
          }
          i += 2;
          continue;
        }
        if (raw && source[i] === "\\") {
          i += 2;
          continue;
        }
        if (source.startsWith(quote, i)) {
          i += quote.length;
          closed = true;
          break;
        }
        if (source[i] === "\n") {
          if (quote.length === 1) break;
          line++;
          lineStart = i + 1;
        }
        i++;
      }
      if (!closed) throw new SyntaxProblem(startPos, "unterminated string literal");
      tokens.push({ kind: "string", text: source.slice(start, i), ...startPos });
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest);
    if (name !== null) {
      push("name", name[0], i);
      i += name[0].length;
      continue;
    }
    const number = /^(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?)/.exec(rest);
    if (number !== null) {
      push("number", number[0], i);
      i += number[0].length;
      continue;
    }
    const op = OPERATORS.find((o) => rest.startsWith(o));
    if (op === undefined) throw new SyntaxProblem(pos(i), `unexpected character ${JSON.stringify(c)}`);
    if (op === "(" || op === "[" || op === "{") depth++;
    if (op === ")" || op === "]" || op === "}") depth = Math.max(0, depth - 1);
    push("op", op, i);
    i += op.length;
  }
  const end = pos(source.length);
  if (tokens.length > 0 && tokens[tokens.length - 1]!.kind !== "newline" && tokens[tokens.length - 1]!.kind !== "dedent")
    tokens.push({ kind: "newline", text: "", ...end });
  while (indents.length > 1) {
    indents.pop();
    tokens.push({ kind: "dedent", text: "", ...end });
  }
  tokens.push({ kind: "eof", text: "", ...end });
  return tokens;
}

// ---- parser with scope analysis --------------------------------------------------------------

type Expr = { kind: "name"; name: string; use: Use } | { kind: "seq"; items: Expr[] } | { kind: "other" };

interface Use extends Pos {
  name: string;
  /** A binding (assignment target) rather than a read. */
  binding: boolean;
  call: boolean;
}

interface Scope {
  /** Null for the module. */
  fn: FunctionInfo | null;
  readonly parent: Scope | null;
  readonly bound: Set<string>;
  readonly uses: Use[];
}

interface FunctionInfo extends Pos {
  name: string;
  params: { name: string; plain: boolean }[];
  scope: Scope;
}

interface GlobalBinding extends Pos {
  name: string;
}

class Parser {
  private at = 0;
  private depth = 0;
  readonly functions: FunctionInfo[] = [];
  readonly topLevelDefs = new Map<string, FunctionInfo>();
  readonly globalBindings: GlobalBinding[] = [];
  readonly problems: { pos: Pos; message: string }[] = [];
  readonly module: Scope = { fn: null, parent: null, bound: new Set(), uses: [] };
  private scope: Scope = this.module;

  constructor(private readonly tokens: Token[]) {}

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.at + offset, this.tokens.length - 1)]!;
  }
  private next(): Token {
    const t = this.peek();
    if (this.at < this.tokens.length - 1) this.at++;
    return t;
  }
  private isOp(text: string): boolean {
    const t = this.peek();
    return t.kind === "op" && t.text === text;
  }
  private isKeyword(text: string): boolean {
    const t = this.peek();
    return t.kind === "name" && t.text === text;
  }
  private fail(t: Token, expected: string): never {
    const got =
      t.kind === "eof"
        ? "end of file"
        : t.kind === "newline"
          ? "end of line"
          : t.kind === "indent"
            ? "indentation"
            : t.kind === "dedent"
              ? "end of block"
              : JSON.stringify(t.text);
    throw new SyntaxProblem(t, `syntax error: got ${got}, want ${expected}`);
  }
  private expectOp(text: string): Token {
    if (!this.isOp(text)) this.fail(this.peek(), `"${text}"`);
    return this.next();
  }
  private expectKind(kind: TokenKind, what: string): Token {
    if (this.peek().kind !== kind) this.fail(this.peek(), what);
    return this.next();
  }
  private identifier(): Token {
    const t = this.peek();
    if (t.kind !== "name" || KEYWORDS.has(t.text)) this.fail(t, "a name");
    if (RESERVED.has(t.text)) throw new SyntaxProblem(t, `"${t.text}" is a reserved word in Starlark`);
    return this.next();
  }

  parseFile(): void {
    while (this.peek().kind !== "eof") {
      if (this.peek().kind === "newline") {
        this.next();
        continue;
      }
      this.statement();
    }
  }

  private statement(): void {
    const t = this.peek();
    if (t.kind === "indent") throw new SyntaxProblem(t, "unexpected indentation");
    if (t.kind === "name") {
      switch (t.text) {
        case "def":
          this.def();
          return;
        case "if":
          this.ifStatement();
          return;
        case "for":
          this.forStatement();
          return;
        case "while":
          this.whileStatement();
          return;
      }
    }
    this.simpleStatements();
  }

  private suite(): void {
    this.expectOp(":");
    if (this.peek().kind !== "newline") {
      this.simpleStatements();
      return;
    }
    this.next();
    this.expectKind("indent", "an indented block");
    while (this.peek().kind !== "dedent" && this.peek().kind !== "eof") {
      if (this.peek().kind === "newline") {
        this.next();
        continue;
      }
      this.nested(() => this.statement());
    }
    if (this.peek().kind === "dedent") this.next();
  }

  private topLevelOnlyInFunction(t: Token, what: string): void {
    if (this.scope.fn === null) this.problems.push({ pos: t, message: `${what} statement not within a function (Starlark allows it only inside a def)` });
  }

  private def(): void {
    const defToken = this.next();
    const nameToken = this.identifier();
    const outer = this.scope;
    this.bind(nameToken.text, nameToken);
    const scope: Scope = { fn: null, parent: outer, bound: new Set(), uses: [] };
    const info: FunctionInfo = { name: nameToken.text, params: [], scope, line: defToken.line, column: defToken.column };
    scope.fn = info;
    this.expectOp("(");
    while (!this.isOp(")")) {
      if (this.isOp("**") || this.isOp("*")) {
        const star = this.next().text;
        if (this.peek().kind === "name") {
          const p = this.identifier();
          info.params.push({ name: `${star}${p.text}`, plain: false });
          scope.bound.add(p.text);
        } else info.params.push({ name: star, plain: false });
      } else {
        const p = this.identifier();
        let plain = true;
        if (this.isOp("=")) {
          this.next();
          this.test();
          plain = false;
        }
        info.params.push({ name: p.text, plain });
        scope.bound.add(p.text);
      }
      if (!this.isOp(",")) break;
      this.next();
    }
    this.expectOp(")");
    this.functions.push(info);
    if (outer === this.module) this.topLevelDefs.set(info.name, info);
    this.scope = scope;
    try {
      this.suite();
    } finally {
      this.scope = outer;
    }
  }

  private ifStatement(): void {
    this.topLevelOnlyInFunction(this.next(), "if");
    this.test();
    this.suite();
    while (this.isKeyword("elif")) {
      this.next();
      this.test();
      this.suite();
    }
    if (this.isKeyword("else")) {
      this.next();
      this.suite();
    }
  }

  private forStatement(): void {
    this.topLevelOnlyInFunction(this.next(), "for");
    this.bindTargets(this.loopVariables());
    if (!this.isKeyword("in")) this.fail(this.peek(), '"in"');
    this.next();
    this.expressionList();
    this.suite();
  }

  private whileStatement(): void {
    const t = this.next();
    this.problems.push({
      pos: t,
      message: "while loops are not allowed in placement scriptlets (Incus compiles them without while); iterate with for over a list or range()",
    });
    this.test();
    this.suite();
  }

  private simpleStatements(): void {
    for (;;) {
      this.smallStatement();
      if (!this.isOp(";")) break;
      this.next();
      if (this.peek().kind === "newline") break;
    }
    if (this.peek().kind !== "eof") this.expectKind("newline", "end of line");
  }

  private smallStatement(): void {
    const t = this.peek();
    if (t.kind === "name") {
      if (t.text === "return") {
        this.next();
        if (this.scope.fn === null) this.problems.push({ pos: t, message: "return statement not within a function" });
        if (this.peek().kind !== "newline" && !this.isOp(";")) this.expressionList();
        return;
      }
      if (t.text === "pass" || t.text === "break" || t.text === "continue") {
        this.next();
        return;
      }
      if (t.text === "load") {
        this.next();
        this.problems.push({ pos: t, message: "load statements are not available to placement scriptlets" });
        this.expectOp("(");
        while (!this.isOp(")") && this.peek().kind !== "eof") this.next();
        this.expectOp(")");
        return;
      }
    }
    const target = this.expressionList();
    if (this.isOp("=")) {
      while (this.isOp("=")) {
        this.next();
        this.bindTargets(target);
        this.expressionList();
      }
      return;
    }
    const op = this.peek();
    if (op.kind === "op" && op.text.length >= 2 && op.text.endsWith("=") && !["==", "!=", "<=", ">="].includes(op.text)) {
      this.next();
      if (target.kind === "name") this.bind(target.name, target.use);
      this.expressionList();
    }
  }

  private bind(name: string, pos: Pos): void {
    if (this.scope === this.module) this.globalBindings.push({ name, line: pos.line, column: pos.column });
    this.scope.bound.add(name);
  }

  private bindTargets(target: Expr): void {
    if (target.kind === "name") {
      target.use.binding = true;
      this.bind(target.name, target.use);
    } else if (target.kind === "seq") for (const item of target.items) this.bindTargets(item);
  }

  private loopVariables(): Expr {
    const items: Expr[] = [this.primaryExpression()];
    while (this.isOp(",")) {
      this.next();
      if (this.isKeyword("in")) break;
      items.push(this.primaryExpression());
    }
    return items.length === 1 ? items[0]! : { kind: "seq", items };
  }

  private expressionList(): Expr {
    const first = this.test();
    if (!this.isOp(",")) return first;
    const items = [first];
    while (this.isOp(",")) {
      this.next();
      if (this.endsExpressionList()) break;
      items.push(this.test());
    }
    return { kind: "seq", items };
  }

  private endsExpressionList(): boolean {
    const t = this.peek();
    return t.kind === "newline" || t.kind === "eof" || (t.kind === "op" && [")", "]", "}", "=", ":", ";"].includes(t.text));
  }

  /** Runs a recursive step one level deeper; past MAX_NESTING it fails instead of overflowing the stack. */
  // starlark-go sets no limit, but this parser recurses, and no placement logic nests that deep.
  private nested<T>(parse: () => T): T {
    if (this.depth >= MAX_NESTING) {
      throw new SyntaxProblem(
        this.peek(),
        `expressions and blocks nest more than ${MAX_NESTING} deep here; split the expression or the block into smaller named parts`,
      );
    }
    this.depth++;
    try {
      return parse();
    } finally {
      this.depth--;
    }
  }

  private test(): Expr {
    return this.nested(() => this.testLevel());
  }

  private testLevel(): Expr {
    if (this.isKeyword("lambda")) return this.lambda();
    const value = this.orTest();
    if (this.isKeyword("if")) {
      this.next();
      this.orTest();
      if (!this.isKeyword("else")) this.fail(this.peek(), '"else"');
      this.next();
      this.test();
      return { kind: "other" };
    }
    return value;
  }

  private lambda(): Expr {
    this.next();
    const outer = this.scope;
    const scope: Scope = { fn: outer.fn, parent: outer, bound: new Set(), uses: [] };
    while (!this.isOp(":")) {
      if (this.isOp("*") || this.isOp("**")) this.next();
      const p = this.identifier();
      scope.bound.add(p.text);
      if (this.isOp("=")) {
        this.next();
        this.test();
      }
      if (!this.isOp(",")) break;
      this.next();
    }
    this.expectOp(":");
    this.scope = scope;
    try {
      this.test();
    } finally {
      this.scope = outer;
    }
    // Lambdas are closures of the enclosing function: their reads resolve like its own.
    outer.uses.push(...scope.uses.filter((u) => !scope.bound.has(u.name)));
    return { kind: "other" };
  }

  private orTest(): Expr {
    let left = this.andTest();
    while (this.isKeyword("or")) {
      this.next();
      this.andTest();
      left = { kind: "other" };
    }
    return left;
  }

  private andTest(): Expr {
    let left = this.notTest();
    while (this.isKeyword("and")) {
      this.next();
      this.notTest();
      left = { kind: "other" };
    }
    return left;
  }

  private notTest(): Expr {
    if (this.isKeyword("not")) {
      this.next();
      this.nested(() => this.notTest());
      return { kind: "other" };
    }
    return this.comparison();
  }

  private comparison(): Expr {
    let left = this.binary(0);
    for (;;) {
      const t = this.peek();
      const isCompare = t.kind === "op" && ["<", ">", "==", "!=", "<=", ">="].includes(t.text);
      if (isCompare || this.isKeyword("in")) this.next();
      else if (this.isKeyword("not") && this.peek(1).kind === "name" && this.peek(1).text === "in") {
        this.next();
        this.next();
      } else return left;
      this.binary(0);
      left = { kind: "other" };
    }
  }

  private static readonly LEVELS = [["|"], ["^"], ["&"], ["<<", ">>"], ["+", "-"], ["*", "/", "//", "%"]];

  private binary(level: number): Expr {
    if (level >= Parser.LEVELS.length) return this.unary();
    let left = this.binary(level + 1);
    while (this.peek().kind === "op" && Parser.LEVELS[level]!.includes(this.peek().text)) {
      this.next();
      this.binary(level + 1);
      left = { kind: "other" };
    }
    return left;
  }

  private unary(): Expr {
    if (this.isOp("-") || this.isOp("+") || this.isOp("~")) {
      this.next();
      this.nested(() => this.unary());
      return { kind: "other" };
    }
    return this.primaryExpression();
  }

  private primaryExpression(): Expr {
    let expr = this.atom();
    for (;;) {
      if (this.isOp(".")) {
        this.next();
        this.expectKind("name", "an attribute name");
        expr = { kind: "other" };
      } else if (this.isOp("(")) {
        if (expr.kind === "name") expr.use.call = true;
        this.next();
        this.callArguments();
        expr = { kind: "other" };
      } else if (this.isOp("[")) {
        this.next();
        this.subscript();
        this.expectOp("]");
        expr = { kind: "other" };
      } else return expr;
    }
  }

  private callArguments(): void {
    while (!this.isOp(")")) {
      if (this.isOp("*") || this.isOp("**")) {
        this.next();
        this.test();
      } else if (this.peek().kind === "name" && this.peek(1).kind === "op" && this.peek(1).text === "=") {
        this.next();
        this.next();
        this.test();
      } else {
        this.test();
        if (this.isKeyword("for")) this.comprehensionClauses();
      }
      if (!this.isOp(",")) break;
      this.next();
    }
    this.expectOp(")");
  }

  private subscript(): void {
    if (!this.isOp(":")) this.test();
    while (this.isOp(":")) {
      this.next();
      if (!this.isOp(":") && !this.isOp("]")) this.test();
    }
  }

  private comprehensionClauses(): void {
    while (this.isKeyword("for") || this.isKeyword("if")) {
      if (this.next().text === "for") {
        const vars = this.loopVariables();
        this.bindComprehension(vars);
        if (!this.isKeyword("in")) this.fail(this.peek(), '"in"');
        this.next();
        this.orTest();
      } else this.orTest();
    }
  }

  // Comprehension variables are local to the comprehension; they are marked bound where they
  // appear, so they neither read as undefined names nor count as globals.
  private bindComprehension(target: Expr): void {
    if (target.kind === "name") {
      target.use.binding = true;
      this.scope.bound.add(target.name);
    } else if (target.kind === "seq") for (const item of target.items) this.bindComprehension(item);
  }

  private atom(): Expr {
    const t = this.peek();
    if (t.kind === "number" || t.kind === "string") {
      this.next();
      while (this.peek().kind === "string") this.next();
      return { kind: "other" };
    }
    if (t.kind === "name" && !KEYWORDS.has(t.text)) {
      const name = this.identifier();
      const use: Use = { name: name.text, line: name.line, column: name.column, binding: false, call: false };
      this.scope.uses.push(use);
      return { kind: "name", name: name.text, use };
    }
    if (this.isOp("(")) {
      this.next();
      if (this.isOp(")")) {
        this.next();
        return { kind: "seq", items: [] };
      }
      const first = this.test();
      if (this.isKeyword("for")) {
        this.comprehensionClauses();
        this.expectOp(")");
        return { kind: "other" };
      }
      if (!this.isOp(",")) {
        this.expectOp(")");
        return first;
      }
      const items = [first];
      while (this.isOp(",")) {
        this.next();
        if (this.isOp(")")) break;
        items.push(this.test());
      }
      this.expectOp(")");
      return { kind: "seq", items };
    }
    if (this.isOp("[")) {
      this.next();
      const items: Expr[] = [];
      if (!this.isOp("]")) {
        items.push(this.test());
        if (this.isKeyword("for")) this.comprehensionClauses();
        else
          while (this.isOp(",")) {
            this.next();
            if (this.isOp("]")) break;
            items.push(this.test());
          }
      }
      this.expectOp("]");
      return { kind: "seq", items };
    }
    if (this.isOp("{")) {
      this.next();
      if (!this.isOp("}")) {
        this.test();
        this.expectOp(":");
        this.test();
        if (this.isKeyword("for")) this.comprehensionClauses();
        else
          while (this.isOp(",")) {
            this.next();
            if (this.isOp("}")) break;
            this.test();
            this.expectOp(":");
            this.test();
          }
      }
      this.expectOp("}");
      return { kind: "other" };
    }
    return this.fail(t, "an expression");
  }
}

/** Where a name read in `scope` is defined: a function's local, a global def/assignment, or nothing. */
function resolves(scope: Scope, name: string, module: Scope): boolean {
  for (let s: Scope | null = scope; s !== null; s = s.parent) if (s.bound.has(name)) return true;
  return module.bound.has(name) || BUILTINS.has(name) || (placementHelpers as readonly string[]).includes(name);
}

/** Checks a placement scriptlet; `file` names it in every problem (a path or the attribute). */
export function checkPlacementScriptlet(source: string, file: string): StarlarkProblem[] {
  const at = (pos: Pos, message: string): StarlarkProblem => ({ file, line: pos.line, column: pos.column, message });
  let parser: Parser;
  try {
    parser = new Parser(tokenize(source));
    parser.parseFile();
  } catch (error) {
    if (error instanceof SyntaxProblem) return [at(error.pos, error.message)];
    throw error;
  }
  const problems: StarlarkProblem[] = parser.problems.map((p) => at(p.pos, p.message));
  const seen = new Map<string, GlobalBinding>();
  for (const binding of parser.globalBindings) {
    const first = seen.get(binding.name);
    if (first !== undefined) problems.push(at(binding, `cannot reassign global ${binding.name} declared at ${file}:${first.line}:${first.column}`));
    else seen.set(binding.name, binding);
  }
  const scopes = [parser.module, ...parser.functions.map((f) => f.scope)];
  for (const scope of scopes) {
    for (const use of scope.uses) {
      if (use.binding) continue;
      const helper = (placementHelpers as readonly string[]).includes(use.name);
      if (scope === parser.module && helper && use.call) {
        problems.push(
          at(
            use,
            `${use.name}() is called at top level; the placement helpers exist only while Incus places an instance, so call it inside instance_placement`,
          ),
        );
      } else if (!resolves(scope, use.name, parser.module)) {
        problems.push(
          at(
            use,
            UNDOCUMENTED_HELPERS.has(use.name)
              ? `${use.name} is not one of the documented placement helpers (${placementHelpers.join(", ")})`
              : `undefined: ${use.name} (not a Starlark builtin, a placement helper or a name defined in the scriptlet)`,
          ),
        );
      }
    }
  }
  problems.push(...recursionProblems(parser, at));
  const required = parser.topLevelDefs.get(REQUIRED);
  if (required === undefined) {
    problems.push(
      at(
        { line: 1, column: 1 },
        `the function "${REQUIRED}" is required but has not been found in the scriptlet; define def ${REQUIRED}(request, candidate_members):`,
      ),
    );
  } else {
    const names = required.params.map((p) => p.name);
    const plain = required.params.every((p) => p.plain);
    if (!plain || [...names].sort().join(",") !== REQUIRED_PARAMS.join(",")) {
      problems.push(
        at(
          required,
          `the required function "${REQUIRED}" defines arguments [${names.join(" ")}] (expected exactly request, candidate_members, without defaults)`,
        ),
      );
    }
  }
  return problems.sort((a, b) => a.line - b.line || a.column - b.column);
}

/** A call cycle among the file's functions (a function calling itself included). */
function recursionProblems(parser: Parser, at: (pos: Pos, message: string) => StarlarkProblem): StarlarkProblem[] {
  const calls = new Map<string, Use[]>();
  for (const fn of parser.functions) {
    if (parser.topLevelDefs.get(fn.name) !== fn) continue;
    calls.set(
      fn.name,
      fn.scope.uses.filter((u) => u.call && !fn.scope.bound.has(u.name) && parser.topLevelDefs.has(u.name)),
    );
  }
  const out: StarlarkProblem[] = [];
  const reported = new Set<string>();
  for (const [start, uses] of calls) {
    for (const use of uses) {
      // Does `use.name` lead back to `start`?
      const stack = [use.name];
      const visited = new Set<string>();
      let cycle = false;
      while (stack.length > 0) {
        const current = stack.pop()!;
        if (current === start) {
          cycle = true;
          break;
        }
        if (visited.has(current)) continue;
        visited.add(current);
        for (const next of calls.get(current) ?? []) stack.push(next.name);
      }
      const key = `${use.line}:${use.column}`;
      if (cycle && !reported.has(key)) {
        reported.add(key);
        const how = use.name === start ? `${start} calls itself` : `${start} calls ${use.name}, which leads back to ${start}`;
        out.push(at(use, `recursion is not allowed in placement scriptlets: ${how}`));
      }
    }
  }
  return out;
}
