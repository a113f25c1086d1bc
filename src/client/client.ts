// The typed Operations Center REST client: every call of the API (servers, clusters, cluster
// templates, inventory) on the transport (transport.ts), which owns TLS, credentials, retries,
// concurrency and the mutation gate. IncusOS behind the per-server proxy is `incusOS`
// (incusos-client.ts).
import { Agent } from "./undici.js";
import { z } from "zod";
import {
  clusterSchema,
  clusterTemplateSchema,
  deleteModes,
  inventoryImageSchema,
  inventoryInstanceSchema,
  inventoryStoragePoolSchema,
  inventoryStorageVolumeSchema,
  serverSchema,
  systemNetworkSchema,
  type BulkAction,
  type Cluster,
  type ClusterAddServersPost,
  type ClusterPost,
  type ClusterPut,
  type ClusterTemplate,
  type ClusterTemplatePost,
  type ClusterTemplatePut,
  type DeleteMode,
  type InventoryImage,
  type InventoryInstance,
  type InventoryStoragePool,
  type InventoryStorageVolume,
  type Server,
  type SystemNetwork,
} from "./api-types.js";
import { getParsed, namesFromUrls, parseMetadata } from "./envelope.js";
import { OperationsCenterError } from "./errors.js";
import { IncusOSClient, isOSProxyPath } from "./incusos-client.js";
import { segment } from "./path.js";
import { envFlag, resolveRemote, type ResolvedRemote } from "./remote.js";
import { OidcTokens } from "./oidc.js";
import { Transport, type ApiResponse, type ClientOptions, type RequestOptions, type RouteRules } from "./transport.js";

export interface ServerInfo {
  auth: string;
  api_version: string;
  server_version?: string;
}

// Evacuating an evacuated server, or restoring a restored one, changes nothing; a resync only
// makes Operations Center read the server (or the cluster's inventory) again now.
const HARMLESS_REPLAY = /^\/1\.0\/provisioning\/(servers\/[^/]+\/system\/:(evacuate|restore)|servers\/[^/]+\/:resync|clusters\/[^/]+\/:resync-inventory)$/;
const ROUTES: RouteRules = { harmlessReplay: (path) => HARMLESS_REPLAY.test(path), lenientReply: isOSProxyPath };

const CLUSTERS = "/1.0/provisioning/clusters";
const TEMPLATES = "/1.0/provisioning/cluster-templates";
const SERVERS = "/1.0/provisioning/servers";

const serverInfoSchema = z.looseObject({
  auth: z.string(),
  api_version: z.string(),
  server_version: z.string().optional(),
});
const listOf = <S extends z.ZodType>(schema: S) =>
  z
    .array(schema)
    .nullable()
    .transform((items) => items ?? []);

export class OperationsCenterClient {
  /** IncusOS of each server, through Operations Center's per-server proxy (reads and writes). */
  readonly incusOS: IncusOSClient;
  readonly #transport: Transport;

  constructor(options: ClientOptions) {
    this.#transport = new Transport(options, ROUTES);
    // Through this.request, so that a subclass's request (the provider's read cache) serves these calls too.
    this.incusOS = new IncusOSClient(this);
  }

  /** Base URL without trailing slash. */
  get url(): string {
    return this.#transport.url;
  }

  /** SHA-256 fingerprint (lower-case hex) of the client certificate, when one is presented. */
  get clientFingerprint(): string | undefined {
    return this.#transport.clientFingerprint;
  }

  /** SHA-256 fingerprint (lower-case hex) of the pinned server certificate, when pinned. */
  get pinnedFingerprint(): string | undefined {
    return this.#transport.pinnedFingerprint;
  }

  /** A client for a resolved remote (see resolveRemote). */
  static fromRemote(remote: ResolvedRemote, overrides: Partial<ClientOptions> = {}): OperationsCenterClient {
    const options: ClientOptions = { url: remote.url, allowInsecureHttp: remote.allowInsecureHttp };
    if (remote.serverCertificate !== undefined) options.serverCertificate = remote.serverCertificate;
    if (remote.clientCertificate !== undefined) options.clientCertificate = remote.clientCertificate;
    if (remote.clientKey !== undefined) options.clientKey = remote.clientKey;
    if (remote.token !== undefined) options.token = remote.token;
    else if (remote.oidcTokenFile !== undefined) {
      options.bearer = new OidcTokens({
        file: remote.oidcTokenFile,
        remote: remote.name ?? remote.url,
        allowInsecureHttp: remote.allowInsecureHttp,
        ...(remote.serverCertificate === undefined ? {} : { serverCertificate: remote.serverCertificate }),
        createDispatcher: (connect) => new Agent({ connect }),
      });
    }
    // `this`: a subclass (the provider's CachedReadsClient) is built from a remote the same way.
    return new this({ ...options, ...definedOnly(overrides) });
  }

  /** A client for the remote the environment and the operations-center CLI configuration select. */
  static fromEnvironment(
    options: { remote?: string; configDir?: string; env?: NodeJS.ProcessEnv; overrides?: Partial<ClientOptions> } = {},
  ): OperationsCenterClient {
    const env = options.env ?? process.env;
    const resolveOptions: { remote?: string; configDir?: string; env: NodeJS.ProcessEnv } = { env };
    if (options.remote !== undefined) resolveOptions.remote = options.remote;
    if (options.configDir !== undefined) resolveOptions.configDir = options.configDir;
    const remote = resolveRemote(resolveOptions);
    return OperationsCenterClient.fromRemote(remote, { debug: envFlag(env.OC_CDKTF_DEBUG), ...definedOnly(options.overrides ?? {}) });
  }

  /**
   * One API call. `path` includes /1.0. Resolves with the reply's metadata on success (2xx and
   * error_code 0); throws OperationsCenterError otherwise. Retries as Transport.request says; a
   * POST to a server's :evacuate, :restore or :resync, or a cluster's :resync-inventory, is sent
   * again after a lost reply, since a replay changes nothing.
   */
  request(method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse> {
    return this.#transport.request(method, path, options);
  }

  // ---- server info -------------------------------------------------------------------------

  /** GET /1.0: API version and how the server sees this client (auth: untrusted, tls, oidc). */
  async getServerInfo(): Promise<ServerInfo & Record<string, unknown>> {
    const path = "/1.0";
    const reply = await this.request("GET", path);
    return parseMetadata(serverInfoSchema, reply.metadata, { method: "GET", path, status: reply.status });
  }

  // ---- servers -----------------------------------------------------------------------------

  /** GET /1.0/provisioning/servers?recursion=1 (filter: an expr-lang expression over the server). */
  async listServers(options: { filter?: string; cluster?: string } = {}): Promise<Server[]> {
    return getParsed(this, SERVERS, listOf(serverSchema), {
      query: { recursion: "1", cluster: options.cluster, filter: options.filter },
      subject: options.cluster,
    });
  }

  async getServer(name: string): Promise<{ server: Server; etag?: string }> {
    const { value, etag } = await this.#getWithEtag(`${SERVERS}/${segment(name)}`, serverSchema, name);
    return etag === undefined ? { server: value } : { server: value, etag };
  }

  /** The server, or undefined when Operations Center does not know it. */
  async findServer(name: string): Promise<Server | undefined> {
    return (await notFoundAsUndefined(this.getServer(name)))?.server;
  }

  /**
   * Operations Center's stored copy of the server's network, as of its last poll of the server
   * (operations-center@41a98e0 internal/api/api_provisioning_server.go, the system/network GET
   * handler). The bulk VLAN actions do not update it: incusOS.getNetwork reads what IncusOS runs.
   */
  async getServerNetwork(name: string): Promise<SystemNetwork> {
    return getParsed(this, `${SERVERS}/${segment(name)}/system/network`, systemNetworkSchema, { subject: name });
  }

  /**
   * POST :resync: Operations Center polls the server now, synchronously, storing its OS, version
   * and network data and setting a reachable server ready (operations-center@41a98e0
   * internal/provisioning/server/server_service.go, ResyncByName and PollServer).
   */
  /**
   * PUT /1.0/provisioning/servers/{name}/system/network: one server's whole network config, also
   * for a server that is not (yet) a cluster member, which the bulk actions cannot reach.
   */
  async updateServerNetwork(name: string, network: SystemNetwork): Promise<void> {
    await this.request("PUT", `${SERVERS}/${segment(name)}/system/network`, { body: network });
  }

  async resyncServer(name: string): Promise<void> {
    await this.request("POST", `${SERVERS}/${segment(name)}/:resync`, { subject: name });
  }

  async evacuateServer(name: string): Promise<void> {
    await this.request("POST", `${SERVERS}/${segment(name)}/system/:evacuate`, { subject: name });
  }

  async restoreServer(name: string): Promise<void> {
    await this.request("POST", `${SERVERS}/${segment(name)}/system/:restore`, { subject: name });
  }

  // ---- clusters ----------------------------------------------------------------------------

  /** Cluster names from the URL list (filter sees only `name` without recursion). */
  async listClusterNames(options: { filter?: string } = {}): Promise<string[]> {
    const reply = await this.request("GET", CLUSTERS, { query: { filter: options.filter } });
    return namesFromUrls(reply.metadata, { method: "GET", path: CLUSTERS, status: reply.status });
  }

  /** GET /1.0/provisioning/clusters?recursion=1 (filter: an expr-lang expression over the cluster). */
  async listClusters(options: { filter?: string } = {}): Promise<Cluster[]> {
    return getParsed(this, CLUSTERS, listOf(clusterSchema), { query: { recursion: "1", filter: options.filter } });
  }

  async getCluster(name: string): Promise<{ cluster: Cluster; etag?: string }> {
    const { value, etag } = await this.#getWithEtag(`${CLUSTERS}/${segment(name)}`, clusterSchema, name);
    return etag === undefined ? { cluster: value } : { cluster: value, etag };
  }

  async findCluster(name: string): Promise<{ cluster: Cluster; etag?: string } | undefined> {
    return notFoundAsUndefined(this.getCluster(name));
  }

  /** POST /1.0/provisioning/clusters: synchronous, takes minutes on a real server (201 + Location). */
  async createCluster(post: ClusterPost): Promise<void> {
    await this.request("POST", CLUSTERS, { body: post, subject: post.name });
  }

  /** PUT: a full replace of the five ClusterPut fields; ifMatch makes it a conditional write (412 on change). */
  async updateCluster(name: string, put: ClusterPut, options: { ifMatch?: string } = {}): Promise<void> {
    await this.request("PUT", `${CLUSTERS}/${segment(name)}`, { body: put, subject: name, ...ifMatch(options) });
  }

  /** DELETE with ?mode=normal|force|factory-reset (validated here: the server treats typos as normal). */
  async deleteCluster(name: string, options: { mode: DeleteMode; token?: string; tokenSeedName?: string }): Promise<void> {
    const path = `${CLUSTERS}/${segment(name)}`;
    if (!(deleteModes as readonly string[]).includes(options.mode)) {
      throw new OperationsCenterError({
        method: "DELETE",
        path,
        status: 0,
        serverMessage: `invalid delete mode "${options.mode}"`,
        detail: `invalid delete mode "${options.mode}" (expected ${deleteModes.join(", ")}; Operations Center would silently use normal)`,
      });
    }
    await this.request("DELETE", path, {
      query: { mode: options.mode, token: options.token, tokenSeedName: options.tokenSeedName },
      subject: name,
    });
  }

  async renameCluster(name: string, newName: string, options: { ifMatch?: string } = {}): Promise<void> {
    await this.request("POST", `${CLUSTERS}/${segment(name)}`, { body: { name: newName }, subject: name, ...ifMatch(options) });
  }

  async addClusterServers(name: string, body: ClusterAddServersPost): Promise<void> {
    await this.request("POST", `${CLUSTERS}/${segment(name)}/:add-servers`, { body, subject: body.server_names.join(",") });
  }

  /** :remove-servers factory-resets the removed servers; they must be evacuated first. */
  async removeClusterServers(name: string, serverNames: string[]): Promise<void> {
    await this.request("POST", `${CLUSTERS}/${segment(name)}/:remove-servers`, { body: { server_names: serverNames }, subject: serverNames.join(",") });
  }

  /** :bulk-update. `args` must not be null: Operations Center drops the connection on null arguments. */
  async bulkUpdateCluster(name: string, action: BulkAction, args: unknown): Promise<void> {
    const path = `${CLUSTERS}/${segment(name)}/:bulk-update`;
    if (args === null || args === undefined) {
      throw new OperationsCenterError({
        method: "POST",
        path,
        status: 0,
        serverMessage: "bulk update arguments are required",
        detail: `not sent: ${action} needs arguments (Operations Center drops the connection when they are null)`,
      });
    }
    await this.request("POST", path, { body: { action, arguments: args }, subject: name });
  }

  async resyncClusterInventory(name: string): Promise<void> {
    await this.request("POST", `${CLUSTERS}/${segment(name)}/:resync-inventory`, { subject: name });
  }

  // ---- inventory (Operations Center's cache of each cluster's Incus objects) ---------------

  async listInventoryInstances(filter: { cluster: string; server?: string }): Promise<InventoryInstance[]> {
    return getParsed(this, "/1.0/inventory/instances", listOf(inventoryInstanceSchema), { query: { recursion: "1", ...filter }, subject: filter.cluster });
  }

  async listInventoryStorageVolumes(filter: { cluster: string; server?: string }): Promise<InventoryStorageVolume[]> {
    return getParsed(this, "/1.0/inventory/storage_volumes", listOf(inventoryStorageVolumeSchema), {
      query: { recursion: "1", ...filter },
      subject: filter.cluster,
    });
  }

  async listInventoryImages(filter: { cluster: string }): Promise<InventoryImage[]> {
    return getParsed(this, "/1.0/inventory/images", listOf(inventoryImageSchema), { query: { recursion: "1", ...filter }, subject: filter.cluster });
  }

  async listInventoryStoragePools(filter: { cluster: string }): Promise<InventoryStoragePool[]> {
    return getParsed(this, "/1.0/inventory/storage_pools", listOf(inventoryStoragePoolSchema), {
      query: { recursion: "1", ...filter },
      subject: filter.cluster,
    });
  }

  // ---- cluster templates -------------------------------------------------------------------

  async listClusterTemplates(): Promise<ClusterTemplate[]> {
    return getParsed(this, TEMPLATES, listOf(clusterTemplateSchema), { query: { recursion: "1" } });
  }

  async getClusterTemplate(name: string): Promise<{ template: ClusterTemplate; etag?: string }> {
    const { value, etag } = await this.#getWithEtag(`${TEMPLATES}/${segment(name)}`, clusterTemplateSchema, name);
    return etag === undefined ? { template: value } : { template: value, etag };
  }

  async findClusterTemplate(name: string): Promise<{ template: ClusterTemplate; etag?: string } | undefined> {
    return notFoundAsUndefined(this.getClusterTemplate(name));
  }

  async createClusterTemplate(post: ClusterTemplatePost): Promise<void> {
    await this.request("POST", TEMPLATES, { body: post, subject: post.name });
  }

  async updateClusterTemplate(name: string, put: ClusterTemplatePut, options: { ifMatch?: string } = {}): Promise<void> {
    await this.request("PUT", `${TEMPLATES}/${segment(name)}`, { body: put, subject: name, ...ifMatch(options) });
  }

  async deleteClusterTemplate(name: string): Promise<void> {
    await this.request("DELETE", `${TEMPLATES}/${segment(name)}`, { subject: name });
  }

  async renameClusterTemplate(name: string, newName: string, options: { ifMatch?: string } = {}): Promise<void> {
    await this.request("POST", `${TEMPLATES}/${segment(name)}`, { body: { name: newName }, subject: name, ...ifMatch(options) });
  }

  /** Closes the connection pool (waits for requests in flight). */
  async close(): Promise<void> {
    await this.#transport.close();
  }

  // ---- internals ---------------------------------------------------------------------------

  async #getWithEtag<S extends z.ZodType>(path: string, schema: S, subject: string): Promise<{ value: z.output<S>; etag?: string }> {
    const reply = await this.request("GET", path, { subject });
    const value = parseMetadata(schema, reply.metadata, { method: "GET", path, status: reply.status });
    return reply.etag === undefined ? { value } : { value, etag: reply.etag };
  }
}

async function notFoundAsUndefined<T>(promise: Promise<T>): Promise<T | undefined> {
  try {
    return await promise;
  } catch (error) {
    // Only an API "not found" (JSON envelope, error_code 404) means the object is absent; Go's
    // plain-text "404 page not found" means the route is wrong and stays an error.
    if (error instanceof OperationsCenterError && error.isNotFound && error.errorCode === 404) return undefined;
    throw error;
  }
}

function ifMatch(options: { ifMatch?: string }): { ifMatch?: string } {
  return options.ifMatch !== undefined ? { ifMatch: options.ifMatch } : {};
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
