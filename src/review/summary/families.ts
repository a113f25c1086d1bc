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
import { actionOf, after, attributeDetails, before, show } from "./values.js";
import { vlanTagsFamily } from "./vlan-tags.js";

export const PROVIDER_PREFIX = "operationscenter_";

const FAMILIES: readonly Family[] = [clusterFamily, clusterTemplateFamily, vlanTagsFamily, memberItemsFamily, systemConfigFamily, incusFamily];

const CERTIFICATE = "operationscenter_cluster_certificate";

const WORDS: Record<string, string> = { create: "created", update: "changed in place", replace: "REPLACED (destroyed, then created)", destroy: "DESTROYED" };

/** Any other resource of this provider: its address, what happens, and the attribute details. */
const genericFamily: Family = {
  types: [],
  groupOf: bulkGroupOf,
  changes(rc) {
    const action = actionOf(rc.change);
    if (action === undefined) return [];
    const details = attributeDetails(rc, { skip: ["id"] });
    const label = `${rc.type.slice(PROVIDER_PREFIX.length)} ${rc.name}`;
    if (rc.type === CERTIFICATE) {
      // Destroy only stops managing the certificate, and the cluster's rename keeps it: neither makes a call.
      const prev = before(rc) ?? {};
      const next = after(rc) ?? {};
      if (action === "destroy")
        return [operation(rc.address, `${label}: no longer managed; the cluster keeps its certificate (no call)`, Phase.itemRemoval, { details })];
      if (action === "update" && prev.certificate === next.certificate && prev.private_key_digest === next.private_key_digest) {
        return [
          operation(
            rc.address,
            `${label}: follows the cluster's rename ${show(prev.cluster ?? null)} → ${show(next.cluster ?? null)} (no call)`,
            Phase.itemChange,
            { details },
          ),
        ];
      }
      return [
        operation(rc.address, `${label}: certificate REPLACED (clients that pinned the old one must trust the new one)`, Phase.itemChange, {
          destructive: true,
          details,
        }),
      ];
    }
    const text = `${label}: ${WORDS[action]}`;
    return [
      operation(rc.address, text, action === "destroy" ? Phase.itemRemoval : Phase.itemChange, {
        destructive: action === "destroy" || action === "replace",
        details,
      }),
    ];
  },
  drift: (rc) => [`${rc.address} changed outside Terraform`],
};

export function familyOf(rc: ResourceChange): Family | undefined {
  if (!rc.type.startsWith(PROVIDER_PREFIX) || (rc.mode !== undefined && rc.mode !== "managed")) return undefined;
  return FAMILIES.find((f) => f.types.includes(rc.type)) ?? genericFamily;
}
