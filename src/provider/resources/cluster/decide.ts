// Pure decisions of operationscenter_cluster: which members to add and remove, the settings a
// PUT sends, and which creation inputs a change touches. Plan and apply both use them, so what
// the plan shows is what the apply does.
import type { Cluster, ClusterPut, ConfigMap } from "../../../client/api-types.js";
import { canonicalJson } from "../../canonical-json.js";
import type { Value } from "../../plugin/types.js";
import { hasUnknown } from "../values.js";
import { MEMBERS_KEY, membersProperty, readBookkeeping, reconcileMembers, UNSAVED_KEY } from "./bookkeeping.js";
import { parseJsonObject } from "./inputs.js";
import type { ClusterValue, CreationAttribute } from "./schema.js";

export interface MemberChanges {
  /** Declared servers that are not members yet: one :add-servers. */
  add: string[];
  /** Members this resource manages (or, when exclusive, any member) that are no longer declared. */
  remove: string[];
  /** Members someone else added; left alone unless exclusive. */
  foreign: string[];
}

/**
 * The members this resource managed before: its prior servers, and those of the members record
 * on the cluster that are members now and not stale (see reconcileMembers: a name the record
 * listed while it was no member is not this resource's, even once someone adds it by hand).
 * Plan, apply and read all decide from this, so a plan never removes a server this resource did
 * not add.
 */
export function recordedMembers(priorServers: readonly string[], properties: ConfigMap, liveMembers: readonly string[], stale: readonly string[]): string[] {
  const { own } = reconcileMembers(readBookkeeping(properties).members ?? [], liveMembers, stale);
  return [...new Set([...priorServers, ...own])];
}

/**
 * `recorded` is what this resource managed before: its prior servers and the members record in
 * the cluster's properties (which also holds a server added by an apply that was interrupted).
 */
export function planMembers(live: readonly string[], declared: readonly string[], recorded: readonly string[], exclusive: boolean): MemberChanges {
  const managed = exclusive ? [...live] : live.filter((name) => recorded.includes(name));
  return {
    add: declared.filter((name) => !live.includes(name)).sort(),
    remove: managed.filter((name) => !declared.includes(name)).sort(),
    foreign: live.filter((name) => !declared.includes(name) && !managed.includes(name)).sort(),
  };
}

/**
 * Three-way merge of properties: keys this resource managed and no longer declares are removed,
 * declared keys are set, keys set by anyone else are kept.
 */
export function mergeProperties(live: ConfigMap, desired: ConfigMap, previouslyManaged: readonly string[]): ConfigMap {
  const merged: ConfigMap = {};
  for (const [key, value] of Object.entries(live)) {
    if (previouslyManaged.includes(key) && !Object.hasOwn(desired, key)) continue;
    merged[key] = value;
  }
  return { ...merged, ...desired };
}

function clusterPutOf(cluster: Cluster): ClusterPut {
  return {
    connection_url: cluster.connection_url,
    channel: cluster.channel,
    description: cluster.description,
    properties: cluster.properties,
    config: {
      rolling_restart: {
        post_restore_delay: cluster.config.rolling_restart.post_restore_delay,
        restore_mode: cluster.config.rolling_restart.restore_mode,
      },
    },
  };
}

/**
 * The members and properties an update leaves, known at plan time from the refreshed prior state,
 * so the plan shows exactly what changes in the computed `members` and `properties_all` instead
 * of "known after apply".
 */
export function plannedMembership(
  prior: ClusterValue,
  declared: readonly string[],
  declaredProperties: ConfigMap,
  exclusive: boolean,
  stale: readonly string[],
): { members: string[]; propertiesAll: ConfigMap } {
  const live = prior.members ?? prior.servers;
  const recorded = recordedMembers(prior.servers, prior.properties_all ?? {}, live, stale);
  const changes = planMembers(live, declared, recorded, exclusive);
  const members = [...new Set([...live.filter((name) => !changes.remove.includes(name)), ...changes.add])].sort();
  const propertiesAll = mergeProperties(prior.properties_all ?? {}, declaredProperties, Object.keys(prior.properties ?? {}));
  propertiesAll[MEMBERS_KEY] = membersProperty(declared);
  delete propertiesAll[UNSAVED_KEY];
  return { members, propertiesAll };
}

/**
 * The PUT that removes the unsaved mark (bookkeeping.ts) and changes nothing else, before the
 * cluster goes to Terraform; undefined when the cluster carries none.
 */
export function savedPut(live: Cluster): ClusterPut | undefined {
  if (live.properties[UNSAVED_KEY] === undefined) return undefined;
  const { [UNSAVED_KEY]: _unsaved, ...properties } = live.properties;
  return { ...clusterPutOf(live), properties };
}

/**
 * The full ClusterPut for the desired settings over the live cluster: unmanaged (null) fields
 * keep their live value; `members` is the members record to write. A cluster in state is saved,
 * so the unsaved mark goes.
 */
export function desiredPut(live: Cluster, desired: ClusterValue, previouslyManagedKeys: readonly string[], members: readonly string[]): ClusterPut {
  const properties = mergeProperties(live.properties, desired.properties ?? {}, previouslyManagedKeys);
  properties[MEMBERS_KEY] = membersProperty(members);
  delete properties[UNSAVED_KEY];
  return {
    connection_url: desired.connection_url ?? live.connection_url,
    channel: desired.channel ?? live.channel,
    description: desired.description ?? live.description,
    properties,
    config: {
      rolling_restart: {
        post_restore_delay: desired.rolling_restart?.post_restore_delay ?? live.config.rolling_restart.post_restore_delay,
        restore_mode: desired.rolling_restart?.restore_mode ?? live.config.rolling_restart.restore_mode,
      },
    },
  };
}

/** True when a PUT of `put` would change the live cluster. */
export function putChanges(live: Cluster, put: ClusterPut): boolean {
  return canonicalJson(put) !== canonicalJson(clusterPutOf(live));
}

/** One creation-only attribute that changed, and what in it changed (`services_config.nvme`). */
export interface CreationChange {
  attribute: CreationAttribute | "secrets_wo";
  changed: string[];
}

function objectOf(value: Value | undefined): { [key: string]: unknown } | undefined {
  if (typeof value === "string") {
    const json = parseJsonObject(value);
    return "value" in json ? json.value : undefined;
  }
  if (value === null || value === undefined) return {};
  return typeof value === "object" && !Array.isArray(value) ? (value as { [key: string]: unknown }) : undefined;
}

function keyChanges(attribute: string, before: Value | undefined, after: Value | undefined): string[] {
  const a = objectOf(before ?? null);
  const b = objectOf(after ?? null);
  if (a === undefined || b === undefined) return canonicalJson(before) === canonicalJson(after) ? [] : [attribute];
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return keys.filter((key) => canonicalJson(a[key]) !== canonicalJson(b[key])).map((key) => `${attribute}.${key}`);
}

/**
 * Creation inputs that differ between the prior state and the proposed configuration (known
 * values only; an unknown one cannot be compared yet). Whitespace or key order in a JSON text
 * is no change; null is the server's default.
 */
export function creationChanges(prior: ClusterValue, proposed: { [key: string]: Value }, secretsDigestChanged: boolean): CreationChange[] {
  const out: CreationChange[] = [];
  const scalar = (attribute: "server_type" | "template", fallback: string) => {
    const next = proposed[attribute];
    if (next !== null && typeof next !== "string") return;
    if ((prior[attribute] ?? fallback) !== (next ?? fallback)) out.push({ attribute, changed: [attribute] });
  };
  scalar("server_type", "incus");
  for (const attribute of ["services_config", "application_config", "template_variables"] as const) {
    const next = proposed[attribute];
    if (hasUnknown(next) || (next !== null && typeof next !== "string" && (typeof next !== "object" || Array.isArray(next)))) continue;
    const changed = keyChanges(attribute, prior[attribute], next);
    if (changed.length > 0) out.push({ attribute, changed });
  }
  scalar("template", "");
  if (secretsDigestChanged) out.push({ attribute: "secrets_wo", changed: ["secrets_wo"] });
  return out;
}
