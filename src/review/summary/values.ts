// Reading a resource change's before/after values, and the attribute-level detail lines: what
// changed, with sensitive values shown as "(sensitive)" and unknown ones as "(known after apply)".
import type { Change, ResourceChange } from "../plan-schema.js";

export type Values = Record<string, unknown>;

export function objectOf(value: unknown): Values | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Values) : undefined;
}

export const before = (rc: ResourceChange): Values | undefined => objectOf(rc.change.before);
export const after = (rc: ResourceChange): Values | undefined => objectOf(rc.change.after);

/** A string value for a text; a sensitive one reads "(sensitive)". */
export const stringOf = (value: unknown): string | undefined => (typeof value === "string" ? (isSensitive(value) ? "(sensitive)" : value) : undefined);
export const stringsOf = (value: unknown): string[] => (Array.isArray(value) ? value.flatMap((v) => (typeof v === "string" ? [stringOf(v)!] : [])) : []);
export const numbersOf = (value: unknown): number[] => (Array.isArray(value) ? value.filter((v): v is number => typeof v === "number") : []);

/** Items of `next` missing in `prev`, and of `prev` missing in `next`, each sorted. */
export function setDiff<T extends string | number>(prev: readonly T[], next: readonly T[]): { added: T[]; removed: T[] } {
  const sort = (list: T[]): T[] => list.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return { added: sort(next.filter((v) => !prev.includes(v))), removed: sort(prev.filter((v) => !next.includes(v))) };
}

export const names = (list: readonly string[]): string => list.join(", ");

/** The cluster a bulk-operation resource belongs to: after, else before, else undefined (unknown until apply). */
export function clusterNameOf(rc: ResourceChange): string | undefined {
  return stringOf(after(rc)?.cluster) ?? stringOf(before(rc)?.cluster);
}

/** The create/update/replace/destroy reading of a change's actions; undefined for no-op and read. */
export function actionOf(change: Change): "create" | "update" | "replace" | "destroy" | undefined {
  const a = change.actions;
  if (a.includes("create") && a.includes("delete")) return "replace";
  if (a.includes("create")) return "create";
  if (a.includes("delete")) return "destroy";
  if (a.includes("update")) return "update";
  return undefined;
}

const REASONS: Record<string, string> = {
  replace_because_tainted: "tainted",
  replace_by_request: "replace requested with -replace",
  replace_by_triggers: "replace_triggered_by",
  delete_because_count_index: "no longer in count",
  delete_because_each_key: "no longer in for_each",
  delete_because_wrong_repetition: "count or for_each changed",
  delete_because_no_module: "its module was removed",
};

/** Why Terraform replaces or deletes the resource, when that is not simply a changed attribute or removed code. */
export function reasonOf(rc: ResourceChange): string | undefined {
  const paths = (rc.change.replace_paths ?? []).map((p) => p.join("."));
  if (paths.length > 0) return `${paths.join(", ")} changed`;
  return rc.action_reason === undefined ? undefined : REASONS[rc.action_reason];
}

/** True when the marker (before_/after_sensitive or after_unknown) is true at the attribute, or anywhere inside it. */
export function marked(marker: unknown, attribute: string): boolean {
  const inner = objectOf(marker)?.[attribute];
  const anyTrue = (value: unknown): boolean =>
    value === true || (Array.isArray(value) ? value.some(anyTrue) : objectOf(value) !== undefined && Object.values(objectOf(value)!).some(anyTrue));
  return marker === true || anyTrue(inner);
}

const MAX_VALUE = 120;

/**
 * What a sensitive value is replaced with before any family reads it, so no operation line can
 * print one. Two spellings keep "changed" apart from "unchanged" without revealing the value.
 */
const SENSITIVE_BEFORE = "\u0000(sensitive)";
const SENSITIVE_CHANGED = "\u0000(sensitive, changed)";

function redactValue(value: unknown, marker: unknown, other: unknown, sentinel: (raw: unknown, other: unknown) => string): unknown {
  if (marker === true) return value === null || value === undefined ? value : sentinel(value, other);
  if (Array.isArray(value) && Array.isArray(marker))
    return value.map((v, i) => redactValue(v, marker[i], Array.isArray(other) ? other[i] : undefined, sentinel));
  const o = objectOf(value);
  const m = objectOf(marker);
  if (o !== undefined && m !== undefined) {
    const otherObject = objectOf(other);
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, redactValue(v, m[k], otherObject?.[k], sentinel)]));
  }
  return value;
}

/** The change with every value marked sensitive (on either side) replaced by a placeholder. */
export function redact(rc: ResourceChange): ResourceChange {
  const { before_sensitive: bs, after_sensitive: as } = rc.change;
  // A value sensitive on one side is hidden on both: its other side would tell it.
  const marker = (own: unknown, other: unknown): unknown => (own === true || other === true ? true : mergeMarkers(own, other));
  const both = marker(bs, as);
  const prev = redactValue(rc.change.before, both, rc.change.after, () => SENSITIVE_BEFORE);
  const next = redactValue(rc.change.after, both, rc.change.before, (raw, other) =>
    JSON.stringify(raw) === JSON.stringify(other) ? SENSITIVE_BEFORE : SENSITIVE_CHANGED,
  );
  return { ...rc, change: { ...rc.change, before: prev, after: next } };
}

function mergeMarkers(a: unknown, b: unknown): unknown {
  if (a === true || b === true) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    const x = Array.isArray(a) ? a : [];
    const y = Array.isArray(b) ? b : [];
    return Array.from({ length: Math.max(x.length, y.length) }, (_, i) => mergeMarkers(x[i], y[i]));
  }
  const x = objectOf(a) ?? {};
  const y = objectOf(b) ?? {};
  const keys = [...new Set([...Object.keys(x), ...Object.keys(y)])];
  return keys.length === 0 ? false : Object.fromEntries(keys.map((k) => [k, mergeMarkers(x[k], y[k])]));
}

function isSensitive(value: unknown): boolean {
  return value === SENSITIVE_BEFORE || value === SENSITIVE_CHANGED;
}

/** A value as one short line: strings quoted, sensitive parts as (sensitive), long values cut with a count of what was cut. */
export function show(value: unknown): string {
  if (isSensitive(value)) return "(sensitive)";
  const text = value === undefined ? "null" : JSON.stringify(value, (_key, inner: unknown) => (isSensitive(inner) ? "(sensitive)" : inner));
  return text.length <= MAX_VALUE ? text : `${text.slice(0, MAX_VALUE)}… (${text.length - MAX_VALUE} more characters)`;
}

/** Counts and lists the changed lines of two texts (a longest-common-subsequence diff). */
export function lineDiff(prev: string, next: string): { added: number; removed: number; lines: string[] } {
  const a = prev.split("\n");
  const b = next.split("\n");
  // Big texts: a multiset comparison keeps the cost linear; the counts stay right for moved-free edits.
  if (a.length * b.length > 4_000_000) {
    const { added, removed } = setDiff(a, b);
    return { added: added.length, removed: removed.length, lines: [...removed.map((l) => `- ${l}`), ...added.map((l) => `+ ${l}`)] };
  }
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  }
  const lines: string[] = [];
  let added = 0;
  let removed = 0;
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      i++;
      j++;
    } else if (j < b.length && (i === a.length || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) {
      lines.push(`+ ${b[j++]}`);
      added++;
    } else {
      lines.push(`- ${a[i++]}`);
      removed++;
    }
  }
  return { added, removed, lines };
}

export const lineCounts = (d: { added: number; removed: number }): string => `+${d.added} −${d.removed} lines`;

/** Leaf paths of a JSON value with their values: {"a":{"b":1}} → [["a.b", 1]]. */
function leaves(value: unknown, prefix: string, out: Map<string, unknown>): Map<string, unknown> {
  const o = objectOf(value);
  if (o !== undefined && (Object.keys(o).length > 0 || prefix === "")) {
    for (const [key, inner] of Object.entries(o)) leaves(inner, prefix === "" ? key : `${prefix}.${key}`, out);
  } else out.set(prefix, value);
  return out;
}

function parseJsonObject(text: unknown): Values | undefined {
  if (typeof text !== "string") return undefined;
  try {
    return objectOf(JSON.parse(text));
  } catch {
    return undefined;
  }
}

/** The leaf-level differences of two JSON object texts (services_config, a kernel config...). */
export function jsonTextDiff(attribute: string, prev: unknown, next: unknown): string[] | undefined {
  const a = prev === null || prev === undefined ? {} : parseJsonObject(prev);
  const b = next === null || next === undefined ? {} : parseJsonObject(next);
  if (a === undefined || b === undefined) return undefined;
  const la = leaves(a, "", new Map());
  const lb = leaves(b, "", new Map());
  const out: string[] = [];
  for (const key of [...new Set([...la.keys(), ...lb.keys()])].sort()) {
    const path = key === "" ? attribute : `${attribute}.${key}`;
    if (!la.has(key)) out.push(`+ ${path}: ${show(lb.get(key))}`);
    else if (!lb.has(key)) out.push(`- ${path}: ${show(la.get(key))}`);
    else if (JSON.stringify(la.get(key)) !== JSON.stringify(lb.get(key))) out.push(`~ ${path}: ${show(la.get(key))} → ${show(lb.get(key))}`);
  }
  return out;
}

interface DetailOptions {
  /** Attributes not worth a line (computed bookkeeping, ids). */
  skip?: readonly string[];
  /** Attributes holding JSON object text: diffed leaf by leaf. */
  json?: readonly string[];
}

const MAX_TEXT_LINES = 20;

/** One line per changed attribute (more for texts), in attribute order. */
export function attributeDetails(rc: ResourceChange, options: DetailOptions = {}): string[] {
  const prev = before(rc) ?? {};
  const next = after(rc) ?? {};
  const change = rc.change;
  const out: string[] = [];
  for (const key of [...new Set([...Object.keys(prev), ...Object.keys(next)])].sort()) {
    if (options.skip?.includes(key)) continue;
    const unknown = marked(change.after_unknown, key);
    const a = prev[key] ?? null;
    const b = next[key] ?? null;
    if (!unknown && JSON.stringify(a) === JSON.stringify(b)) continue;
    if (marked(change.before_sensitive, key) || marked(change.after_sensitive, key)) {
      out.push(`~ ${key}: (sensitive)`);
      continue;
    }
    if (unknown) {
      out.push(`~ ${key}: ${show(a)} → (known after apply)`);
      continue;
    }
    if (options.json?.includes(key)) {
      const diff = jsonTextDiff(key, a, b);
      if (diff !== undefined) {
        out.push(...diff);
        continue;
      }
    }
    if ((typeof a === "string" && a.includes("\n")) || (typeof b === "string" && b.includes("\n"))) {
      const diff = lineDiff(typeof a === "string" ? a : "", typeof b === "string" ? b : "");
      out.push(`~ ${key}: ${lineCounts(diff)}`, ...diff.lines.slice(0, MAX_TEXT_LINES).map((l) => `    ${l}`));
      if (diff.lines.length > MAX_TEXT_LINES) out.push(`    … ${diff.lines.length - MAX_TEXT_LINES} more changed lines`);
      continue;
    }
    out.push(a === null ? `+ ${key}: ${show(b)}` : b === null ? `- ${key}: ${show(a)}` : `~ ${key}: ${show(a)} → ${show(b)}`);
  }
  return out;
}
