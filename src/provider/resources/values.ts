// Reading plain attribute values handed over by the plugin layer, where any value may be null or
// UNKNOWN, and turning Operations Center failures into diagnostics.
import { DiagnosticError, Unknown, type AttributePath, type Value } from "../plugin/types.js";

// Not a type guard: Unknown has no members, so narrowing by it would narrow every object away.
export function isUnknown(value: Value | undefined): boolean {
  return value instanceof Unknown;
}

/** True when the value, or anything inside it, is UNKNOWN. */
export function hasUnknown(value: Value | undefined): boolean {
  if (isUnknown(value)) return true;
  if (Array.isArray(value)) return value.some(hasUnknown);
  if (value !== null && typeof value === "object") return Object.values(value).some(hasUnknown);
  return false;
}

/** The string, or undefined when null, absent or UNKNOWN. */
export function knownString(value: Value | undefined): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** A known map or object value, or undefined when null, absent or UNKNOWN. */
export function knownObject(value: Value | undefined): { [key: string]: Value } | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value) && !isUnknown(value) ? (value as { [key: string]: Value }) : undefined;
}

/**
 * Runs one API step and reports its failure as an error diagnostic: `summary` says what could not
 * be done to which object, the detail carries the server's answer.
 */
export async function apiStep<T>(summary: string, step: () => Promise<T>, path?: AttributePath): Promise<T> {
  try {
    return await step();
  } catch (error) {
    throw stepFailed(summary, error, path);
  }
}

/** The diagnostic for a failed step; a DiagnosticError passes through unchanged. */
export function stepFailed(summary: string, error: unknown, path?: AttributePath): DiagnosticError {
  if (error instanceof DiagnosticError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new DiagnosticError({ severity: "error", summary, detail, ...(path === undefined ? {} : { path }) });
}
