// operationscenter_incus_cluster_settings: cluster-wide Incus keys (cluster.max_voters, ...) and
// the instance placement scriptlet of one cluster, through PATCH /1.0 of the cluster's Incus API.
// Only the keys in config are managed: an update sends only the keys that changed, a key dropped
// from config is unset, and destroy unsets exactly the keys this resource set (with
// deletion_policy "remove"; "retain" keeps them, for a cluster that keeps running). Incus omits keys at their default from GET /1.0, so a missing key reads
// as its default.
import { clusterKeyRules, clusterSettingsProblems, PLACEMENT_SCRIPTLET_KEY } from "../../config/incus.js";
import { checkPlacementScriptlet, formatStarlarkProblem } from "../../config/starlark.js";
import type { ProviderClient } from "../client.js";
import { attributeSetting } from "../../config/configuration-language.js";
import { DiagnosticError, type Diagnostic, type ObjectValue, type Resource, type Value } from "../plugin/types.js";
import { deletionPolicyAttribute, deletionPolicyOf, deletionPolicyProblems } from "./common/cluster-reference.js";
import { DONE, NOT_DONE, sendThenConfirm } from "./common/lost-reply.js";
import { clusterGone, clusterReferencePlan, connectionAttributes, connectionProblems, incusFor } from "./incus/connection.js";
import { apiStep, knownObject, knownString } from "./values.js";

const SCRIPTLET = "placement_scriptlet";
const TYPE_NAME = "operationscenter_incus_cluster_settings";

export const incusClusterSettingsResource: Resource<ProviderClient> = {
  typeName: TYPE_NAME,
  schema: {
    version: 0,
    block: {
      description:
        "Cluster-wide Incus settings of a cluster (cluster.max_voters, cluster.max_standby, cluster.offline_threshold, cluster.healing_threshold, cluster.images_minimal_replica, the rebalance keys, ...) and its instance placement scriptlet, " +
        "set through the cluster's own Incus API. Only the keys given are managed; an update sends only the keys that changed; removing a key unsets it, and removing the resource " +
        'unsets exactly the keys it set (deletion_policy "retain" keeps them).',
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
        deletion_policy: deletionPolicyAttribute,
      },
    },
  },

  validate({ config }) {
    return settingsProblems(config);
  },

  async plan({ prior, proposed }, { client }) {
    if (proposed === null) {
      const keys = prior === null ? [] : Object.keys(managed(prior));
      const cluster = knownString(prior?.cluster) ?? "";
      if (keys.length === 0) return { planned: null };
      const warning: Diagnostic =
        deletionPolicyOf(prior) === "retain"
          ? {
              severity: "warning",
              summary: `${TYPE_NAME}: cluster "${cluster}" keeps ${keys.join(", ")} (deletion_policy "retain")`,
              detail: "The destroy makes no call: Terraform only forgets these settings.",
            }
          : {
              severity: "warning",
              summary: `${TYPE_NAME}: the destroy unsets ${keys.join(", ")} on cluster "${cluster}"`,
              detail: `Incus goes back to each key's default. Give ${attributeSetting(client.language, "deletion_policy", "retain")} to keep them.`,
            };
      return { planned: null, diagnostics: [warning] };
    }
    const problems = settingsProblems(proposed);
    if (problems.length > 0) throw new DiagnosticError(problems);
    const planned = { ...proposed, id: proposed.cluster ?? null };
    const keys = prior === null ? [] : Object.keys(managed(prior));
    const onOld = deletionPolicyOf(prior) === "retain" || keys.length === 0 ? undefined : `unsets ${keys.join(", ")}`;
    const { requiresReplace, diagnostics } = await clusterReferencePlan(client, TYPE_NAME, prior, proposed, onOld);
    return { planned, requiresReplace, diagnostics };
  },

  async apply({ prior, planned }, { client, log }) {
    const values = planned ?? prior!;
    if (planned === null && deletionPolicyOf(prior) === "retain") {
      log.info(`oc-cdktf: stopped managing the Incus settings of cluster "${knownString(values.cluster) ?? ""}"; they stay as they are`);
      return { state: null };
    }
    const incus = await incusFor(client, values, log);
    const change = changedKeys(prior === null ? {} : managed(prior), planned === null ? {} : managed(planned));
    const cluster = knownString(values.cluster)!;
    if (Object.keys(change).length > 0) {
      // A PATCH whose reply was lost is read back: the keys as sent mean it took effect.
      await apiStep(`Cannot set the Incus settings of cluster "${cluster}"`, () =>
        sendThenConfirm(
          () => incus.patchServerConfig(change),
          async () => (patched(change, (await incus.getServerConfig()).config) ? DONE : NOT_DONE),
        ),
      );
    }
    return { state: planned === null ? null : { ...planned } };
  },

  async read({ state }, { client, log }) {
    if (await clusterGone(client, state)) return { state: null };
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

/**
 * The PATCH that takes the keys from `before` (the state, refreshed from the cluster) to `after`:
 * the keys whose value changed, and "" for a key no longer managed. A rename of the cluster
 * changes no key, so it sends nothing.
 */
function changedKeys(before: Record<string, string>, after: Record<string, string>): Record<string, string> {
  const change: Record<string, string> = {};
  for (const [key, value] of Object.entries(after)) if (before[key] !== value) change[key] = value;
  for (const key of Object.keys(before)) if (!(key in after)) change[key] = "";
  return change;
}

/** Whether `live` (GET /1.0, which omits a key at its default) holds every key of `change` as sent. */
function patched(change: Record<string, string>, live: Record<string, string>): boolean {
  return Object.entries(change).every(([key, value]) =>
    value === "" ? (live[key] ?? "") === "" : (live[key] ?? clusterKeyRules[key]?.default ?? "") === value,
  );
}

/** The keys this resource sets, with their values. */
function managed(values: ObjectValue): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(knownObject(values.config) ?? {})) if (typeof value === "string") out[key] = value;
  const scriptlet = knownString(values[SCRIPTLET]);
  if (scriptlet !== undefined) out[PLACEMENT_SCRIPTLET_KEY] = scriptlet;
  return out;
}

function settingsProblems(config: ObjectValue): Diagnostic[] {
  const out: Diagnostic[] = [...connectionProblems(config), ...deletionPolicyProblems(config)];
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
