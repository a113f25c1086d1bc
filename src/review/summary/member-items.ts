// The items every member of a cluster must have, in domain words: iSCSI, NVMe and multipath
// targets and applications. Removing one (or replacing it: remove, then add) is destructive;
// drift: a member that lost it.
import type { ResourceChange } from "../plan-schema.js";
import { bulkGroupOf, joiningServers, KEPT, membersAfter, renameNote, retained, scope } from "./bulk.js";
import { operation, Phase, type Family, type Operation, type PlanContext } from "./model.js";
import {
  actionOf,
  after,
  attributeDetails,
  before,
  clusterNameOf,
  marked,
  names,
  reasonOf,
  setDiff,
  show,
  stringOf,
  stringsOf,
  type Values,
} from "./values.js";

interface ItemKind {
  readonly type: string;
  /** The item in words, e.g. "NVMe target tcp 192.0.2.100:8009"; undefined while unknown. */
  describe(values: Values): string | undefined;
  /** What adding it does, e.g. "installed". */
  readonly added: string;
  /** How removal reaches the members, when not by the bulk action. */
  readonly how?: string;
}

const text = (values: Values, key: string): string => stringOf(values[key]) ?? "(known after apply)";
const port = (values: Values): string => (typeof values.port === "number" ? `:${values.port}` : "");

const KINDS: readonly ItemKind[] = [
  { type: "operationscenter_cluster_iscsi_target", describe: (v) => `iSCSI target ${text(v, "target")} at ${text(v, "address")}${port(v)}`, added: "added" },
  {
    type: "operationscenter_cluster_nvme_target",
    describe: (v) => `NVMe target ${text(v, "transport")} ${text(v, "address")}${v.transport === "fc" ? "" : port(v)}`,
    added: "added",
  },
  { type: "operationscenter_cluster_multipath_target", describe: (v) => `multipath WWN ${text(v, "wwn")}`, added: "added" },
  {
    type: "operationscenter_cluster_application",
    describe: (v) => `application ${text(v, "name")}`,
    added: "installed",
    how: "through each member's IncusOS endpoint",
  },
];

const DETAILS = { skip: ["id", "members"] };

function kindOf(rc: ResourceChange): ItemKind {
  return KINDS.find((k) => k.type === rc.type)!;
}

function describe(rc: ResourceChange, values: Values | undefined): string {
  return (values === undefined ? undefined : kindOf(rc).describe(values)) ?? rc.address;
}

function updateText(rc: ResourceChange, item: string): string {
  const kind = kindOf(rc);
  const holders = stringsOf(before(rc)?.members);
  const joining = joiningServers(rc);
  const parts: string[] = [];
  if (!marked(rc.change.after_unknown, "members")) {
    const missing = setDiff(holders, stringsOf(after(rc)?.members)).added.filter((m) => !joining.includes(m));
    if (missing.length > 0) parts.push(`${kind.added} on ${names(missing)} (missing there)`);
  }
  if (joining.length > 0) parts.push(`${kind.added} on joining ${names(joining)}`);
  return `${item}: ${parts.length === 0 ? "converged on every member" : parts.join("; ")}${renameNote(rc)}`;
}

function changes(rc: ResourceChange, context: PlanContext): Operation[] {
  const kind = kindOf(rc);
  const details = attributeDetails(rc, DETAILS);
  const members = membersAfter(rc, context);
  const item = describe(rc, after(rc) ?? before(rc));
  switch (actionOf(rc.change)) {
    case "create":
      return [operation(rc.address, `${item}: ${kind.added} (${scope(members)})`, Phase.itemChange, { details })];
    case "destroy": {
      if (retained(rc)) return [operation(rc.address, `${item}: ${KEPT}`, Phase.itemRemoval, { details })];
      const holders = stringsOf(before(rc)?.members);
      const how = kind.how === undefined ? "" : ` (${kind.how})`;
      return [
        operation(rc.address, `${item}: REMOVED from ${holders.length === 0 ? "every member" : names(holders)}${how}`, Phase.itemRemoval, {
          destructive: true,
          details,
        }),
      ];
    }
    case "replace": {
      const was = describe(rc, before(rc));
      const prev = before(rc) ?? {};
      const next = after(rc) ?? {};
      const changed = (rc.change.replace_paths ?? []).map((p) => String(p[0])).map((key) => `${key} ${show(prev[key] ?? null)} → ${show(next[key] ?? null)}`);
      const why = changed.length > 0 ? `: ${changed.join(", ")}` : reasonOf(rc) === undefined ? "" : ` (${reasonOf(rc)})`;
      return [operation(rc.address, `${was}${why}: REMOVED, then ${kind.added} again (${scope(members)})`, Phase.itemChange, { destructive: true, details })];
    }
    case "update":
      return [operation(rc.address, updateText(rc, item), Phase.itemChange, { details })];
    default:
      return [];
  }
}

function drift(rc: ResourceChange): string[] {
  const item = describe(rc, before(rc));
  const cluster = clusterNameOf(rc) ?? "its cluster";
  const next = after(rc);
  if (next === undefined) return [`${item} missing on every member of ${cluster} (removed outside Terraform; the apply adds it again)`];
  const { added, removed } = setDiff(stringsOf(before(rc)?.members), stringsOf(next.members));
  const out: string[] = [];
  if (removed.length > 0) out.push(`${item} missing on ${names(removed)} of ${cluster}: the apply adds it back`);
  if (added.length > 0) out.push(`${item} appeared on ${names(added)} of ${cluster} outside Terraform`);
  return out;
}

export const memberItemsFamily: Family = {
  types: KINDS.map((k) => k.type),
  groupOf: bulkGroupOf,
  changes,
  drift,
};
