// YAML (and so JSON) parsed together with where each key and value sits in the text, so that a
// problem can point at the line and column of the offending field, also through a template.
import { CORE_SCHEMA, Type, YAMLException, type State } from "js-yaml";
import type { CheckResult, ConfigProblem } from "./errors.js";
import { loadYaml } from "./input-limits.js";

/** A field path: keys of mappings and indexes of lists, from the document root. */
export type Path = readonly (string | number)[];

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
