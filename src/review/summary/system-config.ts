// The kernel and logging configs in domain words: Operations Center replaces the whole config on
// every member; removing the resource resets it to defaults. Drift: a member whose live config
// differs.
import type { ResourceChange } from "../plan-schema.js";
import { bulkGroupOf, joiningServers, KEPT, membersAfter, renameNote, retained, scope } from "./bulk.js";
import { operation, Phase, type Family, type Operation, type PlanContext } from "./model.js";
import { actionOf, after, attributeDetails, before, clusterNameOf, jsonTextDiff, marked, names, objectOf, setDiff, stringOf, stringsOf } from "./values.js";

interface SystemKind {
  readonly type: string;
  readonly what: string;
  /** What the config does, in words, from its JSON text. */
  summary(config: string | undefined): string;
  readonly reset: string;
}

function parsed(config: string | undefined): Record<string, unknown> {
  try {
    return objectOf(JSON.parse(config ?? "{}")) ?? {};
  } catch {
    return {};
  }
}

const KINDS: readonly SystemKind[] = [
  {
    type: "operationscenter_cluster_kernel_config",
    what: "kernel",
    summary: (config) => {
      const keys = Object.keys(parsed(config)).sort();
      return keys.length === 0 ? "empty config" : `config with ${names(keys)}`;
    },
    reset: "reset to defaults",
  },
  {
    type: "operationscenter_cluster_logging_config",
    what: "logging",
    summary: (config) => {
      const syslog = objectOf(parsed(config).syslog) ?? {};
      const address = stringOf(syslog.address) ?? "";
      if (address === "") return "remote syslog off";
      const protocol = stringOf(syslog.protocol) ?? "";
      return `remote syslog to ${address} (${protocol === "" ? "udp" : protocol})`;
    },
    reset: "reset to defaults (remote syslog off)",
  },
];

const DETAILS = { skip: ["id", "members"], json: ["config"] };

const kindOf = (rc: ResourceChange): SystemKind => KINDS.find((k) => k.type === rc.type)!;

function changes(rc: ResourceChange, context: PlanContext): Operation[] {
  const kind = kindOf(rc);
  const details = attributeDetails(rc, DETAILS);
  const members = membersAfter(rc, context);
  const config = stringOf(after(rc)?.config);
  switch (actionOf(rc.change)) {
    case "create":
    case "replace":
      return [operation(rc.address, `${kind.what}: ${kind.summary(config)} (${scope(members)})`, Phase.itemChange, { details })];
    case "destroy":
      if (retained(rc)) return [operation(rc.address, `${kind.what}: ${KEPT}`, Phase.itemRemoval, { details })];
      return [operation(rc.address, `${kind.what}: ${kind.reset} (${scope(members)})`, Phase.itemRemoval, { details })];
    case "update": {
      const parts: string[] = [];
      const joining = joiningServers(rc);
      if (stringOf(before(rc)?.config) !== config) parts.push(`config replaced: ${kind.summary(config)} (${scope(members)})`);
      else if (!marked(rc.change.after_unknown, "members")) {
        const stale = setDiff(stringsOf(before(rc)?.members), stringsOf(after(rc)?.members)).added.filter((m) => !joining.includes(m));
        if (stale.length > 0) parts.push(`config restored on ${names(stale)}`);
      }
      if (joining.length > 0 && parts.length === 0) parts.push(`config set on joining ${names(joining)}`);
      return [
        operation(rc.address, `${kind.what}: ${parts.length === 0 ? "converged on every member" : parts.join("; ")}${renameNote(rc)}`, Phase.itemChange, {
          details,
        }),
      ];
    }
    default:
      return [];
  }
}

function drift(rc: ResourceChange): string[] {
  const kind = kindOf(rc);
  const cluster = clusterNameOf(rc) ?? "its cluster";
  const next = after(rc);
  if (next === undefined) return [`${kind.what} config of ${cluster}: the cluster is gone outside Terraform`];
  const stale = setDiff(stringsOf(before(rc)?.members), stringsOf(next.members)).removed;
  const edits = jsonTextDiff("config", before(rc)?.config, next.config) ?? [];
  if (stale.length === 0 && edits.length === 0) return [];
  const on = stale.length === 0 ? "" : ` on ${names(stale)}`;
  return [`${kind.what} config of ${cluster} edited outside Terraform${on}${edits.length === 0 ? "" : ` (${edits.join("; ")})`}: the apply replaces it`];
}

export const systemConfigFamily: Family = {
  types: KINDS.map((k) => k.type),
  groupOf: bulkGroupOf,
  changes,
  drift,
};
