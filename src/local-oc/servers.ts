// /1.0/provisioning/servers: list (URLs or recursion=1, filter, cluster, status), get (+ETag),
// system/network GET/PUT, system/:evacuate and system/:restore, and the raw IncusOS proxy
// /{name}/os/... (operations-center@41a98e0 internal/api/api_provisioning_server.go (serverOSProxy);
// the IncusOS side: incus-os@de27173 incus-osd/internal/rest/server.go).
//
// Routes layer: they decode requests into the model's calls (server-model.ts) and encode the answers.

import type { Context } from "./context.js";
import { HttpError, badRequest, internal, q, rewrap } from "./errors.js";
import { compileExpression } from "./expr.js";
import {
  IncusOSApiError,
  getApplication,
  getKernel,
  getLogging,
  getNetwork,
  getService,
  listApplications,
  listServices,
  unreachableMessage,
} from "./incusos.js";
import { goParseBool, parseJsonBody } from "./decode.js";
import { emptySync, errorResponse, plainText, sync, syncETag, type ApiRequest, type ApiResponse, type Router } from "./http.js";
import { serverStatusValues, type ServerRecord } from "./persisted.js";
import { serverETagSource, storedApplications, storedNetwork, updateSystemNetwork } from "./server-data.js";
import {
  evacuateSystem,
  getServerOrFail,
  installOSApplication,
  putOSService,
  putOSSystem,
  removeOSApplication,
  restoreSystem,
  serverToReconfigure,
} from "./server-model.js";
import { complete } from "./spec-shapes.js";
import { bmcData, hardwareData, securityData, storageData } from "./hardware.js";

const PREFIX = "/1.0/provisioning/servers";

/**
 * The api.Server document of a record: every property of the spec's Server definition; os_data
 * and version_data from OC's stored copy (server-data.ts).
 */
export function serverDocument(s: ServerRecord): Record<string, unknown> {
  const apps = storedApplications(s).map((a) => ({
    name: a.name,
    version: a.version,
    friendly_version: a.version,
    available_version: a.version,
    needs_update: false,
    in_maintenance: ["incus", "incus-lts-7.0"].includes(a.name) ? s.in_maintenance : 0,
  }));
  const doc = complete("Server", {
    name: s.name,
    connection_url: s.connection_url,
    public_connection_url: s.public_connection_url,
    system_uuid: s.system_uuid,
    machine_id: s.machine_id,
    channel: s.channel,
    description: s.description,
    properties: s.properties,
    bmc_config: s.bmc_config,
    bmc_data: bmcData(s),
    certificate: s.certificate,
    fingerprint: s.fingerprint,
    cluster: s.cluster ?? "",
    server_type: s.type,
    server_status: s.status,
    server_status_detail: s.status_detail,
    hardware_data: hardwareData(s),
    os_data: { security: securityData(s), storage: storageData(s, s.stored.storage) },
    version_data: {
      os: {
        name: "IncusOS",
        version: s.stored.os_version,
        version_next: "",
        available_version: s.stored.os_version,
        needs_reboot: s.needs_reboot,
        needs_update: s.needs_update,
      },
      applications: apps,
      update_channel: s.channel,
      needs_update: s.needs_update,
      needs_reboot: s.needs_reboot,
      in_maintenance: s.in_maintenance,
    },
    last_updated: s.last_updated,
    last_seen: s.last_seen,
    system_state_is_trusted: true,
  });
  // The network is shown as IncusOS reports it: its omitempty lists stay absent when empty.
  (doc["os_data"] as Record<string, unknown>)["network"] = storedNetwork(s);
  return doc;
}

/** The expr environment of a server (ExprServer): internal names, cluster is nil when unclustered. */
function serverEnv(s: ServerRecord): Record<string, unknown> {
  const doc = serverDocument(s);
  return {
    id: s.id,
    name: s.name,
    type: s.type,
    connection_url: s.connection_url,
    public_connection_url: s.public_connection_url,
    certificate: s.certificate,
    fingerprint: s.fingerprint,
    cluster: s.cluster,
    hardware_data: doc["hardware_data"],
    os_data: doc["os_data"],
    version_data: doc["version_data"],
    status: s.status,
    status_detail: s.status_detail,
    channel: s.channel,
    description: s.description,
    properties: s.properties,
    last_updated: s.last_updated,
    last_seen: s.last_seen,
  };
}

export function filterWith<T>(items: T[], expression: string | null, env: (item: T) => Record<string, unknown>, sample: Record<string, unknown>): T[] {
  if (expression === null || expression === "") return items;
  try {
    const compiled = compileExpression(expression, sample);
    return items.filter((item) => compiled.run(env(item)));
  } catch (err) {
    throw new HttpError(400, `Failed to compile filter expression: ${(err as Error).message}`);
  }
}

const SAMPLE_SERVER_ENV: Record<string, unknown> = {
  id: 0,
  name: "",
  type: "",
  connection_url: "",
  public_connection_url: "",
  certificate: "",
  fingerprint: "",
  cluster: null,
  hardware_data: {},
  os_data: {},
  version_data: {},
  status: "",
  status_detail: "",
  channel: "",
  description: "",
  properties: {},
  last_updated: "",
  last_seen: "",
};

function listServers(ctx: Context, req: ApiRequest): ApiResponse {
  const recursion = Number.parseInt(req.query.get("recursion") ?? "", 10) === 1;
  const cluster = req.query.get("cluster");
  const status = req.query.get("status");
  if (status !== null && status !== "" && !(serverStatusValues as readonly string[]).includes(status)) {
    throw internal("Invalid status");
  }
  let servers = cluster !== null && cluster !== "" ? ctx.store.members(cluster) : ctx.store.serversSorted();
  // Without recursion, OC's name query only honours status together with cluster.
  if (status !== null && status !== "" && (recursion || (cluster !== null && cluster !== ""))) {
    servers = servers.filter((s) => s.status === status);
  }
  const filter = req.query.get("filter");
  if (recursion) {
    servers = filterWith(servers, filter, serverEnv, SAMPLE_SERVER_ENV);
    return sync(servers.map(serverDocument));
  }
  servers = filterWith(servers, filter, (s) => ({ name: s.name }), { name: "" });
  return sync(servers.map((s) => `${PREFIX}/${s.name}`));
}

/** IncusOS' own answer (Incus-style envelope) for the os/ proxy. */
function osProxy(ctx: Context, server: ServerRecord, method: string, osPath: string, body: string): ApiResponse {
  const parts = osPath.split("/").slice(1);
  const readBody = (): unknown => {
    try {
      return parseJsonBody(body);
    } catch (err) {
      throw new IncusOSApiError(400, (err as Error).message);
    }
  };
  const route = (allowed: string[], run: () => ApiResponse): ApiResponse => {
    if (!allowed.includes(method) && !(method === "HEAD" && allowed.includes("GET"))) {
      return plainText(405, "Method Not Allowed", { Allow: allowed.join(", ") });
    }
    return run();
  };
  try {
    if (parts[0] !== "1.0") return plainText(404, "404 page not found");
    const [, a, b, c] = parts;
    if (a === "services" && parts.length === 2) return route(["GET"], () => sync(listServices(server)));
    if (a === "services" && parts.length === 3 && b !== undefined) {
      const name = decodeURIComponent(b);
      return route(["GET", "PUT"], () => {
        if (method === "PUT") {
          putOSService(ctx, server, name, readBody());
          return sync(null);
        }
        return sync(getService(server, name));
      });
    }
    if (a === "system" && parts.length === 3 && (b === "network" || b === "kernel" || b === "logging")) {
      return route(["GET", "PUT"], () => {
        if (method === "PUT") {
          putOSSystem(ctx, server, b, readBody());
          return sync(null);
        }
        return sync(b === "network" ? getNetwork(server) : b === "kernel" ? getKernel(server) : getLogging(server));
      });
    }
    if (a === "applications" && parts.length === 2) {
      return route(["GET", "POST"], () => {
        if (method === "POST") {
          installOSApplication(ctx, server, readBody());
          return sync(null);
        }
        return sync(listApplications(server));
      });
    }
    if (a === "applications" && parts.length === 3 && b !== undefined) {
      return route(["GET"], () => sync(getApplication(server, decodeURIComponent(b))));
    }
    if (a === "applications" && parts.length === 4 && b !== undefined && c === ":remove") {
      return route(["POST"], () => {
        removeOSApplication(ctx, server, decodeURIComponent(b));
        return sync(null);
      });
    }
    return plainText(404, "404 page not found");
  } catch (err) {
    if (err instanceof IncusOSApiError) return errorResponse(new HttpError(err.status, err.message));
    throw err;
  }
}

/** Handles /1.0/provisioning/servers/{name}/os/... (any method). Returns undefined for other paths. */
export function handleOsProxy(ctx: Context, method: string, path: string, body: string): ApiResponse | undefined {
  const m = /^\/1\.0\/provisioning\/servers\/([^/]+)\/os(\/.*)?$/.exec(path);
  if (m === null) return undefined;
  const name = decodeURIComponent(m[1]!);
  const server = ctx.store.server(name);
  if (server === undefined) {
    return errorResponse(new HttpError(404, `Failed to get server ${q(name)} by name: Not found`));
  }
  if (server.status === "offline") {
    return errorResponse(new HttpError(500, unreachableMessage(server, `/os${m[2] ?? ""}`)));
  }
  return osProxy(ctx, server, method, m[2] ?? "/", body);
}

export function registerServerRoutes(router: Router, ctx: Context): void {
  router.add("GET", PREFIX, (req) => listServers(ctx, req));
  router.add("GET", `${PREFIX}/{name}`, (req) => {
    const server = getServerOrFail(ctx, req.params["name"]!);
    return syncETag(serverDocument(server), serverETagSource(server));
  });
  router.add("GET", `${PREFIX}/{name}/system/network`, (req) => {
    const network = storedNetwork(getServerOrFail(ctx, req.params["name"]!));
    return syncETag(network, network);
  });
  router.add("PUT", `${PREFIX}/{name}/system/network`, (req) => {
    let payload: unknown;
    try {
      payload = parseJsonBody(req.body);
    } catch (err) {
      throw badRequest((err as Error).message);
    }
    const name = req.params["name"]!;
    try {
      updateSystemNetwork(ctx, serverToReconfigure(ctx, name), payload);
    } catch (err) {
      rewrap(err, `Failed to update server network configuration for ${q(name)}`);
    }
    return emptySync();
  });
  // Incus's evacuation in mode auto and its restore (server-model.ts, evacuation.ts).
  const lifecycle = (run: (ctx: Context, name: string, force: boolean) => void) => (req: ApiRequest) => {
    run(ctx, req.params["name"]!, goParseBool(req.query.get("force")));
    return emptySync();
  };
  router.add("POST", `${PREFIX}/{name}/system/:evacuate`, lifecycle(evacuateSystem));
  router.add("POST", `${PREFIX}/{name}/system/:restore`, lifecycle(restoreSystem));
}
