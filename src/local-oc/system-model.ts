// Model layer of Operations Center's own configuration and state (/1.0/system/*, /1.0/warnings):
// the only code that changes it, with OC's checks and errors; each change is marked for
// persistence. The routes (system.ts) decode requests into these calls and encode the answers.
//
// `trusted_tls_client_cert_fingerprints` is the trust list the TLS layer checks, so a security
// update changes who is trusted at once (a client that removes its own fingerprint locks itself
// out, as on the real server).

import { X509Certificate, createPrivateKey } from "node:crypto";
import { createSelfSignedCertificate, type KeyPair } from "./certificates.js";
import type { Context } from "./context.js";
import { notFound, q, validation } from "./errors.js";
import type { WarningRecord } from "./persisted.js";
import { nameUUID } from "./seeding.js";
import { complete } from "./spec-shapes.js";
import { nowString } from "./state.js";

/**
 * The warnings the model raises by itself: one "Server unreachable" per offline server. They are
 * raised on read and not marked for persistence: the next change writes them with the rest.
 */
export function currentWarnings(ctx: Context): WarningRecord[] {
  const data = ctx.store.data;
  for (const server of data.servers.filter((s) => s.status === "offline")) {
    const uuid = nameUUID("warning", "Server unreachable", server.name);
    if (data.warnings.some((w) => w.uuid === uuid)) continue;
    const now = nowString();
    data.warnings.push({
      uuid,
      type: "Server unreachable",
      scope: { scope: "server", entity_type: "server", entity: server.name },
      status: "new",
      messages: [`Server ${q(server.name)} (${server.connection_url}) did not answer`],
      count: 1,
      first_occurrence: now,
      last_occurrence: now,
      last_updated: now,
    });
  }
  return data.warnings;
}

/** The warning, raised first if due, or 404 (wrapped in `context` where OC wraps it). */
export function getWarning(ctx: Context, uuid: string, context?: string): WarningRecord {
  const w = currentWarnings(ctx).find((x) => x.uuid === uuid);
  if (w === undefined) throw context === undefined ? notFound() : notFound().wrap(context);
  return w;
}

export function setWarningStatus(ctx: Context, uuid: string, status: string): void {
  const w = getWarning(ctx, uuid, `Failed to get warning ${q(uuid)}`);
  if (!["new", "acknowledged"].includes(status)) throw validation(`Failed updating warning ${q(uuid)}: Invalid warning status ${q(status)}`);
  w.status = status;
  w.last_updated = nowString();
  ctx.changed();
}

export function updateSystemNetwork(ctx: Context, address: string, restServerAddress: string): void {
  ctx.store.data.system.network = { address, rest_server_address: restServerAddress };
  ctx.changed();
}

/** The SecurityPut fields besides the fingerprints, and the fingerprints as given. */
export function updateSecurity(ctx: Context, security: Record<string, unknown>, fingerprints: string[]): void {
  const data = ctx.store.data;
  const list = fingerprints.map((f) => f.replaceAll(":", "").toLowerCase());
  const bad = list.find((f) => !/^[0-9a-f]{64}$/.test(f));
  if (bad !== undefined) {
    throw validation(`Failed to update security configuration: Invalid fingerprint ${q(bad)}, expected a SHA-256 fingerprint (64 hex characters)`);
  }
  data.system.security = complete("SecurityPut", security);
  delete data.system.security["trusted_tls_client_cert_fingerprints"];
  data.trusted_fingerprints = [...new Set(list)];
  ctx.changed();
}

export function updateSettings(ctx: Context, settings: Record<string, unknown>): void {
  const level = typeof settings["log_level"] === "string" ? settings["log_level"] : "";
  if (level !== "" && !["DEBUG", "INFO", "WARN", "ERROR"].includes(level.toUpperCase())) {
    throw validation(`Failed to update settings configuration: Invalid log level ${q(level)}`);
  }
  ctx.store.data.system.settings = complete("SettingsPut", settings);
  ctx.changed();
}

export function updateUpdatesConfig(ctx: Context, updates: Record<string, unknown>): void {
  const channel = typeof updates["server_default_channel"] === "string" ? updates["server_default_channel"] : "";
  if (channel !== "" && !ctx.store.data.channels.some((c) => c.name === channel)) {
    throw validation(`Failed to update updates configuration: Channel ${q(channel)} does not exist`);
  }
  ctx.store.data.system.updates = complete("UpdatesPut", updates);
  ctx.changed();
}

/** Records a new TLS key pair for OC's API; the caller serves it. */
export function setSystemCertificate(ctx: Context, certificate: string, key: string): KeyPair {
  const problem = keyPairProblem(certificate, key);
  if (problem !== undefined) throw validation(`Failed to update system certificate: ${problem}`);
  ctx.store.data.tls = { certificate, key };
  ctx.changed();
  return ctx.store.data.tls;
}

/** Makes and records a new self-signed key pair for OC's API; the caller serves it. */
export async function renewSystemCertificate(ctx: Context): Promise<KeyPair> {
  const pair = await createSelfSignedCertificate({ commonName: "local-oc", usage: "server", dnsNames: ["localhost"], ipAddresses: ["127.0.0.1", "::1"] });
  ctx.store.data.tls = pair;
  ctx.changed();
  return pair;
}

function keyPairProblem(certificate: string, key: string): string | undefined {
  try {
    const cert = new X509Certificate(certificate);
    if (!cert.checkPrivateKey(createPrivateKey(key))) return "tls: private key does not match public key";
  } catch (err) {
    return `tls: failed to parse key pair: ${(err as Error).message}`;
  }
  return undefined;
}
