// Contract diagnostics and thrown errors as protocol diagnostics. Terraform shows a diagnostic's
// attribute path as the configuration file and line of that attribute.
import type { AttributePath, Diagnostic } from "./types.js";
import { DiagnosticError } from "./types.js";
import type { Logger } from "./types.js";
import * as wire from "./wire/tfplugin6.js";

export function toWirePath(path: AttributePath): wire.AttributePath {
  return {
    steps: path.map(
      (step): wire.AttributePathStep =>
        typeof step === "string" ? { attribute_name: step } : typeof step === "number" ? { element_key_int: step } : { element_key_string: step.key },
    ),
  };
}

export function toWireDiagnostics(diagnostics: readonly Diagnostic[] | undefined): wire.Diagnostic[] {
  return (diagnostics ?? []).map((d) => ({
    severity: wire.Severity[d.severity],
    summary: d.summary,
    ...(d.detail !== undefined ? { detail: d.detail } : {}),
    ...(d.path !== undefined && d.path.length > 0 ? { attribute: toWirePath(d.path) } : {}),
  }));
}

/**
 * A DiagnosticError becomes its diagnostics; anything else one error diagnostic with its
 * message. The stack goes to the DEBUG log only, never to Terraform's output.
 */
export function diagnosticsOf(error: unknown, log: Logger, call: string): Diagnostic[] {
  if (error instanceof DiagnosticError) return [...error.diagnostics];
  const message = error instanceof Error ? error.message : String(error);
  log.debug(`${call} failed`, { error: message, stack: error instanceof Error ? (error.stack ?? "") : "" });
  return [{ severity: "error", summary: message }];
}
