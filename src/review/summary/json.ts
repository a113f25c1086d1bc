// The summary as JSON for other tools, under the same size limit: a group's operations go
// first (it keeps its counts), then whole groups; "left_out" says what.
import { chosenOf, fit, summarySlots } from "./fit.js";
import { countsOf, headlineParts, LISTED_SERVERS } from "./headline.js";
import type { Group, Summary } from "./model.js";

const operationsOf = (group: Group) =>
  group.operations.map((o) => ({ address: o.address, text: o.text, destructive: o.destructive, factory_reset: o.factoryReset, details: o.details }));

const groupJson = (group: Group, operations: unknown): string =>
  JSON.stringify({
    kind: group.kind,
    name: group.name,
    change: group.change,
    operation_count: group.operations.length,
    destructive_count: group.operations.filter((o) => o.destructive).length,
    ...(operations === undefined ? {} : { operations }),
  });

export function renderJson(summary: Summary, maxChars: number): string {
  const counts = countsOf(summary);
  const slots = summarySlots(summary, {
    group: (g) => [groupJson(g, operationsOf(g)), groupJson(g, undefined)],
    // The details ride inside a group's operations.
    details: () => undefined,
    drift: (d) => JSON.stringify({ kind: d.kind, name: d.name, address: d.address, text: d.text }),
    other: (o) => JSON.stringify(o),
    diagnostic: (d) => JSON.stringify(d),
  });
  return fit(
    slots,
    (chosen, note) => {
      const head = JSON.stringify({
        headline: headlineParts(summary, counts),
        failed: summary.failed,
        counts: {
          clusters: counts.clusters,
          templates: counts.templates,
          operations: counts.operations,
          destructive: counts.destructive,
          factory_reset: counts.factoryReset.length,
          factory_reset_servers: counts.factoryReset.slice(0, LISTED_SERVERS),
          drift: counts.drift,
          other: counts.other,
          errors: counts.errors,
          warnings: counts.warnings,
        },
        left_out: note ?? null,
      });
      return `${head.slice(0, -1)},"diagnostics":[${chosenOf(slots, chosen, "diagnostic").join(",")}],"groups":[${chosenOf(slots, chosen, "group").join(",")}],"drift":[${chosenOf(slots, chosen, "drift").join(",")}],"other":[${chosenOf(slots, chosen, "other").join(",")}]}\n`;
    },
    maxChars,
  );
}
