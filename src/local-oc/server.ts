// The local Operations Center: a TLS 1.3 server that serves Operations Center's REST API over
// in-memory registered servers with simulated IncusOS state.
//
// Request pipeline, in order:
//   1. /local-oc/* control endpoints (control.ts; trusted clients only except health; never
//      subject to faults), among them the local OIDC issuer (oidc-routes.ts)
//   2. faults (faults.ts): the kill point (held, or 503, once a named request was answered),
//      latency, holds, then a scripted or random drop (socket destroyed, no reply) or 503
//      (envelope); a scripted lose-reply runs the request and then drops the reply
//   3. /ui/ static files (when a UI directory is configured), GET / (["/1.0"] or 301 to /ui/)
//   4. authentication of /1.0 and /os: with OIDC configured, a bearer token (or oidc_access
//      cookie) decides first, a bad one is 401 (oidc.ts); then a client certificate whose SHA-256
//      fingerprint is trusted; otherwise only the routes OC leaves open (GET /1.0, registration,
//      :self, updates, token seeds) answer, everything else is 401; other paths (/oidc,
//      /incus-images) are not guarded
//   5. the OS view (/os/...), the /os/ proxy of a server, then Go-mux-like routing (plain-text
//      404/405); /incus/* only with the incusSharedRoute opt-in
// Each cluster's own Incus listener (incus/listeners.ts) goes through 2, then straight to the
// routing as /incus/{cluster}/... (its trust is the cluster's, incus/access.ts).

import { createServer, type Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { TLSSocket } from "node:tls";
import { readFile, stat } from "node:fs/promises";
import { extname, join, resolve, sep } from "node:path";
import { isIP } from "node:net";
import { certificateFingerprint, createSelfSignedCertificate, listenerServerOptions, listenerTls, type KeyPair } from "./certificates.js";
import { Context, type Faults } from "./context.js";
import { faultsSchema, type FaultDecision } from "./faults.js";
import { HttpError, toHttpError } from "./errors.js";
import { Router, errorResponse, plainText, sync, type ApiResponse, type PeerIdentity } from "./http.js";
import { registerServerRoutes, handleOsProxy } from "./servers.js";
import { registerClusterRoutes } from "./clusters.js";
import { registerTemplateRoutes } from "./cluster-templates.js";
import { registerBulkUpdateRoute } from "./bulk-update.js";
import { defaultSeedServers, loadSeed, parseSeed, type Seed, type SeedDocument } from "./seed.js";
import { Store, deepCopy } from "./state.js";
import { STATE_FORMAT, type ClusterRecord, type PersistedState, type ServerRecord, type TemplateRecord } from "./persisted.js";
import { applySeed, emptyModel, ensureChannels, ensureUpdates, type Model } from "./seeding.js";
import { control, parseModel, type ControlTarget } from "./control.js";
import { registerProvisioningRoutes } from "./provisioning.js";
import { osView, registerSystemRoutes } from "./system.js";
import { registerServerActionRoutes } from "./server-actions.js";
import { registerInventoryRoutes } from "./inventory.js";
import { registerIncusRoutes } from "./incus/routes.js";
import { registerIncusCertificateRoutes } from "./incus/certificate-routes.js";
import { IncusListeners } from "./incus/listeners.js";
import { writeIncusConfigDir } from "./incus/cli-config.js";
import { writeClientConfigDir } from "./client-config.js";
import {
  DEFAULT_ACCESS_TOKEN_TTL_S,
  DEFAULT_CLIENT_ID,
  ISSUER_PATH,
  OidcIssuer,
  authenticateBearer,
  oidcConfigOf,
  oidcHeaders,
  type TokenResponse,
} from "./oidc.js";
import { hostPort } from "./incusos.js";
import { serveIssuer } from "./oidc-routes.js";
import { redactQuery, redactRequestBody } from "./request-log.js";
import { redactString } from "../client/redact.js";
import { toPem } from "../x509/certificate.js";

export type { Faults };

export interface LocalOperationsCenterOptions {
  /** Address to listen on (default 127.0.0.1). */
  host?: string;
  /** Port (default 0: a free port). */
  port?: number;
  /** Register N ready servers server01..serverNN (default 3 when neither servers nor seed is given). */
  servers?: number;
  /** Seed: a YAML file path or a parsed document. */
  seed?: string | SeedDocument;
  /** Persist everything here (atomic writes) and reload it on start; keeps the TLS key pair too. */
  statePath?: string;
  /** Serve this directory under /ui/ (index.html fallback), same origin as /1.0. */
  uiDir?: string;
  /** How long a cluster create blocks before it answers (default 50 ms). */
  createDelayMs?: number;
  /**
   * How long a factory-reset server takes to register again, as a reinstalled server whose seed
   * carries a registration token does (default 200 ms).
   */
  reregisterDelayMs?: number;
  /** How long `system/:evacuate` keeps a server evacuating (in_maintenance 1) before 2 (default 0). */
  evacuationDelayMs?: number;
  /** How long each step of a cluster :update/:reboot takes in the control loop (default 250 ms). */
  updateStepMs?: number;
  /**
   * How long after a network change on a server OC polls it and refreshes its stored copy, as it
   * does on IncusOS' network-config-changed notice (default 1000 ms; 0: at once, before the
   * answer; beyond 2^31-1 ms: never, until a poll through :resync, a bulk action or
   * POST /local-oc/poll).
   */
  selfUpdatePollDelayMs?: number;
  /**
   * What the join check and services copy of `:add-servers` make of a ceph/linstor service the
   * server does not support (no incus-ceph/incus-linstor application): "empty" (default) counts
   * it as its empty config, as the expected upstream fix does; "error" answers 500 as
   * operations-center 41a98e0 does.
   */
  unsupportedServiceConfig?: "empty" | "error";
  faults?: Faults;
  /** One line per request: method path status ms. */
  log?: (line: string) => void;
  /**
   * Clusters also trust the client certificates Operations Center trusts (default false: a real
   * cluster trusts only its application config's `certificates` and `POST /1.0/certificates`).
   */
  incusTrustOperationsCenterClients?: boolean;
  /** Also serve each cluster's Incus API under /incus/{cluster} on OC's own listener, with OC's certificate (default false). */
  incusSharedRoute?: boolean;
  /** Keep an incus CLI configuration in this directory: one remote per cluster (incus/cli-config.ts). */
  incusConfigDir?: string;
  /**
   * Act as its own OIDC issuer at URL/local-oc/oidc (oidc.ts) and configure security.oidc with it,
   * so that bearer tokens it issues authenticate (and any other bearer is refused) as OC does.
   */
  oidcIssuer?: boolean | { clientId?: string; accessTokenTtlS?: number };
}

export interface RequestLogEntry {
  method: string;
  path: string;
  query: Record<string, string>;
  /** HTTP status; 0 when the connection was dropped without a reply. */
  status: number;
  durationMs: number;
  /**
   * The parsed JSON request body, when there was one. In-process (`requests`) it is as sent;
   * GET /local-oc/requests replaces every secret in it (and a `token` query value) with "<redacted>".
   */
  body?: unknown;
}

export interface LocalClusterSnapshot extends ClusterRecord {
  /** Names of the member servers, in name order. */
  members: string[];
  /** What the cluster was created with (OC passes these to clustering and post-clustering). */
  server_names: string[];
  services_config: Record<string, unknown>;
  /** The application config (Incus preseed) the cluster was created with. */
  application_seed_config: Record<string, unknown>;
  cluster_template: string;
}

export interface LocalStateSnapshot {
  /** Registered servers with their simulated IncusOS state (`incusos`) and OC's stored copy of it (`stored`). */
  servers: ServerRecord[];
  clusters: LocalClusterSnapshot[];
  templates: TemplateRecord[];
  /** Factory-reset servers that have not registered again yet. */
  pendingRegistrations: string[];
  trustedFingerprints: string[];
}

export interface LocalOperationsCenter {
  /** https://HOST:PORT */
  readonly url: string;
  /** The server certificate (PEM), to pin. */
  readonly serverCertificate: string;
  /**
   * Writes an operations-center CLI config dir. With TLS (the default) its client certificate is
   * trusted; with `auth: "oidc"` (needs the issuer) the remote is `auth_type: oidc` with a token
   * file from the issuer, and the client certificate is a fresh one OC does not trust.
   */
  writeClientConfig(dir: string, options?: { auth?: "tls" | "oidc" }): Promise<{ dir: string; fingerprint: string }>;
  /** The local OIDC issuer's URL, when it runs. */
  readonly oidcIssuer: string | undefined;
  /** New tokens from the local issuer (as POST /local-oc/oidc/mint); throws when it does not run. */
  mintOidcTokens(subject?: string, expiresInS?: number): TokenResponse;
  /** Trusts a client certificate (PEM) by its SHA-256 fingerprint. */
  trustClientCertificate(pem: string): void;
  /** Where a ready cluster's Incus API listens and the certificate it presents. */
  incusEndpoint(cluster: string): { url: string; certificate: string } | undefined;
  /**
   * Keeps an incus CLI configuration in `dir` from now on (one remote per cluster, its server
   * certificate pinned), with the client certificate of the latest writeClientConfig as client.crt.
   */
  writeIncusConfig(dir: string): Promise<string>;
  /** Every request, in order, including failed and dropped ones. */
  readonly requests: readonly RequestLogEntry[];
  clearRequests(): void;
  setFaults(faults: Faults): void;
  /** A deep copy of the whole state. */
  snapshot(): LocalStateSnapshot;
  /**
   * Registers every factory-reset server now rather than after `reregisterDelayMs`; returns their
   * names. With a long delay this makes the moment of re-registration the caller's choice.
   */
  registerPendingNow(): Promise<string[]>;
  /**
   * Moves every running cluster :update/:reboot one step on now (the control loop otherwise steps
   * every `updateStepMs`); returns the number of clusters still in progress.
   */
  advanceClusterOperations(): number;
  /** Back to the seeded start: the seed applied again on an empty model; trust and the TLS key are kept. */
  reset(): Promise<void>;
  /** The whole model (servers with their IncusOS state, clusters, templates, tokens, ...), to restore later. */
  saveSnapshot(): Model;
  /** Replaces the model with a snapshot; throws (changing nothing) when it does not validate. */
  restoreSnapshot(model: unknown): void;
  close(): Promise<void>;
}

const SERVER_VERSION = "0.1.0 (oc-cdktf local-oc)";

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
};

function seedOf(options: LocalOperationsCenterOptions): { seed: Seed; source: string } {
  if (options.seed !== undefined) {
    return typeof options.seed === "string"
      ? { seed: loadSeed(options.seed), source: options.seed }
      : { seed: parseSeed(options.seed, "document"), source: "document" };
  }
  return { seed: parseSeed({ servers: defaultSeedServers(options.servers ?? 3) }), source: "(default)" };
}

async function freshState(host: string): Promise<PersistedState> {
  const ipAddresses = ["127.0.0.1", "::1"];
  if (isIP(host) !== 0 && !ipAddresses.includes(host)) ipAddresses.push(host);
  const dnsNames = ["localhost"];
  if (isIP(host) === 0 && host !== "localhost") dnsNames.push(host);
  const tls = await createSelfSignedCertificate({ commonName: "local-oc", usage: "server", dnsNames, ipAddresses });
  return { format: STATE_FORMAT, tls, trusted_fingerprints: [], ...emptyModel() };
}

/** isAuthenticationRequired of the real daemon: the routes a client without trust may call. */
function authenticationRequired(method: string, path: string): boolean {
  if ((method === "GET" || method === "HEAD") && path === "/1.0") return false;
  if (method === "POST" && path === "/1.0/provisioning/servers") return false;
  if (method === "PUT" && path === "/1.0/provisioning/servers/:self") return false;
  if ((method === "GET" || method === "HEAD") && path.startsWith("/1.0/provisioning/updates")) return false;
  if ((method === "GET" || method === "HEAD") && /^\/1\.0\/provisioning\/tokens\/[^/]+\/seeds\/[^/]+$/.test(path)) return false;
  return true;
}

// TLS 1.3 has no renegotiation, so a connection's client certificate is read once, not per request.
const peerIdentities = new WeakMap<object, PeerIdentity | null>();

function peerIdentity(req: IncomingMessage): PeerIdentity | undefined {
  const socket = req.socket as TLSSocket;
  let identity = peerIdentities.get(socket);
  if (identity === undefined) {
    const peer = typeof socket.getPeerCertificate === "function" ? socket.getPeerCertificate() : undefined;
    if (peer === undefined || peer === null || peer.raw === undefined || peer.fingerprint256 === undefined) {
      identity = null;
    } else {
      identity = {
        certificate: toPem("CERTIFICATE", peer.raw),
        fingerprint: peer.fingerprint256.replaceAll(":", "").toLowerCase(),
      };
    }
    peerIdentities.set(socket, identity);
  }
  return identity ?? undefined;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolveBody(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function parsedBody(body: string): unknown {
  if (body.trim() === "") return undefined;
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

export async function startLocalOperationsCenter(options: LocalOperationsCenterOptions = {}): Promise<LocalOperationsCenter> {
  const host = options.host ?? "127.0.0.1";
  const loaded = options.statePath !== undefined ? Store.load(options.statePath) : undefined;
  const store = new Store(loaded ?? (await freshState(host)), options.statePath);
  const ctx = new Context(
    store,
    {
      createDelayMs: options.createDelayMs ?? 50,
      reregisterDelayMs: options.reregisterDelayMs ?? 200,
      evacuationDelayMs: options.evacuationDelayMs ?? 0,
      updateStepMs: options.updateStepMs ?? 250,
      selfUpdatePollDelayMs: options.selfUpdatePollDelayMs ?? 1000,
    },
    options.unsupportedServiceConfig ?? "empty",
  );
  ctx.faults = faultsSchema.parse(options.faults ?? {});

  const requests: RequestLogEntry[] = [];
  /** The body of each logged request as GET /local-oc/requests shows it (secrets replaced). */
  const shown = new WeakMap<RequestLogEntry, unknown>();
  const templateTexts = (name: string) => {
    const t = store.template(name);
    return t === undefined ? undefined : { servicesTemplate: t.service_config_template, applicationTemplate: t.application_config_template };
  };
  const log = options.log;

  const router = new Router();
  registerServerRoutes(router, ctx);
  registerClusterRoutes(router, ctx);
  registerBulkUpdateRoute(router, ctx);
  registerTemplateRoutes(router, ctx);
  registerProvisioningRoutes(router, ctx);
  registerServerActionRoutes(router, ctx);
  registerSystemRoutes(router, ctx, {
    replaceCertificate: (pair) => server.setSecureContext(listenerTls(pair)),
    address: () => hostPort(host, listeningPort),
  });
  registerInventoryRoutes(router, ctx);
  const incusAccess = { trustOperationsCenterClients: options.incusTrustOperationsCenterClients === true };
  registerIncusRoutes(router, ctx, incusAccess);
  registerIncusCertificateRoutes(router, ctx, incusAccess);

  let listeningPort = 0;
  const seeding = seedOf(options);
  const seedModel = async () => {
    Object.assign(store.data, emptyModel());
    await applySeed(ctx, router, seeding.seed, seeding.source);
  };
  if (loaded === undefined) {
    await seedModel();
  } else {
    ensureChannels(store.data);
    ensureUpdates(store.data);
  }
  ctx.resume();
  store.save();

  const isTrusted = (req: IncomingMessage): boolean => {
    const peer = peerIdentity(req);
    return peer !== undefined && store.data.trusted_fingerprints.includes(peer.fingerprint);
  };

  async function serveUi(path: string): Promise<ApiResponse | undefined> {
    if (options.uiDir === undefined) return undefined;
    const root = resolve(options.uiDir);
    const relative = decodeURIComponent(path.slice("/ui/".length));
    const candidate = resolve(join(root, relative));
    const inside = candidate === root || candidate.startsWith(root + sep);
    for (const file of inside ? [candidate, join(root, "index.html")] : [join(root, "index.html")]) {
      try {
        if ((await stat(file)).isFile()) {
          return {
            status: 200,
            headers: { "Content-Type": CONTENT_TYPES[extname(file)] ?? "application/octet-stream" },
            body: await readFile(file),
          };
        }
      } catch {
        // try the next candidate
      }
    }
    return plainText(404, "404 page not found");
  }

  const controlTarget: ControlTarget = {
    ctx,
    faultsSchema,
    requests: () => requests.map((entry) => ({ ...entry, query: redactQuery(entry.query), ...(shown.has(entry) ? { body: shown.get(entry) } : {}) })),
    clearRequests: () => {
      requests.length = 0;
    },
    reset: async () => {
      ctx.cancelPending();
      await seedModel();
      ctx.resume();
      configureOidc();
      store.save();
    },
    snapshot: () => {
      const { format: _format, tls: _tls, trusted_fingerprints: _trusted, ...model } = store.data;
      return deepCopy(model);
    },
    restore: (value) => {
      const model = parseModel(value);
      ctx.cancelPending();
      Object.assign(store.data, model);
      ensureChannels(store.data);
      ctx.resume();
      store.save();
    },
    startedAt: Date.now(),
    version: SERVER_VERSION,
  };

  async function dispatch(req: IncomingMessage, method: string, path: string, query: URLSearchParams, body: string): Promise<ApiResponse> {
    if (path === "/ui" || path.startsWith("/ui/")) {
      if (path === "/ui") return { status: 301, headers: { Location: "/ui/" }, body: "" };
      const ui = await serveUi(path);
      if (ui !== undefined) return ui;
    }
    // Only /1.0 and /os sit behind the authenticator; other paths (/oidc/*, /incus-images/*) go
    // straight to the mux, so an unknown one is a plain 404 for anyone.
    const guarded = path === "/1.0" || path.startsWith("/1.0/") || path === "/os" || path.startsWith("/os/");
    // A bearer token decides before the client certificate (oidc.ts).
    let oidcUser: string | undefined;
    if (guarded) {
      const config = oidcConfigOf(store.data.system.security);
      try {
        oidcUser = authenticateBearer(config, oidcIssuer, req.headers);
      } catch (err) {
        if (err instanceof HttpError && config !== undefined) return errorResponse(err, oidcHeaders(config));
        throw err;
      }
    }
    const trustedClient = oidcUser !== undefined || isTrusted(req);
    if (path === "/" && (method === "GET" || method === "HEAD")) {
      if (/Gecko/.test(String(req.headers["user-agent"] ?? "")) && options.uiDir !== undefined) {
        return { status: 301, headers: { Location: "/ui/" }, body: "" };
      }
      return sync(["/1.0"]);
    }
    if (path === "/1.0" && (method === "GET" || method === "HEAD")) {
      return sync({
        api_status: "devel",
        api_version: "1.0",
        auth: oidcUser !== undefined ? "oidc" : trustedClient ? "tls" : "untrusted",
        auth_methods: ["oidc", "tls"],
        server_version: SERVER_VERSION,
      });
    }
    if (guarded && !trustedClient && authenticationRequired(method, path)) throw new HttpError(401, "unauthorized");
    if (path === "/os" || path.startsWith("/os/")) return osView();
    const proxied = handleOsProxy(ctx, method, path, body);
    if (proxied !== undefined) return proxied;
    if ((path === "/incus" || path.startsWith("/incus/")) && options.incusSharedRoute !== true) return plainText(404, "404 page not found");
    return await route(req, method, path, query, body);
  }

  /** Go-mux-like routing; a request to a cluster's own listener comes here directly (its path already /incus/{cluster}/...). */
  async function route(req: IncomingMessage, method: string, path: string, query: URLSearchParams, body: string): Promise<ApiResponse> {
    const match = router.match(method, path);
    if (match.kind === "not-found") return plainText(404, "404 page not found");
    if (match.kind === "method-not-allowed") return plainText(405, "Method Not Allowed", { Allow: match.allow.join(", ") });
    const peer = peerIdentity(req);
    return await match.handler({ method, path, params: match.params, query, body, headers: req.headers, ...(peer !== undefined ? { peer } : {}) });
  }

  /**
   * A request to OC's listener, or to the Incus listener of `cluster`: that one is logged and
   * routed as /incus/{cluster}/... (the request log tells the clusters apart by that prefix).
   */
  async function handle(req: IncomingMessage, res: ServerResponse, cluster?: string): Promise<void> {
    const started = performance.now();
    const method = req.method ?? "GET";
    const url = new URL(req.url ?? "/", "https://local-oc");
    const path = cluster === undefined ? url.pathname : `/incus/${encodeURIComponent(cluster)}${url.pathname}`;
    const query = url.searchParams;
    const body = await readBody(req);
    if (restoredSync !== undefined) {
      const pending = restoredSync;
      restoredSync = undefined;
      await pending;
    }
    const entry: RequestLogEntry = { method, path, query: Object.fromEntries(query), status: 0, durationMs: 0 };
    const json = parsedBody(body);
    if (json !== undefined) entry.body = json;
    requests.push(entry);
    // Redacted now, against the templates as they are when the request arrives.
    if (json !== undefined) shown.set(entry, redactRequestBody(path, json, templateTexts));
    const finish = (status: number) => {
      entry.status = status;
      entry.durationMs = Math.round((performance.now() - started) * 10) / 10;
      log?.(`${method} ${redactString(req.url ?? path)} ${status} ${Math.round(entry.durationMs)}ms`);
    };

    let response: ApiResponse;
    let fault: FaultDecision = "none";
    const version = store.version;
    try {
      if (cluster === undefined && oidcIssuer !== undefined && path.startsWith(`${ISSUER_PATH}/`)) {
        response = serveIssuer(oidcIssuer, method, path, body, isTrusted(req));
      } else if (cluster === undefined && path.startsWith("/local-oc/")) {
        if (path !== "/local-oc/health" && !isTrusted(req)) throw new HttpError(401, "unauthorized");
        response = await control(controlTarget, method, path, body);
      } else {
        fault = await ctx.injector.decide(method, path, `${req.url ?? path}\n${body}`);
        if (fault === "drop") {
          finish(0);
          req.socket.destroy();
          return;
        }
        if (fault === "error") throw new HttpError(503, "Service Unavailable: injected fault (local-oc)");
        response = cluster === undefined ? await dispatch(req, method, path, query, body) : await route(req, method, path, query, body);
      }
    } catch (err) {
      response = errorResponse(toHttpError(err));
    }
    // What this request changed (on success or failure) is on disk before the client hears of it.
    if (store.version !== version) {
      try {
        await store.flush();
      } catch (err) {
        response = errorResponse(toHttpError(err));
      }
    }
    // The store marks changes only when it persists, so every request that may change clusters syncs.
    if (method !== "GET" && method !== "HEAD") {
      try {
        await syncIncus();
      } catch (err) {
        response = errorResponse(toHttpError(err));
      }
    }
    if (fault === "lose-reply") {
      // The change is made (and saved); only the answer is lost.
      finish(0);
      req.socket.destroy();
    } else {
      res.writeHead(response.status, response.headers);
      res.end(method === "HEAD" ? undefined : response.body);
      finish(response.status);
    }
    // A cluster's Incus listener too: its requests are named as logged, /incus/{cluster}/1.0/...
    ctx.handled(method, path, response.status);
  }

  function serve(req: IncomingMessage, res: ServerResponse, cluster?: string): void {
    handle(req, res, cluster).catch((err: unknown) => {
      // A bug, not an API answer: still reply rather than hang the client.
      if (!res.headersSent) {
        const r = errorResponse(new HttpError(500, err instanceof Error ? err.message : String(err)));
        res.writeHead(r.status, r.headers);
        res.end(r.body);
      }
    });
  }

  const incusListeners = new IncusListeners(store, host, (cluster, req, res) => serve(req, res, cluster));
  const incusConfigDirs = new Set<string>();
  /** The client certificate the incus CLI configuration carries: the latest writeClientConfig's, else one made for it. */
  let incusClient: KeyPair | undefined;
  const writeIncusConfigs = async () => {
    if (incusConfigDirs.size === 0) return;
    incusClient ??= await createSelfSignedCertificate({ commonName: "oc-cdktf local-oc client", usage: "client" });
    for (const dir of incusConfigDirs) await writeIncusConfigDir(dir, incusListeners.endpoints(), incusClient);
  };
  /** Listener changes and config writes run one at a time, in the order asked. */
  let incusQueue: Promise<void> = Promise.resolve();
  const incusInOrder = (work: () => Promise<void>): Promise<void> => {
    const next = incusQueue.catch(() => undefined).then(work);
    incusQueue = next;
    return next;
  };
  /** Listeners (and the incus CLI configuration) follow the clusters after every change. */
  const syncIncus = () =>
    incusInOrder(async () => {
      if (await incusListeners.sync()) await writeIncusConfigs();
    });
  let restoredSync: Promise<void> | undefined;

  /** The local issuer, made once the address is known. */
  let oidcIssuer: OidcIssuer | undefined;
  /** OC's security.oidc names the local issuer, as an operator configures OC for their IdP. */
  const configureOidc = () => {
    if (oidcIssuer === undefined) return;
    store.data.system.security["oidc"] = { issuer: oidcIssuer.issuer, client_id: oidcIssuer.clientId, scopes: "", audience: "", claim: "" };
    store.save();
  };

  const server: Server = createServer(listenerServerOptions(store.data.tls), (req, res) => serve(req, res));

  await new Promise<void>((resolveListen, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolveListen();
    });
  });
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : (options.port ?? 0);
  listeningPort = port;
  const url = `https://${hostPort(host, port)}`;
  if (options.oidcIssuer !== undefined && options.oidcIssuer !== false) {
    const settings = options.oidcIssuer === true ? {} : options.oidcIssuer;
    oidcIssuer = await OidcIssuer.create({
      issuer: `${url}${ISSUER_PATH}`,
      clientId: settings.clientId ?? DEFAULT_CLIENT_ID,
      accessTokenTtlS: settings.accessTokenTtlS ?? DEFAULT_ACCESS_TOKEN_TTL_S,
    });
    configureOidc();
  }
  await syncIncus();
  if (options.incusConfigDir !== undefined) {
    incusConfigDirs.add(resolve(options.incusConfigDir));
    await incusInOrder(writeIncusConfigs);
  }

  let closed = false;
  const trust = (pem: string) => {
    const fingerprint = certificateFingerprint(pem);
    if (!store.data.trusted_fingerprints.includes(fingerprint)) {
      store.data.trusted_fingerprints.push(fingerprint);
      store.save();
    }
    return fingerprint;
  };

  return {
    url,
    serverCertificate: store.data.tls.certificate,
    async writeClientConfig(dir: string, config: { auth?: "tls" | "oidc" } = {}) {
      const pair = await createSelfSignedCertificate({ commonName: "oc-cdktf local-oc client", usage: "client" });
      if (config.auth === "oidc") {
        if (oidcIssuer === undefined) throw new Error("an oidc client configuration needs the local OIDC issuer (option oidcIssuer, flag --oidc-issuer)");
        const oidc = { issuer: oidcIssuer.issuer, clientId: oidcIssuer.clientId, tokens: oidcIssuer.mint("local-oc-user") };
        const written = await writeClientConfigDir(dir, { url, serverCertificate: store.data.tls.certificate, client: pair, oidc });
        return { dir: written, fingerprint: certificateFingerprint(pair.certificate) };
      }
      const fingerprint = trust(pair.certificate);
      const written = await writeClientConfigDir(dir, { url, serverCertificate: store.data.tls.certificate, client: pair });
      incusClient = pair;
      await incusInOrder(writeIncusConfigs);
      return { dir: written, fingerprint };
    },
    incusEndpoint(cluster: string) {
      const endpoint = incusListeners.endpoint(cluster);
      return endpoint === undefined ? undefined : { url: endpoint.url, certificate: endpoint.certificate };
    },
    async writeIncusConfig(dir: string) {
      incusConfigDirs.add(resolve(dir));
      await incusInOrder(writeIncusConfigs);
      return resolve(dir);
    },
    trustClientCertificate(pem: string) {
      trust(pem);
    },
    get oidcIssuer() {
      return oidcIssuer?.issuer;
    },
    mintOidcTokens(subject = "local-oc-user", expiresInS?: number) {
      if (oidcIssuer === undefined) throw new Error("the local OIDC issuer does not run (option oidcIssuer, flag --oidc-issuer)");
      return oidcIssuer.mint(subject, expiresInS);
    },
    requests,
    clearRequests() {
      requests.length = 0;
    },
    setFaults(faults: Faults) {
      ctx.faults = faultsSchema.parse(faults);
    },
    snapshot(): LocalStateSnapshot {
      const data = store.data;
      return deepCopy({
        servers: store.serversSorted(),
        clusters: data.clusters.map((c) => {
          const inputs = data.creation_inputs[c.name];
          return {
            ...c,
            members: store.members(c.name).map((m) => m.name),
            server_names: inputs?.server_names ?? [],
            services_config: inputs?.services_config ?? {},
            application_seed_config: inputs?.application_seed_config ?? {},
            cluster_template: inputs?.cluster_template ?? "",
          };
        }),
        templates: data.templates,
        pendingRegistrations: data.pending_registrations.map((p) => p.name),
        trustedFingerprints: data.trusted_fingerprints,
      });
    },
    registerPendingNow() {
      return ctx.registerPendingNow();
    },
    advanceClusterOperations() {
      return ctx.advanceClusterOperations();
    },
    async reset() {
      await controlTarget.reset();
      await syncIncus();
    },
    saveSnapshot: () => controlTarget.snapshot(),
    restoreSnapshot(model: unknown) {
      controlTarget.restore(model);
      // The next request waits for the listeners to follow the restored clusters.
      restoredSync = syncIncus().catch((err: unknown) => log?.(`incus listeners not updated after a restore: ${(err as Error).message}`));
    },
    async close() {
      if (closed) return;
      closed = true;
      ctx.releaseHeld();
      await ctx.settle();
      await store.drain();
      store.save();
      await incusQueue.catch(() => undefined);
      await incusListeners.close();
      await new Promise<void>((resolveClose) => {
        server.close(() => resolveClose());
        server.closeAllConnections();
      });
    },
  };
}
