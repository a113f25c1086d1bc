// Import ids of the resources that hang off a cluster: "/"-separated parts, the cluster first,
// written in each resource's description as a format such as "CLUSTER/NAME" or
// "CLUSTER/TARGET/ADDRESS/PORT". A wrong id fails before any call, and the error names the format.
import { DiagnosticError } from "../../plugin/types.js";

/** The failed import of `id`: what is wrong with one of its parts, or else with its shape, and the format expected. */
export function importIdError(what: string, id: string, format: string, problem?: string): DiagnosticError {
  return new DiagnosticError({
    severity: "error",
    summary: `Cannot import ${what} "${id}": ${problem === undefined ? "" : `${problem}; `}the id must be ${format}`,
    detail: `Give the id as terraform import <address> ${format}.`,
  });
}

/**
 * The parts of `id` for `format`: as many "/"-separated parts as the format has, none empty;
 * otherwise an error naming the format. `what` names the resource in the error.
 */
export function importIdParts(what: string, id: string, format: string): string[] {
  const parts = id.split("/");
  if (parts.length !== format.split("/").length || parts.some((part) => part === "")) throw importIdError(what, id, format);
  return parts;
}
