// What this tool last applied to a cluster, recorded in the cluster's own properties (like
// kubectl's last-applied annotation), so that a hook removes only what it added and leaves
// foreign changes alone. All keys share the prefix `oc-cdktf.io/`.
import type { Cluster, ConfigMap } from "../client/api-types.js";
import { creationRecordSchema, deletionPolicies, type CreationRecord, type DeletionPolicy } from "./spec.js";
import { z } from "zod";
import { parseJson } from "../provider/resources/cluster/bookkeeping.js";
import { mergeProperties } from "../provider/resources/cluster/decide.js";

export const PREFIX = "oc-cdktf.io/";
export const OWNER_KEY = `${PREFIX}owner`;
export const DELETION_POLICY_KEY = `${PREFIX}deletion-policy`;
export const CREATION_KEY = `${PREFIX}creation`;
export const MEMBERS_KEY = `${PREFIX}members`;
export const PROPERTIES_KEY = `${PREFIX}properties`;

export interface Bookkeeping {
  owner?: string;
  deletionPolicy?: DeletionPolicy;
  creation?: CreationRecord;
  /** Members this tool last declared. */
  members?: string[];
  /** User property keys this tool last set. */
  properties?: string[];
}

const nameListSchema = z.array(z.string());

export function readBookkeeping(cluster: Pick<Cluster, "properties">): Bookkeeping {
  const p = cluster.properties;
  const policy = p[DELETION_POLICY_KEY];
  return {
    owner: p[OWNER_KEY],
    deletionPolicy: (deletionPolicies as readonly string[]).includes(policy ?? "") ? (policy as DeletionPolicy) : undefined,
    creation: parseJson(p[CREATION_KEY], creationRecordSchema),
    members: parseJson(p[MEMBERS_KEY], nameListSchema),
    properties: parseJson(p[PROPERTIES_KEY], nameListSchema),
  };
}

export function writeBookkeeping(record: Required<Bookkeeping>): ConfigMap {
  return {
    [OWNER_KEY]: record.owner,
    [DELETION_POLICY_KEY]: record.deletionPolicy,
    [CREATION_KEY]: JSON.stringify(record.creation),
    [MEMBERS_KEY]: JSON.stringify(record.members),
    [PROPERTIES_KEY]: JSON.stringify(record.properties),
  };
}

export { mergeProperties };

/** Keys of the user's properties that are not this tool's bookkeeping. */
export function userPropertyKeys(properties: ConfigMap): string[] {
  return Object.keys(properties).filter((k) => !k.startsWith(PREFIX)).sort();
}
