// Routes of Operations Center's own configuration and state, /1.0/system/{network,security,
// settings,updates,certificate} and /1.0/warnings (their model is system-model.ts), and the
// public simplestreams index of Incus images (/incus-images/...) and the OS view (/os/...), which
// answers as the real server does when it is not itself running on IncusOS. No route changes
// state.
//
// Deliberately stored but not acted on: OIDC, OpenFGA and ACME settings, the log level, and
// `rest_server_address` (it keeps listening where it was started), which would need an identity
// provider, a CA or a restart.

import type { Context } from "./context.js";
import { errorResponse, sync, emptySync, created, type ApiResponse, type Router } from "./http.js";
import { HttpError, badRequest } from "./errors.js";
import { complete } from "./spec-shapes.js";
import { decodeObject, parseUUID } from "./decode.js";
import {
  currentWarnings,
  getWarning,
  renewSystemCertificate,
  setSystemCertificate,
  setWarningStatus,
  updateSecurity,
  updateSettings,
  updateSystemNetwork,
  updateUpdatesConfig,
} from "./system-model.js";

interface SystemHooks {
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

export function registerSystemRoutes(router: Router, ctx: Context, hooks: SystemHooks): void {
  const data = () => ctx.store.data;
  const system = () => data().system;

  router.add("GET", "/1.0/system/network", () =>
    sync(complete("SystemNetwork", { address: `https://${hooks.address()}`, rest_server_address: hooks.address(), ...system().network })),
  );
  router.add("PUT", "/1.0/system/network", (req) => {
    const body = decodeObject(req.body);
    updateSystemNetwork(ctx, typeof body["address"] === "string" ? body["address"] : "", hooks.address());
    return emptySync();
  });

  router.add("GET", "/1.0/system/security", () =>
    sync(complete("Security", { ...system().security, trusted_tls_client_cert_fingerprints: [...data().trusted_fingerprints] })),
  );
  router.add("PUT", "/1.0/system/security", (req) => {
    const body = decodeObject(req.body);
    const fingerprints = body["trusted_tls_client_cert_fingerprints"];
    if (fingerprints !== undefined && fingerprints !== null && !(Array.isArray(fingerprints) && fingerprints.every((f) => typeof f === "string"))) {
      throw badRequest(
        "json: cannot unmarshal trusted_tls_client_cert_fingerprints into Go struct field SecurityPut.trusted_tls_client_cert_fingerprints of type []string",
      );
    }
    const { trusted_tls_client_cert_fingerprints: _dropped, ...rest } = body;
    updateSecurity(ctx, rest, (fingerprints ?? []) as string[]);
    return emptySync();
  });

  router.add("GET", "/1.0/system/settings", () => sync(complete("Settings", { ...DEFAULT_SETTINGS, ...system().settings })));
  router.add("PUT", "/1.0/system/settings", (req) => {
    updateSettings(ctx, decodeObject(req.body));
    return emptySync();
  });

  router.add("GET", "/1.0/system/updates", () => sync(complete("Updates", { ...DEFAULT_UPDATES, ...system().updates })));
  router.add("PUT", "/1.0/system/updates", (req) => {
    updateUpdatesConfig(ctx, decodeObject(req.body));
    return emptySync();
  });

  router.add("POST", "/1.0/system/certificate", (req) => {
    const body = decodeObject(req.body);
    const certificate = typeof body["certificate"] === "string" ? body["certificate"] : "";
    const key = typeof body["key"] === "string" ? body["key"] : "";
    hooks.replaceCertificate(setSystemCertificate(ctx, certificate, key));
    return emptySync();
  });
  router.add("POST", "/1.0/system/certificate/:renew", async () => {
    hooks.replaceCertificate(await renewSystemCertificate(ctx));
    return emptySync();
  });

  router.add("GET", "/1.0/warnings", () => sync(currentWarnings(ctx).map((w) => complete("Warning", w))));
  router.add("GET", "/1.0/warnings/{uuid}", (req) => {
    const w = getWarning(ctx, parseUUID(req.params["uuid"]!));
    return sync(complete("Warning", w));
  });
  router.add("PUT", "/1.0/warnings/{uuid}", (req) => {
    const uuid = parseUUID(req.params["uuid"]!);
    const body = decodeObject(req.body);
    setWarningStatus(ctx, uuid, typeof body["status"] === "string" ? body["status"] : "");
    return created(`/1.0/warnings/${uuid}`);
  });

  router.add("GET", "/incus-images/streams/v1/index.json", () =>
    rawJson({
      format: "index:1.0",
      index: {
        images: {
          datatype: "image-downloads",
          path: "streams/v1/images.json",
          format: "products:1.0",
          products: data().incus_images.map((i) => `${i.os}:${i.release}:${i.arch}:${i.variant}`),
        },
      },
    }),
  );
  router.add("GET", "/incus-images/streams/v1/images.json", () =>
    rawJson({
      format: "products:1.0",
      content_id: "images",
      datatype: "image-downloads",
      products: Object.fromEntries(
        data().incus_images.map((i) => [
          `${i.os}:${i.release}:${i.arch}:${i.variant}`,
          { aliases: i.aliases.join(","), arch: i.arch, os: i.os, release: i.release, variant: i.variant, versions: i.versions },
        ]),
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
