// Operations Center's own configuration and state: /1.0/system/{network,security,settings,updates,
// certificate}, /1.0/warnings, the public simplestreams index of Incus images (/incus-images/...)
// and the OS view (/os/...), which answers as the real server does when it is not itself running
// on IncusOS.
//
// `trusted_tls_client_cert_fingerprints` is the trust list the TLS layer checks, so a PUT of
// /1.0/system/security changes who is trusted at once (a client that removes its own fingerprint
// locks itself out, as on the real server). Deliberately stored but not acted on: OIDC, OpenFGA
// and ACME settings, the log level, and `rest_server_address` (it keeps listening where it was
// started), which would need an identity provider, a CA or a restart.

import { X509Certificate, createPrivateKey } from "node:crypto";
import type { Context } from "./context.js";
import { createSelfSignedCertificate } from "./certificates.js";
import { errorResponse, sync, emptySync, created, type ApiResponse, type Router } from "./http.js";
import { HttpError, badRequest, notFound, q, validation } from "./errors.js";
import { complete } from "./spec-shapes.js";
import { decodeObject, parseUUID } from "./decode.js";
import { nameUUID } from "./seeding.js";
import { nowString } from "./state.js";
import { type WarningRecord } from "./persisted.js";

export interface SystemHooks {
  /** Serves a new TLS key pair from now on (POST /1.0/system/certificate and :renew). */
  replaceCertificate(pair: { certificate: string; key: string }): void;
  /** The listen address, for /1.0/system/network. */
  address(): string;
}

const DEFAULT_SETTINGS = { log_level: "INFO", server_registration_scriptlet: "" };
const DEFAULT_UPDATES = {
  source: "https://images.linuxcontainers.org/os",
  filter_expression: "",
  file_filter_expression: "",
  image_server_authentication_by_query_param: false,
  server_default_channel: "stable",
  updates_default_channel: "stable",
  signature_verification_root_ca: "",
};

/** The warnings the model raises by itself: one "Server unreachable" per offline server. */
function syncWarnings(ctx: Context): WarningRecord[] {
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

function keyPairProblem(certificate: string, key: string): string | undefined {
  try {
    const cert = new X509Certificate(certificate);
    if (!cert.checkPrivateKey(createPrivateKey(key))) return "tls: private key does not match public key";
  } catch (err) {
    return `tls: failed to parse key pair: ${(err as Error).message}`;
  }
  return undefined;
}

export function registerSystemRoutes(router: Router, ctx: Context, hooks: SystemHooks): void {
  const data = () => ctx.store.data;
  const system = () => data().system;

  router.add("GET", "/1.0/system/network", () =>
    sync(complete("SystemNetwork", { address: `https://${hooks.address()}`, rest_server_address: hooks.address(), ...system().network })),
  );
  router.add("PUT", "/1.0/system/network", (req) => {
    const body = decodeObject(req.body);
    system().network = { address: typeof body["address"] === "string" ? body["address"] : "", rest_server_address: hooks.address() };
    ctx.changed();
    return emptySync();
  });

  router.add("GET", "/1.0/system/security", () =>
    sync(complete("Security", { ...system().security, trusted_tls_client_cert_fingerprints: [...data().trusted_fingerprints] })),
  );
  router.add("PUT", "/1.0/system/security", (req) => {
    const body = decodeObject(req.body);
    const fingerprints = body["trusted_tls_client_cert_fingerprints"];
    if (fingerprints !== undefined && fingerprints !== null && !(Array.isArray(fingerprints) && fingerprints.every((f) => typeof f === "string"))) {
      throw badRequest("json: cannot unmarshal trusted_tls_client_cert_fingerprints into Go struct field SecurityPut.trusted_tls_client_cert_fingerprints of type []string");
    }
    const list = ((fingerprints ?? []) as string[]).map((f) => f.replaceAll(":", "").toLowerCase());
    const bad = list.find((f) => !/^[0-9a-f]{64}$/.test(f));
    if (bad !== undefined) {
      throw validation(`Failed to update security configuration: Invalid fingerprint ${q(bad)}, expected a SHA-256 fingerprint (64 hex characters)`);
    }
    const { trusted_tls_client_cert_fingerprints: _dropped, ...rest } = body;
    system().security = complete("SecurityPut", rest);
    delete system().security["trusted_tls_client_cert_fingerprints"];
    data().trusted_fingerprints = [...new Set(list)];
    ctx.changed();
    return emptySync();
  });

  router.add("GET", "/1.0/system/settings", () => sync(complete("Settings", { ...DEFAULT_SETTINGS, ...system().settings })));
  router.add("PUT", "/1.0/system/settings", (req) => {
    const body = decodeObject(req.body);
    const level = typeof body["log_level"] === "string" ? body["log_level"] : "";
    if (level !== "" && !["DEBUG", "INFO", "WARN", "ERROR"].includes(level.toUpperCase())) {
      throw validation(`Failed to update settings configuration: Invalid log level ${q(level)}`);
    }
    system().settings = complete("SettingsPut", body);
    ctx.changed();
    return emptySync();
  });

  router.add("GET", "/1.0/system/updates", () => sync(complete("Updates", { ...DEFAULT_UPDATES, ...system().updates })));
  router.add("PUT", "/1.0/system/updates", (req) => {
    const body = decodeObject(req.body);
    const channel = typeof body["server_default_channel"] === "string" ? body["server_default_channel"] : "";
    if (channel !== "" && !data().channels.some((c) => c.name === channel)) {
      throw validation(`Failed to update updates configuration: Channel ${q(channel)} does not exist`);
    }
    system().updates = complete("UpdatesPut", body);
    ctx.changed();
    return emptySync();
  });

  router.add("POST", "/1.0/system/certificate", (req) => {
    const body = decodeObject(req.body);
    const certificate = typeof body["certificate"] === "string" ? body["certificate"] : "";
    const key = typeof body["key"] === "string" ? body["key"] : "";
    const problem = keyPairProblem(certificate, key);
    if (problem !== undefined) throw validation(`Failed to update system certificate: ${problem}`);
    data().tls = { certificate, key };
    hooks.replaceCertificate(data().tls);
    ctx.changed();
    return emptySync();
  });
  router.add("POST", "/1.0/system/certificate/:renew", async () => {
    const pair = await createSelfSignedCertificate({ commonName: "local-oc", usage: "server", dnsNames: ["localhost"], ipAddresses: ["127.0.0.1", "::1"] });
    data().tls = pair;
    hooks.replaceCertificate(pair);
    ctx.changed();
    return emptySync();
  });

  router.add("GET", "/1.0/warnings", () => sync(syncWarnings(ctx).map((w) => complete("Warning", w))));
  router.add("GET", "/1.0/warnings/{uuid}", (req) => {
    const uuid = parseUUID(req.params["uuid"]!);
    const w = syncWarnings(ctx).find((x) => x.uuid === uuid);
    if (w === undefined) throw notFound();
    return sync(complete("Warning", w));
  });
  router.add("PUT", "/1.0/warnings/{uuid}", (req) => {
    const uuid = parseUUID(req.params["uuid"]!);
    const body = decodeObject(req.body);
    const w = syncWarnings(ctx).find((x) => x.uuid === uuid);
    if (w === undefined) throw notFound().wrap(`Failed to get warning ${q(uuid)}`);
    const status = typeof body["status"] === "string" ? body["status"] : "";
    if (!["new", "acknowledged"].includes(status)) throw validation(`Failed updating warning ${q(uuid)}: Invalid warning status ${q(status)}`);
    w.status = status;
    w.last_updated = nowString();
    ctx.changed();
    return created(`/1.0/warnings/${uuid}`);
  });

  router.add("GET", "/incus-images/streams/v1/index.json", () =>
    rawJson({ format: "index:1.0", index: { images: { datatype: "image-downloads", path: "streams/v1/images.json", format: "products:1.0", products: data().incus_images.map((i) => `${i.os}:${i.release}:${i.arch}:${i.variant}`) } } }),
  );
  router.add("GET", "/incus-images/streams/v1/images.json", () =>
    rawJson({
      format: "products:1.0",
      content_id: "images",
      datatype: "image-downloads",
      products: Object.fromEntries(
        data().incus_images.map((i) => [`${i.os}:${i.release}:${i.arch}:${i.variant}`, { aliases: i.aliases.join(","), arch: i.arch, os: i.os, release: i.release, variant: i.variant, versions: i.versions }]),
      ),
    }),
  );
}

/** A plain JSON file (simplestreams), not the API envelope. */
function rawJson(value: unknown): ApiResponse {
  return { status: 200, headers: { "Content-Type": "application/json" }, body: JSON.stringify(value) };
}

/** /os/...: Operations Center proxies its own IncusOS here, which a local one does not run on. */
export function osView(): ApiResponse {
  return errorResponse(new HttpError(400, "Bad Request: System isn't running IncusOS"));
}
