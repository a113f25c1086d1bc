// The counts at the top of every format: what happens to clusters and templates, how many
// operations are destructive, which servers will be factory-reset, drift and other changes.
import { destructiveCount, factoryResetServers, type Group, type GroupKind, type Summary } from "./model.js";

export interface Counts {
  clusters: Record<Group["change"], number>;
  templates: Record<Group["change"], number>;
  operations: number;
  destructive: number;
  factoryReset: string[];
  drift: number;
  other: number;
  errors: number;
  warnings: number;
}

const zero = (): Record<Group["change"], number> => ({ create: 0, update: 0, replace: 0, destroy: 0, changed: 0 });

export function countsOf(summary: Summary): Counts {
  const clusters = zero();
  const templates = zero();
  for (const g of summary.groups) (g.kind === "cluster" ? clusters : templates)[g.change]++;
  return {
    clusters,
    templates,
    operations: summary.groups.reduce((n, g) => n + g.operations.length, 0),
    destructive: destructiveCount(summary),
    factoryReset: factoryResetServers(summary),
    drift: summary.drift.length,
    other: summary.other.length,
    errors: summary.diagnostics.filter((d) => d.severity === "error").length,
    warnings: summary.diagnostics.filter((d) => d.severity === "warning").length,
  };
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;

const WORDS: Record<Group["change"], string> = {
  create: "to create",
  update: "to change",
  replace: "to REPLACE",
  destroy: "to destroy",
  changed: "with bulk changes",
};

function kindLine(kind: GroupKind, byChange: Record<Group["change"], number>): string | undefined {
  const total = Object.values(byChange).reduce((a, b) => a + b, 0);
  if (total === 0) return undefined;
  const parts = (Object.keys(WORDS) as Group["change"][]).filter((c) => byChange[c] > 0).map((c) => `${byChange[c]} ${WORDS[c]}`);
  return `${plural(total, kind)} (${parts.join(", ")})`;
}

/** The headline's parts, without markup: the first is the title. */
export function headlineParts(summary: Summary, counts: Counts = countsOf(summary)): string[] {
  if (summary.failed) return [`Operations Center plan FAILED: ${plural(counts.errors, "error")}; nothing can be applied`];
  const changes = [kindLine("cluster", counts.clusters), kindLine("template", counts.templates)].filter((p): p is string => p !== undefined);
  const title = `Operations Center plan: ${changes.length === 0 ? "no changes to clusters or templates" : changes.join(", ")}`;
  const parts = [title, plural(counts.destructive, "destructive operation")];
  if (counts.drift > 0) parts.push(`${plural(counts.drift, "drift item")} (changed outside Terraform)`);
  if (counts.other > 0) parts.push(plural(counts.other, "other change"));
  return parts;
}

/** Said when only a terraform plan -json log was given. */
export const PLAN_NOT_READ = "Only terraform plan -json messages were given: pass the output of terraform show -json <planfile> too for the operations.";

/** How many servers the headline names; the operations name them all. */
export const LISTED_SERVERS = 20;

/** The factory-reset warning, when the plan wipes servers. */
export function factoryResetLine(counts: Counts): string | undefined {
  const n = counts.factoryReset.length;
  if (n === 0) return undefined;
  const listed = counts.factoryReset.slice(0, LISTED_SERVERS).join(", ");
  const more = n > LISTED_SERVERS ? ` and ${n - LISTED_SERVERS} more` : "";
  return `${n === 1 ? "1 server" : `${n} servers`} will be FACTORY-RESET (disks and configuration wiped; ${n === 1 ? "it" : "they"} must register again): ${listed}${more}`;
}

export function groupTitle(group: Group): string {
  const destructive = group.operations.filter((o) => o.destructive).length;
  const what = group.change === "changed" ? "bulk changes" : WORDS[group.change].replace(/^to /, "");
  return `${group.kind} ${group.name} (${what}${destructive > 0 ? `, ${plural(destructive, "destructive operation")}` : ""})`;
}
