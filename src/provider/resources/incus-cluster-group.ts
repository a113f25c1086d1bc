// operationscenter_incus_cluster_group: a cluster group of an Incus cluster (description, members,
// config), through the cluster's own Incus API. Destroy empties the group, then deletes it. The
// `default` group exists in every cluster and cannot be created or deleted, so it is refused.
// With deletion_policy "retain" (a cluster that keeps running) destroy leaves the group as it is.
// Incus ignores If-Match on a group's PUT: the write is guarded by reads instead (see apply).
import { apiNameProblem, DEFAULT_GROUP, groupConfigProblem } from "../../config/incus.js";
import type { IncusClient, IncusGroup, IncusGroupPut, IncusMember, IncusMemberPut } from "../../client/incus-client.js";
import type { ProviderClient } from "../client.js";
import { DiagnosticError, type Diagnostic, type Logger, type ObjectValue, type Resource, type Value } from "../plugin/types.js";
import { deletionPolicyAttribute, deletionPolicyOf, deletionPolicyProblems } from "./common/cluster-reference.js";
import { destroying } from "./common/destroying.js";
import { importIdParts } from "./common/import-id.js";
import { DONE, NOT_DONE, sendThenConfirm, type Outcome } from "./common/lost-reply.js";
import { ifMatch, retryOnPreconditionFailed } from "./common/precondition.js";
import { clusterGone, clusterReferencePlan, connectionAttributes, connectionProblems, incusFor, memberProblems, unsetConnection } from "./incus/connection.js";
import { apiStep, hasUnknown, knownObject, knownString } from "./values.js";

const TYPE_NAME = "operationscenter_incus_cluster_group";

export const incusClusterGroupResource: Resource<ProviderClient> = {
  typeName: TYPE_NAME,
  schema: {
    version: 0,
    block: {
      description:
        "A cluster group of the cluster's Incus: instances target it as @NAME, and members with scheduler.instance = group only take instances that target one of their groups. " +
        "Destroy removes the members from it and deletes it; a member whose only group it is is first added to the default group, as Incus keeps every member in one group " +
        '(deletion_policy "retain" leaves the group as it is). ' +
        "A change made to the group between plan and apply fails the apply instead of being overwritten (Incus does not check If-Match on groups).",
      attributes: {
        id: { type: "string", computed: true, description: "CLUSTER/GROUP." },
        ...connectionAttributes,
        name: {
          type: "string",
          required: true,
          description: "Group name (Incus API name rules; not default). A change replaces the group. Import id: CLUSTER/NAME.",
        },
        description: { type: "string", optional: true, description: 'Description. Default "".' },
        members: { type: ["set", "string"], required: true, description: "Member names in the group." },
        config: { type: ["map", "string"], optional: true, description: "Group config: user.* and instances.vm.cpu.<ARCH>.baseline / .flags keys." },
        deletion_policy: deletionPolicyAttribute,
      },
    },
  },

  validate({ config }) {
    return groupProblems(config);
  },

  async plan({ prior, proposed }, { client, log, terraformCommand }) {
    if (proposed === null) {
      if (prior === null) return { planned: null };
      const name = knownString(prior.name) ?? "";
      const cluster = knownString(prior.cluster) ?? "";
      const warning: Diagnostic =
        deletionPolicyOf(prior) === "retain"
          ? {
              severity: "warning",
              summary: `${TYPE_NAME}: cluster "${cluster}" keeps Incus cluster group "${name}" (deletion_policy "retain")`,
              detail: "The destroy makes no call: Terraform only forgets the group.",
            }
          : {
              severity: "warning",
              summary: `${TYPE_NAME}: the destroy deletes Incus cluster group "${name}" of cluster "${cluster}"`,
              detail: `Its members leave it first; a member whose only group it is goes to the "${DEFAULT_GROUP}" group. Instances that target @${name} can no longer be placed.`,
            };
      return { planned: null, diagnostics: [warning] };
    }
    const cluster = knownString(proposed.cluster);
    const name = knownString(proposed.name);
    const members = Array.isArray(proposed.members) ? proposed.members.filter((m): m is string => typeof m === "string") : [];
    const problems = [...groupProblems(proposed), ...(await memberProblems(client, cluster, members, "members"))];
    if (problems.length > 0) throw new DiagnosticError(problems);
    const planned = { ...proposed, id: cluster !== undefined && name !== undefined ? `${cluster}/${name}` : (proposed.id ?? null) };
    const onOld = deletionPolicyOf(prior) === "retain" ? undefined : `deletes Incus cluster group "${knownString(prior?.name) ?? ""}"`;
    const { requiresReplace, diagnostics } = await clusterReferencePlan(client, TYPE_NAME, prior, proposed, onOld);
    if (prior !== null && prior.name !== proposed.name) requiresReplace.push(["name"]);
    if (prior === null && destroying(terraformCommand)) diagnostics.push(...(await leftoverInDestroy(client, proposed, log)));
    return { planned, requiresReplace, diagnostics };
  },

  async apply({ prior, planned }, { client, log }) {
    const values = planned ?? prior!;
    const name = knownString(values.name)!;
    const cluster = knownString(values.cluster)!;
    if (planned === null && deletionPolicyOf(prior) === "retain") {
      log.info(`oc-cdktf: stopped managing Incus cluster group "${name}" of cluster "${cluster}"; it stays as it is`);
      return { state: null };
    }
    // The cluster's rename changes nothing in Incus.
    if (prior !== null && planned !== null && sameGroup(desired(prior), desired(planned))) return { state: { ...planned } };
    const incus = await incusFor(client, values, log);
    if (planned === null) {
      const moved = await apiStep(`Cannot delete Incus cluster group "${name}"`, () => destroyGroup(incus, name));
      const diagnostics: Diagnostic[] = moved.map((member) => ({
        severity: "warning",
        summary: `Incus cluster member "${member}" was added to the "${DEFAULT_GROUP}" group`,
        detail: `"${name}" was its only group, and Incus keeps every member in at least one group, so "${name}" could only be emptied and deleted after that.`,
      }));
      return { state: null, diagnostics };
    }
    const put = desired(planned);
    const adopted = await apiStep(`Cannot ${prior === null ? "create" : "update"} Incus cluster group "${name}"`, async () => {
      // Incus's group PUT has no ETag check (incus@be7afc5 cmd/incusd/api_cluster_group.go,
      // clusterGroupPut; the PATCH checks one computed differently from the GET's ETag), so an
      // If-Match would be ignored. What is guaranteed instead: the group is read right before the
      // PUT, and a change made since the plan read it fails the apply instead of being
      // overwritten; the group is read again after the PUT, and anything other than what was
      // written is reported. Not guaranteed: a change landing between that read and the PUT is
      // overwritten (it is then reported by the read after it only if it touched other fields).
      const found = await incus.findGroup(name);
      if (found === undefined) {
        if (prior !== null) log.warn(`oc-cdktf: Incus cluster group "${name}" was deleted by hand; creating it again`);
        await sendThenConfirm(
          () => incus.createGroup(name, put),
          async () => lostWriteOutcome(put, undefined, await incus.findGroup(name)),
        );
      } else if (prior === null) {
        // A group exactly as this create would write it is most likely this resource's own, left
        // by an apply killed after the POST and before Terraform saved the state: it is adopted,
        // so that the next apply converges (issue 21). The comparison is the read-after-write
        // one, which accepts the CPU flags Incus computes for "auto".
        if (writtenDifferences(put, found.group).length === 0) return true;
        throw new DiagnosticError({
          severity: "error",
          summary: `Incus cluster group "${name}" already exists in cluster "${cluster}"`,
          detail:
            "It was not created by this resource. Choose another name, or delete the group first (incus cluster group delete), " +
            `or manage it here: terraform import <this resource's address> ${cluster}/${name}`,
          path: ["name"],
        });
      } else {
        const changed = changesSince(prior, found.group);
        if (changed.length > 0) {
          throw new DiagnosticError({
            severity: "error",
            summary: `Incus cluster group "${name}" was changed since it was read for the plan; nothing was written`,
            detail: `${changed.join("; ")}. Incus does not check If-Match on a group, so writing now would undo that change. Run terraform apply again to plan against the group as it is now.`,
          });
        }
        await refuseOnlyGroupRemovals(
          incus,
          name,
          found.group.members.filter((m) => !put.members.includes(m)),
        );
        await sendThenConfirm(
          () => incus.updateGroup(name, put),
          async () => lostWriteOutcome(put, found.group, await incus.findGroup(name)),
        );
      }
      const after = await incus.findGroup(name);
      const differences = after === undefined ? ["the group is gone"] : writtenDifferences(put, after.group);
      if (differences.length > 0) {
        throw new DiagnosticError({
          severity: "error",
          summary: `Incus cluster group "${name}" is not as written: it was changed at the same time`,
          detail: `${differences.join("; ")}. Run terraform apply again to plan against it.`,
        });
      }
      return false;
    });
    if (adopted) {
      return {
        state: { ...planned },
        diagnostics: [
          {
            severity: "warning",
            summary: `Incus cluster group "${name}" already existed in cluster "${cluster}" exactly as configured; it was taken into state without a write`,
            detail: "Most likely an earlier apply created it and was interrupted before Terraform recorded it.",
          },
        ],
      };
    }
    return { state: { ...planned } };
  },

  async read({ state }, { client, log }) {
    if (await clusterGone(client, state)) return { state: null };
    const incus = await incusFor(client, state, log);
    const name = knownString(state.name)!;
    const found = await apiStep(`Cannot read Incus cluster group "${name}"`, () => incus.findGroup(name));
    if (found === undefined) return { state: null };
    return { state: stateOf(state, found.group) };
  },

  async import(id, { client, log }) {
    const [cluster, name] = importIdParts("Incus cluster group", id, "CLUSTER/NAME") as [string, string];
    const values: ObjectValue = { id, cluster, ...unsetConnection, name, description: null, members: [], config: null, deletion_policy: null };
    const incus = await incusFor(client, values, log);
    const found = await apiStep(`Cannot read Incus cluster group "${name}"`, () => incus.findGroup(name));
    if (found === undefined)
      throw new DiagnosticError({
        severity: "error",
        summary: `Cluster "${cluster}" has no Incus cluster group "${name}"`,
        detail: "List the groups with: incus cluster group list",
      });
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

/**
 * In a destroy's refresh plan, for a group not in state: the group exactly as configured exists,
 * which the create adopts as its own (what an apply killed after the POST leaves), and the destroy
 * cannot delete it. An error, since Terraform drops that plan's warnings. One Incus read, in a
 * destroy only; nothing when a value is unknown, the deletion policy keeps the group, or the
 * cluster cannot be reached (the destroy itself needs nothing from it).
 */
async function leftoverInDestroy(client: ProviderClient, proposed: ObjectValue, log: Logger): Promise<Diagnostic[]> {
  const cluster = knownString(proposed.cluster);
  const name = knownString(proposed.name);
  const content = [proposed.description, proposed.members, proposed.config];
  if (cluster === undefined || name === undefined || content.some(hasUnknown) || deletionPolicyOf(proposed) === "retain") return [];
  const found = await incusFor(client, proposed, log)
    .then((incus) => incus.findGroup(name))
    .catch(() => undefined);
  if (found === undefined || writtenDifferences(desired(proposed), found.group).length > 0) return [];
  return [
    {
      severity: "error",
      summary: `Incus cluster group "${name}" of cluster "${cluster}" exists exactly as configured but is not in state, so this destroy cannot remove it`,
      detail:
        `An earlier apply of this resource may have created it and been interrupted before Terraform saved it in state: a group carries no mark ` +
        `of who made it, and a group exactly as configured is what the apply adopts. Nothing was changed. To remove it: run terraform apply ` +
        `(it adopts the group into state without writing it), then terraform destroy. Or import it: terraform import <this resource's address> ` +
        `${cluster}/${name}, then terraform destroy. Or delete it yourself: incus cluster group delete <remote>:${name}.`,
      path: ["name"],
    },
  ];
}

/**
 * A group write (create POST or PUT) whose reply was lost, read back: the group as written means it
 * took effect; as it was before (`before`, undefined: no group) that it did not, so it is sent
 * again; anything else was changed by someone else meanwhile, which no resend may overwrite.
 */
export function lostWriteOutcome(put: IncusGroupPut, before: IncusGroup | undefined, now: { group: IncusGroup } | undefined): Outcome {
  if (now !== undefined && writtenDifferences(put, now.group).length === 0) return DONE;
  if (now === undefined) return before === undefined ? NOT_DONE : { done: false, partly: "the group is gone" };
  if (before !== undefined && writtenDifferences(before, now.group).length === 0) return NOT_DONE;
  return { done: false, partly: `the group is neither as written nor as it was: ${writtenDifferences(put, now.group).join("; ")}` };
}

function sameGroup(a: IncusGroupPut, b: IncusGroupPut): boolean {
  const sorted = (put: IncusGroupPut) => JSON.stringify([put.description, [...put.members].sort(), Object.entries(put.config).sort()]);
  return sorted(a) === sorted(b);
}

/** What differs between the group as the plan read it (the prior state) and as it is now. */
function changesSince(prior: ObjectValue, live: IncusGroup): string[] {
  const now = stateOf(prior, live);
  const out: string[] = [];
  if ((prior.description ?? null) !== now.description) out.push(`description is now "${live.description}"`);
  const before = Array.isArray(prior.members) ? prior.members.filter((m): m is string => typeof m === "string") : [];
  const added = live.members.filter((m) => !before.includes(m));
  const removed = before.filter((m) => !live.members.includes(m));
  if (added.length > 0 || removed.length > 0) {
    out.push(`members ${[...added.map((m) => `${m} added`), ...removed.map((m) => `${m} removed`)].join(", ")}`);
  }
  if (!sameConfig(knownObject(prior.config) ?? {}, live.config)) out.push("config changed");
  return out;
}

/**
 * What the group holds other than what was written. Incus fills instances.vm.cpu.<ARCH>.flags
 * given as "auto" with the computed flags (clusterGroupFill), so such a key only has to be set.
 */
export function writtenDifferences(put: IncusGroupPut, live: IncusGroup): string[] {
  const out: string[] = [];
  if (put.description !== live.description) out.push(`description is "${live.description}"`);
  const extra = live.members.filter((m) => !put.members.includes(m));
  const missing = put.members.filter((m) => !live.members.includes(m));
  if (extra.length > 0 || missing.length > 0) out.push(`members ${[...extra.map((m) => `${m} is in it`), ...missing.map((m) => `${m} is not`)].join(", ")}`);
  const filled = Object.fromEntries(
    Object.entries(put.config).map(([k, v]) => [k, v === "auto" && /^instances\.vm\.cpu\.[^.]+\.flags$/.test(k) ? (live.config[k] ?? v) : v]),
  );
  if (!sameConfig(filled, live.config)) out.push("config differs");
  return out;
}

function sameConfig(a: { [key: string]: unknown }, b: Record<string, string>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((k) => a[k] === b[k]);
}

/**
 * Incus keeps a member in the only group it has: a PUT without it leaves it there silently, and
 * then the DELETE answers 500 "Only empty cluster groups can be removed" (incus@be7afc5
 * cmd/incusd/api_cluster_group.go, clusterGroupPut and clusterGroupDelete). The members being
 * removed whose only group this is.
 */
async function onlyGroupMembers(incus: IncusClient, name: string, leaving: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const member of leaving) if (onlyIn((await incus.getMember(member)).member, name)) out.push(member);
  return out;
}

const onlyIn = (member: IncusMember, name: string): boolean => member.groups.length === 1 && member.groups[0] === name;

async function refuseOnlyGroupRemovals(incus: IncusClient, name: string, leaving: readonly string[]): Promise<void> {
  const stuck = await onlyGroupMembers(incus, name, leaving);
  if (stuck.length === 0) return;
  throw new DiagnosticError({
    severity: "error",
    summary: `Cannot remove ${stuck.join(", ")} from Incus cluster group "${name}": it is ${stuck.length === 1 ? "that member's" : "those members'"} only group`,
    detail: `Incus keeps every member in at least one group and would silently leave ${stuck.length === 1 ? "it" : "them"} in "${name}". Give ${stuck.length === 1 ? "it" : "them"} another group first (operationscenter_incus_cluster_member.groups, or incus cluster group assign), then apply again.`,
    path: ["members"],
  });
}

/**
 * Destroy: members whose only group this is are added to "default" first (where Incus puts
 * every new member), then the group is emptied and deleted. Returns the members moved.
 */
async function destroyGroup(incus: IncusClient, name: string): Promise<string[]> {
  const found = await incus.findGroup(name);
  if (found === undefined) return [];
  const stuck = await onlyGroupMembers(incus, name, found.group.members);
  for (const member of stuck) await addToDefault(incus, member, name);
  if (found.group.members.length > 0) {
    const emptied = { description: found.group.description, members: [], config: found.group.config };
    await sendThenConfirm(
      () => incus.updateGroup(name, emptied),
      async () => (((await incus.findGroup(name))?.group.members.length ?? 0) === 0 ? DONE : NOT_DONE),
    );
  }
  await sendThenConfirm(
    () => incus.deleteGroup(name),
    async () => ((await incus.findGroup(name)) === undefined ? DONE : NOT_DONE),
  );
  return stuck;
}

/**
 * Adds a member whose only group is `name` to the default group. Read, decided and written with
 * If-Match, so a 412 (a change meanwhile, or the transport's resend after a lost reply that had
 * landed) reads it again: a member no longer only in `name` is left as it is.
 */
async function addToDefault(incus: IncusClient, member: string, name: string): Promise<void> {
  await retryOnPreconditionFailed(async () => {
    const { member: live, etag } = await incus.getMember(member);
    if (!onlyIn(live, name)) return;
    const put: IncusMemberPut = {
      roles: live.roles,
      failure_domain: live.failure_domain,
      description: live.description,
      config: live.config,
      groups: [...live.groups, DEFAULT_GROUP],
    };
    await incus.updateMember(member, put, ifMatch(etag));
  });
}

function groupProblems(config: ObjectValue): Diagnostic[] {
  const out: Diagnostic[] = [...connectionProblems(config), ...deletionPolicyProblems(config)];
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
