// The summary as GitHub markdown: a headline with the counts, a table per cluster and template,
// attribute details folded in <details>, drift and other changes apart.
import type { PlanDiagnostic } from "../plan-schema.js";
import { chosenOf, fit, summarySlots } from "./fit.js";
import { countsOf, factoryResetLine, groupTitle, headlineParts, PLAN_NOT_READ } from "./headline.js";
import type { DriftItem, Group, OtherChange, Summary } from "./model.js";

const MARK = "⚠️";

/** Text in a table cell or a list item: no HTML, no table breaks, one line. */
export const escapeMarkdown = (text: string): string =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/\|/g, "\\|").replace(/\r?\n/g, " ");

function fenced(lines: readonly string[]): string {
  const body = lines.join("\n");
  const fence = body.includes("```") ? "````" : "```";
  return `${fence}diff\n${body}\n${fence}`;
}

function table(group: Group): string {
  const rows = group.operations.map((o) => `| ${o.destructive ? MARK : ""} | ${escapeMarkdown(o.text)} |`);
  const destructive = group.operations.some((o) => o.destructive);
  return `#### ${destructive ? `${MARK} ` : ""}${escapeMarkdown(groupTitle(group))}\n\n| | Operation |\n|---|---|\n${rows.join("\n")}`;
}

function compact(group: Group): string {
  const destructive = group.operations.filter((o) => o.destructive);
  const first = destructive.map((o) => escapeMarkdown(o.text)).join("; ");
  return `- ${destructive.length > 0 ? `${MARK} ` : ""}**${escapeMarkdown(groupTitle(group))}**: ${group.operations.length} operations${first === "" ? "" : `: ${first}`}`;
}

function details(group: Group): string | undefined {
  const byResource = new Map<string, string[]>();
  for (const o of group.operations) if (o.details.length > 0) byResource.set(o.address, [...(byResource.get(o.address) ?? []), ...o.details]);
  if (byResource.size === 0) return undefined;
  const lines = [...byResource].flatMap(([address, ds]) => [`# ${address}`, ...ds]);
  return `<details><summary>Attribute details: ${escapeMarkdown(`${group.kind} ${group.name}`)}</summary>\n\n${fenced(lines)}\n\n</details>`;
}

function diagnostic(d: PlanDiagnostic): string {
  const detail = d.detail === undefined || d.detail === "" ? "" : `\n  ${escapeMarkdown(d.detail.length > 600 ? `${d.detail.slice(0, 600)}…` : d.detail)}`;
  return `- **${d.severity === "error" ? "Error" : "Warning"}**${d.address === undefined ? "" : ` (\`${d.address}\`)`}: ${escapeMarkdown(d.summary)}${detail}`;
}

const driftLine = (d: DriftItem): string => `- ${escapeMarkdown(d.text)}`;
const otherLine = (o: OtherChange): string => `- \`${o.address}\`: ${o.actions.join(", ")}`;

export function renderMarkdown(summary: Summary, maxChars: number): string {
  const counts = countsOf(summary);
  const [title, ...rest] = headlineParts(summary, counts);
  const reset = factoryResetLine(counts);
  const head = [
    `### ${counts.destructive > 0 ? `${MARK} ` : ""}${title}`,
    rest.length === 0 ? undefined : `**${rest.join(" · ")}**`,
    reset === undefined ? undefined : `> ${MARK} **${reset}**`,
    summary.planRead || summary.failed ? undefined : `> ${PLAN_NOT_READ}`,
  ].filter((l): l is string => l !== undefined);

  const slots = summarySlots(summary, { diagnostic, group: (g) => [table(g), compact(g)], details, drift: driftLine, other: otherLine });

  return fit(
    slots,
    (chosen, note) => {
      const blocks = chosen.filter((c, i): c is string => c !== undefined && (slots[i]!.kind === "group" || slots[i]!.kind === "details"));
      const diagnostics = chosenOf(slots, chosen, "diagnostic");
      const drift = chosenOf(slots, chosen, "drift");
      const other = chosenOf(slots, chosen, "other");
      return [
        head.join("\n\n"),
        diagnostics.length === 0 ? undefined : `#### Diagnostics\n\n${diagnostics.join("\n")}`,
        note === undefined ? undefined : `> ${note}`,
        ...blocks,
        drift.length === 0 ? undefined : `#### Drift: changed outside Terraform (found by refresh; not what merging does)\n\n${drift.join("\n")}`,
        other.length === 0 ? undefined : `#### Other changes (other providers)\n\n${other.join("\n")}`,
      ]
        .filter((b): b is string => b !== undefined)
        .join("\n\n")
        .concat("\n");
    },
    maxChars,
  );
}
