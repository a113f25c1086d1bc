// Model layer of /1.0/provisioning/servers: the only code that changes a server's record (and the
// registration tokens and seeds it uses). Each function checks what OC checks, in OC's order,
// throws OC's errors (errors.ts) and marks its changes for persistence; none takes a request, so a
// test can drive it without HTTP. The routes (servers.ts, server-actions.ts) decode requests into
// these calls and encode the answers.

import type { Context } from "./context.js";
import { constraint, internal, notFound, notFoundf, notPermitted, q, rewrap, validation } from "./errors.js";
import { checkLifecyclePermitted, evacuateServer, restoreServer } from "./evacuation.js";
import { installApplication, putKernel, putLogging, putService, removeApplication, unreachableMessage } from "./incusos.js";
import type { seedServerSchema, ServerRecord } from "./persisted.js";
import { defaultSeedServers } from "./seed.js";
import { REBOOTING, applyNetwork, pollServer } from "./server-data.js";
import { complete } from "./spec-shapes.js";
import { nowString } from "./state.js";

const NAME_FORBIDDEN = `\\/:*?"<>|`;

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

/** What a server registering with a token sends (api.ServerPost, decoded; "" where absent). */
interface TokenRegistration {
  name: string;
  channel: string;
  connection_url: string;
  public_connection_url: string;
  machine_id: string;
  system_uuid: string;
}

/** Registers the server presenting `certificate` with the token `token` (one use of it). */
export async function registerWithToken(ctx: Context, token: string, certificate: string, reg: TokenRegistration): Promise<void> {
  const data = ctx.store.data;
  const record = data.tokens.find((t) => t.uuid === token);
  if (record === undefined || record.uses_remaining <= 0 || Date.parse(record.expire_at) < Date.now()) {
    throw notFound().wrap("Failed to get token");
  }
  validateName(reg.name);
  if (ctx.store.server(reg.name) !== undefined) throw constraint("Failed to create server: Constraint violation");
  const seeds = Object.keys(data.seeds);
  const index = seeds.includes(reg.name) ? seeds.indexOf(reg.name) + 1 : seeds.length + 1;
  const server = await ctx.register(registrationSeed(ctx, reg.name, reg.channel || record.channel), index);
  server.certificate = certificate;
  if (reg.connection_url !== "") server.connection_url = reg.connection_url;
  if (reg.public_connection_url !== "") server.public_connection_url = reg.public_connection_url;
  if (reg.machine_id !== "") server.machine_id = reg.machine_id;
  if (reg.system_uuid !== "") server.system_uuid = reg.system_uuid;
  record.uses_remaining--;
  if (record.uses_remaining === 0 && record.auto_remove) data.tokens = data.tokens.filter((t) => t !== record);
  ctx.changed();
}

/** What a pre-registration sends (api.ServerPost, decoded). */
interface PreRegistration {
  name: string;
  channel: string;
  description: string;
  properties: Record<string, string>;
  public_connection_url: string;
  bmc_config: Record<string, unknown> | undefined;
}

/** Pre-registers a server: recorded as unregistered until it registers itself. */
export async function preRegister(ctx: Context, reg: PreRegistration): Promise<void> {
  validateName(reg.name);
  if (ctx.store.server(reg.name) !== undefined) throw constraint("Failed to create server: Constraint violation");
  const index = Object.keys(ctx.store.data.seeds).length + 1;
  const server = await ctx.register({ ...registrationSeed(ctx, reg.name, reg.channel), status: "unregistered" }, index);
  server.description = reg.description;
  server.properties = reg.properties;
  server.public_connection_url = reg.public_connection_url;
  if (reg.bmc_config !== undefined) server.bmc_config = complete("BMCConfig", reg.bmc_config);
  ctx.changed();
}

/** :self: the server presenting `certificate` reports itself (and maybe a new connection URL). */
export function selfUpdate(ctx: Context, certificate: string | undefined, connectionURL: string): void {
  const server = ctx.store.data.servers.find((s) => certificate !== undefined && s.certificate === certificate);
  if (server === undefined) throw internal(`Failed self-updating from server ${q("127.0.0.1")}: Not found`);
  if (connectionURL !== "") server.connection_url = connectionURL;
  server.last_seen = nowString();
  ctx.changed();
}

/** What a PUT replaces (api.ServerPut, decoded; bmc_config completed). */
interface ServerPut {
  public_connection_url: string;
  description: string;
  properties: Record<string, string>;
  bmc_config: ServerRecord["bmc_config"];
  channel: string;
}

export function updateServer(ctx: Context, server: ServerRecord, name: string, put: ServerPut): void {
  server.public_connection_url = put.public_connection_url;
  server.description = put.description;
  server.properties = put.properties;
  server.bmc_config = put.bmc_config;
  // The channel of a clustered server follows its cluster.
  if (server.cluster === null && put.channel !== "") {
    if (!ctx.store.data.channels.some((c) => c.name === put.channel)) {
      throw constraint(`Failed updating server ${q(name)}: Constraint violation`);
    }
    server.channel = put.channel;
  }
  server.last_updated = nowString();
  ctx.changed();
}

export function deleteServer(ctx: Context, name: string): void {
  const server = getServerOrFail(ctx, name);
  if (server.cluster !== null) {
    throw validation(`Failed to delete server ${q(server.name)}: server is part of cluster ${q(server.cluster)}`);
  }
  ctx.forget(server);
  ctx.changed();
}

export function renameServer(ctx: Context, server: ServerRecord, name: string, newName: string): void {
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
}

/** PUT system/update: UpdateSystemUpdate polls the server right after (server_service.go). */
export function updateSystemUpdate(ctx: Context, server: ServerRecord, config: Record<string, unknown>): void {
  server.incusos.update = complete("SystemUpdateConfig", config);
  pollServer(ctx, server);
  ctx.changed();
}

// The system actions (operations-center@41a98e0 internal/provisioning/server/server_service.go
// (RebootSystemByName, PoweroffSystemByName, UpdateSystemByName)): the lifecycle guard, then the
// call to IncusOS, which fails with 500 for a server that does not answer (offline, unless it
// is rebooting: the simulated IncusOS is back at once).
function systemAction(
  ctx: Context,
  name: string,
  force: boolean,
  verb: string,
  path: string,
  effect: (s: ServerRecord) => void,
  precheck: (s: ServerRecord) => void = () => {},
): void {
  try {
    const server = getServerOrFail(ctx, name);
    precheck(server);
    checkLifecyclePermitted(ctx, server, force);
    if (server.status === "offline" && server.status_detail !== REBOOTING)
      throw internal(`Failed to ${verb} server ${q(name)} by name: ${unreachableMessage(server, path, "Post")}`);
    effect(server);
    server.last_updated = nowString();
  } catch (err) {
    rewrap(err, `Failed to ${verb} server ${q(name)}`);
  }
  ctx.changed();
}

export function rebootSystem(ctx: Context, name: string, force: boolean): void {
  systemAction(ctx, name, force, "reboot", "/os/1.0/system/:reboot", (s) => {
    // Offline / rebooting until a poll finds it back (the rebooting poll, every 30 s).
    s.status = "offline";
    s.status_detail = REBOOTING;
    s.needs_reboot = false;
  });
}

export function poweroffSystem(ctx: Context, name: string, force: boolean): void {
  systemAction(ctx, name, force, "poweroff", "/os/1.0/system/:poweroff", (s) => {
    s.status = "offline";
    s.status_detail = "shut down";
  });
}

// UpdateSystemByName: "updating" until a poll sees no update needed; OC forces IncusOS' update
// config (no auto reboot, no checks of its own, the server's channel) and polls
// (UpdateSystemUpdate), and asks IncusOS for the OS update only when os.trigger_update is true.
export function updateSystem(ctx: Context, name: string, force: boolean, triggerOS: boolean): void {
  systemAction(
    ctx,
    name,
    force,
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
}

export function factoryResetSystem(ctx: Context, name: string): void {
  try {
    const server = getServerOrFail(ctx, name);
    if (ctx.incusos.failing(name)) throw internal(`Factory reset failed: injected fault (local-oc --fail-member ${name})`);
    ctx.factoryReset(server);
  } catch (err) {
    rewrap(err, `Failed to factory reset server ${q(name)}`);
  }
  ctx.changed();
}

/**
 * A BMC action on the server (`power` is the effect a power action shows on its status; the
 * others answer from the board data and change nothing of it).
 */
export function bmcAction(ctx: Context, name: string, verb: string, power?: "on" | "off"): void {
  try {
    const server = getServerOrFail(ctx, name);
    const endpoint = server.bmc_config["endpoint"];
    if (typeof endpoint !== "string" || endpoint === "") throw validation("Server has no BMC configured");
    if (power === "on" && server.status === "offline") {
      server.status = "ready";
      server.status_detail = "";
    } else if (power === "off") {
      server.status = "offline";
      server.status_detail = "shut down";
    }
  } catch (err) {
    rewrap(err, `Failed to ${verb} server ${q(name)}`);
  }
  ctx.changed();
}

// system/:evacuate and system/:restore: Incus's evacuation in mode auto and its restore (evacuation.ts).
function lifecycle(ctx: Context, name: string, force: boolean, verb: string, run: (ctx: Context, name: string, force: boolean) => void): void {
  try {
    run(ctx, name, force);
  } catch (err) {
    rewrap(err, `Failed to ${verb} server ${q(name)}`);
  }
  ctx.changed();
}

export function evacuateSystem(ctx: Context, name: string, force: boolean): void {
  lifecycle(ctx, name, force, "evacuate", evacuateServer);
}

export function restoreSystem(ctx: Context, name: string, force: boolean): void {
  lifecycle(ctx, name, force, "restore", restoreServer);
}

// The writes of the raw IncusOS proxy (/{name}/os/...): IncusOS applies them (incusos.ts,
// server-data.ts) and OC's copy of the server changes with it.

export function putOSService(ctx: Context, server: ServerRecord, name: string, body: unknown): void {
  putService(ctx.incusos, server, name, body);
  ctx.changed();
}

/** PUT /os/1.0/system/{network,kernel,logging}. */
export function putOSSystem(ctx: Context, server: ServerRecord, section: "network" | "kernel" | "logging", body: unknown): void {
  if (section === "network") applyNetwork(ctx, server, body);
  else if (section === "kernel") putKernel(ctx.incusos, server, body);
  else putLogging(ctx.incusos, server, body);
  ctx.changed();
}

export function installOSApplication(ctx: Context, server: ServerRecord, body: unknown): void {
  installApplication(ctx.incusos, server, body);
  ctx.changed();
}

export function removeOSApplication(ctx: Context, server: ServerRecord, name: string): void {
  removeApplication(ctx.incusos, server, name);
  ctx.changed();
}

/** serverSvc.GetByName: 404 "Failed to get server "x" by name: Not found". */
export function getServerOrFail(ctx: Context, name: string): ServerRecord {
  const server = ctx.store.server(name);
  if (server === undefined) throw notFoundf(`Failed to get server ${q(name)} by name`);
  return server;
}

/** The server UpdateSystemNetwork/UpdateSystemStorage change: GetByName's error wrapped once more. */
export function serverToReconfigure(ctx: Context, name: string): ServerRecord {
  try {
    return getServerOrFail(ctx, name);
  } catch (err) {
    rewrap(err, `Failed to get server ${q(name)}`);
  }
}
