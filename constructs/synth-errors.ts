// Synth-time errors of the constructs: one message shape, `<Construct 'path'>: problem; problem.`,
// whether the problems come from a construct's own check, a rule in src/config/, a zod schema or
// a config loader. Internal: not exported from the package root.
import type { z } from "zod";
import { ConfigError, type ConfigProblem } from "../src/config/errors.js";

/** The error naming the construct (`where`) and every problem, for a construct to throw. */
export function synthError(where: string, problems: readonly string[]): Error {
  return new Error(`${where}: ${problems.join("; ")}.`);
}

/** Throws one error naming the construct and every problem, when there are any (undefined is none). */
export function failOn(where: string, problems: readonly (string | undefined)[]): void {
  const found = problems.filter((problem): problem is string => problem !== undefined);
  if (found.length > 0) throw synthError(where, found);
}

/** Checks a props value against a zod schema; the error names the construct and each field. */
export function checkProps<S extends z.ZodType>(where: string, schema: S, value: unknown, prop?: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw synthError(
    where,
    result.error.issues.map((issue) => {
      const path = [...(prop === undefined ? [] : [prop]), ...issue.path.map(String)].join(".");
      return `${path === "" ? "" : `${path}: `}${issue.message}`;
    }),
  );
}

/** Runs a config loader; its ConfigError (file, line, field) becomes an error naming the construct. */
export function withConfigErrors<T>(where: string, load: () => T): T {
  try {
    return load();
  } catch (err) {
    if (err instanceof ConfigError) failOnConfigProblems(where, err.problems);
    throw err;
  }
}

/** Throws naming the construct with every config problem (file, line, field), when there are any. */
export function failOnConfigProblems(where: string, problems: ConfigProblem[]): void {
  if (problems.length > 0) throw new Error(`${where}: ${new ConfigError(problems).message}`);
}
