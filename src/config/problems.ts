// zod issues turned into ConfigProblems: one problem per user mistake, worded for the user and
// located at the field through a Locator. Schemas attach their wording through `configMeta`.
import { z } from "zod";
import { type CheckResult, type ConfigProblem, describeValue, didYouMean, expectedMessage, formatPath, quotedList, sortProblems } from "./errors.js";
import type { Locator, Path } from "./yaml-positions.js";

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
