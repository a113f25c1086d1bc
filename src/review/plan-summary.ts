// The reviewer's view of a Terraform plan: every resource of this provider mapped back to domain
// operations, per cluster and template, in the order apply runs them; drift apart; resources of
// other providers as "other changes".
import type { PlanInput, ResourceChange } from "./plan-schema.js";
import { clusterMembers } from "./summary/cluster.js";
import { familyOf } from "./summary/families.js";
import { renderJson } from "./summary/json.js";
import { renderMarkdown } from "./summary/markdown.js";
import {
  isDestroyStage,
  type DriftItem,
  type SummaryFormat,
  type Group,
  type GroupChange,
  type Operation,
  type OtherChange,
  type PlanContext,
  type Summary,
} from "./summary/model.js";
import { applyOrder } from "./summary/order.js";
import { renderText } from "./summary/text.js";
import { actionOf, redact } from "./summary/values.js";

export type { Summary } from "./summary/model.js";
export { countsOf, type Counts } from "./summary/headline.js";

/** GitHub's comment limit is 65,536 characters; this leaves room for a tool's own header. */
export const DEFAULT_MAX_CHARS = 65_000;

function contextOf(changes: readonly ResourceChange[]): PlanContext {
  const byName = new Map<string, { after: string[] }>();
  for (const rc of changes) {
    if (rc.type !== "operationscenter_cluster") continue;
    const m = clusterMembers(rc);
    byName.set(m.name, { after: m.after });
  }
  return { members: (cluster) => byName.get(cluster) };
}

const OWN_TYPES: Record<string, Group["kind"]> = { operationscenter_cluster: "cluster", operationscenter_cluster_template: "template" };

/** Templates made or changed come first (clusters are created from them), deleted ones last. */
function groupRank(group: Group): number {
  if (group.kind === "template") return group.change === "destroy" ? 3 : 0;
  return group.change === "destroy" ? 2 : 1;
}

export function summarize(input: PlanInput): Summary {
  const plan = input.plan;
  const changes = (plan?.resource_changes ?? []).map(redact);
  const context = contextOf(changes);
  const groups = new Map<string, Group>();
  const other: OtherChange[] = [];
  for (const rc of changes) {
    const action = actionOf(rc.change);
    if (action === undefined) continue;
    const family = familyOf(rc);
    if (family === undefined) {
      if (rc.mode !== "data") other.push({ address: rc.address, actions: rc.change.actions });
      continue;
    }
    const { kind, name } = family.groupOf(rc);
    const key = `${kind}\0${name}`;
    const group = groups.get(key) ?? { kind, name, change: "changed" as GroupChange, operations: [] };
    groups.set(key, group);
    if (OWN_TYPES[rc.type] === kind) group.change = action;
    group.operations.push(...family.changes(rc, context));
  }
  const drift: DriftItem[] = [];
  for (const rc of (plan?.resource_drift ?? []).map(redact)) {
    const family = familyOf(rc);
    if (family === undefined) continue;
    const { kind, name } = family.groupOf(rc);
    for (const text of family.drift(rc, context)) drift.push({ kind, name, address: rc.address, text });
  }
  const ordered = [...groups.values()]
    .filter((g) => g.operations.length > 0)
    .sort((a, b) => groupRank(a) - groupRank(b) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const order = applyOrder(plan);
  const key = (o: Operation): [number, number, number] => {
    const stage = isDestroyStage(o.phase) ? "destroy" : "apply";
    return [stage === "destroy" ? 0 : 1, order.rank(o.address, stage), o.phase];
  };
  // Stable: operations that run together keep Terraform's order of the resources.
  for (const g of ordered) {
    g.operations.sort((a, b) => {
      const [ka, kb] = [key(a), key(b)];
      return ka[0] - kb[0] || ka[1] - kb[1] || ka[2] - kb[2];
    });
  }
  return {
    groups: ordered,
    drift,
    other,
    diagnostics: input.diagnostics,
    failed: plan?.errored === true || input.diagnostics.some((d) => d.severity === "error"),
    planRead: plan !== undefined,
  };
}

export function renderSummary(summary: Summary, options: { format: SummaryFormat; maxChars: number }): string {
  switch (options.format) {
    case "markdown":
      return renderMarkdown(summary, options.maxChars);
    case "text":
      return renderText(summary, options.maxChars);
    case "json":
      return renderJson(summary, options.maxChars);
  }
}

/** Merges several parsed inputs: the plan document of one, the diagnostics of all. */
export function mergeInputs(inputs: readonly PlanInput[]): PlanInput {
  const plans = inputs.flatMap((i) => (i.plan === undefined ? [] : [i.plan]));
  if (plans.length > 1) throw new Error("give one plan document (terraform show -json <planfile>) and, optionally, terraform plan -json output besides it");
  return { ...(plans[0] === undefined ? {} : { plan: plans[0] }), diagnostics: inputs.flatMap((i) => i.diagnostics) };
}
