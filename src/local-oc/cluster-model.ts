// Model layer of /1.0/provisioning/clusters: the only code that changes a cluster's state. Each
// function checks what OC checks, in OC's order, throws OC's errors (errors.ts) and marks its
// changes for persistence; none takes a request, so a test can drive it without HTTP. The routes
// (clusters.ts) decode requests into these calls and encode the answers.
//
// Deliberate deviations from the real server, each because the real behaviour depends on
// machines that do not exist here (docs/local-oc/fidelity.md):
// - Create does not run Terraform: the `terraform-configuration` artifact holds the inputs of
//   the post-clustering step (the application seed config), not generated Terraform files.
// - The add-servers consistency check and services copy (join-check.ts) treat ceph/linstor
//   without incus-ceph/incus-linstor as the expected upstream fix does, unless the
//   `unsupportedServiceConfig` option asks for operations-center 41a98e0's 500.
// - The inventory is derived from the model (inventory.ts), so :resync-inventory finds nothing
//   new; the remove-servers inventory checks see the simulated instances and custom volumes
//   (instances.ts); there are no images, so the image check always passes.

import { X509Certificate, createPrivateKey } from "node:crypto";
import { isPostRestoreDelay, isRestoreMode } from "../config/cluster.js";
import { goUrlParseProblem } from "../config/go-url.js";
import { forbiddenNameCharacter, NAME_FORBIDDEN_CHARACTERS } from "../config/object-name.js";
import { certificateFingerprint, createSelfSignedCertificate, issuedCertificateFingerprint } from "./certificates.js";
import { applyTemplate } from "./cluster-template-model.js";
import type { Context } from "./context.js";
import { OCError, constraint, goList, internal, notFound, notFoundf, notPermitted, q, rewrap, validation } from "./errors.js";
import { addressByRole, unreachableMessage } from "./incusos.js";
import { forgetIncusCluster, renameIncusCluster } from "./incus/model.js";
import { setClusterKeyPair } from "./incus/trust.js";
import { forgetClusterInstances, removalBlockers, renameClusterInstances } from "./instances.js";
import { consistencyReason, copyServicesConfig, updateOSService } from "./join-check.js";
import type { ArtifactRecord, ClusterRecord, ServerRecord } from "./persisted.js";
import { storedApplications } from "./server-data.js";
import { deepCopy, nowString } from "./state.js";
import { inactiveStatus } from "./update-loop.js";

/** What a PUT replaces (api.ClusterPut). */
export type ClusterPut = Pick<ClusterRecord, "connection_url" | "channel" | "description" | "properties" | "config">;

/** What a create takes (api.ClusterPost, decoded). */
export interface ClusterCreate extends ClusterPut {
  name: string;
  server_names: string[];
  /** "" when the request has no server_type, "unknown" for an explicit "". */
  server_type: string;
  services_config: Record<string, unknown>;
  application_seed_config: Record<string, unknown>;
  cluster_template: string;
  cluster_template_variable_values: Record<string, string>;
}

export const clusterDeleteModes = ["normal", "force", "factory-reset"] as const;
export type ClusterDeleteMode = (typeof clusterDeleteModes)[number];

/** The clusters ordered by name, as OC lists them. */
export function listClusters(ctx: Context): ClusterRecord[] {
  return [...ctx.store.data.clusters].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * The cluster's update_status, computed from its members (the three lists are omitempty)
 * (operations-center@41a98e0 internal/provisioning/cluster/cluster_service.go, getClusterUpdateStatus).
 */
export function clusterUpdateStatus(ctx: Context, c: ClusterRecord): Record<string, unknown> {
  const members = ctx.store.members(c.name);
  const out: Record<string, unknown> = {};
  const needsUpdate = members.filter((m) => m.needs_update).map((m) => m.name);
  const needsReboot = members.filter((m) => m.needs_reboot).map((m) => m.name);
  const inMaintenance = members.filter((m) => m.in_maintenance !== 0).map((m) => m.name);
  if (needsUpdate.length > 0) out["needs_update"] = needsUpdate;
  if (needsReboot.length > 0) out["needs_reboot"] = needsReboot;
  if (inMaintenance.length > 0) out["in_maintenance"] = inMaintenance;
  // status_description is a *string with omitempty: absent until the control loop reports progress.
  const { status_description, ...rest } = c.in_progress_status;
  out["in_progress_status"] = status_description === "" ? rest : c.in_progress_status;
  return out;
}

/**
 * operations-center@41a98e0 internal/provisioning/cluster_model.go (Cluster.Validate): the rules
 * are src/config's (the provider checks them at plan), the messages the server's.
 */
function validateCluster(c: { name: string; connection_url: string; channel: string; config: ClusterRecord["config"] }): void {
  if (c.name === "") throw validation("Invalid cluster, name can not be empty");
  if (forbiddenNameCharacter(c.name) !== undefined) throw validation(`Invalid cluster, name can not contain any of ${q(NAME_FORBIDDEN_CHARACTERS)}`);
  const urlProblem = goUrlParseProblem(c.connection_url);
  if (urlProblem !== undefined) throw validation(`Invalid cluster, connection URL is not valid: parse ${q(c.connection_url)}: ${urlProblem}`);
  if (c.channel === "") throw validation("Invalid cluster, channel can not be empty");
  if (!isPostRestoreDelay(c.config.rolling_restart.post_restore_delay)) {
    throw validation("Invalid cluster, cluster config for rolling restart post restore delay needs to be a valid time duration");
  }
  if (!isRestoreMode(c.config.rolling_restart.restore_mode)) {
    throw validation('Invalid cluster, cluster config for rolling restart restore mode is invalid, only "" and "skip" are supported.');
  }
}

/** Whether the channel exists in `/1.0/provisioning/channels` (clusters reference it by ID). */
function channelExists(ctx: Context, channel: string): boolean {
  return ctx.store.data.channels.some((c) => c.name === channel);
}

function isIncusKind(app: string): boolean {
  return app === "incus" || app === "incus-lts-7.0";
}

/** The per-server checks of Create and AddServers (operations-center@41a98e0 internal/provisioning/cluster/cluster_service.go). */
function checkClusterable(server: ServerRecord, channel: string, clusterName: string): { app: string; version: string } {
  if (server.cluster !== null) {
    throw notPermitted(`Server ${q(server.name)} is already part of cluster ${q(server.cluster)}`);
  }
  if (server.status !== "ready") {
    throw notPermitted(`Server ${q(server.name)} is not in ready state and can therefore not be used for clustering`);
  }
  if (server.channel !== channel) {
    throw notPermitted(`Server ${q(server.name)} update channel ${q(server.channel)} does not match channel requested for cluster ${q(clusterName)}`);
  }
  if (server.needs_update || server.needs_reboot || server.in_maintenance !== 0) {
    const maintenance = ["not in maintenance", "evacuating", "evacuated", "restoring"][server.in_maintenance] ?? String(server.in_maintenance);
    throw notPermitted(
      `Server ${q(server.name)} not ready to be clustered (needs update: ${server.needs_update}, needs reboot: ${server.needs_reboot}, in maintenance: ${maintenance})`,
    );
  }
  const app = storedApplications(server).find((a) => isIncusKind(a.name));
  if (app === undefined) throw notPermitted(`Server ${q(server.name)} does not have application Incus`);
  return { app: app.name, version: app.version };
}

/** Incus' GET /1.0 ping of a server: an offline server does not answer. */
function ping(server: ServerRecord): void {
  if (server.status === "offline") throw internal(unreachableMessage(server, "/1.0"));
}

/** POST /os/1.0/system/:factory-reset through OC's server service. */
function factoryResetServer(ctx: Context, server: ServerRecord): void {
  if (ctx.incusos.failing(server.name)) {
    throw internal(`Factory reset failed: injected fault (local-oc --fail-member ${server.name})`);
  }
  ctx.factoryReset(server);
}

/**
 * Creates a cluster (operations-center@41a98e0 internal/provisioning/cluster/cluster_service.go,
 * Create): the pending record is committed after the first checks and stays on later failures.
 */
export async function createCluster(ctx: Context, input: ClusterCreate): Promise<void> {
  const store = ctx.store;
  const name = input.name;
  let servicesConfig = input.services_config;
  let applicationSeedConfig = input.application_seed_config;
  const template = input.cluster_template;
  if (template !== "") {
    try {
      const applied = applyTemplate(ctx, template, input.cluster_template_variable_values);
      servicesConfig = applied.servicesConfig;
      applicationSeedConfig = applied.applicationSeedConfig;
    } catch (err) {
      if (err instanceof OCError) throw err.wrap(`Failed creating cluster from template ${q(template)}`);
      throw err;
    }
  }
  const fail = (err: unknown): never => {
    if (err instanceof OCError) throw err.wrap("Failed creating cluster");
    throw err;
  };

  const serverNames = input.server_names;
  const serverType = input.server_type;
  const record: ClusterRecord = {
    name,
    connection_url: input.connection_url,
    certificate: "",
    fingerprint: "",
    status: "pending",
    channel: input.channel === "" ? "stable" : input.channel,
    description: input.description,
    properties: input.properties,
    config: input.config,
    server_type: serverType,
    in_progress_status: inactiveStatus(),
    last_updated: nowString(),
  };

  const servers: ServerRecord[] = [];
  try {
    // ValidateCreate.
    validateCluster(record);
    if (serverNames.length === 0) throw validation("Invalid cluster, list of server names can not be empty");
    if (serverType === "unknown" || serverType === "") {
      throw validation(`Invalid cluster definition, server type can not be ${q(serverType)}`);
    }
    validatePreseed(applicationSeedConfig);

    // Transaction 1.
    if (store.cluster(name) !== undefined) throw notPermitted(`Cluster with name ${q(name)} already exists`);
    const incus: Array<{ app: string; version: string }> = [];
    for (const serverName of serverNames) {
      const server = store.server(serverName);
      if (server === undefined) throw notFoundf(`Failed to get server ${q(serverName)} by name`);
      incus.push(checkClusterable(server, record.channel, name));
      servers.push(server);
    }
    for (const i of incus) {
      if (i.version !== incus[0]!.version) {
        throw notPermitted(`Incus version is not the same on all servers, found ${q(incus[0]!.version)} and ${q(i.version)}`);
      }
    }
    for (const i of incus) {
      if (i.app !== incus[0]!.app) {
        throw notPermitted(`Incus application is not the same on all servers, found ${q(incus[0]!.app)} and ${q(i.app)}`);
      }
    }
    if (!channelExists(ctx, record.channel)) throw constraint("Failed to create cluster record in the repository: Constraint violation");
  } catch (err) {
    fail(err);
  }
  // The pending record is committed before anything else can fail, and stays on later failures.
  store.data.clusters.push(record);
  forgetIncusCluster(store.data, name);
  forgetClusterInstances(store.data, name);
  store.data.creation_inputs[name] = {
    server_names: [...serverNames],
    services_config: deepCopy(servicesConfig),
    application_seed_config: deepCopy(applicationSeedConfig),
    cluster_template: template,
  };
  ctx.changed();

  try {
    for (const server of servers) {
      if (server.type !== serverType) {
        throw notPermitted(`Server ${q(server.name)} has type ${q(server.type)} but ${q(serverType)} was expected`);
      }
    }
    for (const server of servers) {
      try {
        ping(server);
      } catch (err) {
        rewrap(err, `Connection test for server ${q(server.name)} failed`);
      }
    }
    for (const server of servers) {
      for (const [service, configAny] of Object.entries(servicesConfig)) {
        if (typeof configAny !== "object" || configAny === null || Array.isArray(configAny)) {
          throw internal(`Failed to enable OS service ${q(service)} on ${q(server.name)}: config is not an object`);
        }
        const cfg = deepCopy(configAny as Record<string, unknown>);
        if (service === "lvm") {
          if (typeof cfg["enabled"] !== "boolean") {
            throw internal(`Failed to enable OS service "lvm" on ${q(server.name)}: "enabled" is not a bool`);
          }
          if (cfg["enabled"]) {
            if (server.id > 2000) {
              throw internal(`Failed to enable OS service "lvm" on ${q(server.name)}: can not enable LVM on servers with internal ID > 2000`);
            }
            cfg["system_id"] = server.id;
          }
        }
        try {
          updateOSService(ctx, server, service, cfg);
        } catch (err) {
          rewrap(err, `Failed to enable OS service ${q(service)} on ${q(server.name)}`);
        }
      }
      if (addressByRole(server.stored.network, "cluster") === undefined && addressByRole(server.stored.network, "management") === undefined) {
        throw internal(`Failed to determine an IP address for the network interface with "cluster" role`);
      }
    }
  } catch (err) {
    ctx.changed();
    fail(err);
  }
  ctx.changed();

  // Bootstrap, join and post-clustering take this long here.
  await ctx.sleep(ctx.createDelayMs);
  const pair = await createSelfSignedCertificate({ commonName: name, usage: "server" });

  const current: ServerRecord[] = [];
  try {
    // Transaction 2: the servers must still be registered and free.
    for (const server of servers) {
      const record = store.server(server.name);
      if (record === undefined) throw notFoundf(`Failed to get server ${q(server.name)} by name`);
      if (record.cluster !== null) {
        throw notPermitted(`Server ${q(server.name)} was not part of a cluster, but is now part of ${q(record.cluster)}`);
      }
      current.push(record);
    }
  } catch (err) {
    fail(err);
  }
  if (store.cluster(name) !== record) {
    // Deleted (or renamed) while the create was running.
    throw notFound().wrap("Failed to update cluster record in the repository").wrap("Failed creating cluster");
  }
  record.status = "ready";
  record.certificate = pair.certificate;
  record.fingerprint = issuedCertificateFingerprint(pair.certificate);
  setClusterKeyPair(store.data, name, pair);
  record.last_updated = nowString();
  for (const server of current) {
    server.cluster = name;
    server.channel = record.channel;
    server.last_updated = nowString();
  }
  // The post-clustering step (Terraform) runs after the cluster is marked ready and nothing
  // reverts that: a failure leaves a ready cluster with its members and no artifact
  // (operations-center@41a98e0 internal/provisioning/cluster/cluster_service.go (Create)).
  if ((ctx.faults.failPostClustering ?? []).includes(name)) {
    ctx.changed();
    fail(internal(`Failed to apply Terraform configuration: injected fault (local-oc --fail-post-clustering ${name})`));
  }
  store.data.artifacts = store.data.artifacts.filter((a) => a.cluster !== name);
  store.data.artifacts.push({
    cluster: name,
    name: "terraform-configuration",
    description: "Initial terraform configuration used for post-clustering.",
    properties: {},
    files: [
      {
        name: "application-seed-config.json",
        mime_type: "application/json",
        content: `${JSON.stringify(applicationSeedConfig, null, 2)}\n`,
      },
    ],
    last_updated: nowString(),
  });
  ctx.changed();
}

/**
 * application_seed_config must round-trip into incusapi.InitLocalPreseed
 * (operations-center@41a98e0 internal/provisioning/cluster_model.go, Cluster.ValidateCreate).
 */
function validatePreseed(preseed: Record<string, unknown>): void {
  const lists: Record<string, string> = {
    networks: "[]api.InitNetworksProjectPost",
    storage_pools: "[]api.StoragePoolsPost",
    storage_volumes: "[]api.InitStorageVolumesProjectPost",
    profiles: "[]api.InitProfileProjectPost",
    projects: "[]api.ProjectsPost",
    certificates: "[]api.CertificatesPost",
    cluster_groups: "[]api.ClusterGroupsPost",
  };
  const kind = (v: unknown) =>
    typeof v === "string" ? "string" : typeof v === "number" ? "number" : typeof v === "boolean" ? "bool" : Array.isArray(v) ? "array" : "object";
  const fail = (v: unknown, field: string, type: string): never => {
    throw validation(
      `Invalid cluster definition, failed to unmarshal application seed config as Incus local init preseed: json: cannot unmarshal ${kind(v)} into Go struct field InitLocalPreseed.${field} of type ${type}`,
    );
  };
  for (const [key, value] of Object.entries(preseed)) {
    if (value === null) continue;
    if (key === "config") {
      if (typeof value !== "object" || Array.isArray(value)) fail(value, "config", "map[string]string");
      // Scalars are accepted (the preseed's server config values are plain key/value settings).
      for (const v of Object.values(value as Record<string, unknown>)) {
        if (v !== null && typeof v === "object") fail(v, "config", "string");
      }
    } else if (lists[key] !== undefined) {
      if (!Array.isArray(value)) fail(value, key, lists[key]!);
      for (const item of value as unknown[]) {
        if (item !== null && (typeof item !== "object" || Array.isArray(item))) fail(item, key, lists[key]!.slice(2));
      }
    }
  }
}

/** The named cluster, or 404 as OC words it. */
export function getCluster(ctx: Context, name: string): ClusterRecord {
  const c = ctx.store.cluster(name);
  if (c === undefined) throw notFound().wrap(`Failed to get cluster ${q(name)} by name`);
  return c;
}

/**
 * DELETE in its three modes (operations-center@41a98e0 internal/provisioning/cluster/cluster_service.go,
 * DeleteByName and DeleteAndFactoryResetByName).
 */
export function deleteCluster(ctx: Context, name: string, mode: ClusterDeleteMode): void {
  const store = ctx.store;
  const remove = (c: ClusterRecord) => {
    ctx.stopClusterOperation(c.name);
    store.data.clusters = store.data.clusters.filter((x) => x !== c);
    store.data.artifacts = store.data.artifacts.filter((a) => a.cluster !== c.name);
    delete store.data.creation_inputs[c.name];
    forgetIncusCluster(store.data, c.name);
    forgetClusterInstances(store.data, c.name);
  };
  if (mode === "factory-reset") {
    const members = store.members(name);
    if (members.length === 0) throw internal("Cluster not found");
    for (const m of members) {
      try {
        ping(m);
      } catch (err) {
        rewrap(err, `Failed to ping server ${q(m.name)}`);
      }
    }
    try {
      for (const m of members) {
        try {
          factoryResetServer(ctx, m);
        } catch (err) {
          rewrap(err, `Failed to factory reset server ${q(m.name)}`);
        }
      }
    } finally {
      ctx.changed();
    }
    const c = store.cluster(name);
    if (c !== undefined) remove(c);
    ctx.changed();
    return;
  }
  if (mode === "force") {
    const c = store.cluster(name);
    if (c === undefined) throw notFound().wrap("Failed to delete cluster");
    // servers.cluster_id is ON DELETE CASCADE: the member records go with the cluster. The
    // machines are untouched (still clustered) and do not register again by themselves.
    for (const m of store.members(name)) ctx.forget(m);
    remove(c);
    ctx.changed();
    return;
  }
  const c = store.cluster(name);
  try {
    if (c === undefined) throw notFound().wrap("Failed to delete cluster");
    if (c.status === "ready") throw notPermitted(`Delete for cluster in state ${q(c.status)}`);
    if (c.status !== "unknown" && c.status !== "pending") throw notPermitted("Delete for cluster with invalid state");
    const linked = store.members(name).map((s) => s.name);
    if (linked.length > 0) throw notPermitted(`Delete for cluster with ${linked.length} linked servers (${goList(linked)})`);
  } catch (err) {
    rewrap(err, "Failed to delete cluster");
  }
  remove(c!);
  ctx.changed();
}

/** :add-servers (operations-center@41a98e0 internal/provisioning/cluster/cluster_service.go, AddServers). */
export async function addServers(ctx: Context, name: string, input: { server_names: string[]; copy_services_config: boolean }): Promise<void> {
  const store = ctx.store;
  const names = input.server_names;
  const reverts: Array<() => void> = [];
  try {
    const cluster = store.cluster(name);
    if (cluster === undefined) throw notFound().wrap(`Failed to get cluster ${q(name)}`);
    if (names.length === 0) throw notPermitted("Empty list of servers provided to join the cluster");
    const additional: ServerRecord[] = [];
    for (const serverName of names) {
      const server = store.server(serverName);
      if (server === undefined) throw notFoundf(`Failed to get server ${q(serverName)} by name`).wrap(`Failed to get server ${q(serverName)}`);
      checkClusterable(server, cluster.channel, name);
      additional.push(server);
    }
    const current = store.members(name);
    if (current.length === 0) {
      throw notPermitted(`Cluster ${q(name)} does not have any servers, which could be used as source for the join`);
    }
    if (input.copy_services_config) copyServicesConfig(ctx, current[0]!, additional, reverts);
    let reason: string | undefined;
    try {
      reason = consistencyReason(ctx, [...current, ...additional]);
    } catch (err) {
      rewrap(err, `Failed to check cluster consistency for ${q(name)} including the additional servers (${names.join(",")})`);
    }
    if (reason !== undefined) {
      throw notPermitted(`Failed to add servers (${names.join(",")}) due to configuration inconsistencies: ${reason}`);
    }
    // The join itself.
    await ctx.sleep(Math.min(ctx.createDelayMs, 50));
    for (const server of additional) {
      if (store.server(server.name) !== server || server.cluster !== null) {
        throw notPermitted(`Server ${q(server.name)} was not part of a cluster, but is now part of ${q(server.cluster ?? "")}`);
      }
    }
    for (const server of additional) {
      server.cluster = cluster.name;
      server.channel = cluster.channel;
      server.last_updated = nowString();
    }
  } catch (err) {
    // The copied services config is reverted when the join has not started.
    for (const revert of reverts.reverse()) revert();
    ctx.changed();
    if (err instanceof OCError) throw err.wrap(`Failed adding servers ${goList(names)} to cluster ${q(name)}`);
    throw err;
  }
  ctx.changed();
}

/** :remove-servers (operations-center@41a98e0 internal/provisioning/cluster/cluster_service.go, RemoveServer). */
export function removeServers(ctx: Context, name: string, names: string[]): void {
  const store = ctx.store;
  const wrap = (err: unknown): never => {
    if (err instanceof OCError) throw err.wrap(`Failed to remove servers ${goList(names)} from cluster ${q(name)}`);
    throw err;
  };
  const members = store.members(name);
  try {
    if (members.length <= names.length) {
      throw notPermitted(
        `Cluster ${q(name)} does not have enough servers for server removal, current cluster size is ${members.length}, number of servers to be removed: ${names.length}`,
      );
    }
    for (const serverName of names) {
      const server = members.find((m) => m.name === serverName);
      if (server === undefined) {
        throw notFoundf(`Server removal failed, server ${q(serverName)} is not part of the cluster ${q(name)}`);
      }
      if (server.in_maintenance !== 2) {
        throw notPermitted(`Server removal failed, server ${q(serverName)} is not in state evacuated`);
      }
      // What an auto evacuation left on it (instances.ts).
      const left = removalBlockers(store, name, serverName);
      if (left.instances.length > 0) throw notPermitted(`Server removal failed, server ${q(serverName)} still has instances`);
      if (left.volumes.length > 0) throw notPermitted(`Server removal failed, server ${q(serverName)} still has custom volumes (${goList(left.volumes)})`);
    }
  } catch (err) {
    wrap(err);
  }
  const errors: string[] = [];
  for (const serverName of names) {
    const server = members.find((m) => m.name === serverName)!;
    try {
      factoryResetServer(ctx, server);
    } catch (err) {
      errors.push((err as OCError).wrap(`Failed to trigger factory set on server ${q(serverName)}`).message);
    }
  }
  ctx.changed();
  if (errors.length > 0) wrap(internal(errors.join("\n")));
}

/** PUT (operations-center@41a98e0 internal/provisioning/cluster/cluster_service.go, Update): members follow the channel. */
export function updateCluster(ctx: Context, c: ClusterRecord, next: ClusterPut): void {
  try {
    validateCluster({ name: c.name, ...next });
    if (!channelExists(ctx, next.channel)) throw constraint("Constraint violation");
  } catch (err) {
    rewrap(err, `Failed updating cluster ${q(c.name)}`);
  }
  Object.assign(c, next, { last_updated: nowString() });
  for (const m of ctx.store.members(c.name)) m.channel = next.channel;
  ctx.changed();
}

/** Rename (operations-center@41a98e0 internal/provisioning/cluster/cluster_service.go, Rename). */
export function renameCluster(ctx: Context, c: ClusterRecord, newName: string): void {
  const store = ctx.store;
  const name = c.name;
  try {
    // Rename only checks for a non-empty name, not for the forbidden characters.
    if (newName === "") throw validation("New Cluster name cannot by empty");
    if (newName !== name && store.cluster(newName) !== undefined) throw constraint("Constraint violation");
  } catch (err) {
    rewrap(err, `Failed renaming cluster ${q(name)}`);
  }
  for (const m of store.members(name)) m.cluster = newName;
  for (const a of store.data.artifacts) if (a.cluster === name) a.cluster = newName;
  const inputs = store.data.creation_inputs[name];
  if (inputs !== undefined) {
    delete store.data.creation_inputs[name];
    store.data.creation_inputs[newName] = inputs;
  }
  renameIncusCluster(store.data, name, newName);
  renameClusterInstances(store.data, name, newName);
  ctx.stopClusterOperation(name);
  c.name = newName;
  c.last_updated = nowString();
  if (c.in_progress_status.in_progress !== "") ctx.startClusterOperation(c);
  ctx.changed();
}

/** :resync-inventory: the inventory is derived from the model, so only the lookup remains. */
export function resyncClusterInventory(ctx: Context, name: string): void {
  if (ctx.store.cluster(name) === undefined) {
    throw notFound()
      .wrap(`Failed to get cluster ${q(name)} by name`)
      .wrap("Failed to resync inventory for cluster");
  }
}

/**
 * :update and :reboot (operations-center@41a98e0 internal/provisioning/cluster/cluster_service.go,
 * LaunchClusterUpdate and LaunchClusterReboot): the checks, then the control loop starts.
 */
export function launchClusterOperation(ctx: Context, name: string, mode: "update" | "reboot", reboot: boolean): void {
  try {
    launchUpdate(ctx, getCluster(ctx, name), mode, reboot);
  } catch (err) {
    rewrap(err, `Failed to launch cluster wide ${mode}`);
  }
  ctx.startClusterOperation(getCluster(ctx, name));
  ctx.changed();
}

/** :cancel-operation (operations-center@41a98e0 internal/provisioning/cluster/cluster_service.go, AbortClusterOperation). */
export function cancelClusterOperation(ctx: Context, name: string): void {
  let c: ClusterRecord;
  try {
    c = getCluster(ctx, name);
  } catch (err) {
    rewrap(err, "Failed to cancel cluster wide operation");
  }
  c.in_progress_status = inactiveStatus();
  ctx.stopClusterOperation(c.name);
  ctx.changed();
}

/**
 * PUT certificate (operations-center@41a98e0 internal/provisioning/cluster/cluster_service.go,
 * UpdateCertificate): OC pushes the pair to the cluster before recording it.
 */
export function updateClusterCertificate(ctx: Context, name: string, certificate: string, key: string): void {
  const store = ctx.store;
  try {
    const problem = keyPairProblem(certificate, key);
    if (problem !== undefined) throw validation(`Failed to validate key pair: ${problem}`);
    const c = store.cluster(name);
    if (c === undefined) throw notFound().wrap("Failed to get cluster for certificate update");
    c.certificate = certificate;
    c.fingerprint = certificateFingerprint(certificate);
    setClusterKeyPair(store.data, c.name, { certificate, key });
    c.last_updated = nowString();
  } catch (err) {
    rewrap(err, "Failed to update certificate for cluster");
  }
  ctx.changed();
}

/** The cluster's artifacts (the cluster need not exist: OC then lists none). */
export function clusterArtifacts(ctx: Context, cluster: string): ArtifactRecord[] {
  return ctx.store.data.artifacts.filter((a) => a.cluster === cluster);
}

export function findArtifact(ctx: Context, cluster: string, name: string): ArtifactRecord | undefined {
  return ctx.store.data.artifacts.find((a) => a.cluster === cluster && a.name === name);
}

function launchUpdate(ctx: Context, c: ClusterRecord, mode: "update" | "reboot", reboot: boolean): void {
  if (c.in_progress_status.in_progress !== "") {
    throw notPermitted(`Cluster ${q(c.name)} already has an operation in progress`);
  }
  const members = ctx.store.members(c.name);
  if (mode === "update" && !members.some((m) => m.needs_update || m.needs_reboot)) return;
  // clusterReadyForRollingUpdate / clusterReadyForRollingReboot.
  const maintenance = ["not in maintenance", "evacuating", "evacuated", "restoring"];
  for (const m of members) {
    if (m.status !== "ready") {
      throw validation(
        `Cluster ${mode} can not be launched for ${q(c.name)}: Server ${q(m.name)} (${m.connection_url}) is in state ${q(m.status)} (${m.status_detail})`,
      );
    }
    if (m.in_maintenance === 1 || m.in_maintenance === 3) {
      throw validation(
        `Cluster ${mode} can not be launched for ${q(c.name)}: Server ${q(m.name)} (${m.connection_url}) is in maintenance state ${q(maintenance[m.in_maintenance]!)}`,
      );
    }
  }
  if (mode === "reboot") {
    for (const m of members) {
      if (m.status_detail !== "") {
        throw validation(`Cluster reboot can not be launched for ${q(c.name)}: Server ${q(m.name)} (${m.connection_url}) is busy (${m.status_detail})`);
      }
    }
  }
  const evacuated = members.filter((m) => m.in_maintenance === 2).map((m) => m.name);
  c.in_progress_status = {
    in_progress: mode === "reboot" ? "rolling reboot" : reboot ? "applying updates with reboot" : "applying updates",
    status_description: "",
    error: "",
    // Go appends to a nil slice: no member evacuated before the run is null, not [].
    evacuated_before: evacuated.length > 0 ? evacuated : null,
    pending_reboot: mode === "reboot" ? members.map((m) => m.name) : null,
    last_updated: nowString(),
  };
}

/** tls.X509KeyPair's checks, with its error texts. */
function keyPairProblem(certificate: string, key: string): string | undefined {
  if (!certificate.includes("-----BEGIN CERTIFICATE-----")) return "tls: failed to find any PEM data in certificate input";
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(key)) return "tls: failed to find any PEM data in key input";
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certificate);
  } catch (err) {
    return `x509: malformed certificate (${(err as Error).message})`;
  }
  try {
    const privateKey = createPrivateKey(key);
    if (!cert.checkPrivateKey(privateKey)) return "tls: private key does not match public key";
  } catch {
    return "tls: failed to parse private key";
  }
  return undefined;
}
