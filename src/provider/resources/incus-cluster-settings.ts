// operationscenter_incus_cluster_settings: cluster-wide Incus keys (cluster.max_voters, ...) and
// the instance placement scriptlet of one cluster, through PATCH /1.0 of the cluster's Incus API.
// Only the keys in config are managed: a key dropped from config and destroy unset exactly the
// keys this resource set. Incus omits keys at their default from GET /1.0, so a missing key reads
// as its default.
import { clusterKeyRules, clusterSettingsProblems, PLACEMENT_SCRIPTLET_KEY } from "../../config/incus.js";
import { checkPlacementScriptlet, formatStarlarkProblem } from "../../config/starlark.js";
import type { ProviderClient } from "../client.js";
import { DiagnosticError, type Diagnostic, type ObjectValue, type Resource, type Value } from "../plugin/types.js";
import { connectionAttributes, connectionProblems, incusFor } from "./incus/connection.js";
import { apiStep, knownObject, knownString } from "./values.js";

const SCRIPTLET = "placement_scriptlet";

export const incusClusterSettingsResource: Resource<ProviderClient> = {
  typeName: "operationscenter_incus_cluster_settings",
  schema: {
    version: 0,
    block: {
      description:
        "Cluster-wide Incus settings of a cluster (cluster.max_voters, cluster.max_standby, cluster.offline_threshold, cluster.healing_threshold, cluster.images_minimal_replica, the rebalance keys, ...) and its instance placement scriptlet, " +
        "set through the cluster's own Incus API. Only the keys given are managed; removing a key, or the resource, unsets exactly the keys it set.",
      attributes: {
        id: { type: "string", computed: true, description: "The cluster name." },
        ...connectionAttributes,
        config: {
          type: ["map", "string"],
          optional: true,
          description: `Cluster-wide keys and values as strings, e.g. { "cluster.max_voters" = "5" }. Known keys: ${Object.keys(clusterKeyRules).join(", ")}.`,
        },
        [SCRIPTLET]: {
          type: "string",
          optional: true,
          description:
            "Starlark source of the instance placement scriptlet (instances.placement.scriptlet). It must define instance_placement(request, candidate_members), use no while and no recursion, " +
            "and call the placement helpers (log_info, log_warn, log_error, set_target, get_cluster_member_resources, get_cluster_member_state, get_instance_resources) only inside functions.",
        },
      },
    },
  },

  validate({ config }) {
    return settingsProblems(config);
  },

  async plan({ prior, proposed }) {
    if (proposed === null) return { planned: null };
    const problems = settingsProblems(proposed);
    if (problems.length > 0) throw new DiagnosticError(problems);
    const planned = { ...proposed, id: proposed.cluster ?? null };
    const replace = prior !== null && prior.cluster !== proposed.cluster ? [["cluster"]] : [];
    return { planned, requiresReplace: replace };
  },

  async apply({ prior, planned }, { client, log }) {
    const values = planned ?? prior!;
    const incus = await incusFor(client, values, log);
    const wanted = planned === null ? {} : managed(planned);
    const before = prior === null ? {} : managed(prior);
    const change: Record<string, string> = { ...wanted };
    for (const key of Object.keys(before)) if (!(key in wanted)) change[key] = "";
    const cluster = knownString(values.cluster)!;
    if (Object.keys(change).length > 0) {
      await apiStep(`Cannot set the Incus settings of cluster "${cluster}"`, () => incus.patchServerConfig(change));
    }
    return { state: planned === null ? null : { ...planned } };
  },

  async read({ state }, { client, log }) {
    const incus = await incusFor(client, state, log);
    const cluster = knownString(state.cluster)!;
    const live = (await apiStep(`Cannot read the Incus settings of cluster "${cluster}"`, () => incus.getServerConfig())).config;
    const config = knownObject(state.config);
    const next: ObjectValue = { ...state };
    if (config !== undefined) {
      next.config = Object.fromEntries(Object.keys(config).map((key): [string, Value] => [key, live[key] ?? clusterKeyRules[key]?.default ?? ""]));
    }
    if (state[SCRIPTLET] !== null) next[SCRIPTLET] = live[PLACEMENT_SCRIPTLET_KEY] ?? "";
    return { state: next };
  },
};

/** The keys this resource sets, with their values. */
function managed(values: ObjectValue): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(knownObject(values.config) ?? {})) if (typeof value === "string") out[key] = value;
  const scriptlet = knownString(values[SCRIPTLET]);
  if (scriptlet !== undefined) out[PLACEMENT_SCRIPTLET_KEY] = scriptlet;
  return out;
}

function settingsProblems(config: ObjectValue): Diagnostic[] {
  const out: Diagnostic[] = connectionProblems(config);
  const map = knownObject(config.config);
  if (map !== undefined) {
    const known = Object.fromEntries(Object.entries(map).filter((e): e is [string, string] => typeof e[1] === "string"));
    for (const problem of clusterSettingsProblems(known)) {
      const key = problem.slice(0, problem.indexOf(":"));
      out.push({ severity: "error", summary: `config["${key}"]${problem.slice(key.length)}`, path: ["config", { key }] });
    }
  }
  const scriptlet = knownString(config[SCRIPTLET]);
  if (scriptlet !== undefined && scriptlet !== "") {
    for (const problem of checkPlacementScriptlet(scriptlet, SCRIPTLET)) {
      out.push({ severity: "error", summary: `Invalid placement scriptlet: ${formatStarlarkProblem(problem)}`, path: [SCRIPTLET] });
    }
  }
  return out;
}
