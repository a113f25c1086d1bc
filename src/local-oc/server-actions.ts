// The server routes beyond list/get/network/evacuate/restore (servers.ts): registration (with a
// token, or pre-registration), PUT (and :self), rename, delete, :resync, system/storage and
// system/update, the system actions, BMC and changelog (routes as operations-center@41a98e0
// internal/api/api_provisioning_server.go registers them).
//
// BMC routes answer from the generated board data (hardware.ts); power actions change the
// server's status the way the BMC's effect would show up in Operations Center.

import type { Context } from "./context.js";
import { HttpError, badRequest, constraint, internal, notFound, notPermitted, q, rewrap, validation } from "./errors.js";
import { checkIfMatch, created, emptySync, sync, syncETag, type ApiRequest, type ApiResponse, type Router } from "./http.js";
import { getServerOrFail, serverToReconfigure } from "./servers.js";
import { bmcData, storageData } from "./hardware.js";
import { defaultSeedServers } from "./seed.js";
import { complete } from "./spec-shapes.js";
import { seedServerSchema, type ServerRecord } from "./persisted.js";
import { nowString } from "./state.js";
import { DecodeError, decodeBody, decodeObject, goParseBool, parseUUID, type FieldType, type StructSpec } from "./decode.js";
import { checkLifecyclePermitted } from "./evacuation.js";
import { unreachableMessage } from "./incusos.js";
import { REBOOTING, pollServer, resyncServer, serverETagSource, updateSystemStorage } from "./server-data.js";

const PREFIX = "/1.0/provisioning/servers";
/** api.ServerUpdatePost (operations-center@41a98e0 shared/api/provisioning_server.go). */
const updateApplication = (field: string): FieldType => ({ struct: `ServerUpdatePost.${field}`, goType: "api.ServerUpdateApplication", fields: { name: "string", trigger_update: "bool" } });
const serverUpdatePostSpec: StructSpec = {
  name: "ServerUpdatePost",
  goType: "api.ServerUpdatePost",
  fields: { applications: { list: updateApplication("applications"), goType: "[]api.ServerUpdateApplication" }, os: updateApplication("os") },
};
const NAME_FORBIDDEN = `\\/:*?"<>|`;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}


const str = (v: unknown): string => (typeof v === "string" ? v : "");

function stringMap(v: unknown): Record<string, string> {
  if (!isObject(v)) return {};
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, typeof x === "string" ? x : JSON.stringify(x)]));
}

function validateName(name: string): void {
  if (name === "") throw validation("Invalid server, name can not be empty");
  if ([...NAME_FORBIDDEN].some((ch) => name.includes(ch))) throw validation(`Invalid server, name can not contain any of ${q(NAME_FORBIDDEN)}`);
}

/** The seed a server registering with a token gets: a fresh IncusOS with Incus, as the seed image installs. */
function registrationSeed(ctx: Context, name: string, channel: string): ReturnType<typeof seedServerSchema.parse> {
  const known = ctx.store.data.seeds[name];
  if (known !== undefined) return { ...known, status: "ready", channel: channel === "" ? known.channel : channel };
  return { ...defaultSeedServers(1)[0]!, name, channel: channel === "" ? "stable" : channel };
}

async function registerWithToken(ctx: Context, req: ApiRequest, tokenParam: string): Promise<ApiResponse> {
  const token = parseUUID(tokenParam, "Invalid token: ");
  const body = decodeObject(req.body, "Request decoding");
  if (req.peer === undefined) throw badRequest("No client certificate provided");
  const data = ctx.store.data;
  const record = data.tokens.find((t) => t.uuid === token);
  if (record === undefined || record.uses_remaining <= 0 || Date.parse(record.expire_at) < Date.now()) {
    throw notFound().wrap("Failed to get token");
  }
  const name = str(body["name"]);
  validateName(name);
  if (ctx.store.server(name) !== undefined) throw constraint("Failed to create server: Constraint violation");
  const index = Object.keys(data.seeds).includes(name) ? Object.keys(data.seeds).indexOf(name) + 1 : Object.keys(data.seeds).length + 1;
  const server = await ctx.register(registrationSeed(ctx, name, str(body["channel"]) || record.channel), index);
  server.certificate = req.peer.certificate;
  if (str(body["connection_url"]) !== "") server.connection_url = str(body["connection_url"]);
  if (str(body["public_connection_url"]) !== "") server.public_connection_url = str(body["public_connection_url"]);
  if (str(body["machine_id"]) !== "") server.machine_id = str(body["machine_id"]);
  if (str(body["system_uuid"]) !== "") server.system_uuid = str(body["system_uuid"]);
  record.uses_remaining--;
  if (record.uses_remaining === 0 && record.auto_remove) data.tokens = data.tokens.filter((t) => t !== record);
  ctx.changed();
  return created(`${PREFIX}/${name}`, { certificate: data.tls.certificate });
}

async function preRegister(ctx: Context, req: ApiRequest): Promise<ApiResponse> {
  const body = decodeObject(req.body, "Request decoding");
  const name = str(body["name"]);
  validateName(name);
  if (ctx.store.server(name) !== undefined) throw constraint("Failed to create server: Constraint violation");
  const index = Object.keys(ctx.store.data.seeds).length + 1;
  const server = await ctx.register({ ...registrationSeed(ctx, name, str(body["channel"])), status: "unregistered" }, index);
  server.description = str(body["description"]);
  server.properties = stringMap(body["properties"]);
  server.public_connection_url = str(body["public_connection_url"]);
  if (isObject(body["bmc_config"])) server.bmc_config = complete("BMCConfig", body["bmc_config"]);
  ctx.changed();
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
    return token !== "" ? registerWithToken(ctx, req, token) : preRegister(ctx, req);
  });

  router.add("PUT", `${PREFIX}/:self`, (req) => {
    const body = decodeObject(req.body);
    const server = ctx.store.data.servers.find((s) => req.peer !== undefined && s.certificate === req.peer.certificate);
    if (server === undefined) throw internal(`Failed self-updating from server ${q("127.0.0.1")}: Not found`);
    if (str(body["connection_url"]) !== "") server.connection_url = str(body["connection_url"]);
    server.last_seen = nowString();
    ctx.changed();
    return emptySync();
  });

  router.add("POST", `${PREFIX}/:self_register`, () => {
    throw internal("Failed self-updating from server: Operations Center is not running on IncusOS");
  });

  router.add("PUT", `${PREFIX}/{name}`, (req) => {
    const name = req.params["name"]!;
    const { server, body } = serverForWrite(ctx, req);
    server.public_connection_url = str(body["public_connection_url"]);
    server.description = str(body["description"]);
    server.properties = stringMap(body["properties"]);
    server.bmc_config = complete("BMCConfig", isObject(body["bmc_config"]) ? body["bmc_config"] : {});
    // The channel of a clustered server follows its cluster.
    if (server.cluster === null && str(body["channel"]) !== "") {
      if (!ctx.store.data.channels.some((c) => c.name === str(body["channel"]))) {
        throw constraint(`Failed updating server ${q(name)}: Constraint violation`);
      }
      server.channel = str(body["channel"]);
    }
    server.last_updated = nowString();
    ctx.changed();
    return emptySync();
  });

  router.add("DELETE", `${PREFIX}/{name}`, (req) => {
    const server = getServerOrFail(ctx, req.params["name"]!);
    if (server.cluster !== null) {
      throw validation(`Failed to delete server ${q(server.name)}: server is part of cluster ${q(server.cluster)}`);
    }
    ctx.forget(server);
    ctx.changed();
    return emptySync();
  });

  router.add("POST", `${PREFIX}/{name}`, (req) => {
    const name = req.params["name"]!;
    const { server, body } = serverForWrite(ctx, req);
    const newName = str(body["name"]);
    try {
      if (newName === "") throw validation("Server name cannot be empty");
      if (newName !== name && ctx.store.server(newName) !== undefined) throw constraint("Constraint violation");
    } catch (err) {
      rewrap(err, `Failed renaming server ${q(name)}`);
    }
    const seed = ctx.store.data.seeds[name];
    if (seed !== undefined) {
      delete ctx.store.data.seeds[name];
      ctx.store.data.seeds[newName] = { ...seed, name: newName };
    }
    server.name = newName;
    server.last_updated = nowString();
    ctx.changed();
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
    server.incusos.update = complete("SystemUpdateConfig", isObject(body["config"]) ? body["config"] : {});
    // UpdateSystemUpdate polls the server right after (server_service.go).
    pollServer(ctx, server);
    ctx.changed();
    return emptySync();
  });

  // The system actions (operations-center@41a98e0 internal/provisioning/server/server_service.go
  // (RebootSystemByName, PoweroffSystemByName, UpdateSystemByName)): the lifecycle guard, then the
  // call to IncusOS, which fails with 500 for a server that does not answer (offline, unless it
  // is rebooting: the simulated IncusOS is back at once).
  const action = (req: ApiRequest, verb: string, path: string, effect: (s: ServerRecord) => void, precheck: (s: ServerRecord) => void = () => {}): ApiResponse => {
    const name = req.params["name"]!;
    try {
      const server = getServerOrFail(ctx, name);
      precheck(server);
      checkLifecyclePermitted(ctx, server, goParseBool(req.query.get("force")));
      if (server.status === "offline" && server.status_detail !== REBOOTING) throw internal(`Failed to ${verb} server ${q(name)} by name: ${unreachableMessage(server, path, "Post")}`);
      effect(server);
      server.last_updated = nowString();
    } catch (err) {
      rewrap(err, `Failed to ${verb} server ${q(name)}`);
    }
    ctx.changed();
    return emptySync();
  };
  router.add("POST", `${PREFIX}/{name}/system/:reboot`, (req) =>
    action(req, "reboot", "/os/1.0/system/:reboot", (s) => {
      // Offline / rebooting until a poll finds it back (the rebooting poll, every 30 s).
      s.status = "offline";
      s.status_detail = REBOOTING;
      s.needs_reboot = false;
    }),
  );
  router.add("POST", `${PREFIX}/{name}/system/:poweroff`, (req) =>
    action(req, "poweroff", "/os/1.0/system/:poweroff", (s) => {
      s.status = "offline";
      s.status_detail = "shut down";
    }),
  );
  // UpdateSystemByName: "updating" until a poll sees no update needed; OC forces IncusOS' update
  // config (no auto reboot, no checks of its own, the server's channel) and polls
  // (UpdateSystemUpdate), and asks IncusOS for the OS update only when os.trigger_update is true.
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
    return action(
      req,
      "update",
      "/os/1.0/system/update/:check",
      (s) => {
        s.status_detail = "updating";
        s.incusos.update = complete("SystemUpdateConfig", { ...s.incusos.update, auto_reboot: false, channel: s.channel, check_frequency: "never" });
        if (triggerOS && s.needs_update) {
          s.needs_update = false;
          s.needs_reboot = true;
        }
        pollServer(ctx, s);
      },
      // Checked before the lifecycle guard, so a forced update of a server that is not ready is refused too.
      (s) => {
        if (s.status !== "ready") throw notPermitted("Server is not ready");
      },
    );
  });
  router.add("POST", `${PREFIX}/{name}/system/:factory-reset`, (req) => {
    const name = req.params["name"]!;
    try {
      const server = getServerOrFail(ctx, name);
      if (ctx.incusos.failing(name)) throw internal(`Factory reset failed: injected fault (local-oc --fail-member ${name})`);
      ctx.factoryReset(server);
    } catch (err) {
      rewrap(err, `Failed to factory reset server ${q(name)}`);
    }
    ctx.changed();
    return emptySync();
  });

  // BMC: answered from the board data; the power actions show their effect on the server status.
  const bmc = (verb: string, effect: (s: ServerRecord) => void) => (req: ApiRequest) => {
    const name = req.params["name"]!;
    try {
      const server = getServerOrFail(ctx, name);
      if (str(server.bmc_config["endpoint"]) === "") throw validation("Server has no BMC configured");
      effect(server);
    } catch (err) {
      rewrap(err, `Failed to ${verb} server ${q(name)}`);
    }
    ctx.changed();
    return emptySync();
  };
  router.add("POST", `${PREFIX}/{name}/bmc/:refresh`, bmc("refresh BMC data for", () => undefined));
  router.add(
    "POST",
    `${PREFIX}/{name}/bmc/:server-power-on`,
    bmc("power on", (s) => {
      if (s.status === "offline") {
        s.status = "ready";
        s.status_detail = "";
      }
    }),
  );
  router.add(
    "POST",
    `${PREFIX}/{name}/bmc/:server-power-off`,
    bmc("power off", (s) => {
      s.status = "offline";
      s.status_detail = "shut down";
    }),
  );
  router.add("POST", `${PREFIX}/{name}/bmc/:server-restart`, bmc("restart", () => undefined));
  router.add("POST", `${PREFIX}/{name}/bmc/:server-locate`, (req) => {
    // OC decodes the body before anything else: an empty one is "Request decoding: EOF".
    decodeObject(req.body, "Request decoding");
    return bmc("set location indicator LED of", () => undefined)(req);
  });
  router.add("POST", `${PREFIX}/{name}/bmc/:apply-bios-attributes`, (req) => {
    const body = decodeObject(req.body, "Request decoding");
    if (!isObject(body["attributes"])) throw badRequest("Request decoding: attributes missing");
    return bmc("apply BIOS attributes for", () => undefined)(req);
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
