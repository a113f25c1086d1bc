// Which family reads which resource type of this provider. A new resource type is one module
// with a Family and one entry here; a type no family knows yet reads generically: its removal
// counts as destructive until someone says otherwise, and so does any write of a certificate.
import type { ResourceChange } from "../plan-schema.js";
import { bulkGroupOf } from "./bulk.js";
import { clusterTemplateFamily } from "./cluster-template.js";
import { clusterFamily } from "./cluster.js";
import { incusFamily } from "./incus.js";
import { memberItemsFamily } from "./member-items.js";
import { operation, Phase, type Family } from "./model.js";
import { systemConfigFamily } from "./system-config.js";
import { actionOf, attributeDetails } from "./values.js";
import { vlanTagsFamily } from "./vlan-tags.js";

export const PROVIDER_PREFIX = "operationscenter_";

const FAMILIES: readonly Family[] = [clusterFamily, clusterTemplateFamily, vlanTagsFamily, memberItemsFamily, systemConfigFamily, incusFamily];

const WORDS: Record<string, string> = { create: "created", update: "changed in place", replace: "REPLACED (destroyed, then created)", destroy: "DESTROYED" };

/** Any other resource of this provider: its address, what happens, and the attribute details. */
const genericFamily: Family = {
  types: [],
  groupOf: bulkGroupOf,
  changes(rc) {
    const action = actionOf(rc.change);
    if (action === undefined) return [];
    const certificate = rc.type.includes("certificate") && action !== "destroy";
    const destructive = certificate || action === "destroy" || action === "replace";
    const text = `${rc.type.slice(PROVIDER_PREFIX.length)} ${rc.name}: ${certificate ? "certificate REPLACED (clients that pinned the old one must trust the new one)" : WORDS[action]}`;
    return [operation(rc.address, text, action === "destroy" ? Phase.itemRemoval : Phase.itemChange, { destructive, details: attributeDetails(rc, { skip: ["id"] }) })];
  },
  drift: (rc) => [`${rc.address} changed outside Terraform`],
};

export function familyOf(rc: ResourceChange): Family | undefined {
  if (!rc.type.startsWith(PROVIDER_PREFIX) || (rc.mode !== undefined && rc.mode !== "managed")) return undefined;
  return FAMILIES.find((f) => f.types.includes(rc.type)) ?? genericFamily;
}
