// What this resource records in the cluster's own properties (keys under oc-cdktf.io/, reserved
// for it): which create made the cluster, which members it manages, and digests of the
// creation inputs. They survive an apply that was interrupted before Terraform saved state.
import { createHash } from "node:crypto";
import { z } from "zod";
import type { ConfigMap } from "../../../client/api-types.js";
import { creationRecordSchema, type CreationRecord } from "./inputs.js";

import { RESERVED_PREFIX } from "../../../config/cluster.js";

export const CREATED_BY_KEY = `${RESERVED_PREFIX}created-by`;
export const MEMBERS_KEY = `${RESERVED_PREFIX}members`;
export const CREATION_KEY = `${RESERVED_PREFIX}creation`;
/**
 * Set by a create with an adoption key from its POST until the provider hands the cluster to
 * Terraform, which saves it in state then: while it is set, state may not hold the cluster. A
 * destroy with an empty state, where Terraform calls the provider for nothing but validation,
 * reads it there, so even a fresh checkout refuses to end while such a leftover exists.
 */
export const UNSAVED_KEY = `${RESERVED_PREFIX}unsaved`;

/** A JSON property value read with a schema; undefined when absent or not of that shape. */
export function parseJson<T>(text: string | undefined, schema: z.ZodType<T>): T | undefined {
  if (text === undefined) return undefined;
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

interface Bookkeeping {
  createdBy?: string;
  /** The create that made the cluster never handed it to Terraform (UNSAVED_KEY). */
  unsaved: boolean;
  /** Members this resource last declared (or was about to add). */
  members?: string[];
  creation?: CreationRecord;
}

export function readBookkeeping(properties: ConfigMap): Bookkeeping {
  const out: Bookkeeping = { unsaved: properties[UNSAVED_KEY] !== undefined };
  const createdBy = properties[CREATED_BY_KEY];
  if (createdBy !== undefined && createdBy !== "") out.createdBy = createdBy;
  const members = parseJson(properties[MEMBERS_KEY], z.array(z.string()));
  if (members !== undefined) out.members = members;
  const creation = parseJson(properties[CREATION_KEY], creationRecordSchema);
  if (creation !== undefined) out.creation = creation;
  return out;
}

/** The members record, sorted so that the same set always reads the same. */
export function membersProperty(members: readonly string[]): string {
  return JSON.stringify([...new Set(members)].sort());
}

/**
 * The created-by marker of a resource with an adoption key: derived from the key alone, so any
 * checkout of the configuration computes it again (the create journal in .terraform/ does not
 * survive a fresh checkout) and a resource with another key never matches it.
 */
export function adoptionMarker(adoptionKey: string | null | undefined): string | undefined {
  if (adoptionKey === null || adoptionKey === undefined || adoptionKey === "") return undefined;
  return `key-${createHash("sha256").update(`oc-cdktf.io/created-by\0${adoptionKey}`).digest("hex").slice(0, 40)}`;
}

/**
 * Whether a create of this resource made the cluster with these properties: its created-by is the
 * id of this resource's create journal entry, or the marker of its adoption key.
 */
export function createdHere(properties: ConfigMap, journalId: string | undefined, marker: string | undefined): boolean {
  const createdBy = readBookkeeping(properties).createdBy;
  return createdBy !== undefined && (createdBy === journalId || createdBy === marker);
}

/**
 * The members record as a read reconciles it with the live members: a name the record lists
 * while it is not a member becomes stale (an add interrupted before it ran, a removal whose
 * record was not rewritten) and stays so while the record lists it, so that a server someone
 * adds later by hand is not taken for this resource's own. `own` is the rest of the record.
 */
export function reconcileMembers(record: readonly string[], liveMembers: readonly string[], stale: readonly string[]): { own: string[]; stale: string[] } {
  const nowStale = record.filter((name) => stale.includes(name) || !liveMembers.includes(name));
  return { own: record.filter((name) => !nowStale.includes(name)), stale: [...new Set(nowStale)].sort() };
}
