// What every resource that hangs off a cluster shares about that cluster: whether it still exists
// in Operations Center (a cluster deleted outside Terraform drops its dependents from state, as
// the cluster resource drops itself), what a change of the `cluster` attribute means (the
// cluster's rename, or a move to another existing cluster, which the bulk resources apply in
// place and the Incus resources as a replace), which members are in maintenance, and the
// `deletion_policy` of the dependent.
import { IN_MAINTENANCE, type Server } from "../../../client/api-types.js";
import type { OperationsCenterClient } from "../../../client/client.js";
import { attributeName, attributeSetting, type ConfigurationLanguage } from "../../../config/configuration-language.js";
import { dependentDeletionPolicyProblem, type DependentDeletionPolicy } from "../../../config/cluster.js";
import type { Attribute, Diagnostic, ObjectValue } from "../../plugin/types.js";
import { apiStep, knownString } from "../values.js";

export const deletionPolicyAttribute: Attribute = {
  type: "string",
  optional: true,
  description:
    'What destroy does: "remove" (the default) takes off the members what this resource applied; "retain" only forgets it, with no call, so a ' +
    "cluster that is kept (its deletion_policy retain or forget) keeps its configuration. Terraform destroys dependents before their cluster and cannot " +
    "tell them whether the cluster goes too: this attribute says it (the L2 constructs set it from their cluster's deletion policy).",
};

/** The resource's deletion policy; absent (state written before the attribute) is "remove". */
export function deletionPolicyOf(values: ObjectValue | null): DependentDeletionPolicy {
  return knownString(values?.deletion_policy) === "retain" ? "retain" : "remove";
}

export function deletionPolicyProblems(config: ObjectValue): Diagnostic[] {
  const policy = knownString(config.deletion_policy);
  const problem = policy === undefined ? undefined : dependentDeletionPolicyProblem("deletion_policy", policy);
  return problem === undefined ? [] : [{ severity: "error", summary: problem, path: ["deletion_policy"] }];
}

/** True when the cluster exists in Operations Center (a 404 is false, any other failure an error). */
export async function clusterExists(api: OperationsCenterClient, cluster: string): Promise<boolean> {
  return apiStep(`Cannot read cluster "${cluster}"`, async () => (await api.findCluster(cluster)) !== undefined);
}

/**
 * What a change of `cluster` from `from` to `to` is, decided from what exists. At plan: when both
 * exist it is a move to another cluster (noted in the plan); otherwise the cluster
 * is being renamed (or created, or is gone) and the items stay where they are (in place). At
 * apply: "move" when both still exist (the items are removed from `from` and added to `to`),
 * else the items already are (or, for a dependent applied before its cluster, are about to be)
 * on the renamed cluster's members.
 */
type ClusterChange = "same" | "rename" | "move";

export async function clusterChange(api: OperationsCenterClient, from: string | undefined, to: string | undefined): Promise<ClusterChange> {
  if (from === undefined || to === undefined || from === to) return "same";
  return (await clusterExists(api, from)) && (await clusterExists(api, to)) ? "move" : "rename";
}

/** The plan's note on a rename: nothing changes on the members. */
export function renameNote(typeName: string, from: string, to: string): Diagnostic {
  return {
    severity: "warning",
    summary: `${typeName}: cluster "${from}" -> "${to}" follows the cluster's rename`,
    detail: "A rename keeps the members and what they carry: this is an in-place change of the state only, with no call to Operations Center.",
  };
}

/**
 * The cluster the items are on at apply: `to` once it exists; before the rename (a dependent that
 * Operations Center needs on a server before it joins runs before its cluster) still `from`.
 */
export async function clusterAtApply(api: OperationsCenterClient, from: string | undefined, to: string): Promise<string> {
  if (from === undefined || from === to || (await clusterExists(api, to))) return to;
  return (await clusterExists(api, from)) ? from : to;
}

const MAINTENANCE_STATES = new Map<number, string>(Object.entries(IN_MAINTENANCE).map(([state, code]) => [code, state]));

/** The maintenance state of a member, or undefined when it is not in maintenance. */
function maintenanceOf(server: Server): string | undefined {
  const value = server.version_data?.in_maintenance ?? IN_MAINTENANCE.online;
  return value === IN_MAINTENANCE.online ? undefined : (MAINTENANCE_STATES.get(value) ?? `maintenance ${value}`);
}

/** The members in maintenance (name -> state), which make Operations Center refuse every bulk action. */
export async function membersInMaintenance(api: OperationsCenterClient, cluster: string): Promise<Map<string, string>> {
  const servers = await apiStep(`Cannot read the members of cluster "${cluster}"`, () => api.listServers({ cluster }));
  const out = new Map<string, string>();
  for (const server of servers) {
    const state = maintenanceOf(server);
    if (state !== undefined) out.set(server.name, state);
  }
  return out;
}

/**
 * True for Operations Center's refusal of a bulk action because a member is in maintenance
 * (operations-center@41a98e0 internal/provisioning/cluster/cluster_service.go, the readiness check
 * of the bulk update: "Server … is not ready (status: …, status detail: …, maintenance: …)"): the
 * evacuation raced the plan.
 */
export function refusedForMaintenance(message: string): boolean {
  return /is not ready \(status: .*(maintenance: "(evacuating|evacuated|restoring)"|status detail: "(evacuating|restoring)")/.test(message);
}

/** The plan's warning when a member is in maintenance: the change goes member by member. */
export function maintenanceNote(typeName: string, cluster: string, members: ReadonlyMap<string, string>): Diagnostic {
  const named = [...members].map(([name, state]) => `${name} (${state})`).join(", ");
  return {
    severity: "warning",
    summary: `${typeName}: cluster "${cluster}" has members in maintenance: ${named}; the change will be applied member by member`,
    detail:
      "Operations Center refuses every bulk action while any member is in maintenance, so this change goes to each member through its IncusOS " +
      "endpoint instead, the member in maintenance included (IncusOS still runs there).",
  };
}

/**
 * The plan's note on a move to another existing cluster, an in-place change: the apply takes the
 * item off the old cluster's members per the deletion policy (retain leaves it there), then puts
 * it on the new cluster's members.
 */
export function moveNote(
  typeName: string,
  what: string,
  from: string,
  to: string,
  policy: DependentDeletionPolicy,
  language: ConfigurationLanguage,
): Diagnostic {
  const deletionPolicy = attributeName(language, "deletion_policy");
  if (policy === "retain") {
    return {
      severity: "warning",
      summary: `${typeName}: ${what} moves from cluster "${from}" to cluster "${to}" and stays on the members of "${from}" (${deletionPolicy} retain)`,
      detail:
        `An in-place change: the apply adds it on the members of "${to}" and makes no call for "${from}". To have it removed there, ` +
        `apply ${attributeSetting(language, "deletion_policy", "remove")} first, then this change.`,
    };
  }
  return {
    severity: "warning",
    summary: `${typeName}: ${what} moves from cluster "${from}" to cluster "${to}": removed from the members of "${from}", then added on those of "${to}"`,
    detail: `An in-place change (${deletionPolicy} remove): the apply takes it off the members of "${from}" first, then puts it on the members of "${to}".`,
  };
}

/**
 * A replace runs the destroy first, and with deletion_policy retain that destroy only forgets the
 * old item: the plan says it stays.
 */
export function retainedOnReplace(typeName: string, what: string, cluster: string, language: ConfigurationLanguage): Diagnostic {
  const deletionPolicy = attributeName(language, "deletion_policy");
  return {
    severity: "warning",
    summary: `${typeName}: ${what} stays on the members of cluster "${cluster}" (${deletionPolicy} retain)`,
    detail:
      `A replace destroys the old item first, and ${deletionPolicy} "retain" makes that destroy forget it without a call. To have it removed, ` +
      `apply ${attributeSetting(language, "deletion_policy", "remove")} first, then this change.`,
  };
}
