// The Incus resources of a cluster (its own Incus API) in domain words: a member evacuated or
// restored (an evacuation is destructive: the member's instances move away or stop), its roles and
// groups, cluster groups, and the cluster-wide settings with the placement scriptlet by changed
// lines. Attributes are read by name where present, so a resource still being extended reads
// what it has.
import type { ResourceChange } from "../plan-schema.js";
import { bulkGroupOf } from "./bulk.js";
import { operation, Phase, type Family, type Operation } from "./model.js";
import { actionOf, after, attributeDetails, before, lineCounts, lineDiff, objectOf, setDiff, show, stringOf, stringsOf, type Values } from "./values.js";

const MEMBER = "operationscenter_incus_cluster_member";
const GROUP = "operationscenter_incus_cluster_group";
const SETTINGS = "operationscenter_incus_cluster_settings";

const DETAILS = { skip: ["id"] };

/** Lines for the set-valued attributes (roles, groups, members) that differ. */
function setLines(prev: Values, next: Values, keys: Record<string, string>): string[] {
  return Object.entries(keys).flatMap(([key, words]) => {
    if (next[key] === null || next[key] === undefined) return [];
    const { added, removed } = setDiff(stringsOf(prev[key]), stringsOf(next[key]));
    const parts = [...added.map((v) => `+${v}`), ...removed.map((v) => `-${v}`)];
    return parts.length === 0 ? [] : [`${words}: ${parts.join(", ")}`];
  });
}

function scalarLines(prev: Values, next: Values, keys: Record<string, string>): string[] {
  return Object.entries(keys).flatMap(([key, words]) =>
    next[key] === null || next[key] === undefined || JSON.stringify(prev[key] ?? null) === JSON.stringify(next[key])
      ? []
      : [`${words}: ${show(prev[key] ?? null)} → ${show(next[key])}`],
  );
}

/** The cluster's rename followed in place (no Incus call), when `cluster` changed. */
function renameLine(prev: Values, next: Values): string[] {
  const from = stringOf(prev.cluster);
  const to = stringOf(next.cluster);
  return from !== undefined && to !== undefined && from !== to ? [`follows the cluster's rename ${from} → ${to} (no call)`] : [];
}

/** What a destroy keeps when the resource's deletion_policy is retain. */
const retained = (prev: Values): boolean => stringOf(prev.deletion_policy) === "retain";

function memberChanges(rc: ResourceChange): Operation[] {
  const prev = before(rc) ?? {};
  const next = after(rc) ?? {};
  const member = stringOf(next.member) ?? stringOf(prev.member) ?? rc.address;
  const details = attributeDetails(rc, DETAILS);
  const action = actionOf(rc.change);
  if (action === "destroy")
    return [operation(rc.address, `Incus: ${member} no longer managed (it stays in the cluster, as it is)`, Phase.itemRemoval, { details })];
  const out: Operation[] = [];
  const state = stringOf(next.state);
  const wasState = stringOf(prev.state) ?? "online";
  if (state === "evacuated" && wasState !== "evacuated") {
    const mode = stringOf(next.evacuation_mode);
    // Mode auto (the default) keeps each instance's own cluster.evacuate: those that cannot
    // migrate are stopped (incus@be7afc5 cmd/incusd/api_cluster_evacuation.go, evacuateInstancesFunc).
    const fate =
      mode === "stop"
        ? "its instances are stopped"
        : mode === "migrate" || mode === "live-migrate"
          ? `its instances move to other members, mode ${mode}`
          : "instances that can migrate move to other members, the others are stopped";
    out.push(operation(rc.address, `Incus: ${member} EVACUATED (${fate})`, Phase.itemChange, { destructive: true }));
  } else if (state === "online" && wasState === "evacuated") out.push(operation(rc.address, `Incus: ${member} restored`, Phase.itemChange));
  const changes = [
    ...renameLine(prev, next),
    ...setLines(prev, next, { roles: "roles", groups: "groups" }),
    ...scalarLines(prev, next, { failure_domain: "failure domain", description: "description", scheduler_instance: "scheduler.instance" }),
  ];
  if (changes.length > 0) out.push(operation(rc.address, `Incus: ${member}: ${changes.join("; ")}`, Phase.itemChange));
  if (out.length === 0)
    out.push(operation(rc.address, `Incus: ${member}: ${action === "create" ? "managed from now on" : "reconciled with the configuration"}`, Phase.itemChange));
  out[0]!.details = details;
  return out;
}

function groupChanges(rc: ResourceChange): Operation[] {
  const prev = before(rc) ?? {};
  const next = after(rc) ?? {};
  const name = stringOf(next.name) ?? stringOf(prev.name) ?? rc.address;
  const details = attributeDetails(rc, DETAILS);
  switch (actionOf(rc.change)) {
    case "create":
      return [operation(rc.address, `Incus group ${name}: create with ${stringsOf(next.members).join(", ") || "no members"}`, Phase.itemChange, { details })];
    case "destroy":
      if (retained(prev))
        return [operation(rc.address, `Incus group ${name}: kept as it is (deletion_policy retain; no call)`, Phase.itemRemoval, { details })];
      return [operation(rc.address, `Incus group ${name}: deleted (its members stay in the cluster)`, Phase.itemRemoval, { details })];
    case "replace":
      return [operation(rc.address, `Incus group ${name}: deleted and created again`, Phase.itemChange, { details })];
    case "update": {
      const lines = [...renameLine(prev, next), ...setLines(prev, next, { members: "members" }), ...scalarLines(prev, next, { description: "description" })];
      if (JSON.stringify(prev.config ?? null) !== JSON.stringify(next.config ?? null)) lines.push("config changed");
      return [operation(rc.address, `Incus group ${name}: ${lines.join("; ") || "reconciled with the configuration"}`, Phase.itemChange, { details })];
    }
    default:
      return [];
  }
}

function settingsChanges(rc: ResourceChange): Operation[] {
  const prev = before(rc) ?? {};
  const next = after(rc) ?? {};
  const details = attributeDetails(rc, DETAILS);
  if (actionOf(rc.change) === "destroy") {
    const keys = [...Object.keys(objectOf(prev.config) ?? {}).sort(), ...(stringOf(prev.placement_scriptlet) === undefined ? [] : ["placement scriptlet"])];
    const text = retained(prev)
      ? `Incus settings: kept as they are (deletion_policy retain; no call): ${keys.join(", ")}`
      : `Incus settings: unset ${keys.join(", ")}`;
    return [operation(rc.address, text, Phase.itemRemoval, { details })];
  }
  const out: Operation[] = renameLine(prev, next).map((line) => operation(rc.address, `Incus settings: ${line}`, Phase.itemChange));
  const a = objectOf(prev.config) ?? {};
  const b = objectOf(next.config) ?? {};
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort().filter((k) => a[k] !== b[k]);
  if (keys.length > 0)
    out.push(operation(rc.address, `Incus settings: ${keys.map((k) => (k in b ? `${k}=${show(b[k])}` : `-${k}`)).join(", ")}`, Phase.itemChange));
  const script = (v: Values): string | undefined => stringOf(v.placement_scriptlet);
  if (script(prev) !== script(next)) {
    const text =
      script(next) === undefined
        ? "placement scriptlet removed"
        : script(prev) === undefined
          ? "placement scriptlet set"
          : `placement scriptlet changed (${lineCounts(lineDiff(script(prev)!, script(next)!))})`;
    out.push(operation(rc.address, text, Phase.itemChange));
  }
  if (out.length === 0) out.push(operation(rc.address, "Incus settings: reconciled with the configuration", Phase.itemChange));
  out[0]!.details = details;
  return out;
}

function drift(rc: ResourceChange): string[] {
  const prev = before(rc) ?? {};
  const next = after(rc);
  const what =
    rc.type === MEMBER
      ? `Incus member ${stringOf(prev.member) ?? rc.address}`
      : rc.type === GROUP
        ? `Incus group ${stringOf(prev.name) ?? rc.address}`
        : "Incus settings";
  const cluster = stringOf(prev.cluster) ?? "its cluster";
  if (next === undefined) return [`${what} of ${cluster} is gone outside Terraform`];
  const changed = Object.keys({ ...prev, ...next }).filter((k) => k !== "id" && JSON.stringify(prev[k] ?? null) !== JSON.stringify(next[k] ?? null));
  return changed.length === 0 ? [] : [`edited outside Terraform: ${changed.map((k) => driftWords(k, prev[k], next[k])).join("; ")} of ${what} of ${cluster}`];
}

/** What changed in one attribute: a set by its additions and removals, a map by its keys, else old → new. */
function driftWords(key: string, was: Values[string], now: Values[string]): string {
  if (Array.isArray(was) || Array.isArray(now)) {
    const { added, removed } = setDiff(stringsOf(was), stringsOf(now));
    return `${key} ${[...added.map((v) => `+${v}`), ...removed.map((v) => `-${v}`)].join(", ")}`;
  }
  const a = objectOf(was);
  const b = objectOf(now);
  if (a !== undefined || b !== undefined) {
    const keys = [...new Set([...Object.keys(a ?? {}), ...Object.keys(b ?? {})])].sort().filter((k) => a?.[k] !== b?.[k]);
    return keys.map((k) => `${key}.${k}: ${show(a?.[k] ?? null)} → ${show(b?.[k] ?? null)}`).join("; ");
  }
  return key === "placement_scriptlet"
    ? `placement scriptlet (${lineCounts(lineDiff(stringOf(was) ?? "", stringOf(now) ?? ""))})`
    : `${key}: ${show(was ?? null)} → ${show(now ?? null)}`;
}

export const incusFamily: Family = {
  types: [MEMBER, GROUP, SETTINGS],
  groupOf: bulkGroupOf,
  changes: (rc) => (rc.type === MEMBER ? memberChanges(rc) : rc.type === GROUP ? groupChanges(rc) : settingsChanges(rc)),
  drift,
};
