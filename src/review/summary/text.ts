// The summary as plain text for a terminal or a log: operations as "- " lines, destructive ones
// as "! " lines, attribute details indented below them.
import type { PlanDiagnostic } from "../plan-schema.js";
import { chosenOf, fit, summarySlots } from "./fit.js";
import { countsOf, factoryResetLine, groupTitle, headlineParts, PLAN_NOT_READ } from "./headline.js";
import type { Group, Summary } from "./model.js";

const line = (text: string): string => text.replace(/\r?\n/g, " ");

function operations(group: Group): string {
  return [groupTitle(group), ...group.operations.map((o) => `  ${o.destructive ? "!" : "-"} ${line(o.text)}`)].join("\n");
}

function compact(group: Group): string {
  const destructive = group.operations.filter((o) => o.destructive).map((o) => line(o.text));
  return `${groupTitle(group)}: ${group.operations.length} operations${destructive.length === 0 ? "" : `: ! ${destructive.join("; ! ")}`}`;
}

function details(group: Group): string | undefined {
  const lines = group.operations.flatMap((o) => (o.details.length === 0 ? [] : [`      # ${o.address}`, ...o.details.map((d) => `      ${d}`)]));
  return lines.length === 0 ? undefined : lines.join("\n");
}

const diagnostic = (d: PlanDiagnostic): string =>
  `${d.severity === "error" ? "Error" : "Warning"}${d.address === undefined ? "" : ` (${d.address})`}: ${line(d.summary)}${d.detail === undefined || d.detail === "" ? "" : `\n  ${line(d.detail)}`}`;

export function renderText(summary: Summary, maxChars: number): string {
  const counts = countsOf(summary);
  const reset = factoryResetLine(counts);
  const head = [
    headlineParts(summary, counts).join(" · "),
    reset === undefined ? undefined : `! ${reset}`,
    summary.planRead || summary.failed ? undefined : PLAN_NOT_READ,
  ]
    .filter((l): l is string => l !== undefined)
    .join("\n");
  const slots = summarySlots(summary, {
    diagnostic,
    group: (g) => [operations(g), compact(g)],
    details,
    drift: (d) => `  ${line(d.text)}`,
    other: (o) => `  ${o.address}: ${o.actions.join(", ")}`,
  });
  return fit(
    slots,
    (chosen, note) => {
      const groups: string[] = [];
      chosen.forEach((c, i) => {
        if (c === undefined) return;
        if (slots[i]!.kind === "group") groups.push(c);
        else if (slots[i]!.kind === "details") groups.push(`${groups.pop() ?? ""}\n${c}`);
      });
      const diagnostics = chosenOf(slots, chosen, "diagnostic");
      const drift = chosenOf(slots, chosen, "drift");
      const other = chosenOf(slots, chosen, "other");
      return [
        head,
        diagnostics.length === 0 ? undefined : diagnostics.join("\n"),
        note,
        ...groups,
        drift.length === 0 ? undefined : `Drift (changed outside Terraform, found by refresh):\n${drift.join("\n")}`,
        other.length === 0 ? undefined : `Other changes:\n${other.join("\n")}`,
      ]
        .filter((b): b is string => b !== undefined)
        .join("\n\n")
        .concat("\n");
    },
    maxChars,
  );
}
