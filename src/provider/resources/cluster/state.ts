// Between the plugin layer's plain values and the typed cluster value, and from a live cluster
// to the state Terraform stores: honest about what is managed, silent about what is not.
import type { Cluster } from "../../../client/api-types.js";
import { DiagnosticError, Unknown, type ObjectValue, type Value } from "../../plugin/types.js";
import { recordedMembers } from "./decide.js";
import { clusterValueSchema, type ClusterValue } from "./schema.js";

function withoutUnknowns(value: Value): Value {
  if (value instanceof Unknown) return null;
  if (Array.isArray(value)) return value.map(withoutUnknowns);
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutUnknowns(v)]));
  return value;
}

/** A known cluster value (state, or a planned value whose unknowns read as null). */
export function parseClusterValue(value: ObjectValue, what: string): ClusterValue {
  const parsed = clusterValueSchema.safeParse(withoutUnknowns(value));
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new DiagnosticError({
    severity: "error",
    summary: `Unexpected ${what} of operationscenter_cluster`,
    detail: `${issue?.path.join(".") ?? ""}: ${issue?.message ?? "invalid"}. This is a provider bug; the value came from Terraform.`,
  });
}

export function toObjectValue(value: ClusterValue): ObjectValue {
  return { ...value };
}

const sorted = (names: Iterable<string>): string[] => [...new Set(names)].sort();

/** The live members, and what this resource reports as its own `servers`. */
function managedServers(prior: ClusterValue, cluster: Cluster, liveMembers: readonly string[], stale: readonly string[]): string[] {
  if (prior.exclusive_members === true) return sorted(liveMembers);
  const recorded = recordedMembers(prior.servers, cluster.properties, liveMembers, stale);
  return sorted(liveMembers.filter((name) => recorded.includes(name)));
}

/**
 * The state a read reports: managed attributes (non-null in the prior state) take the live
 * value, unmanaged ones stay null, creation inputs and flags stay as recorded, computed
 * attributes are live. `stale` names the members record's stale entries (reconcileMembers).
 */
export function liveState(prior: ClusterValue, cluster: Cluster, liveMembers: readonly string[], stale: readonly string[]): ClusterValue {
  const managedKeys = Object.keys(prior.properties ?? {});
  const rolling = cluster.config.rolling_restart;
  return {
    ...prior,
    id: cluster.name,
    name: cluster.name,
    servers: managedServers(prior, cluster, liveMembers, stale),
    connection_url: prior.connection_url === null ? null : cluster.connection_url,
    channel: prior.channel === null ? null : cluster.channel,
    description: prior.description === null ? null : cluster.description,
    properties:
      prior.properties === null
        ? null
        : Object.fromEntries(managedKeys.filter((key) => Object.hasOwn(cluster.properties, key)).map((key) => [key, cluster.properties[key]!])),
    rolling_restart:
      prior.rolling_restart === null
        ? null
        : {
            post_restore_delay: prior.rolling_restart.post_restore_delay === null ? null : rolling.post_restore_delay,
            restore_mode: prior.rolling_restart.restore_mode === null ? null : rolling.restore_mode,
          },
    ...computedOf(cluster, liveMembers),
  };
}

function computedOf(
  cluster: Cluster,
  liveMembers: readonly string[],
): Pick<ClusterValue, "certificate" | "fingerprint" | "status" | "members" | "properties_all"> {
  return {
    certificate: cluster.certificate,
    fingerprint: cluster.fingerprint,
    status: cluster.status,
    members: sorted(liveMembers),
    properties_all: { ...cluster.properties },
  };
}

/**
 * An imported cluster: every live member and setting is read, except properties (foreign keys
 * would be removed otherwise). connection_url, channel and description are optional and computed,
 * so a configuration that leaves them unset plans no change. rolling_restart is a block, which
 * Terraform requires to be absent from a plan whose configuration lacks it: it is read only when
 * it differs from what a create without it leaves (""), field by field, as only then does a
 * matching configuration declare it.
 */
export function importedState(cluster: Cluster, liveMembers: readonly string[]): ClusterValue {
  const rolling = cluster.config.rolling_restart;
  const rollingDefault = rolling.post_restore_delay === "" && rolling.restore_mode === "";
  return {
    id: cluster.name,
    name: cluster.name,
    servers: sorted(liveMembers),
    exclusive_members: null,
    copy_services_config_on_add: null,
    connection_url: cluster.connection_url,
    channel: cluster.channel,
    description: cluster.description,
    properties: null,
    rolling_restart: rollingDefault
      ? null
      : {
          post_restore_delay: rolling.post_restore_delay === "" ? null : rolling.post_restore_delay,
          restore_mode: rolling.restore_mode === "" ? null : rolling.restore_mode,
        },
    deletion_policy: null,
    server_type: null,
    services_config: null,
    application_config: null,
    template: null,
    template_variables: null,
    secrets_wo: null,
    secrets_digest: null,
    adoption_key: null,
    allow_recreate: null,
    ...computedOf(cluster, liveMembers),
  };
}

/**
 * The state an apply returns: the planned value, with what was unknown filled in from the
 * cluster as read back (Terraform requires every known planned value to stay as planned).
 */
export function appliedState(planned: ObjectValue, cluster: Cluster, liveMembers: readonly string[]): ObjectValue {
  const live: Record<string, Value> = {
    id: cluster.name,
    connection_url: cluster.connection_url,
    channel: cluster.channel,
    description: cluster.description,
    ...computedOf(cluster, liveMembers),
  };
  const out: ObjectValue = {};
  for (const [key, value] of Object.entries(planned)) out[key] = value instanceof Unknown ? (live[key] ?? null) : value;
  return out;
}
