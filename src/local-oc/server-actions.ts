// The server routes beyond list/get/network/evacuate/restore (servers.ts): registration (with a
// token, or pre-registration), PUT (and :self), rename, delete, :resync, system/storage and
// system/update, the system actions, BMC and changelog (routes as operations-center@41a98e0
// internal/api/api_provisioning_server.go registers them).
//
// Routes layer: they decode requests into the model's calls (server-model.ts) and encode the
// answers. BMC routes answer from the generated board data (hardware.ts); power actions change
// the server's status the way the BMC's effect would show up in Operations Center.

import type { Context } from "./context.js";
import { HttpError, badRequest, internal, notFound, q, rewrap } from "./errors.js";
import { checkIfMatch, created, emptySync, sync, syncETag, type ApiRequest, type ApiResponse, type Router } from "./http.js";
import { bmcData, storageData } from "./hardware.js";
import { complete } from "./spec-shapes.js";
import type { ServerRecord } from "./persisted.js";
import { DecodeError, decodeBody, decodeObject, goParseBool, parseUUID, type FieldType, type StructSpec } from "./decode.js";
import { resyncServer, serverETagSource, updateSystemStorage } from "./server-data.js";
import {
  bmcAction,
  deleteServer,
  factoryResetSystem,
  getServerOrFail,
  poweroffSystem,
  preRegister,
  rebootSystem,
  registerWithToken,
  renameServer,
  selfUpdate,
  serverToReconfigure,
  updateServer,
  updateSystem,
  updateSystemUpdate,
} from "./server-model.js";

const PREFIX = "/1.0/provisioning/servers";
/** api.ServerUpdatePost (operations-center@41a98e0 shared/api/provisioning_server.go). */
const updateApplication = (field: string): FieldType => ({
  struct: `ServerUpdatePost.${field}`,
  goType: "api.ServerUpdateApplication",
  fields: { name: "string", trigger_update: "bool" },
});
const serverUpdatePostSpec: StructSpec = {
  name: "ServerUpdatePost",
  goType: "api.ServerUpdatePost",
  fields: { applications: { list: updateApplication("applications"), goType: "[]api.ServerUpdateApplication" }, os: updateApplication("os") },
};

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const str = (v: unknown): string => (typeof v === "string" ? v : "");

function stringMap(v: unknown): Record<string, string> {
  if (!isObject(v)) return {};
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, typeof x === "string" ? x : JSON.stringify(x)]));
}

async function registerWithTokenRoute(ctx: Context, req: ApiRequest, tokenParam: string): Promise<ApiResponse> {
  const token = parseUUID(tokenParam, "Invalid token: ");
  const body = decodeObject(req.body, "Request decoding");
  if (req.peer === undefined) throw badRequest("No client certificate provided");
  const name = str(body["name"]);
  await registerWithToken(ctx, token, req.peer.certificate, {
    name,
    channel: str(body["channel"]),
    connection_url: str(body["connection_url"]),
    public_connection_url: str(body["public_connection_url"]),
    machine_id: str(body["machine_id"]),
    system_uuid: str(body["system_uuid"]),
  });
  return created(`${PREFIX}/${name}`, { certificate: ctx.store.data.tls.certificate });
}

async function preRegisterRoute(ctx: Context, req: ApiRequest): Promise<ApiResponse> {
  const body = decodeObject(req.body, "Request decoding");
  const name = str(body["name"]);
  await preRegister(ctx, {
    name,
    channel: str(body["channel"]),
    description: str(body["description"]),
    properties: stringMap(body["properties"]),
    public_connection_url: str(body["public_connection_url"]),
    bmc_config: isObject(body["bmc_config"]) ? body["bmc_config"] : undefined,
  });
  return created(`${PREFIX}/${name}`, { certificate: ctx.store.data.tls.certificate });
}

/** The server a PUT or rename changes, after the optional If-Match check (412 on mismatch). */
function serverForWrite(ctx: Context, req: ApiRequest): { server: ServerRecord; body: Record<string, unknown> } {
  const name = req.params["name"]!;
  const body = decodeObject(req.body);
  let server: ServerRecord;
  try {
    server = getServerOrFail(ctx, name);
  } catch (err) {
    rewrap(err, `Failed to get server ${q(name)}`);
  }
  checkIfMatch(req, serverETagSource(server));
  return { server, body };
}

/** The changelog of what the server's channel offers over what it runs (nothing when up to date). */
function changelog(server: ServerRecord): Record<string, unknown> {
  return {
    channel: server.channel,
    current_version: server.incusos.os_version,
    prior_version: server.incusos.os_version,
    components: {},
  };
}

const BIOS_ATTRIBUTES = [
  { name: "BootMode", type: "Enumeration", current_value: "UEFI", acceptable_values: ["UEFI", "Legacy"] },
  { name: "SecureBoot", type: "Enumeration", current_value: "Enabled", acceptable_values: ["Enabled", "Disabled"] },
  { name: "Hyperthreading", type: "Enumeration", current_value: "Enabled", acceptable_values: ["Enabled", "Disabled"] },
  { name: "PowerOnDelay", type: "Integer", current_value: 0, lower_bound: 0, upper_bound: 300 },
];

const BMC_LOG_SOURCES = ["Log1", "SEL"];

export function registerServerActionRoutes(router: Router, ctx: Context): void {
  router.add("POST", PREFIX, (req) => {
    const token = req.query.get("token") ?? "";
    return token !== "" ? registerWithTokenRoute(ctx, req, token) : preRegisterRoute(ctx, req);
  });

  router.add("PUT", `${PREFIX}/:self`, (req) => {
    const body = decodeObject(req.body);
    selfUpdate(ctx, req.peer?.certificate, str(body["connection_url"]));
    return emptySync();
  });

  router.add("POST", `${PREFIX}/:self_register`, () => {
    throw internal("Failed self-updating from server: Operations Center is not running on IncusOS");
  });

  router.add("PUT", `${PREFIX}/{name}`, (req) => {
    const name = req.params["name"]!;
    const { server, body } = serverForWrite(ctx, req);
    updateServer(ctx, server, name, {
      public_connection_url: str(body["public_connection_url"]),
      description: str(body["description"]),
      properties: stringMap(body["properties"]),
      bmc_config: complete("BMCConfig", isObject(body["bmc_config"]) ? body["bmc_config"] : {}),
      channel: str(body["channel"]),
    });
    return emptySync();
  });

  router.add("DELETE", `${PREFIX}/{name}`, (req) => {
    deleteServer(ctx, req.params["name"]!);
    return emptySync();
  });

  router.add("POST", `${PREFIX}/{name}`, (req) => {
    const name = req.params["name"]!;
    const { server, body } = serverForWrite(ctx, req);
    const newName = str(body["name"]);
    renameServer(ctx, server, name, newName);
    return created(`${PREFIX}/${newName}`);
  });

  // ResyncByName polls the server: its stored copy is refreshed and a pending state ends.
  router.add("POST", `${PREFIX}/{name}/:resync`, (req) => {
    const name = req.params["name"]!;
    let server: ServerRecord;
    try {
      server = getServerOrFail(ctx, name);
    } catch (err) {
      // ResyncByName wraps GetByName's own "by name" error once more.
      rewrap(err, `Failed to resync server ${q(name)}: Failed to get server ${q(name)} by name`);
    }
    try {
      resyncServer(ctx, server);
    } catch (err) {
      rewrap(err, `Failed to resync server ${q(name)}`);
    }
    return emptySync();
  });

  router.add("GET", `${PREFIX}/{name}/changelog`, (req) => sync(changelog(getServerOrFail(ctx, req.params["name"]!))));

  // OC answers from its stored copy (server-data.ts); a PUT leaves the server pending until a poll.
  router.add("GET", `${PREFIX}/{name}/system/storage`, (req) => {
    const server = getServerOrFail(ctx, req.params["name"]!);
    const storage = complete("SystemStorage", storageData(server, server.stored.storage));
    return syncETag(storage, storage);
  });
  router.add("PUT", `${PREFIX}/{name}/system/storage`, (req) => {
    const body = decodeObject(req.body);
    const name = req.params["name"]!;
    try {
      updateSystemStorage(ctx, serverToReconfigure(ctx, name), complete("SystemStorageConfig", isObject(body["config"]) ? body["config"] : {}));
    } catch (err) {
      rewrap(err, `Failed to update server storage configuration for ${q(name)}`);
    }
    return emptySync();
  });

  const systemUpdate = (s: ServerRecord) =>
    complete("SystemUpdate", {
      config: s.incusos.update,
      state: { last_check: s.last_seen, needs_reboot: s.needs_reboot, status: s.needs_update ? "Update available" : "Update check completed" },
    });
  router.add("GET", `${PREFIX}/{name}/system/update`, (req) => sync(systemUpdate(getServerOrFail(ctx, req.params["name"]!))));
  router.add("PUT", `${PREFIX}/{name}/system/update`, (req) => {
    const body = decodeObject(req.body);
    const server = getServerOrFail(ctx, req.params["name"]!);
    updateSystemUpdate(ctx, server, isObject(body["config"]) ? body["config"] : {});
    return emptySync();
  });

  // The system actions (server-model.ts).
  const force = (req: ApiRequest): boolean => goParseBool(req.query.get("force"));
  router.add("POST", `${PREFIX}/{name}/system/:reboot`, (req) => {
    rebootSystem(ctx, req.params["name"]!, force(req));
    return emptySync();
  });
  router.add("POST", `${PREFIX}/{name}/system/:poweroff`, (req) => {
    poweroffSystem(ctx, req.params["name"]!, force(req));
    return emptySync();
  });
  router.add("POST", `${PREFIX}/{name}/system/:update`, (req) => {
    // OC decodes the body (api.ServerUpdatePost) before anything else: an empty one is "Request decoding: EOF".
    let body: Record<string, unknown>;
    try {
      body = decodeBody(req.body, serverUpdatePostSpec);
    } catch (err) {
      if (err instanceof DecodeError) throw badRequest(`Request decoding: ${err.message}`);
      throw err;
    }
    const triggerOS = (body["os"] as { trigger_update?: boolean } | undefined)?.trigger_update === true;
    updateSystem(ctx, req.params["name"]!, force(req), triggerOS);
    return emptySync();
  });
  router.add("POST", `${PREFIX}/{name}/system/:factory-reset`, (req) => {
    factoryResetSystem(ctx, req.params["name"]!);
    return emptySync();
  });

  // BMC: answered from the board data; the power actions show their effect on the server status (server-model.ts).
  const bmc = (verb: string, power?: "on" | "off") => (req: ApiRequest) => {
    bmcAction(ctx, req.params["name"]!, verb, power);
    return emptySync();
  };
  router.add("POST", `${PREFIX}/{name}/bmc/:refresh`, bmc("refresh BMC data for"));
  router.add("POST", `${PREFIX}/{name}/bmc/:server-power-on`, bmc("power on", "on"));
  router.add("POST", `${PREFIX}/{name}/bmc/:server-power-off`, bmc("power off", "off"));
  router.add("POST", `${PREFIX}/{name}/bmc/:server-restart`, bmc("restart"));
  router.add("POST", `${PREFIX}/{name}/bmc/:server-locate`, (req) => {
    // OC decodes the body before anything else: an empty one is "Request decoding: EOF".
    decodeObject(req.body, "Request decoding");
    return bmc("set location indicator LED of")(req);
  });
  router.add("POST", `${PREFIX}/{name}/bmc/:apply-bios-attributes`, (req) => {
    const body = decodeObject(req.body, "Request decoding");
    if (!isObject(body["attributes"])) throw badRequest("Request decoding: attributes missing");
    return bmc("apply BIOS attributes for")(req);
  });
  router.add("GET", `${PREFIX}/{name}/bmc/bios-attributes`, (req) => {
    getServerOrFail(ctx, req.params["name"]!);
    return sync(BIOS_ATTRIBUTES.map((a) => complete("BIOSAttribute", a)));
  });
  router.add("GET", `${PREFIX}/{name}/bmc/bios-attributes/{attributeName}`, (req) => {
    const name = req.params["name"]!;
    const attributeName = req.params["attributeName"]!;
    getServerOrFail(ctx, name);
    const attribute = BIOS_ATTRIBUTES.find((a) => a.name === attributeName);
    if (attribute === undefined) throw notFound().wrap(`Failed to get BIOS attribute ${q(attributeName)} of server ${q(name)}`);
    return sync(complete("BIOSAttribute", attribute));
  });
  router.add("GET", `${PREFIX}/{name}/bmc/logs`, (req) => {
    getServerOrFail(ctx, req.params["name"]!);
    return sync(BMC_LOG_SOURCES);
  });
  router.add("GET", `${PREFIX}/{name}/bmc/logs/{logSource}`, (req) => {
    const name = req.params["name"]!;
    const source = req.params["logSource"]!;
    const server = getServerOrFail(ctx, name);
    if (!BMC_LOG_SOURCES.includes(source)) throw notFound().wrap(`Failed to get BMC log entries of server ${q(name)} for log source ${q(source)}`);
    return sync([
      complete("BMCLogEvent", { timestamp: server.last_seen, severity: "OK", message: "System power on", entry_type: "SEL", entry_code: "Power On" }),
    ]);
  });
  router.add("POST", `${PREFIX}/{name}/bmc/:dump`, (req) => {
    const server = getServerOrFail(ctx, req.params["name"]!);
    if (req.query.get("endpoint") === null && req.query.get("skip-predefined") === "1") throw new HttpError(400, "Bad Request: no endpoint to dump");
    return sync({ "/redfish/v1/Systems/1": complete("BMCDumpEntry", { response: bmcData(server), trace: "" }) });
  });
}
