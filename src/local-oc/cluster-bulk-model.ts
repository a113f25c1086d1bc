// Model layer of POST /1.0/provisioning/clusters/{name}/:bulk-update: prepareBulkUpdate's
// pre-checks, the members one at a time in name order, and a revert of the members already
// changed when a later one fails (all actions but add_application) (operations-center@41a98e0
// internal/provisioning/cluster/cluster_service.go: prepareBulkUpdate,
// AddServerSystemNetworkVLANTags, RemoveServerSystemNetworkVLANTags, UpdateSystemLogging,
// UpdateSystemKernel, AddApplication, Add/RemoveStorageTarget{ISCSI,Multipath,NVME}). Errors from
// a member's IncusOS surface as 500 with the wrapped chain. The route (bulk-update.ts) decodes
// the request into one BulkUpdate.

import type { Context } from "./context.js";
import { type OCError, internal, notFound, notPermitted, q, rewrap, validation } from "./errors.js";
import { IncusOSApiError, getKernel, getLogging, getService, installApplication, putKernel, putLogging, putService, unreachableMessage } from "./incusos.js";
import type { ClusterRecord, NetworkConfig, NetworkDevice, ServerRecord } from "./persisted.js";
import { applyNetwork, pollServer, storedNetwork } from "./server-data.js";
import { deepCopy } from "./state.js";

const MAINTENANCE = ["not in maintenance", "evacuating", "evacuated", "restoring"];

/** One bulk action on a cluster's members, decoded. */
export type BulkUpdate =
  | { kind: "vlan_tags"; add: boolean; interface_name: string; vlan_tags: number[] }
  /** The arguments object itself, which OC sends to IncusOS as a full replacement. */
  | { kind: "logging" | "kernel"; config: Record<string, unknown> }
  | { kind: "application"; name: string }
  /** The decoded target arguments (iscsi and nvme targets, or a multipath `wwn`). */
  | { kind: "storage_target"; add: boolean; service: StorageService; target: Record<string, unknown> };

export type StorageService = "iscsi" | "multipath" | "nvme";

/** Runs one bulk action; whatever it changed before a failure is marked for persistence too. */
export function bulkUpdateCluster(ctx: Context, cluster: string, update: BulkUpdate): void {
  try {
    switch (update.kind) {
      case "vlan_tags":
        vlanAction(ctx, cluster, update.interface_name, update.vlan_tags, update.add);
        break;
      case "logging":
      case "kernel":
        systemAction(ctx, cluster, update.config, update.kind);
        break;
      case "application":
        addApplication(ctx, cluster, update.name);
        break;
      case "storage_target": {
        const kind = targetKinds[update.service];
        const target = update.service === "multipath" ? str(update.target["wwn"]) : kind.normalize(update.target);
        targetAction(ctx, cluster, kind, target, update.add);
      }
    }
  } catch (err) {
    rewrap(err, `Failed to bulk update cluster ${q(cluster)}`);
  } finally {
    ctx.changed();
  }
}

const str = (v: unknown): string => (typeof v === "string" ? v : "");
const num = (v: unknown): number => (typeof v === "number" ? v : 0);

function incus(err: unknown): OCError {
  if (err instanceof IncusOSApiError) return internal(err.message);
  throw err;
}

/** Calls an IncusOS operation, turning its error into OC's chain under `prefix`. */
function call<T>(prefix: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw incus(err).wrap(prefix);
  }
}

function prepareBulkUpdate(ctx: Context, clusterName: string): ServerRecord[] {
  const cluster: ClusterRecord | undefined = ctx.store.cluster(clusterName);
  if (cluster === undefined) {
    throw notFound()
      .wrap(`Failed to get cluster ${q(clusterName)} by name`)
      .wrap(`Failed to get cluster ${q(clusterName)}`);
  }
  if (cluster.status !== "ready") throw notPermitted(`Cluster ${q(clusterName)} is not ready`);
  const members = ctx.store.members(clusterName);
  // PollServers: every member is contacted (and its OS data refreshed).
  for (const m of members) {
    if (m.status === "offline") {
      throw internal(unreachableMessage(m, "/os/1.0/system/network"))
        .wrap(`Failed to poll server ${q(m.name)}`)
        .wrap("Polling of cluster members failed");
    }
  }
  for (const m of members) pollServer(ctx, m);
  if (members.length === 0) throw notPermitted(`Cluster ${q(clusterName)} does not have any servers`);
  for (const m of members) {
    if (!(m.status === "ready" && m.status_detail === "" && m.in_maintenance === 0)) {
      throw notPermitted(
        `Server ${q(m.name)} (${m.connection_url}) is not ready (status: ${q(m.status)}, status detail: ${q(m.status_detail)}, maintenance: ${q(MAINTENANCE[m.in_maintenance] ?? String(m.in_maintenance))})`,
      );
    }
  }
  return members;
}

/** Runs `apply` on each member in order; on a failure, reverts the changed ones in reverse order. */
function withRevert(members: ServerRecord[], apply: (m: ServerRecord) => () => void): void {
  const reverts: Array<() => void> = [];
  try {
    for (const m of members) reverts.push(apply(m));
  } catch (err) {
    for (const revert of reverts.reverse()) {
      try {
        revert();
      } catch {
        // OC only logs "Failed to revert previously updated ...".
      }
    }
    throw err;
  }
}

function findVLANTags(config: NetworkConfig, name: string): NetworkDevice | undefined {
  return (config.interfaces ?? []).find((i) => i.name === name) ?? (config.bonds ?? []).find((b) => b.name === name);
}

function vlanAction(ctx: Context, cluster: string, iface: string, tags: number[], add: boolean): void {
  const prefix = add
    ? `Add VLAN tags to interface ${q(iface)} on cluster members for ${q(cluster)} failed`
    : `Remove VLAN tags from interface ${q(iface)} on cluster members for ${q(cluster)} failed`;
  try {
    const members = prepareBulkUpdate(ctx, cluster);
    // OC edits the network it stored for each member (just refreshed by the poll above), sends
    // it to IncusOS and never writes it back: its copy changes with the next poll.
    const previous = new Map<string, ReturnType<typeof storedNetwork>>();
    const next = new Map<string, ReturnType<typeof storedNetwork>>();
    for (const m of members) {
      const network = storedNetwork(m);
      if (network.config === undefined || network.config === null) {
        throw validation(`Server ${q(m.name)} (${m.connection_url}) does not have any network config`);
      }
      const device = findVLANTags(network.config, iface);
      if (device === undefined) {
        throw validation(`Server ${q(m.name)} (${m.connection_url}) does not have interface or bond ${q(iface)}`);
      }
      previous.set(m.name, deepCopy(network));
      const current = device.vlan_tags ?? [];
      device.vlan_tags = add ? [...current, ...tags.filter((t, i) => !current.includes(t) && tags.indexOf(t) === i)] : current.filter((t) => !tags.includes(t));
      next.set(m.name, network);
    }
    withRevert(members, (m) => {
      call(
        `Failed to update network configuration for server ${q(m.name)} (${m.connection_url}): Put OS network data to ${q(m.name)} (${m.connection_url}) failed`,
        () => applyNetwork(ctx, m, next.get(m.name)),
      );
      return () => applyNetwork(ctx, m, previous.get(m.name));
    });
  } catch (err) {
    rewrap(err, prefix);
  }
}

function systemAction(ctx: Context, cluster: string, config: Record<string, unknown>, kind: "logging" | "kernel"): void {
  const prefix =
    kind === "logging" ? `Update logging for cluster members for ${q(cluster)} failed` : `Update kernel for cluster members for ${q(cluster)} failed`;
  const get = kind === "logging" ? getLogging : getKernel;
  const put = kind === "logging" ? putLogging : putKernel;
  try {
    const members = prepareBulkUpdate(ctx, cluster);
    withRevert(members, (m) => {
      const current = call(`Failed to get current ${kind} config from server ${q(m.name)} (${m.connection_url})`, () => get(m));
      call(`Failed to update ${kind} config on server ${q(m.name)} (${m.connection_url})`, () => put(ctx.incusos, m, config));
      return () => put(ctx.incusos, m, current);
    });
  } catch (err) {
    rewrap(err, prefix);
  }
}

function addApplication(ctx: Context, cluster: string, name: string): void {
  try {
    const members = prepareBulkUpdate(ctx, cluster);
    // No revert: members before a failure keep the application.
    for (const m of members) {
      call(`Failed to add application on server ${q(m.name)} (${m.connection_url})`, () => installApplication(ctx.incusos, m, { name }));
    }
  } catch (err) {
    rewrap(err, `Add application to cluster members for ${q(cluster)} failed`);
  }
}

type Target = Record<string, unknown> | string;

interface TargetKind {
  service: StorageService;
  listKey: "targets" | "wwns";
  normalize(t: unknown): Target;
  describe(t: Target): string;
  zero: Target;
}

const targetKinds: Record<StorageService, TargetKind> = {
  iscsi: {
    service: "iscsi",
    listKey: "targets",
    normalize: (t) => {
      const o = (t ?? {}) as Record<string, unknown>;
      return { target: str(o["target"]), address: str(o["address"]), port: num(o["port"]) };
    },
    describe: (t) => {
      const o = t as Record<string, unknown>;
      return `Service iscsi target ${q(str(o["target"]))} (${str(o["address"])}:${num(o["port"])})`;
    },
    zero: { target: "", address: "", port: 0 },
  },
  multipath: {
    service: "multipath",
    listKey: "wwns",
    normalize: (t) => str(t),
    describe: (t) => `Service multipath target ${q(t as string)}`,
    zero: "",
  },
  nvme: {
    service: "nvme",
    listKey: "targets",
    normalize: (t) => {
      const o = (t ?? {}) as Record<string, unknown>;
      const out: Record<string, unknown> = { transport: str(o["transport"]), address: str(o["address"]) };
      if (str(o["host_address"]) !== "") out["host_address"] = str(o["host_address"]);
      out["port"] = num(o["port"]);
      if (str(o["nqn"]) !== "") out["nqn"] = str(o["nqn"]);
      return out;
    },
    describe: (t) => {
      const o = t as Record<string, unknown>;
      return `Service nvme transport ${q(str(o["transport"]))} (${str(o["address"])}:${num(o["port"])})`;
    },
    zero: { transport: "", address: "", port: 0 },
  },
};

const sameTarget = (a: Target, b: Target): boolean => JSON.stringify(a) === JSON.stringify(b);

function targetAction(ctx: Context, cluster: string, kind: TargetKind, target: Target, add: boolean): void {
  const service = kind.service;
  const prefix = add
    ? `Add ${service} storage target to cluster members for ${q(cluster)} failed`
    : `Remove ${service} storage target from cluster members for ${q(cluster)} failed`;
  try {
    const members = prepareBulkUpdate(ctx, cluster);
    // Read every member first; the add/remove precondition holds on all of them or nothing is written.
    const current = new Map<string, { config: Record<string, unknown> }>();
    for (const m of members) {
      const svc = call(`Failed to get ${service} service config from server ${q(m.name)} (${m.connection_url})`, () => getService(m, service));
      const list = ((svc.config[kind.listKey] ?? []) as unknown[]).map(kind.normalize);
      const present = list.some((t) => sameTarget(t, target));
      if (add && present) throw notPermitted(`${kind.describe(target)} already defined on server ${q(m.name)} (${m.connection_url})`);
      if (!add && !present) throw notPermitted(`${kind.describe(target)} does not exist on server ${q(m.name)} (${m.connection_url})`);
      current.set(m.name, { config: { ...svc.config, [kind.listKey]: list } });
    }
    withRevert(members, (m) => {
      const before = current.get(m.name)!;
      const list = before.config[kind.listKey] as Target[];
      const kept = list.filter((t) => !sameTarget(t, target));
      const updated = add ? [...list, target] : kept;
      call(`Failed to update ${service} service config on server ${q(m.name)} (${m.connection_url})`, () =>
        putService(ctx.incusos, m, service, { config: { enabled: true, [kind.listKey]: updated } }),
      );
      // OC's remove builds the new list with slices.DeleteFunc on the slice its revert closure
      // also holds: Go shifts the kept elements left and zeroes the tail in place, so a revert
      // re-sends the list without the target plus zero-value entries, not the original list.
      const revertList = add ? list : [...kept, ...Array.from({ length: list.length - kept.length }, () => deepCopy(kind.zero))];
      return () => putService(ctx.incusos, m, service, { config: { ...before.config, [kind.listKey]: revertList } });
    });
  } catch (err) {
    rewrap(err, prefix);
  }
}
