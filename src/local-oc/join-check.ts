// What `:add-servers` checks and copies before the servers join, as
// operations-center@41a98e0 internal/provisioning/cluster/cluster_service.go does it
// (checkClusteringServerConsistency, copyServicesConfigFromClusterMember):
// - OS version and application lists (gpu-support and debug skipped) from OC's stored copy
//   (server-data.ts), so an application installed through the /os/ proxy counts after a poll;
// - interface and bond names with their VLAN lists, read live, compared in order (reflect.DeepEqual);
// - the storage config and the lvm, iscsi, multipath, nvme, ceph, linstor and ovn service
//   configs, read live through OC's incus client (whose error texts wrap IncusOS' answers).
//
// IncusOS answers 404 for ceph/linstor without incus-ceph/incus-linstor (incus-os@de27173
// incus-osd/internal/rest/api_services.go, internal/services/service_ceph.go and
// service_linstor.go, Supported). OC 41a98e0 reads both services unconditionally and fails with
// 500; the fix expected upstream (operations-center pull request 1028, "service consistency and
// config copy only if application is installed") is the default here: such a service counts as
// its empty config and is not copied to a server without the application. The context's
// `unsupportedServiceConfig: "error"` reproduces 41a98e0.

import type { Context } from "./context.js";
import { goList, internal, notPermitted, q, rewrap, validation } from "./errors.js";
import { deepEqual, goValue } from "./gofmt.js";
import { IncusOSApiError, defaultServiceConfig, getNetwork, getService, putService, unreachableMessage } from "./incusos.js";
import { storedApplications, storedNetwork } from "./server-data.js";
import type { ServerRecord } from "./persisted.js";

const str = (v: unknown): string => (typeof v === "string" ? v : "");

/** A read of the server's IncusOS through OC's client: an offline server does not answer. */
function reachable(server: ServerRecord, path: string): void {
  if (server.status === "offline") throw internal(unreachableMessage(server, path));
}

/** client.GetOSService<Name>: the service's config, or the client's error. */
function readService(ctx: Context, server: ServerRecord, service: string): Record<string, unknown> {
  reachable(server, `/os/1.0/services/${service}`);
  try {
    return getService(server, service).config;
  } catch (err) {
    if (!(err instanceof IncusOSApiError)) throw err;
    if (err.status === 404 && ctx.unsupportedServiceConfig === "empty" && (service === "ceph" || service === "linstor")) {
      return defaultServiceConfig(service);
    }
    throw internal(`Get OS service ${q(service)} on ${q(server.name)} (${server.connection_url}) failed: ${err.message}`);
  }
}

/** client.UpdateOSService: PUT /os/1.0/services/<name> ({config: ...} unless already wrapped). */
export function updateOSService(ctx: Context, server: ServerRecord, service: string, cfg: Record<string, unknown>): void {
  const body = Object.hasOwn(cfg, "config") ? cfg : { config: cfg };
  reachable(server, `/os/1.0/services/${service}`);
  try {
    putService(ctx.incusos, server, service, body);
  } catch (err) {
    if (err instanceof IncusOSApiError) {
      throw internal(`Update OS service ${q(service)} on ${q(server.name)} (${server.connection_url}) failed: ${err.message}`);
    }
    throw err;
  }
}

function hasApp(server: ServerRecord, app: string): boolean {
  return server.incusos.applications.some((a) => a.name === app);
}

/** The interfaces (in name order) of the network state OC stored for a server. */
function storedInterfaces(server: ServerRecord): Array<{ addresses: string[]; roles: string[] }> {
  const state = storedNetwork(server).state as { interfaces: Record<string, { addresses: string[]; roles: string[] }> };
  return Object.keys(state.interfaces)
    .sort()
    .map((n) => state.interfaces[n]!);
}

/** memberDependentAddress: the target's address on an interface with the same role and IP family (stored network state). */
function memberDependentAddress(reference: ServerRecord, address: string, target: ServerRecord): string {
  const isIp = /^[0-9.]+$/.test(address) || address.includes(":");
  if (address === "" || !isIp || address === "0.0.0.0" || address === "::") return address;
  const roles = storedInterfaces(reference).find((i) => i.addresses.includes(address))?.roles;
  if (roles === undefined || roles.length === 0) {
    throw validation(
      `Failed to determine the role of the network interface of server ${q(reference.name)} (${reference.connection_url}) with the address ${q(address)} assigned`,
    );
  }
  const ipv6 = address.includes(":");
  for (const role of roles) {
    for (const iface of storedInterfaces(target).filter((i) => i.roles.includes(role))) {
      const ip = iface.addresses.find((a) => a.includes(":") === ipv6);
      if (ip !== undefined) return ip;
    }
  }
  throw validation(
    `Server ${q(target.name)} (${target.connection_url}) does not have an address of the same IP family as ${q(address)} on a network interface with any of the roles ${goList(roles)}`,
  );
}

function memberDependentListenAddress(reference: ServerRecord, listen: string, target: ServerRecord): string {
  if (listen === "") return "";
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d*)$/.exec(listen);
  if (m === null) {
    throw validation(
      `Invalid listen address ${q(listen)} of server ${q(reference.name)} (${reference.connection_url}): address ${listen}: missing port in address`,
    );
  }
  const host = memberDependentAddress(reference, m[1] ?? m[2] ?? "", target);
  return host.includes(":") ? `[${host}]:${m[3]}` : `${host}:${m[3]}`;
}

const COPIED_SERVICES = ["lvm", "iscsi", "multipath", "nvme", "ceph", "linstor", "ovn"] as const;

/**
 * copyServicesConfigFromClusterMember: every service config read from the source and the targets
 * first, then written to each target; `reverts` undo the writes while the join has not started.
 */
export function copyServicesConfig(ctx: Context, source: ServerRecord, targets: ServerRecord[], reverts: Array<() => void>): void {
  const configs: Record<string, Record<string, unknown>> = {};
  for (const service of COPIED_SERVICES) {
    try {
      configs[service] = readService(ctx, source, service);
    } catch (err) {
      rewrap(err, `Failed to get ${service} service config from cluster member ${q(source.name)} (${source.connection_url})`);
    }
  }
  if (configs["lvm"]!["enabled"] === true) {
    for (const target of targets) {
      if (target.id > 2000) throw notPermitted(`Failed to enable OS service "lvm" on ${q(target.name)}: can not enable LVM on servers with internal ID > 2000`);
    }
  }
  const current = new Map<ServerRecord, Record<string, Record<string, unknown>>>();
  for (const target of targets) {
    const own: Record<string, Record<string, unknown>> = {};
    for (const service of COPIED_SERVICES) {
      try {
        own[service] = readService(ctx, target, service);
      } catch (err) {
        rewrap(err, `Failed to get ${service} service config from server ${q(target.name)} (${target.connection_url})`);
      }
    }
    current.set(target, own);
  }
  for (const target of targets) {
    const own = current.get(target)!;
    const copied: Record<string, Record<string, unknown>> = {};
    for (const service of COPIED_SERVICES) copied[service] = structuredClone(configs[service]!);
    const lvm = copied["lvm"]!;
    // The system_id belongs to the target: its internal ID when LVM gets enabled, else its own.
    lvm["system_id"] = lvm["enabled"] === true && own["lvm"]!["enabled"] !== true ? target.id : own["lvm"]!["system_id"];
    try {
      copied["linstor"]!["listen_address"] = memberDependentListenAddress(source, str(configs["linstor"]!["listen_address"]), target);
    } catch (err) {
      rewrap(err, `Failed to derive the linstor listen address for server ${q(target.name)} (${target.connection_url}) from cluster member ${q(source.name)}`);
    }
    try {
      copied["ovn"]!["tunnel_address"] = memberDependentAddress(source, str(configs["ovn"]!["tunnel_address"]), target);
    } catch (err) {
      rewrap(err, `Failed to derive the ovn tunnel address for server ${q(target.name)} (${target.connection_url}) from cluster member ${q(source.name)}`);
    }
    for (const service of COPIED_SERVICES) {
      if (
        ctx.unsupportedServiceConfig === "empty" &&
        ((service === "ceph" && !hasApp(target, "incus-ceph")) || (service === "linstor" && !hasApp(target, "incus-linstor")))
      )
        continue;
      try {
        updateOSService(ctx, target, service, { config: copied[service] });
      } catch (err) {
        rewrap(err, `Failed to copy ${service} service config from cluster member ${q(source.name)} to server ${q(target.name)} (${target.connection_url})`);
      }
      reverts.push(() => {
        try {
          updateOSService(ctx, target, service, { config: own[service] });
        } catch {
          // OC only logs a failed revert.
        }
      });
    }
  }
}

/** checkClusteringServerConsistency: the inconsistency reason, or undefined. */
export function consistencyReason(ctx: Context, servers: ServerRecord[]): string | undefined {
  if (servers.length <= 1) return undefined;
  const [ref, ...rest] = servers as [ServerRecord, ...ServerRecord[]];
  const appVersions = (s: ServerRecord) =>
    Object.fromEntries(
      storedApplications(s)
        .filter((a) => a.name !== "debug" && a.name !== "gpu-support")
        .map((a) => [a.name, a.version]),
    );
  for (const s of rest) {
    if (ref.stored.os_version !== s.stored.os_version) {
      return `OS version mismatch, found ${q(ref.stored.os_version)} (${ref.name}) and ${q(s.stored.os_version)} (${s.name})`;
    }
    if (!deepEqual(appVersions(ref), appVersions(s))) {
      return `Application list mismatch, found ${goValue(appVersions(ref), "map")} (${ref.name}) and ${goValue(appVersions(s), "map")} (${s.name})`;
    }
  }
  // Interfaces and bonds share one name space; the VLAN lists compare in order.
  const vlans = (s: ServerRecord): Record<string, number[]> => {
    try {
      reachable(s, "/os/1.0/system/network");
    } catch (err) {
      rewrap(
        err,
        `Failed to get network configuration for server ${q(s.name)}: Failed to get system network configuration on ${q(s.name)} (${s.connection_url})`,
      );
    }
    const config = getNetwork(s).config;
    return Object.fromEntries([...(config.interfaces ?? []), ...(config.bonds ?? [])].map((d) => [d.name, d.vlan_tags ?? []]));
  };
  const refVlans = vlans(ref);
  for (const s of rest) {
    const own = vlans(s);
    if (!deepEqual(refVlans, own)) {
      return `Network interface and bond names and vlans configuration mismatch, found ${goValue(refVlans, "map")} (${ref.name}) and ${goValue(own, "map")} (${s.name})`;
    }
  }
  // SystemStorageConfig prints its fields in Go's order: scrub_schedule, pools.
  const storage = (s: ServerRecord) => {
    try {
      reachable(s, "/os/1.0/system/storage");
    } catch (err) {
      rewrap(
        err,
        `Failed to get storage configuration for server ${q(s.name)}: Failed to get system storage configuration on ${q(s.name)} (${s.connection_url})`,
      );
    }
    return { scrub_schedule: s.incusos.storage["scrub_schedule"] ?? "", pools: s.incusos.storage["pools"] ?? [] };
  };
  const refStorage = storage(ref);
  for (const s of rest) {
    const own = storage(s);
    if (!deepEqual(refStorage, own)) {
      return `Storage pool configuration mismatch, found ${goValue(refStorage)} (${ref.name}) and ${goValue(own)} (${s.name})`;
    }
  }
  const get = (s: ServerRecord, service: string, label: string): Record<string, unknown> => {
    try {
      return readService(ctx, s, service);
    } catch (err) {
      rewrap(err, `Failed to get ${label} service configuration for server ${q(s.name)}`);
    }
  };
  const refLvm = get(ref, "lvm", "LVM");
  const seen = [refLvm["system_id"]];
  for (const s of rest) {
    const lvm = get(s, "lvm", "LVM");
    if (refLvm["enabled"] !== true) {
      if (lvm["enabled"] === true) {
        return `LVM enabled mismatch, found enabled false (${ref.name}) and true (${s.name})`;
      }
      continue;
    }
    if (lvm["enabled"] !== true) {
      if (s.id > 2000) return `Failed to enable OS service "lvm" on ${q(s.name)}: can not enable LVM on servers with internal ID > 2000`;
      try {
        updateOSService(ctx, s, "lvm", { enabled: true, system_id: s.id });
      } catch (err) {
        rewrap(err, `Failed to enable OS service "lvm" on ${q(s.name)}`);
      }
      lvm["system_id"] = s.id;
    }
    if (seen.includes(lvm["system_id"])) return `LVM configuration mismatch, found multiple systems with system_id ${String(lvm["system_id"])}`;
    seen.push(lvm["system_id"]);
  }
  for (const [service, label, short] of [
    ["iscsi", "iSCSI", "iSCSI"],
    ["multipath", "multipath", "Multipath"],
    ["nvme", "NVME", "NVME"],
    ["ceph", "Ceph", "Ceph"],
  ] as const) {
    const refCfg = get(ref, service, label);
    for (const s of rest) {
      const cfg = get(s, service, label);
      if (!deepEqual(refCfg, cfg)) {
        return `${short} configuration mismatch, found ${goValue(refCfg)} (${ref.name}) and ${goValue(cfg)} (${s.name})`;
      }
    }
  }
  // Linstor's listen address and OVN's tunnel address follow each member's own interface; the
  // rest of their config must be equal.
  const memberDependent = [
    { service: "linstor", label: "Linstor", field: "listen_address", what: "listen address", derive: memberDependentListenAddress },
    { service: "ovn", label: "OVN", field: "tunnel_address", what: "tunnel address", derive: memberDependentAddress },
  ] as const;
  for (const { service, label, field, what, derive } of memberDependent) {
    const refCfg = get(ref, service, label);
    for (const s of rest) {
      const cfg = get(s, service, label);
      let expected: string;
      try {
        expected = derive(ref, str(refCfg[field]), s);
      } catch (err) {
        return `${label} ${what} mismatch, failed to derive the ${what} for ${s.name}: ${(err as Error).message}`;
      }
      if (expected !== str(cfg[field])) {
        return `${label} ${what} mismatch, found ${q(str(refCfg[field]))} (${ref.name}) and ${q(str(cfg[field]))} (${s.name}), expected ${q(expected)} for ${s.name}`;
      }
      if (!deepEqual({ ...refCfg, [field]: "" }, { ...cfg, [field]: "" })) {
        return `${label} configuration mismatch, found ${goValue(refCfg)} (${ref.name}) and ${goValue(cfg)} (${s.name})`;
      }
    }
  }
  return undefined;
}
