import type { Cluster, ClusterPost } from "../client/api-types.js";
import { OperationsCenterError } from "../client/errors.js";
import { userPropertyKeys, writeBookkeeping, readBookkeeping } from "./bookkeeping.js";
import type { HookContext } from "./context.js";
import { creationChangedError, creationChanges } from "./creation.js";
import { requireOwnership } from "./ownership.js";
import { checkServers } from "./preflight.js";
import { HookError } from "./report.js";
import { deletionPolicyMode, type ClusterSpec } from "./spec.js";

/**
 * Create hook of `<cluster>_cluster`: creates the cluster if it is absent, adopts it if this
 * owner created it, first removes the pending record a failed create of this owner left behind,
 * and refuses a cluster that belongs to someone else.
 */
export async function runClusterCreate(spec: ClusterSpec, { client, report }: HookContext): Promise<void> {
  const found = await report.read(spec.cluster, "look up cluster", () => client.findCluster(spec.cluster));
  let removePending = false;
  if (found !== undefined) {
    const bookkeeping = requireOwnership(found.cluster, spec.owner, spec.construct_path);
    if (found.cluster.status !== "pending") {
      const changes = bookkeeping.creation === undefined ? [] : creationChanges(bookkeeping.creation, spec.creation);
      if (changes.length > 0) throw creationChangedError(spec, changes);
      report.note(`${spec.cluster}: exists (${found.cluster.status}) and is managed by "${spec.owner}": adopted, nothing to create`);
      return;
    }
    removePending = true;
  }

  const servers = await report.read("servers", "list registered servers", () => client.listServers());
  const problems = checkServers(spec.server_names, servers, {
    channel: spec.channel,
    sameIncus: true,
  });
  if (problems.length > 0) {
    throw new HookError(
      `${spec.construct_path}: Operations Center would refuse to create cluster "${spec.cluster}":\n  - ${problems.join("\n  - ")}\n` +
        `Fix the cluster's servers (or the servers themselves) and apply again.`,
      removePending ? `the pending record of an earlier failed create of "${spec.cluster}" is still there` : "nothing was created",
    );
  }

  report.plan(removePending ? 2 : 1);
  if (removePending) {
    await report.change(spec.cluster, "remove the pending record left by a failed create", () =>
      client.deleteCluster(spec.cluster, { mode: "normal" }),
    );
  }
  const post: ClusterPost = {
    name: spec.cluster,
    connection_url: spec.connection_url,
    channel: spec.channel,
    server_names: spec.server_names,
    server_type: spec.server_type,
    description: spec.description ?? "",
    properties: {
      ...spec.properties,
      ...writeBookkeeping({
        owner: spec.owner,
        deletionPolicy: spec.deletion_policy,
        creation: spec.creation,
        members: spec.server_names,
        properties: userPropertyKeys(spec.properties),
      }),
    },
  };
  if (spec.config !== undefined) post.config = spec.config;
  if (spec.cluster_template !== undefined) {
    post.cluster_template = spec.cluster_template;
    post.cluster_template_variable_values = spec.cluster_template_variable_values ?? {};
  } else {
    post.services_config = spec.services_config ?? {};
    post.application_seed_config = spec.application_seed_config ?? {};
  }
  const how = spec.cluster_template !== undefined ? `from template "${spec.cluster_template}"` : "one-off";
  try {
    await report.change(spec.cluster, `create ${how} on ${spec.server_names.join(", ")}`, () => client.createCluster(post));
  } catch (err) {
    const left = await client.findCluster(spec.cluster).catch(() => undefined);
    const state =
      left === undefined
        ? `cluster "${spec.cluster}" does not exist`
        : `cluster "${spec.cluster}" is left ${left.cluster.status}; the next apply removes that record before creating it again`;
    throw HookError.wrap(err, state);
  }
}

/**
 * Destroy hook of `<cluster>_cluster`: applies the deletion policy recorded in the cluster's
 * properties (retain makes no call). A cluster that is already gone, or not ours, is left alone.
 */
export async function runClusterDestroy(cluster: string, owner: string, context: HookContext): Promise<void> {
  const { client, report } = context;
  const found = await report.read(cluster, "look up cluster", () => client.findCluster(cluster));
  if (found === undefined) {
    report.note(`${cluster}: already gone`);
    return;
  }
  const bookkeeping = readBookkeeping(found.cluster);
  if (bookkeeping.owner !== owner) {
    report.note(`${cluster}: not managed by "${owner}", left alone`);
    return;
  }
  await applyDeletionPolicy(found.cluster, bookkeeping.deletionPolicy ?? "retain", context);
}

/**
 * Deletes a cluster as its policy says. A pending record (left by a failed create) has no members
 * to forget or reset, and Operations Center answers factory-reset on it with 500, so it is
 * removed with mode=normal. A cluster that vanished meanwhile counts as deleted.
 */
export async function applyDeletionPolicy(
  cluster: Pick<Cluster, "name" | "status">,
  policy: keyof typeof deletionPolicyMode,
  { client, report }: HookContext,
): Promise<void> {
  const policyMode = deletionPolicyMode[policy];
  if (policyMode === undefined) {
    report.note(`${cluster.name}: deletion policy is retain: the cluster stays in Operations Center`);
    return;
  }
  const mode = cluster.status === "pending" ? "normal" : policyMode;
  const why = mode === policyMode ? `policy ${policy}, mode ${mode}` : `pending record, policy ${policy}, mode ${mode}`;
  report.plan(1);
  try {
    await report.change(cluster.name, `delete (${why})`, () => client.deleteCluster(cluster.name, { mode }));
  } catch (err) {
    if (err instanceof OperationsCenterError && err.isNotFound) {
      report.note(`${cluster.name}: already gone`);
      return;
    }
    throw HookError.wrap(
      err,
      `cluster "${cluster.name}" is still in Operations Center (${cluster.status}); the next apply tries again`,
    );
  }
}
