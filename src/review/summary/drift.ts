// The drift report of `oc-cdktf drift` and its rendering: per stack what changed outside Terraform,
// per Operations Center the clusters no stack manages, fitted to a size like the plan summary.
import { fit, type Slot } from "./fit.js";
import { escapeMarkdown } from "./markdown.js";
import type { DriftItem, SummaryFormat } from "./model.js";

export interface StackDrift {
  /** The stack directory, relative to the directory examined. */
  stack: string;
  items: DriftItem[];
  /** The clusters the stack's state holds. */
  clusters: string[];
  /** Why the stack could not be examined. */
  error?: string;
}

export interface DriftReport {
  directory: string;
  stacks: StackDrift[];
  /** Per Operations Center, the clusters no stack under the directory manages. */
  unmanaged: { url: string; clusters: string[] }[];
  /** Connection problems: the unmanaged clusters of that Operations Center are not known. */
  errors: string[];
}

export const hasDrift = (report: DriftReport): boolean => report.stacks.some((s) => s.items.length > 0) || report.unmanaged.some((u) => u.clusters.length > 0);
export const hasErrors = (report: DriftReport): boolean => report.errors.length > 0 || report.stacks.some((s) => s.error !== undefined);

export function renderDrift(report: DriftReport, format: SummaryFormat, maxChars: number): string {
  const driftCount = report.stacks.reduce((n, s) => n + s.items.length, 0) + report.unmanaged.reduce((n, u) => n + u.clusters.length, 0);
  if (format === "json") return `${JSON.stringify({ in_sync: !hasDrift(report) && !hasErrors(report), drift_count: driftCount, ...report })}\n`;
  const md = format === "markdown";
  const bullet = (text: string): string => (md ? `- ${escapeMarkdown(text)}` : `  ${text}`);
  const heading = (text: string): string => (md ? `#### ${escapeMarkdown(text)}` : `${text}:`);
  // The short lists (unmanaged clusters, problems) are kept before the stacks' drift lines.
  const sections: { title: string; lines: string[]; priority: number }[] = [
    ...report.stacks.map((s) => ({
      priority: 1,
      title: `stack ${s.stack}${s.clusters.length === 0 ? "" : ` (clusters ${s.clusters.join(", ")})`}`,
      lines: s.error === undefined ? (s.items.length === 0 ? ["in sync"] : s.items.map((i) => i.text)) : [`cannot examine: ${s.error}`],
    })),
    ...report.unmanaged
      .filter((u) => u.clusters.length > 0)
      .map((u) => ({
        title: `clusters in Operations Center at ${u.url} that no stack under ${report.directory} manages`,
        lines: u.clusters.map((c) => `cluster ${c}`),
        priority: 0,
      })),
  ];
  if (report.errors.length > 0) sections.push({ title: "problems", lines: report.errors, priority: 0 });
  const title =
    driftCount === 0
      ? `Drift: ${hasErrors(report) ? "not fully examined" : "in sync"} (${report.stacks.length} stack${report.stacks.length === 1 ? "" : "s"})`
      : `Drift: ${driftCount} item${driftCount === 1 ? "" : "s"} changed outside Terraform or unmanaged`;
  const head = md ? `### ${driftCount > 0 ? "⚠️ " : ""}${escapeMarkdown(title)}` : title;
  const sectionOf: number[] = [];
  const slots: Slot[] = sections.flatMap((section, index) =>
    section.lines.map((line) => {
      sectionOf.push(index);
      return { kind: "drift" as const, priority: section.priority, options: [bullet(line)], operations: 0, destructive: 0 };
    }),
  );
  return fit(
    slots,
    (chosen, note) => {
      const body = sections
        .map((section, index) => {
          const lines = chosen.filter((c, i): c is string => c !== undefined && sectionOf[i] === index);
          return lines.length === 0 ? undefined : `${heading(section.title)}\n${md ? "\n" : ""}${lines.join("\n")}`;
        })
        .filter((b): b is string => b !== undefined);
      return [head, note === undefined ? undefined : md ? `> ${note}` : note, ...body]
        .filter((b): b is string => b !== undefined)
        .join("\n\n")
        .concat("\n");
    },
    maxChars,
    "Run oc-cdktf drift --format text locally to see all.",
  );
}
