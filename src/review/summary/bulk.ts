// What the bulk-operation families share: the cluster they belong to and the members an
// operation reaches ("all 3 members"), taken from the cluster's change in the same plan.
import type { ResourceChange } from "../plan-schema.js";
import type { GroupKind, PlanContext } from "./model.js";
import { after, before, clusterNameOf, stringsOf } from "./values.js";

/** The group of a resource whose cluster name is not known until apply. */
export const UNKNOWN_CLUSTER = "(name known after apply)";

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

/** Servers the resource's servers attribute gains: they get the item in the same apply. */
export function joiningServers(rc: ResourceChange): string[] {
  const prev = stringsOf(before(rc)?.servers);
  return stringsOf(after(rc)?.servers).filter((s) => !prev.includes(s));
}
