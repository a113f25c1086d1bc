// Reading YAML/JSON configuration files and turning zod issues into ConfigProblems that point at
// the line and column of the offending key or value. Also the schema building blocks whose error
// messages say what would be valid, shared by every schema in this directory.
import { X509Certificate, createHash, createPrivateKey } from "node:crypto";
import { isIP } from "node:net";
import { isAbsolute, join, resolve } from "node:path";
import { CORE_SCHEMA, Type, YAMLException, type State } from "js-yaml";
import { z } from "zod";
import {
  ConfigError,
  type ConfigProblem,
  describeValue,
  didYouMean,
  expectedMessage,
  formatPath,
  quotedList,
  sortProblems,
} from "./errors.js";
import { MAX_FILE_BYTES, loadYaml, readRegularFile, shapeProblem } from "./input-limits.js";

export type Path = readonly (string | number)[];

// ---------------------------------------------------------------------------------------------
// YAML with positions
// ---------------------------------------------------------------------------------------------

// YAML 1.2 core types like Go's yaml (no timestamps or binary: "2024-01-01" stays a string), plus
// merge keys (`<<: *base`), which go-yaml supports too.
const yamlSchema = CORE_SCHEMA.extend({
  implicit: [new Type("tag:yaml.org,2002:merge", { kind: "scalar", resolve: (data: unknown) => data === "<<" || data === null })],
});

/** 1-based line and column; `hint` is appended to the message (e.g. which template variable produced the value). */
export interface Location {
  line: number;
  column: number;
  hint?: string;
}

/** Where a field path sits in some source text. `prefer` picks the key (`name:`) or the value when both exist. */
export interface Locator {
  locate(path: Path, prefer: "key" | "value"): Location | undefined;
}

/** Offsets of the line starts of a text, to turn offsets into line and column. */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
  }

  position(offset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.starts[lo]! + 1 };
  }
}

interface Span {
  key?: number;
  value?: number;
}

const pathKey = (path: Path): string => JSON.stringify(path);

/**
 * Turns an offset in the parsed text into a location in what the user wrote (the same text, or a
 * template); `syntax` is set for the mark of a YAML syntax error, which may sit after its cause.
 */
export type OffsetMapper = (offset: number, syntax: boolean) => Location;

/** Offsets of every key and value of a parsed YAML document, by field path. */
export class PositionMap implements Locator {
  constructor(
    private readonly spans: ReadonlyMap<string, Span>,
    private readonly mapOffset: OffsetMapper,
  ) {}

  /** Offset of the path; a path that is not in the text (a missing field) falls back to its nearest ancestor. */
  offset(path: Path, prefer: "key" | "value"): number | undefined {
    const exact = this.spans.get(pathKey(path));
    if (exact !== undefined) {
      const first = prefer === "key" ? exact.key : exact.value;
      const found = first ?? exact.key ?? exact.value;
      if (found !== undefined) return found;
    }
    for (let n = path.length - 1; n >= 0; n--) {
      const span = this.spans.get(pathKey(path.slice(0, n)));
      // An ancestor is named by its key line (`nvme:`), a list item by its first content.
      const found = span?.key ?? span?.value;
      if (found !== undefined) return found;
    }
    return undefined;
  }

  locate(path: Path, prefer: "key" | "value"): Location | undefined {
    const offset = this.offset(path, prefer);
    return offset === undefined ? undefined : this.mapOffset(offset, false);
  }
}

interface YamlNode {
  open: number;
  start: number;
  end: number;
  result: unknown;
  children: YamlNode[];
}

function skipTrivia(text: string, from: number): number {
  let p = from;
  for (;;) {
    const c = text[p];
    if (c === " " || c === "\t" || c === "\n" || c === "\r") p++;
    else if (c === "#") while (p < text.length && text[p] !== "\n") p++;
    else return p;
  }
}

/** A node is a mapping key when a `:` follows it on the same line (block or flow style). */
function isKeyNode(text: string, node: YamlNode): boolean {
  if (node.end <= node.start) return false;
  let p = node.end;
  while (text[p] === " " || text[p] === "\t") p++;
  return text[p] === ":";
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

// js-yaml's listener reports every node it composes, nested like the document. Nodes are paired
// with keys and items of the loaded value and every pairing is verified against that value
// (same key text, identical value), so an unexpected event sequence (aliases, merge keys, tags
// read twice) can only leave a path without a position of its own, never give it a wrong one.
function recordSpans(text: string, node: YamlNode, path: Path, spans: Map<string, Span>, key?: number): void {
  const span: Span = {};
  if (key !== undefined) span.key = key;
  if (node.end > node.start) span.value = node.start;
  spans.set(pathKey(path), span);

  let inner = node;
  while (inner.children.length === 1 && inner.children[0]!.result === inner.result && typeof inner.result === "object") {
    inner = inner.children[0]!;
  }
  const value = inner.result;
  const children = inner.children;
  if (Array.isArray(value)) {
    let c = 0;
    for (let i = 0; i < value.length && c < children.length; i++) {
      if (Object.is(children[c]!.result, value[i])) {
        recordSpans(text, children[c]!, [...path, i], spans);
        c++;
      }
    }
  } else if (isObject(value)) {
    for (let c = 0; c < children.length; c++) {
      const keyNode = children[c]!;
      if (!isKeyNode(text, keyNode)) continue;
      const name = String(keyNode.result);
      if (!Object.hasOwn(value, name)) continue;
      const valueNode = children[c + 1];
      if (valueNode !== undefined && !isKeyNode(text, valueNode) && Object.is(valueNode.result, value[name])) {
        recordSpans(text, valueNode, [...path, name], spans, keyNode.start);
        c++;
      } else {
        spans.set(pathKey([...path, name]), { key: keyNode.start });
      }
    }
  }
}

/** A parsed file: its data and where each field sits in the text. */
export interface YamlDocument {
  file: string;
  data: unknown;
  positions: PositionMap;
}

export type CheckResult<T> = { ok: true; value: T } | { ok: false; problems: ConfigProblem[] };

/**
 * Parses YAML (and so JSON); a syntax error becomes one problem at js-yaml's mark. An empty
 * document is `null`, like Go's yaml. `mapOffset` relocates positions, e.g. from rendered text
 * back into a template.
 */
export function parseYaml(text: string, file: string, mapOffset?: OffsetMapper): CheckResult<YamlDocument> {
  // js-yaml drops a byte-order mark itself, which would shift every offset by one.
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lines = new LineIndex(source);
  const toLocation: OffsetMapper = mapOffset ?? ((offset) => lines.position(offset));
  const root: YamlNode = { open: 0, start: 0, end: 0, result: undefined, children: [] };
  const stack: YamlNode[] = [root];
  let data: unknown;
  try {
    data = loadYaml(source, {
      filename: file,
      schema: yamlSchema,
      listener(event: "open" | "close", state: State) {
        if (event === "open") {
          stack.push({ open: state.position, start: 0, end: 0, result: undefined, children: [] });
          return;
        }
        const node = stack.pop()!;
        // js-yaml appends a newline to text that lacks one, so positions may pass the end.
        node.end = Math.min(state.position, source.length);
        node.start = Math.min(skipTrivia(source, node.open), node.end);
        node.result = state.result;
        stack[stack.length - 1]!.children.push(node);
      },
    });
  } catch (err) {
    if (!(err instanceof YAMLException)) throw err;
    const problem: ConfigProblem = { file, path: "", message: `invalid YAML: ${err.reason}` };
    if (err.mark !== undefined && err.mark !== null) {
      const location = toLocation(Math.min(err.mark.position, source.length), true);
      problem.line = location.line;
      problem.column = location.column;
      if (location.hint !== undefined) problem.message += ` (${location.hint})`;
    }
    return { ok: false, problems: [problem] };
  }
  const spans = new Map<string, Span>();
  const top = root.children.at(-1);
  if (top !== undefined && Object.is(top.result, data)) recordSpans(source, top, [], spans);
  return { ok: true, value: { file, data: data ?? null, positions: new PositionMap(spans, toLocation) } };
}

// ---------------------------------------------------------------------------------------------
// zod issues -> ConfigProblems
// ---------------------------------------------------------------------------------------------

/**
 * Wording attached to a schema: `expected` replaces the generic "a mapping", `unknownKey` the word
 * "field"; `pick` chooses the branch of a union from the input, so problems come from that branch.
 */
export interface ConfigMeta {
  expected?: string;
  unknownKey?: string;
  pick?: (input: unknown) => number;
}
export const configMeta = z.registry<ConfigMeta>();

// What the error map learns about issues that the final issues no longer carry (their schema).
// Keyed by the issue's own arrays, which zod copies by reference into the final issue.
interface SideInfo {
  unknownKeys: WeakMap<readonly string[], { known: string[]; noun: string }>;
  picks: WeakMap<readonly unknown[], number>;
}

function describeExpected(expected: string): string {
  switch (expected) {
    case "string":
      return "a string";
    case "number":
      return "a number";
    case "int":
      return "an integer";
    case "boolean":
      return "true or false";
    case "object":
    case "record":
    case "map":
      return "a mapping";
    case "array":
    case "tuple":
    case "set":
      return "a list";
    default:
      return expected;
  }
}

/** "one of "a", "b", "c"" / ""a" or "b"" */
export function alternatives(values: readonly string[]): string {
  if (values.length === 1) return JSON.stringify(values[0]);
  if (values.length === 2) return `${JSON.stringify(values[0])} or ${JSON.stringify(values[1])}`;
  return `one of ${quotedList(values)}`;
}

// Generic wording for issues whose schema has no message of its own.
function errorMap(side: SideInfo): z.core.$ZodErrorMap {
  return (issue) => {
    const meta = issue.inst instanceof z.ZodType ? configMeta.get(issue.inst) : undefined;
    switch (issue.code) {
      case "unrecognized_keys":
        // zod reports unknown keys once per object; the user gets one problem per key, with the
        // valid keys, which only the object schema knows.
        if (issue.inst instanceof z.ZodObject) {
          side.unknownKeys.set(issue.keys, { known: Object.keys(issue.inst.shape), noun: meta?.unknownKey ?? "field" });
        }
        return "unknown field";
      case "invalid_type":
        return expectedMessage(meta?.expected ?? describeExpected(issue.expected), issue.input);
      case "invalid_value": {
        const values = issue.values.map(String);
        return `${expectedMessage(meta?.expected ?? alternatives(values), issue.input)}${didYouMean(issue.input, values)}`;
      }
      case "too_small":
        if (issue.origin === "array") {
          const entries = Number(issue.minimum) === 1 ? "entry" : "entries";
          return `expected at least ${String(issue.minimum)} ${entries}, got ${String((issue.input as unknown[]).length)}`;
        }
        if (issue.origin === "string") return `must not be empty`;
        return `expected at least ${String(issue.minimum)}, got ${describeValue(issue.input)}`;
      case "too_big":
        if (issue.origin === "string") return `expected at most ${String(issue.maximum)} characters, got ${String((issue.input as string).length)}`;
        return `expected at most ${String(issue.maximum)}, got ${describeValue(issue.input)}`;
      case "invalid_union":
        if (meta?.pick !== undefined) side.picks.set(issue.errors, meta.pick(issue.input));
        return expectedMessage(meta?.expected ?? "a different kind of value", issue.input);
      default:
        return undefined;
    }
  };
}

/** Where the problems come from: a file name or label, and optionally positions in its text. */
export interface ProblemSource {
  file?: string;
  locator?: Locator;
}

/** A problem at a field path, located through the source's locator. */
export function problemAt(source: ProblemSource, path: Path, message: string, prefer: "key" | "value" = "value"): ConfigProblem {
  const problem: ConfigProblem = { path: formatPath(path), message };
  if (source.file !== undefined) problem.file = source.file;
  const location = source.locator?.locate(path, prefer);
  if (location !== undefined) {
    problem.line = location.line;
    problem.column = location.column;
    if (location.hint !== undefined) problem.message = `${message} (${location.hint})`;
  }
  return problem;
}

function issueProblems(issue: z.core.$ZodIssue, prefix: Path, source: ProblemSource, side: SideInfo): ConfigProblem[] {
  const path = [...prefix, ...issue.path.filter((p): p is string | number => typeof p !== "symbol")];
  switch (issue.code) {
    case "unrecognized_keys": {
      const info = side.unknownKeys.get(issue.keys);
      return issue.keys.map((key) => {
        const valid = info === undefined ? "" : `: valid ${info.noun}s are ${info.known.join(", ")}${didYouMean(key, info.known)}`;
        return problemAt(source, [...path, key], `unknown ${info?.noun ?? "field"} ${JSON.stringify(key)}${valid}`, "key");
      });
    }
    case "invalid_union": {
      const pick = side.picks.get(issue.errors);
      const branch = pick === undefined ? undefined : issue.errors[pick];
      if (branch === undefined) return [problemAt(source, path, issue.message)];
      return branch.flatMap((inner) => issueProblems(inner, path, source, side));
    }
    case "invalid_key":
      return [problemAt(source, path, issue.issues[0]?.message ?? issue.message, "key")];
    case "invalid_type":
      // A missing field is reported where its parent is.
      return [problemAt(source, path, issue.message, issue.input === undefined ? "key" : "value")];
    default:
      return [problemAt(source, path, issue.message)];
  }
}

/** Validates a value and returns every problem instead of throwing; callers gather problems from several sources and throw once. */
export function collectProblems<S extends z.ZodType>(schema: S, value: unknown, source: ProblemSource): CheckResult<z.infer<S>> {
  const side: SideInfo = { unknownKeys: new WeakMap(), picks: new WeakMap() };
  const result = schema.safeParse(value, { error: errorMap(side), reportInput: true });
  if (result.success) return { ok: true, value: result.data };
  // Messages are produced when the issues are first read, which fills `side`.
  const issues = result.error.issues;
  return { ok: false, problems: sortProblems(issues.flatMap((issue) => issueProblems(issue, [], source, side))) };
}

/** Throws one ConfigError with all problems, if there are any. */
export function throwIfProblems(problems: readonly ConfigProblem[]): void {
  if (problems.length > 0) throw new ConfigError(sortProblems(problems));
}

// ---------------------------------------------------------------------------------------------
// Loading
// ---------------------------------------------------------------------------------------------

/** Reads a user's file (a regular file of at most MAX_FILE_BYTES.config); anything else is a problem naming it. */
export function readConfigText(file: string): CheckResult<string> {
  const read = readRegularFile(file, MAX_FILE_BYTES.config);
  if (read.ok) return { ok: true, value: read.text };
  return { ok: false, problems: [{ file, path: "", message: `cannot read the file: ${read.missing ? "no such file" : `it ${read.reason}`}` }] };
}

/** Parses and validates a document; the locator lets callers place further problems of their own. */
export function checkConfigDocument<S extends z.ZodType>(
  schema: S,
  text: string,
  file: string,
): CheckResult<{ value: z.infer<S>; locator: Locator }> {
  const doc = parseYaml(text, file);
  if (!doc.ok) return doc;
  const result = collectProblems(schema, doc.value.data, { file, locator: doc.value.positions });
  return result.ok ? { ok: true, value: { value: result.value, locator: doc.value.positions } } : result;
}

/** Parses and validates a document, with problems located in the text. */
export function checkConfigText<S extends z.ZodType>(schema: S, text: string, file: string): CheckResult<z.infer<S>> {
  const result = checkConfigDocument(schema, text, file);
  return result.ok ? { ok: true, value: result.value.value } : result;
}

export function parseConfigText<S extends z.ZodType>(schema: S, text: string, file: string): z.infer<S> {
  const result = checkConfigText(schema, text, file);
  if (!result.ok) throw new ConfigError(result.problems);
  return result.value;
}

export function loadConfigFile<S extends z.ZodType>(schema: S, file: string): z.infer<S> {
  const text = readConfigText(file);
  if (!text.ok) throw new ConfigError(text.problems);
  return parseConfigText(schema, text.value, file);
}

/** Validates an inline object; problems are labelled, e.g. `Cluster 'stack/a' servicesConfig`. */
export function validateConfigValue<S extends z.ZodType>(schema: S, value: unknown, label: string): z.infer<S> {
  const shape = shapeProblem(value);
  if (shape !== undefined) throw new ConfigError([{ file: label, path: "", message: shape }]);
  const result = collectProblems(schema, value, { file: label });
  if (!result.ok) throw new ConfigError(result.problems);
  return result.value;
}

/**
 * A configuration given either inline or as a file path (like the operations-center CLI's
 * `--services-config FILE`); a relative path is taken from `baseDir`, else the working directory.
 * `file` is the absolute path that was read.
 */
export function loadConfig<S extends z.ZodType>(
  schema: S,
  input: string | object,
  options: { label: string; baseDir?: string },
): { value: z.infer<S>; file?: string } {
  if (typeof input !== "string") return { value: validateConfigValue(schema, input, options.label) };
  const shown = options.baseDir === undefined || isAbsolute(input) ? input : join(options.baseDir, input);
  const file = resolve(shown);
  const text = readConfigText(file);
  if (!text.ok) throw new ConfigError(text.problems.map((p) => ({ ...p, file: shown, message: p.message.replace("the file", `the file given as ${options.label}`) })));
  return { value: parseConfigText(schema, text.value, shown), file };
}

// ---------------------------------------------------------------------------------------------
// Schema building blocks
// ---------------------------------------------------------------------------------------------

type RawIssue = { input?: unknown };

/** A strict object (unknown keys are errors) carrying its wording; `check` adds cross-field rules. */
export function strictObject<Shape extends z.core.$ZodLooseShape>(
  shape: Shape,
  meta: ConfigMeta = {},
  check?: (value: z.output<z.ZodObject<Shape, z.core.$strict>>, ctx: z.RefinementCtx) => void,
): z.ZodObject<Shape, z.core.$strict> {
  const base = z.strictObject(shape);
  const schema = check === undefined ? base : base.superRefine(check);
  configMeta.add(schema, meta);
  return schema;
}

/** true or false; `whenMissing` explains what an omitted value would mean. */
export function bool(whenMissing?: string): z.ZodBoolean {
  return z.boolean({
    error: (iss: RawIssue) => {
      if (iss.input === undefined && whenMissing !== undefined) return `missing; expected true or false (${whenMissing})`;
      const quoted = typeof iss.input === "string" && /^(true|false|yes|no|on|off|y|n)$/i.test(iss.input);
      return `${expectedMessage("true or false", iss.input)}${quoted ? "; write true or false without quotes" : ""}`;
    },
  });
}

export function text(what = "a string"): z.ZodString {
  return z.string({ error: (iss: RawIssue) => expectedMessage(what, iss.input) });
}

export function nonEmptyText(what: string): z.ZodString {
  return z
    .string({ error: (iss: RawIssue) => expectedMessage(what, iss.input) })
    .min(1, { error: `must not be empty; expected ${what}` });
}

/** A string matching `pattern`; `hint` may add advice for a specific wrong input (e.g. a did-you-mean). */
export function matching(pattern: RegExp, what: string, hint?: (input: string) => string): z.ZodString {
  const error = (iss: RawIssue): string =>
    `${expectedMessage(what, iss.input)}${typeof iss.input === "string" && hint !== undefined ? hint(iss.input) : ""}`;
  return z.string({ error }).regex(pattern, { error });
}

/** An integer in [min, max]; one message for every way of being wrong. */
export function intInRange(min: number, max: number, what = `an integer from ${min} to ${max}`): z.ZodNumber {
  const error = (iss: RawIssue): string => expectedMessage(what, iss.input);
  return z.int({ error }).min(min, { error }).max(max, { error });
}

export function oneOf<const T extends readonly [string, ...string[]]>(values: T, what?: string): z.ZodEnum<{ [K in T[number]]: K }> {
  const valid = [...values];
  return z.enum(values, {
    error: (iss: RawIssue) => `${expectedMessage(what ?? alternatives(valid), iss.input)}${didYouMean(iss.input, valid)}`,
  });
}

/** A union whose branch is picked from the input (e.g. by a key that is present), so a user sees only that branch's problems. */
export function choice<const T extends readonly [z.ZodType, ...z.ZodType[]]>(options: T, pick: (input: unknown) => number, expected?: string): z.ZodUnion<T> {
  const schema = z.union(options);
  configMeta.add(schema, expected === undefined ? { pick } : { pick, expected });
  return schema;
}

/** A list without repeated entries, compared by their JSON form; a repeat is reported at its own index. */
export function uniqueList<T extends z.ZodType>(item: T, what: string, options: { nonEmpty?: boolean } = {}): z.ZodArray<T> {
  const base = options.nonEmpty === true ? z.array(item).min(1, { error: `expected at least one ${what}, got an empty list` }) : z.array(item);
  const schema = base.superRefine((list, ctx) => {
    const seen = new Map<string, number>();
    list.forEach((entry, index) => {
      const id = JSON.stringify(entry);
      const first = seen.get(id);
      const shown = typeof entry === "object" ? "" : ` ${String(entry)}`;
      if (first === undefined) seen.set(id, index);
      else ctx.addIssue({ code: "custom", path: [index], input: entry, message: `duplicate ${what}${shown} (same as entry ${first})` });
    });
  });
  configMeta.add(schema, { expected: `a list of ${what}s` });
  return schema;
}

/** A string that passes `test`; `hint` may add advice for a specific wrong input. */
export function satisfying(test: (value: string) => boolean, what: string, hint?: (input: string) => string): z.ZodString {
  const error = (iss: RawIssue): string =>
    `${expectedMessage(what, iss.input)}${typeof iss.input === "string" && hint !== undefined ? hint(iss.input) : ""}`;
  return z.string({ error }).refine(test, { error });
}

const hostnamePattern =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;

/** An IPv4/IPv6 address or a DNS name (a dotted number that is no IPv4 address is neither). */
export function isHost(value: string): boolean {
  if (isIP(value) !== 0) return true;
  return hostnamePattern.test(value) && !/^[0-9.]+$/.test(value);
}

/** Advice for an address written with a port or brackets where a bare host is expected. */
export function bareHostHint(input: string): string {
  if (/^\[.*\]$/.test(input)) return "; write an IPv6 address without brackets";
  if (input.includes(":") && isIP(input) === 0) return "; give the port in its own field, not in the address";
  return "";
}

/** `host:port` as Go's net.SplitHostPort reads it (IPv6 in brackets), with a port from 1 to 65535. */
export function isHostPort(value: string): boolean {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(value);
  if (m === null) return false;
  const host = m[1] ?? m[2]!;
  const port = Number(m[3]);
  return port >= 1 && port <= 65535 && (m[1] !== undefined ? isIP(host) === 6 : isHost(host));
}

export function isCidr(value: string): boolean {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(value);
  if (m === null) return false;
  const family = isIP(m[1]!);
  const prefix = Number(m[2]);
  return family !== 0 && prefix <= (family === 4 ? 32 : 128);
}

export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === "https:" || url.protocol === "http:") && url.hostname !== "";
  } catch {
    return false;
  }
}

/** A secret's value never appears in a message. */
function describeSecret(input: unknown): string {
  return typeof input === "string" ? "a value that is not (not shown: it is a secret)" : describeValue(input);
}

/** A string holding a secret: problems never echo it. */
export function secretText(what: string, test: (value: string) => boolean = () => true): z.ZodString {
  const error = (iss: RawIssue): string => (iss.input === undefined ? `missing; expected ${what}` : `expected ${what}, got ${describeSecret(iss.input)}`);
  return z.string({ error }).refine(test, { error });
}

function isCertificate(value: string): boolean {
  try {
    new X509Certificate(value);
    return true;
  } catch {
    return false;
  }
}

/** A PEM certificate or, as Incus also accepts, base64 of its DER form. */
function isCertificateOrDer(value: string): boolean {
  if (isCertificate(value)) return true;
  const compact = value.replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) return false;
  try {
    new X509Certificate(Buffer.from(compact, "base64"));
    return true;
  } catch {
    return false;
  }
}

/**
 * A certificate, parsed for real so that a documentation placeholder (`...`) or a truncated paste
 * is caught before the server sees it; `der` also accepts base64 of the DER form, as Incus does.
 */
export function certificateText(options: { der?: boolean } = {}): z.ZodString {
  const what = `a PEM certificate (-----BEGIN CERTIFICATE----- ... -----END CERTIFICATE-----)${options.der === true ? " or its base64 DER form" : ""}`;
  const error = (iss: RawIssue): string => {
    if (typeof iss.input !== "string" || !iss.input.includes("-----BEGIN")) return expectedMessage(what, iss.input);
    const placeholder = /^\s*\.\.\.\s*$/m.test(iss.input);
    return `expected ${what}, got a PEM block that does not parse as a certificate${placeholder ? ' (it holds the placeholder "..." instead of the base64 lines)' : ""}`;
  };
  const valid = options.der === true ? isCertificateOrDer : isCertificate;
  // "" means "none", as for every optional string IncusOS and Incus read.
  return z.string({ error }).refine((v) => v === "" || valid(v), { error });
}

export function pemPrivateKey(what = "a PEM private key (-----BEGIN PRIVATE KEY----- ... -----END PRIVATE KEY-----)"): z.ZodString {
  return secretText(what, (value) => {
    if (value === "") return true;
    try {
      createPrivateKey(value);
      return true;
    } catch {
      return false;
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Secrets
// ---------------------------------------------------------------------------------------------

/** How a secret appears in Terraform triggers and logs: `sha256:<hex>`. */
export function secretDigest(value: string): string {
  return `sha256:${createHash("sha256").update(value).digest("hex")}`;
}
