// The reviewer's view of a plan: domain operations grouped per cluster and template, drift found
// by refresh, changes of other providers, and the plan's diagnostics.
import type { PlanDiagnostic, ResourceChange } from "../plan-schema.js";

export const formats = ["markdown", "text", "json"] as const;
export type SummaryFormat = (typeof formats)[number];

/**
 * Where an operation runs among those of one resource, lowest first. Removals and destroys run
 * in the destroy stage, before any create or update (Terraform destroys dependents before it
 * changes what they depend on).
 */
export const Phase = {
  itemRemoval: 10,
  destroy: 15,
  templateChange: 20,
  memberRemoval: 21,
  settings: 22,
  create: 23,
  memberAddition: 24,
  itemChange: 30,
} as const;

export const isDestroyStage = (phase: number): boolean => phase === Phase.itemRemoval || phase === Phase.destroy;

export interface Operation {
  /** The resource it comes from. */
  address: string;
  /** One line in domain words, e.g. "VLAN eth0: +300, -200 (all 3 members)". */
  text: string;
  destructive: boolean;
  /** The servers this operation factory-resets. */
  factoryReset: string[];
  /** Attribute-level lines, folded away in markdown. */
  details: string[];
  phase: number;
}

export type GroupKind = "cluster" | "template";

/** What happens to the cluster or template itself; "changed" when only its bulk operations change. */
export type GroupChange = "create" | "update" | "replace" | "destroy" | "changed";

export interface Group {
  kind: GroupKind;
  name: string;
  change: GroupChange;
  operations: Operation[];
}

export interface DriftItem {
  kind: GroupKind;
  /** The cluster or template concerned. */
  name: string;
  address: string;
  text: string;
}

export interface OtherChange {
  address: string;
  actions: string[];
}

export interface Summary {
  groups: Group[];
  drift: DriftItem[];
  /** Resources of other providers. */
  other: OtherChange[];
  diagnostics: PlanDiagnostic[];
  /** True when Terraform could not make the plan (errors in the diagnostics or an errored plan). */
  failed: boolean;
  /** False when no plan document was given (only a plan -json stream). */
  planRead: boolean;
}

/** What the families know about the clusters in the plan: their servers after the apply. */
export interface PlanContext {
  members(cluster: string): { after: string[] } | undefined;
}

/** One resource type family of this provider: how its changes and drift read in domain words. */
export interface Family {
  readonly types: readonly string[];
  /** The cluster or template the resource belongs to. */
  groupOf(rc: ResourceChange): { kind: GroupKind; name: string };
  changes(rc: ResourceChange, context: PlanContext): Operation[];
  drift(rc: ResourceChange, context: PlanContext): string[];
}

export function operation(
  address: string,
  text: string,
  phase: number,
  extra: Partial<Pick<Operation, "destructive" | "factoryReset" | "details">> = {},
): Operation {
  return { address, text, phase, destructive: extra.destructive ?? false, factoryReset: extra.factoryReset ?? [], details: extra.details ?? [] };
}

export const destructiveCount = (summary: Summary): number => summary.groups.reduce((n, g) => n + g.operations.filter((o) => o.destructive).length, 0);

export function factoryResetServers(summary: Summary): string[] {
  return [...new Set(summary.groups.flatMap((g) => g.operations.flatMap((o) => o.factoryReset)))].sort();
}
