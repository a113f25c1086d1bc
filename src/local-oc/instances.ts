// Simulated Incus instances and custom storage volumes on the members of the clusters the local
// Operations Center created, and what evacuation, restore and member removal do to them.
//
// An instance carries its expanded devices. Whether it can migrate is decided as Incus decides it
// (incus@be7afc5 internal/server/instance/drivers/driver_common.go (canMigrate)): its
// `cluster.evacuate` config when set to something else than `auto`; otherwise `stop` as soon as
// one device cannot migrate, else `live-migrate` for a VM with `migration.stateful=true`, else
// `migrate`. Each device type answers by its own CanMigrate (incus@be7afc5
// internal/server/device/*.go):
//   disk        the root disk (path `/`) always, wherever its pool is: a root disk on a local pool
//               is copied to the target member; another disk when its pool is remote (ceph,
//               cephfs, cephobject, linstor, truenas, lvmcluster: the drivers whose isRemote() is
//               true) or its source a special one (IsSpecialDisk: cloud-init:config,
//               agent:config, tmpfs:, tmpfs-overlay:); never a host path nor a custom volume
//               on a local pool;
//   nic         when it is on a managed network (`network` set: bridged, macvlan, sriov, ovn and
//               physical NICs); a NIC given by `nictype` and `parent` only, and ipvlan, p2p and
//               routed NICs, cannot;
//   none, tpm   always;
//   any other   never (gpu, usb, unix-char, unix-block, unix-hotplug, pci, proxy, infiniband:
//               deviceCommon's CanMigrate).
// Incus also stops an instance whose device fails to load (an unknown managed network, say); the
// simulation does not check networks.
//
// Operations Center's `system/:evacuate` always asks Incus for mode `auto`
// (operations-center@41a98e0 internal/provisioning/adapter/incus/client.go (Evacuate)), which
// keeps each instance's own action (incus@be7afc5 cmd/incusd/api_cluster_evacuation.go
// (evacuateInstancesFunc)): migratable instances move to the least loaded other Online member
// (started again if they ran), the others are stopped and stay on the evacuated member. Those
// then block `:remove-servers` (operations-center@41a98e0
// internal/provisioning/cluster/cluster_service.go (RemoveServer)): "still has instances", and
// custom volumes other than backups/images/logs on the member: "still has custom volumes".
//
// Where a client sees them, as on the real servers:
//   GET /1.0/inventory/instances?cluster=C&server=X&recursion=1
//     every instance on member X: `server` is its location, `object.expanded_devices` its
//     devices, `object.expanded_config["cluster.evacuate"]` its evacuation policy, and
//     `object.status` Running/Stopped;
//   GET /1.0/inventory/storage_pools?cluster=C&recursion=1
//     `object.driver` of each pool (remote drivers as above; IncusOS's `local` pool is zfs);
//   GET /1.0/inventory/storage_volumes?cluster=C&server=X&recursion=1
//     custom volumes on member X (`type` custom; `server` empty for a remote pool);
//   GET /incus/C/1.0/instances?all-projects=true&recursion=1
//     the cluster's own view (`location`).
//
// Placed through the seed (`instances:` and `storage_volumes:`, src/local-oc/seed.ts) and the
// control endpoints /local-oc/instances and /local-oc/storage-volumes (src/local-oc/control.ts).
// An instance given only `storage_pool` (as state files and seeds written before devices were
// simulated) has a root disk on that pool and nothing else.

import type { z } from "zod";
import { HttpError } from "./errors.js";
import { IN_MAINTENANCE } from "../client/api-types.js";
import { IncusClusterModel } from "./incus/model.js";
import {
  LOCAL_POOL,
  instanceInputSchema,
  volumeInputSchema,
  type ClusterRecord,
  type Devices,
  type InstanceInput,
  type PersistedState,
  type SimulatedInstance,
  type SimulatedVolume,
  type VolumeInput,
} from "./persisted.js";
import type { Store } from "./state.js";
import type { MemberInstances } from "./update-loop.js";

/** Storage drivers whose volumes every member reaches (incus@be7afc5 internal/server/storage/drivers, isRemote). */
const remoteStorageDrivers = ["ceph", "cephfs", "cephobject", "linstor", "truenas", "lvmcluster"] as const;
/** The custom volumes Operations Center creates on each member and ignores on removal. */
const ocCreatedVolumes = ["backups", "images", "logs"] as const;
/** Disk sources Incus migrates with any instance (incus@be7afc5 internal/server/device/disk.go (IsSpecialDisk)). */
const specialDiskSources = ["cloud-init:config", "agent:config", "tmpfs:", "tmpfs-overlay:"] as const;
/** Device types whose CanMigrate is always true (incus@be7afc5 internal/server/device/none.go, tpm.go). */
const alwaysMigratableDevices = ["none", "tpm"] as const;

const rootDisk = (pool: string): Record<string, string> => ({ type: "disk", path: "/", pool });

function instancesOf(data: PersistedState): SimulatedInstance[] {
  data.instances ??= [];
  return data.instances;
}
function volumesOf(data: PersistedState): SimulatedVolume[] {
  data.storage_volumes ??= [];
  return data.storage_volumes;
}

/** The storage pools of a cluster by name with their driver: IncusOS's `local`, then the application seed config's. */
function clusterPools(store: Store, cluster: string): Map<string, string> {
  const pools = new Map<string, string>([[LOCAL_POOL, "zfs"]]);
  const list = store.data.creation_inputs[cluster]?.application_seed_config["storage_pools"];
  if (Array.isArray(list)) {
    for (const p of list) {
      const pool = p as { name?: unknown; driver?: unknown };
      if (typeof pool.name === "string") pools.set(pool.name, typeof pool.driver === "string" ? pool.driver : "");
    }
  }
  return pools;
}

function isRemotePool(store: Store, cluster: string, pool: string): boolean {
  return (remoteStorageDrivers as readonly string[]).includes(clusterPools(store, cluster).get(pool) ?? "");
}

/** The ready cluster a member belongs to, or a 400 naming the field. */
function clusterOfMember(store: Store, location: string): string {
  const server = store.server(location);
  if (server === undefined) throw new HttpError(400, `location: no server ${JSON.stringify(location)} is registered`);
  if (server.cluster === null || store.cluster(server.cluster)?.status !== "ready") {
    throw new HttpError(400, `location: server ${JSON.stringify(location)} is not a member of a ready cluster`);
  }
  return server.cluster;
}

function checkPool(store: Store, cluster: string, pool: string, field: string): void {
  const pools = clusterPools(store, cluster);
  if (!pools.has(pool)) {
    throw new HttpError(
      400,
      `${field}: cluster ${JSON.stringify(cluster)} has no pool ${JSON.stringify(pool)} (pools: ${[...pools.keys()].join(", ")}; add one to the cluster's application_seed_config storage_pools)`,
    );
  }
}

const isRootDisk = (device: Record<string, string>): boolean => device["type"] === "disk" && device["path"] === "/";

/** The instance's expanded devices: the given ones, with a root disk on `storage_pool` unless one is given. */
function expandedDevices(store: Store, cluster: string, input: z.output<typeof instanceInputSchema>): Devices {
  const given = Object.values(input.devices).some(isRootDisk);
  if (given && input.storage_pool !== undefined) {
    throw new HttpError(400, "storage_pool: the devices already have a root disk (path /); give its pool there and leave storage_pool out");
  }
  if (!given) checkPool(store, cluster, input.storage_pool ?? LOCAL_POOL, "storage_pool");
  for (const [name, device] of Object.entries(input.devices)) {
    if (device["type"] !== "disk") continue;
    const pool = device["pool"];
    if (pool !== undefined) checkPool(store, cluster, pool, `devices.${name}.pool`);
    else if (isRootDisk(device) || (device["source"] ?? "") === "") {
      throw new HttpError(
        400,
        `devices.${name}: a disk needs a pool${isRootDisk(device) ? "" : " or a source (a host path, or a special source such as cloud-init:config)"}`,
      );
    }
  }
  if (given) return input.devices;
  if (input.devices["root"] !== undefined) throw new HttpError(400, "devices.root: a device named root must be the root disk (type disk, path /)");
  return { root: rootDisk(input.storage_pool ?? LOCAL_POOL), ...input.devices };
}

/** Places an instance on a member; names are unique per cluster and project, as in Incus. */
export function placeInstance(store: Store, input: InstanceInput): SimulatedInstance {
  const i = instanceInputSchema.parse(input);
  const cluster = clusterOfMember(store, i.location);
  const devices = expandedDevices(store, cluster, i);
  if (findInstance(store, cluster, i.project, i.name) !== undefined) {
    throw new HttpError(409, `Instance ${JSON.stringify(i.name)} already exists in project ${JSON.stringify(i.project)} of cluster ${JSON.stringify(cluster)}`);
  }
  const record: SimulatedInstance = {
    cluster,
    location: i.location,
    project: i.project,
    name: i.name,
    type: i.type,
    status: i.status,
    devices,
    config: { ...i.config, "volatile.last_state.power": i.status === "Running" ? "RUNNING" : "STOPPED" },
  };
  instancesOf(store.data).push(record);
  return record;
}

export function placeVolume(store: Store, input: VolumeInput): SimulatedVolume {
  const v = volumeInputSchema.parse(input);
  const cluster = clusterOfMember(store, v.location);
  checkPool(store, cluster, v.storage_pool, "storage_pool");
  const location = isRemotePool(store, cluster, v.storage_pool) ? "" : v.location;
  if (
    volumesOf(store.data).some(
      (x) => x.cluster === cluster && x.project === v.project && x.storage_pool === v.storage_pool && x.name === v.name && x.location === location,
    )
  ) {
    throw new HttpError(409, `Storage volume ${JSON.stringify(v.name)} already exists in pool ${JSON.stringify(v.storage_pool)}`);
  }
  const record: SimulatedVolume = { cluster, location, project: v.project, name: v.name, storage_pool: v.storage_pool };
  volumesOf(store.data).push(record);
  return record;
}

function findInstance(store: Store, cluster: string, project: string, name: string): SimulatedInstance | undefined {
  return instancesOf(store.data).find((i) => i.cluster === cluster && i.project === project && i.name === name);
}

/** Deletes an instance (as `DELETE /1.0/instances/{name}` would); false when there is none. */
export function deleteInstance(store: Store, cluster: string, project: string, name: string): boolean {
  const list = instancesOf(store.data);
  const index = list.findIndex((i) => i.cluster === cluster && i.project === project && i.name === name);
  if (index < 0) return false;
  list.splice(index, 1);
  return true;
}

export function deleteVolume(store: Store, cluster: string, project: string, pool: string, name: string): boolean {
  const list = volumesOf(store.data);
  const index = list.findIndex((v) => v.cluster === cluster && v.project === project && v.storage_pool === pool && v.name === name);
  if (index < 0) return false;
  list.splice(index, 1);
  return true;
}

/** The instances of a ready cluster (none while it is pending). */
export function clusterInstances(store: Store, cluster: string): SimulatedInstance[] {
  if (store.cluster(cluster)?.status !== "ready") return [];
  return instancesOf(store.data).filter((i) => i.cluster === cluster);
}

export function clusterVolumes(store: Store, cluster: string): SimulatedVolume[] {
  if (store.cluster(cluster)?.status !== "ready") return [];
  return volumesOf(store.data).filter((v) => v.cluster === cluster);
}

export function allInstances(store: Store): SimulatedInstance[] {
  return [...instancesOf(store.data)];
}
export function allVolumes(store: Store): SimulatedVolume[] {
  return [...volumesOf(store.data)];
}

/** A cluster deleted or created anew under its name: its instances and volumes go with it. */
export function forgetClusterInstances(data: PersistedState, cluster: string): void {
  if (data.instances !== undefined) data.instances = data.instances.filter((i) => i.cluster !== cluster);
  if (data.storage_volumes !== undefined) data.storage_volumes = data.storage_volumes.filter((v) => v.cluster !== cluster);
}

export function renameClusterInstances(data: PersistedState, from: string, to: string): void {
  for (const i of data.instances ?? []) if (i.cluster === from) i.cluster = to;
  for (const v of data.storage_volumes ?? []) if (v.cluster === from) v.cluster = to;
}

/** A device's CanMigrate (incus@be7afc5 internal/server/device/*.go; the table at the top of this file). */
function deviceCanMigrate(store: Store, cluster: string, device: Record<string, string>): boolean {
  const type = device["type"] ?? "";
  if ((alwaysMigratableDevices as readonly string[]).includes(type)) return true;
  if (type === "nic") return (device["network"] ?? "") !== "";
  if (type !== "disk") return false;
  if (isRootDisk(device)) return true;
  const pool = device["pool"];
  if (pool !== undefined && isRemotePool(store, cluster, pool)) return true;
  return (specialDiskSources as readonly string[]).includes(device["source"] ?? "");
}

/** Incus's canMigrate: the instance's own policy, else stop when any device cannot migrate. */
function evacuationAction(store: Store, instance: SimulatedInstance): string {
  const policy = instance.config["cluster.evacuate"] ?? "auto";
  if (policy !== "auto") return policy;
  if (!Object.values(instance.devices).every((d) => deviceCanMigrate(store, instance.cluster, d))) return "stop";
  return instance.type === "virtual-machine" && instance.config["migration.stateful"] === "true" ? "live-migrate" : "migrate";
}

/** Whether the instance keeps running through a migration (live-migrate, refresh-migrate) or is stopped first. */
const keepsRunning = (action: string): boolean => action === "live-migrate" || action === "refresh-migrate";

/**
 * Incus's GetCandidateMembers for an evacuated instance: Online members not manually scheduled,
 * least loaded first (incus@be7afc5 internal/server/db/node.go). The source member is evacuating,
 * so never a candidate.
 */
function migrationTarget(store: Store, model: IncusClusterModel, source: string): string | undefined {
  const load = (member: string) => instancesOf(store.data).filter((i) => i.cluster === model.name && i.location === member).length;
  const candidates = model
    .memberNames()
    .filter((m) => m !== source && model.server(m)!.in_maintenance === IN_MAINTENANCE.online && model.server(m)!.status !== "offline")
    .filter((m) => (model.member(m)!.config["scheduler.instance"] ?? "all") === "all");
  return candidates.sort((a, b) => load(a) - load(b))[0];
}

/**
 * The instance part of Incus's evacuation of `member` (incus@be7afc5
 * cmd/incusd/api_cluster_evacuation.go (evacuateInstancesFunc)). `mode` is the requested mode:
 * "" and "auto" keep each instance's own action, any other overrides it.
 */
export function evacuateInstances(store: Store, cluster: string, member: string, mode: string): void {
  const model = IncusClusterModel.of(store, cluster);
  if (model === undefined) return;
  for (const instance of clusterInstances(store, cluster).filter((i) => i.location === member)) {
    let action = evacuationAction(store, instance);
    if (mode !== "" && mode !== "auto") action = mode;
    const running = instance.status === "Running";
    if (!keepsRunning(action)) {
      if (running) stopForEvacuation(instance);
      if (action !== "migrate") continue;
    }
    const target = migrationTarget(store, model, member);
    // No member to go to: stopped in place.
    if (target === undefined) {
      if (instance.status === "Running") stopForEvacuation(instance);
      continue;
    }
    if (instance.config["volatile.evacuate.origin"] === undefined) instance.config["volatile.evacuate.origin"] = member;
    instance.location = target;
    instance.status = running || instance.config["boot.autostart"] === "true" ? "Running" : "Stopped";
  }
}

/** Stopped by the evacuation, marked to be started again on restore. */
function stopForEvacuation(instance: SimulatedInstance): void {
  instance.status = "Stopped";
  instance.config["volatile.last_state.power"] = "RUNNING";
}

/**
 * The instance part of Incus's restore of `member` (incus@be7afc5 cmd/incusd/api_cluster_evacuation.go
 * (restoreClusterMember)): its own instances that the evacuation stopped start again, instances
 * that left it come back (in the state they run in), unless `skip`.
 */
export function restoreInstances(store: Store, cluster: string, member: string, skip: boolean): void {
  if (skip) return;
  for (const instance of clusterInstances(store, cluster)) {
    if (instance.location === member) {
      if (instance.status !== "Running" && instance.config["volatile.last_state.power"] === "RUNNING") instance.status = "Running";
    } else if (instance.config["volatile.evacuate.origin"] === member) {
      instance.location = member;
      delete instance.config["volatile.evacuate.origin"];
    }
  }
}

/**
 * The instance effects of a cluster update's restart of a member: OC evacuates it in mode auto
 * and restores it with the cluster's rolling_restart.restore_mode (operations-center@41a98e0
 * internal/provisioning/cluster/cluster_service.go, the update loop's evacuation and restore).
 */
export function rollingInstances(store: Store, cluster: ClusterRecord): MemberInstances {
  return {
    evacuated: (member) => evacuateInstances(store, cluster.name, member, "auto"),
    restored: (member) => restoreInstances(store, cluster.name, member, cluster.config.rolling_restart.restore_mode === "skip"),
  };
}

/**
 * OC's removal check for one member (operations-center@41a98e0
 * internal/provisioning/cluster/cluster_service.go (RemoveServer)): the instances still on it,
 * then its custom volumes other than the ones OC creates, as "custom/NAME".
 */
export function removalBlockers(store: Store, cluster: string, member: string): { instances: string[]; volumes: string[] } {
  return {
    instances: clusterInstances(store, cluster)
      .filter((i) => i.location === member)
      .map((i) => i.name),
    volumes: clusterVolumes(store, cluster)
      .filter((v) => v.location === member && !(ocCreatedVolumes as readonly string[]).includes(v.name))
      .map((v) => `custom/${v.name}`),
  };
}

/** An instance as Incus renders it (api.InstanceFull's fields the simulation knows). */
export function instanceDocument(instance: SimulatedInstance): Record<string, unknown> {
  return {
    name: instance.name,
    project: instance.project,
    type: instance.type,
    location: instance.location,
    status: instance.status,
    status_code: instance.status === "Running" ? 103 : 102,
    architecture: "x86_64",
    profiles: ["default"],
    config: instance.config,
    expanded_config: instance.config,
    devices: instance.devices,
    expanded_devices: instance.devices,
    ephemeral: false,
    stateful: false,
    description: "",
  };
}

/** A custom volume as Incus renders it (api.StorageVolumeFull). */
export function volumeDocument(volume: SimulatedVolume): Record<string, unknown> {
  return {
    name: volume.name,
    type: "custom",
    content_type: "filesystem",
    description: "",
    config: {},
    location: volume.location,
    project: volume.project,
    used_by: [],
  };
}
