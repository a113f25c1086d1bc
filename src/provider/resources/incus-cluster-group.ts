// operationscenter_incus_cluster_group: a cluster group of an Incus cluster (description, members,
// config), through the cluster's own Incus API. Destroy empties the group, then deletes it. The
// `default` group exists in every cluster and cannot be created or deleted, so it is refused.
import { apiNameProblem, DEFAULT_GROUP, groupConfigProblem } from "../../config/incus.js";
import type { IncusGroup, IncusGroupPut } from "../../client/incus-client.js";
import type { ProviderClient } from "../client.js";
import { DiagnosticError, type Diagnostic, type ObjectValue, type Resource, type Value } from "../plugin/types.js";
import { connectionAttributes, connectionProblems, incusFor, unsetConnection } from "./incus/connection.js";
import { apiStep, knownObject, knownString, retryOnPreconditionFailed } from "./values.js";

export const incusClusterGroupResource: Resource<ProviderClient> = {
  typeName: "operationscenter_incus_cluster_group",
  schema: {
    version: 0,
    block: {
      description:
        "A cluster group of the cluster's Incus: instances target it as @NAME, and members with scheduler.instance = group only take instances that target one of their groups. " +
        "Destroy removes the members from it and deletes it (a member whose only group it is stays in it, as Incus requires one group per member).",
      attributes: {
        id: { type: "string", computed: true, description: "CLUSTER/GROUP." },
        ...connectionAttributes,
        name: { type: "string", required: true, description: "Group name (Incus API name rules; not default). A change replaces the group. Import id: CLUSTER/NAME." },
        description: { type: "string", optional: true, description: 'Description. Default "".' },
        members: { type: ["set", "string"], required: true, description: "Member names in the group." },
        config: { type: ["map", "string"], optional: true, description: "Group config: user.* and instances.vm.cpu.<ARCH>.baseline / .flags keys." },
      },
    },
  },

  validate({ config }) {
    return groupProblems(config);
  },

  async plan({ prior, proposed }) {
    if (proposed === null) return { planned: null };
    const problems = groupProblems(proposed);
    if (problems.length > 0) throw new DiagnosticError(problems);
    const cluster = knownString(proposed.cluster);
    const name = knownString(proposed.name);
    const planned = { ...proposed, id: cluster !== undefined && name !== undefined ? `${cluster}/${name}` : (proposed.id ?? null) };
    const replace = prior === null ? [] : (["cluster", "name"] as const).filter((k) => prior[k] !== proposed[k]).map((k) => [k]);
    return { planned, requiresReplace: replace };
  },

  async apply({ prior, planned }, { client, log }) {
    const values = planned ?? prior!;
    const incus = await incusFor(client, values, log);
    const name = knownString(values.name)!;
    if (planned === null) {
      await apiStep(`Cannot delete Incus cluster group "${name}"`, async () => {
        const found = await incus.findGroup(name);
        if (found === undefined) return;
        if (found.group.members.length > 0) await incus.updateGroup(name, { description: found.group.description, members: [], config: found.group.config }, found.etag === undefined ? {} : { ifMatch: found.etag });
        await incus.deleteGroup(name);
      });
      return { state: null };
    }
    const put = desired(planned);
    await apiStep(`Cannot ${prior === null ? "create" : "update"} Incus cluster group "${name}"`, () =>
      retryOnPreconditionFailed(async () => {
        const found = await incus.findGroup(name);
        if (found === undefined) {
          if (prior !== null) log.warn(`oc-cdktf: Incus cluster group "${name}" was deleted by hand; creating it again`);
          await incus.createGroup(name, put);
        } else if (prior === null) {
          throw new DiagnosticError({
            severity: "error",
            summary: `Incus cluster group "${name}" already exists in cluster "${knownString(planned.cluster)}"`,
            detail: "It was not created by this resource. Choose another name, or delete the group first (incus cluster group delete).",
            path: ["name"],
          });
        } else await incus.updateGroup(name, put, found.etag === undefined ? {} : { ifMatch: found.etag });
      }),
    );
    return { state: { ...planned } };
  },

  async read({ state }, { client, log }) {
    const incus = await incusFor(client, state, log);
    const name = knownString(state.name)!;
    const found = await apiStep(`Cannot read Incus cluster group "${name}"`, () => incus.findGroup(name));
    if (found === undefined) return { state: null };
    return { state: stateOf(state, found.group) };
  },

  async import(id, { client, log }) {
    const [cluster, name, ...rest] = id.split("/");
    if (cluster === undefined || cluster === "" || name === undefined || name === "" || rest.length > 0) {
      throw new DiagnosticError({ severity: "error", summary: `Cannot import Incus cluster group "${id}": the id must be CLUSTER/NAME`, detail: "e.g. terraform import <address> lab/gpu" });
    }
    const values: ObjectValue = { id, cluster, ...unsetConnection, name, description: null, members: [], config: null };
    const incus = await incusFor(client, values, log);
    const found = await apiStep(`Cannot read Incus cluster group "${name}"`, () => incus.findGroup(name));
    if (found === undefined) throw new DiagnosticError({ severity: "error", summary: `Cluster "${cluster}" has no Incus cluster group "${name}"`, detail: "List the groups with: incus cluster group list" });
    return { state: stateOf(values, found.group) };
  },
};

/** State from the live group; where the reference holds null and the server the empty value, null is kept. */
function stateOf(state: ObjectValue, g: IncusGroup): ObjectValue {
  return {
    ...state,
    description: g.description === "" && state.description === null ? null : g.description,
    members: [...g.members].sort(),
    config: Object.keys(g.config).length === 0 && state.config === null ? null : (g.config as { [key: string]: Value }),
  };
}

function desired(values: ObjectValue): IncusGroupPut {
  const members = Array.isArray(values.members) ? values.members.filter((m): m is string => typeof m === "string") : [];
  const config = Object.fromEntries(Object.entries(knownObject(values.config) ?? {}).filter((e): e is [string, string] => typeof e[1] === "string"));
  return { description: knownString(values.description) ?? "", members, config };
}

function groupProblems(config: ObjectValue): Diagnostic[] {
  const out: Diagnostic[] = connectionProblems(config);
  const name = knownString(config.name);
  if (name !== undefined) {
    if (name === DEFAULT_GROUP) {
      out.push({
        severity: "error",
        summary: 'name: the "default" group exists in every Incus cluster and cannot be created, renamed or deleted',
        detail: "Every member starts in it. Give a member other groups with operationscenter_incus_cluster_member.groups, or manage another group here.",
        path: ["name"],
      });
    } else {
      const problem = apiNameProblem(name);
      if (problem !== undefined) out.push({ severity: "error", summary: `name: "${name}" is not a valid group name: ${problem}`, path: ["name"] });
    }
  }
  for (const key of Object.keys(knownObject(config.config) ?? {})) {
    const problem = groupConfigProblem(key);
    if (problem !== undefined) out.push({ severity: "error", summary: `config["${key}"]: ${problem}`, path: ["config", { key }] });
  }
  return out;
}
