// Operations Center's stored copy of each server's IncusOS data, apart from the live state the
// simulated IncusOS holds (ServerRecord.stored vs ServerRecord.incusos).
//
// OC answers GET /servers, /servers/{name} (os_data.network, version_data) and
// /servers/{name}/system/network from its database
// (operations-center@41a98e0 internal/api/api_provisioning_server.go, serverSystemNetworkGet);
// only the /os/ proxy answers live. The database copy is replaced by a poll
// (operations-center@41a98e0 internal/provisioning/server/server_service.go, PollServer with
// updateServerConfiguration), which runs:
// - before every bulk action (cluster_service.go, prepareBulkUpdate);
// - on POST /servers/{name}/:resync (server_service.go, ResyncByName);
// - about 1 s after IncusOS reports a network change (incus-os@de27173
//   incus-osd/internal/systemd/networkd.go sends network-config-changed after every apply;
//   server_service.go SelfUpdate polls after initialConnectionDelay), here after
//   `selfUpdatePollDelayMs`;
// - every minute for pending servers, every 30 s for rebooting ones and hourly for ready ones
//   (internal/api/daemon.go, internal/config/daemon/consts.go); POST /local-oc/poll runs these at
//   once.
// Nothing else writes it: the VLAN bulk actions PUT the members' network without touching it,
// and an application installed through the proxy stays out of it until a poll (OC ignores
// IncusOS' application-update-applied notice unless the server is "updating application").
//
// A server answers a poll when it is ready, pending because OC re-configures its network, or
// offline because OC rebooted it (the simulated IncusOS is back at once; OC's 30 s grace after a
// reboot is not modelled, the rebooting poll runs every 30 s). Other servers (offline, unregistered, and pending ones from a seed, which stand for servers
// that do not answer yet) fail the connection test and are left as they are.
//
// A poll also stores the server's connection_url anew from the live management-role address
// (server_service.go PollServer; internal/provisioning/server_model.go
// DetermineManagementRoleURL); with no such address the poll fails and nothing is refreshed.

import { internal, q } from "./errors.js";
import { IncusOSApiError, networkDocument, putNetwork, unreachableMessage, type IncusOSContext } from "./incusos.js";
import { deepCopy, nowString, type Store } from "./state.js";
import { storedCopyOf, type InstalledApplication, type NetworkConfig, type ServerRecord } from "./persisted.js";

/** What polls and system updates use of the model's context (context.ts's Context, which calls startPeriodicPolls). */
interface ServerDataContext {
  readonly store: Store;
  readonly incusos: IncusOSContext;
  readonly selfUpdatePollDelayMs: number;
  changed(): void;
  schedule(key: string, ms: number, action: () => void): void;
}

/** OC's config/daemon PendingServerPollInterval. */
const PENDING_POLL_INTERVAL_MS = 60_000;
/** The configuration poll of ready servers: once an hour (ConnectivityCheckInterval within the first minutes of each hour). */
const CONFIGURATION_POLL_INTERVAL_MS = 3_600_000;

/** OC's RebootingServerPollInterval. */
const REBOOTING_POLL_INTERVAL_MS = 30_000;

const PENDING_DETAIL = "re-configuring";
/** The detail of a server OC asked to reboot (RebootSystemByName): offline until a poll finds it back. */
export const REBOOTING = "rebooting";

/** Whether the server answers OC's connection test (a rebooting one is back at once). */
function answers(server: ServerRecord): boolean {
  return (
    server.status === "ready" ||
    (server.status === "pending" && server.status_detail === PENDING_DETAIL) ||
    (server.status === "offline" && server.status_detail === REBOOTING)
  );
}

/**
 * The URL OC derives from the server's management-role address: an IPv6 address preferred, as
 * incus-os@de27173 incus-osd/api/system_network.go (GetInterfaceAddressByRole) prefers it (Go
 * walks the interfaces in map order; here by name).
 */
function managementRoleURL(server: ServerRecord): string | undefined {
  const interfaces = networkDocument(server.incusos.network).state["interfaces"] as Record<string, { addresses: string[]; roles: string[] }>;
  let ipv4: string | undefined;
  for (const name of Object.keys(interfaces).sort()) {
    const iface = interfaces[name]!;
    if (!iface.roles.includes("management")) continue;
    const ipv6 = iface.addresses.find((a) => a.includes(":"));
    if (ipv6 !== undefined) return `https://[${ipv6}]:8443`;
    ipv4 ??= iface.addresses.find((a) => !a.includes(":"));
  }
  return ipv4 === undefined ? undefined : `https://${ipv4}:8443`;
}

const NO_MANAGEMENT_ADDRESS = 'Failed to determine an IP address for the network interface with "management" role';

/** The stored network as OC serves it (SystemNetwork: config, and the state IncusOS derives from it). */
export function storedNetwork(server: ServerRecord): ReturnType<typeof networkDocument> {
  return networkDocument(server.stored.network);
}

/** What OC's server ETag hashes: its database record, without the live IncusOS state. */
export function serverETagSource(server: ServerRecord): Omit<ServerRecord, "incusos"> {
  const { incusos: _live, ...record } = server;
  return record;
}

export function storedApplications(server: ServerRecord): InstalledApplication[] {
  return server.stored.applications;
}

/**
 * PollServer with the configuration update: a server that answers is ready again (a pending
 * re-configuration ends) and its stored copy is replaced by its live state. Returns whether it
 * answered.
 */
export function pollServer(ctx: ServerDataContext, server: ServerRecord): boolean {
  if (!answers(server) || !ctx.store.data.servers.includes(server)) return false;
  const url = managementRoleURL(server);
  if (url === undefined) return false;
  const now = nowString();
  server.last_seen = now;
  if (server.status !== "ready") {
    server.status = "ready";
    server.status_detail = "";
    server.last_updated = now;
  }
  // An OS update OC triggered is over once the server needs none.
  if (server.status_detail === "updating" && !server.needs_update) {
    server.status_detail = "";
    server.last_updated = now;
  }
  server.stored = storedCopyOf(server.incusos);
  server.connection_url = url;
  ctx.changed();
  return true;
}

/**
 * POST /servers/{name}/:resync (server_service.go ResyncByName): a poll whose failure for want of
 * a management-role address is OC's 500.
 */
export function resyncServer(ctx: ServerDataContext, server: ServerRecord): void {
  if (answers(server) && managementRoleURL(server) === undefined) throw internal(`Failed to resync server ${q(server.name)} by name: ${NO_MANAGEMENT_ADDRESS}`);
  pollServer(ctx, server);
}

/**
 * The periodic polls at once: the pending poll and the configuration poll of ready servers, for
 * the named servers or every one. Returns the names of the servers that answered.
 */
export function pollServers(ctx: ServerDataContext, names?: readonly string[]): string[] {
  const servers = names === undefined ? ctx.store.serversSorted() : names.map((n) => ctx.store.server(n)).filter((s): s is ServerRecord => s !== undefined);
  return servers.filter((s) => pollServer(ctx, s)).map((s) => s.name);
}

/**
 * IncusOS applied a network config and tells OC (network-config-changed); OC polls the server
 * `selfUpdatePollDelayMs` later (at once when it is 0).
 */
function networkConfigChanged(ctx: ServerDataContext, server: ServerRecord): void {
  if (ctx.selfUpdatePollDelayMs <= 0) {
    pollServer(ctx, server);
    return;
  }
  ctx.schedule(`self-update ${server.name}`, ctx.selfUpdatePollDelayMs, () => {
    pollServer(ctx, server);
  });
}

/** A PUT of /os/1.0/system/network on the server's IncusOS (through the proxy or OC's client). */
export function applyNetwork(ctx: ServerDataContext, server: ServerRecord, body: unknown): void {
  putNetwork(ctx.incusos, server, body);
  networkConfigChanged(ctx, server);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * PUT /servers/{name}/system/network (server_service.go, UpdateSystemNetwork): the stored network
 * becomes the request's and the server pending / re-configuring, then the config goes to IncusOS.
 * If IncusOS refuses it, the record is restored. The next poll ends the pending state.
 */
export function updateSystemNetwork(ctx: ServerDataContext, server: ServerRecord, body: unknown): void {
  const previous = {
    stored: deepCopy(server.stored),
    status: server.status,
    status_detail: server.status_detail,
    last_updated: server.last_updated,
    last_seen: server.last_seen,
  };
  const now = nowString();
  server.stored.network = isObject(body) && isObject(body["config"]) ? (deepCopy(body["config"]) as NetworkConfig) : {};
  server.status = "pending";
  server.status_detail = PENDING_DETAIL;
  server.last_updated = now;
  server.last_seen = now;
  ctx.changed();
  try {
    if (previous.status === "offline") throw internal(unreachableMessage(server, "/os/1.0/system/network"));
    applyNetwork(ctx, server, body);
  } catch (err) {
    Object.assign(server, previous);
    if (err instanceof IncusOSApiError) throw internal(`Put OS network data to ${q(server.name)} (${server.connection_url}) failed: ${err.message}`);
    throw err;
  }
}

/**
 * PUT /servers/{name}/system/storage (server_service.go, UpdateSystemStorage): the stored storage
 * config becomes the request's and the server pending / re-configuring, then the config goes to
 * IncusOS. IncusOS' storage-config-changed notice makes OC do nothing, so the server stays
 * pending until the pending poll, :resync or a bulk action's poll.
 */
export function updateSystemStorage(ctx: ServerDataContext, server: ServerRecord, config: Record<string, unknown>): void {
  const now = nowString();
  server.stored.storage = deepCopy(config);
  server.status = "pending";
  server.status_detail = PENDING_DETAIL;
  server.last_updated = now;
  server.last_seen = now;
  server.incusos.storage = config;
  ctx.changed();
}

/** Re-arms the periodic polls (on start, after a reset or a restore). */
export function startPeriodicPolls(ctx: ServerDataContext): void {
  const every = (key: string, ms: number, filter: (s: ServerRecord) => boolean) => {
    const run = () => {
      for (const server of ctx.store.serversSorted().filter(filter)) pollServer(ctx, server);
      ctx.schedule(key, ms, run);
    };
    ctx.schedule(key, ms, run);
  };
  every("pending poll", PENDING_POLL_INTERVAL_MS, (s) => s.status === "pending");
  every("configuration poll", CONFIGURATION_POLL_INTERVAL_MS, (s) => s.status === "ready");
  every("rebooting poll", REBOOTING_POLL_INTERVAL_MS, (s) => s.status === "offline" && s.status_detail === REBOOTING);
}
