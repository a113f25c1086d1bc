// Loading a user's configuration: a file read within limits, parsed with positions and validated
// against a schema, or an inline value validated under a label; every problem found at once.
import { isAbsolute, join, resolve } from "node:path";
import type { z } from "zod";
import { type CheckResult, ConfigError } from "./errors.js";
import { MAX_FILE_BYTES, readRegularFile, shapeProblem } from "./input-limits.js";
import { collectProblems } from "./problems.js";
import { type Locator, parseYaml } from "./yaml-positions.js";

/** Reads a user's file (a regular file of at most MAX_FILE_BYTES.config); anything else is a problem naming it. */
export function readConfigText(file: string): CheckResult<string> {
  const read = readRegularFile(file, MAX_FILE_BYTES.config);
  if (read.ok) return { ok: true, value: read.text };
  return { ok: false, problems: [{ file, path: "", message: `cannot read the file: ${read.missing ? "no such file" : `it ${read.reason}`}` }] };
}

/** Parses and validates a document; the locator lets callers place further problems of their own. */
export function checkConfigDocument<S extends z.ZodType>(schema: S, text: string, file: string): CheckResult<{ value: z.infer<S>; locator: Locator }> {
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
  if (!text.ok)
    throw new ConfigError(text.problems.map((p) => ({ ...p, file: shown, message: p.message.replace("the file", `the file given as ${options.label}`) })));
  return { value: parseConfigText(schema, text.value, shown), file };
}
