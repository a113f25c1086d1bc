// Which family reads which resource type of this provider. A new resource type (the Incus
// resources of issue 10, say) is one module with a Family and one entry here; a type no family
// knows yet reads generically, its removal counted as destructive until someone says otherwise.
import type { ResourceChange } from "../plan-schema.js";
import { bulkGroupOf } from "./bulk.js";
import { clusterTemplateFamily } from "./cluster-template.js";
import { clusterFamily } from "./cluster.js";
import { memberItemsFamily } from "./member-items.js";
import { operation, Phase, type Family } from "./model.js";
import { systemConfigFamily } from "./system-config.js";
import { actionOf, attributeDetails } from "./values.js";
import { vlanTagsFamily } from "./vlan-tags.js";

export const PROVIDER_PREFIX = "operationscenter_";

const FAMILIES: readonly Family[] = [clusterFamily, clusterTemplateFamily, vlanTagsFamily, memberItemsFamily, systemConfigFamily];

const WORDS: Record<string, string> = { create: "created", update: "changed in place", replace: "REPLACED (destroyed, then created)", destroy: "DESTROYED" };

/** Any other resource of this provider: its address, what happens, and the attribute details. */
const genericFamily: Family = {
  types: [],
  groupOf: bulkGroupOf,
  changes(rc) {
    const action = actionOf(rc.change);
    if (action === undefined) return [];
    const destructive = action === "destroy" || action === "replace";
    const text = `${rc.type.slice(PROVIDER_PREFIX.length)} ${rc.name}: ${WORDS[action]}`;
    return [operation(rc.address, text, destructive ? Phase.itemRemoval : Phase.itemChange, { destructive, details: attributeDetails(rc, { skip: ["id"] }) })];
  },
  drift: (rc) => [`${rc.address} changed outside Terraform`],
};

export function familyOf(rc: ResourceChange): Family | undefined {
  if (!rc.type.startsWith(PROVIDER_PREFIX) || (rc.mode !== undefined && rc.mode !== "managed")) return undefined;
  return FAMILIES.find((f) => f.types.includes(rc.type)) ?? genericFamily;
}
