// What the bulk-operation families share: the cluster they belong to and the members an
// operation reaches ("all 3 members"), taken from the cluster's change in the same plan.
import type { ResourceChange } from "../plan-schema.js";
import type { GroupKind, PlanContext } from "./model.js";
import { after, before, clusterNameOf, objectOf, stringOf, stringsOf } from "./values.js";

/** The group of a resource whose cluster name is not known until apply. */
const UNKNOWN_CLUSTER = "(name known after apply)";

export function bulkGroupOf(rc: ResourceChange): { kind: GroupKind; name: string } {
  return { kind: "cluster", name: clusterNameOf(rc) ?? UNKNOWN_CLUSTER };
}

/** The members after the apply: the cluster's planned servers, else the resource's own servers. */
export function membersAfter(rc: ResourceChange, context: PlanContext): string[] {
  const cluster = clusterNameOf(rc);
  const planned = cluster === undefined ? undefined : context.members(cluster)?.after;
  if (planned !== undefined && planned.length > 0) return planned;
  const own = stringsOf(after(rc)?.servers);
  return own.length > 0 ? own : stringsOf(before(rc)?.servers);
}

/** "all 3 members", or "every member" when the plan does not say how many. */
export function scope(members: readonly string[]): string {
  return members.length === 0 ? "every member" : members.length === 1 ? `the only member, ${members[0]}` : `all ${members.length} members`;
}

/**
 * Servers the resource's servers attribute gains that are not members already: they get the item
 * in the same apply. An imported resource has no servers before, but its members (or the members
 * in vlan_tags_all) are no joiners.
 */
export function joiningServers(rc: ResourceChange): string[] {
  const prev = before(rc);
  const known = [...stringsOf(prev?.servers), ...stringsOf(prev?.members), ...Object.keys(objectOf(prev?.vlan_tags_all) ?? {})];
  return stringsOf(after(rc)?.servers).filter((s) => !known.includes(s));
}

/** What a destroy with deletion_policy retain does: no call. */
export const KEPT = "kept on the cluster: deletion_policy retain";

/** True when the resource's destroy only forgets it (deletion_policy retain). */
export function retained(rc: ResourceChange): boolean {
  return stringOf(before(rc)?.deletion_policy) === "retain";
}

/** "; follows the cluster's rename from A" when the update changes only the cluster's name. */
export function renameNote(rc: ResourceChange): string {
  const from = stringOf(before(rc)?.cluster);
  const to = stringOf(after(rc)?.cluster);
  return from !== undefined && to !== undefined && from !== to ? ` (follows the cluster's rename from ${from})` : "";
}
