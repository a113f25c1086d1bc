// operationscenter_cluster_vlan_tags in domain words: the tags added and dropped on an interface
// of every member, tags restored on the members that lost them; drift: foreign tags (left alone)
// and managed tags missing on a member.
import type { ResourceChange } from "../plan-schema.js";
import { bulkGroupOf, joiningServers, KEPT, membersAfter, renameNote, retained, scope } from "./bulk.js";
import { operation, Phase, type Family, type Operation, type PlanContext } from "./model.js";
import { actionOf, after, attributeDetails, before, clusterNameOf, marked, names, numbersOf, objectOf, setDiff, stringOf, type Values } from "./values.js";

const DETAILS = { skip: ["id", "vlan_tags_all"] };

/**
 * The details of an update, in the operation line's terms: each member whose tags change, from
 * the planned vlan_tags_all (so a tag restored on one member shows on that member only, not as
 * a change of the declared set), and servers only when the prior state recorded them (an
 * imported resource has none, and gains nothing by being declared).
 */
function updateDetails(rc: ResourceChange): string[] {
  const prev = tagsByMember(before(rc));
  const unknown = marked(rc.change.after_unknown, "vlan_tags_all");
  const skip = [
    "id",
    "vlan_tags_all",
    ...(unknown ? [] : ["vlan_tags"]),
    ...(before(rc)?.servers === null || before(rc)?.servers === undefined ? ["servers"] : []),
  ];
  const out = attributeDetails(rc, { skip });
  if (unknown) return out;
  const next = tagsByMember(after(rc));
  for (const member of [...new Set([...prev.keys(), ...next.keys()])].sort()) {
    const a = prev.get(member);
    const b = next.get(member);
    if (a === undefined) out.push(`+ ${member}: ${b!.join(", ")}`);
    else if (b === undefined) out.push(`- ${member} (no longer a member)`);
    else if (a.join() !== b.join()) out.push(`~ ${member}: ${a.length === 0 ? "none" : a.join(", ")} → ${b.length === 0 ? "none" : b.join(", ")}`);
  }
  return out;
}

const interfaceOf = (rc: ResourceChange): string =>
  stringOf(after(rc)?.interface_name) ?? stringOf(before(rc)?.interface_name) ?? "(interface known after apply)";

/** Tags per member as refresh saw them. */
function tagsByMember(values: Values | undefined): Map<string, number[]> {
  return new Map(Object.entries(objectOf(values?.vlan_tags_all) ?? {}).map(([member, tags]) => [member, numbersOf(tags)]));
}

const signed = (sign: string, tags: readonly number[]): string[] => tags.map((t) => `${sign}${t}`);

function updateText(rc: ResourceChange, context: PlanContext): string {
  const prev = before(rc);
  const desired = numbersOf(after(rc)?.vlan_tags);
  const live = tagsByMember(prev);
  const { added, removed } = setDiff(numbersOf(prev?.vlan_tags), desired);
  // A declared tag some members still carry is restored where it is missing, not added anew.
  const restored = new Map<number, string[]>();
  const fresh: number[] = [];
  for (const tag of added) {
    const lacking = [...live].filter(([, tags]) => !tags.includes(tag)).map(([m]) => m);
    if (live.size > 0 && lacking.length < live.size) restored.set(tag, lacking);
    else fresh.push(tag);
  }
  const members = membersAfter(rc, context);
  const parts: string[] = [];
  if (fresh.length + removed.length > 0) parts.push(`${[...signed("+", fresh), ...signed("-", removed)].join(", ")} (${scope(members)})`);
  for (const [tag, lacking] of restored) parts.push(`${tag} restored on ${names(lacking)}`);
  const joining = joiningServers(rc);
  if (joining.length > 0) parts.push(`tags ${desired.join(", ")} set on joining ${names(joining)}`);
  return `VLAN ${interfaceOf(rc)}: ${parts.length === 0 ? "converged on every member" : parts.join("; ")}${renameNote(rc)}`;
}

function changes(rc: ResourceChange, context: PlanContext): Operation[] {
  const iface = interfaceOf(rc);
  const details = attributeDetails(rc, DETAILS);
  const members = membersAfter(rc, context);
  switch (actionOf(rc.change)) {
    case "create":
      return [
        operation(rc.address, `VLAN ${iface}: ${signed("+", numbersOf(after(rc)?.vlan_tags)).join(", ")} (${scope(members)})`, Phase.itemChange, { details }),
      ];
    case "destroy": {
      const tags = numbersOf(before(rc)?.vlan_tags);
      if (retained(rc)) return [operation(rc.address, `VLAN ${iface}: ${tags.join(", ")} ${KEPT}`, Phase.itemRemoval, { details })];
      return [
        operation(rc.address, `VLAN ${iface}: ${signed("-", tags).join(", ")} (${scope(members)}); tags added by other means stay`, Phase.itemRemoval, {
          details,
        }),
      ];
    }
    case "replace": {
      const from = stringOf(before(rc)?.interface_name) ?? iface;
      const cluster = stringOf(before(rc)?.cluster);
      const moved = cluster !== undefined && cluster !== clusterNameOf(rc) ? ` of cluster ${cluster}` : from !== iface ? ` from ${from}` : "";
      const text = `VLAN ${iface}: tags move${moved}: ${signed("-", numbersOf(before(rc)?.vlan_tags)).join(", ")} there, then ${signed("+", numbersOf(after(rc)?.vlan_tags)).join(", ")} here (${scope(members)})`;
      return [operation(rc.address, text, Phase.itemChange, { details })];
    }
    case "update":
      return [operation(rc.address, updateText(rc, context), Phase.itemChange, { details: updateDetails(rc) })];
    default:
      return [];
  }
}

function drift(rc: ResourceChange): string[] {
  const iface = interfaceOf(rc);
  const cluster = clusterNameOf(rc) ?? "its cluster";
  const next = after(rc);
  if (next === undefined) return [`VLAN tags of ${iface} on ${cluster}: the cluster is gone outside Terraform`];
  const managed = numbersOf(before(rc)?.vlan_tags);
  const prev = tagsByMember(before(rc));
  const now = tagsByMember(next);
  const appeared = new Map<number, string[]>();
  const vanished = new Map<number, string[]>();
  for (const member of [...new Set([...prev.keys(), ...now.keys()])].sort()) {
    const { added, removed } = setDiff(prev.get(member) ?? [], now.get(member) ?? []);
    for (const tag of added) appeared.set(tag, [...(appeared.get(tag) ?? []), member]);
    for (const tag of removed) vanished.set(tag, [...(vanished.get(tag) ?? []), member]);
  }
  const where = (members: string[]): string => (members.length === now.size && members.length > 1 ? `all ${members.length} members` : names(members));
  const out: string[] = [];
  for (const [tag, members] of [...appeared].sort(([a], [b]) => a - b)) {
    out.push(
      managed.includes(tag)
        ? `VLAN ${tag} on ${where(members)} (${iface} of ${cluster}) came back outside Terraform`
        : `VLAN ${tag} on ${where(members)} (${iface} of ${cluster}) is foreign and left alone`,
    );
  }
  for (const [tag, members] of [...vanished].sort(([a], [b]) => a - b)) {
    out.push(
      managed.includes(tag)
        ? `VLAN ${tag} missing on ${where(members)} (${iface} of ${cluster}): the apply adds it back`
        : `foreign VLAN ${tag} removed from ${where(members)} (${iface} of ${cluster}) outside Terraform`,
    );
  }
  return out;
}

export const vlanTagsFamily: Family = {
  types: ["operationscenter_cluster_vlan_tags"],
  groupOf: bulkGroupOf,
  changes,
  drift,
};
