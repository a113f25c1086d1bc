// What this resource records in the cluster's own properties (keys under oc-cdktf.io/, reserved
// for it): which create made the cluster, which members it manages, and digests of the
// creation inputs. They survive an apply that was interrupted before Terraform saved state.
import { z } from "zod";
import type { ConfigMap } from "../../../client/api-types.js";
import { creationRecordSchema, type CreationRecord } from "./inputs.js";

import { RESERVED_PREFIX } from "../../../config/cluster.js";

export const CREATED_BY_KEY = `${RESERVED_PREFIX}created-by`;
export const MEMBERS_KEY = `${RESERVED_PREFIX}members`;
export const CREATION_KEY = `${RESERVED_PREFIX}creation`;

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

export interface Bookkeeping {
  createdBy?: string;
  /** Members this resource last declared (or was about to add). */
  members?: string[];
  creation?: CreationRecord;
}

export function readBookkeeping(properties: ConfigMap): Bookkeeping {
  const out: Bookkeeping = {};
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
