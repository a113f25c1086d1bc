// One server's IncusOS through Operations Center's per-server proxy …/servers/{name}/os/1.0/…
// (operations-center@41a98e0 internal/api/api_provisioning_server.go, serverOSProxy): the live
// state of a member, which Operations Center's stored copy of the server lags behind. Reads and
// writes of that proxy live here and nowhere else. The bulk-operation resources write through it
// where Operations Center has no action (removing an application), refuses one because a member
// is already in the wanted state (a storage target on some members only), or cannot reach the
// server (one about to join a cluster).
import { incusOSObjectSchema, systemNetworkSchema, type IncusOSObject, type SystemNetwork } from "./api-types.js";
import { getParsed, namesFromUrls, type Requester } from "./envelope.js";
import { segment } from "./path.js";

const OS_PROXY = /\/servers\/[^/]+\/os\//;

/** Whether `path` goes through the OS proxy: its error replies are IncusOS', in the Incus form of the envelope. */
export function isOSProxyPath(path: string): boolean {
  return OS_PROXY.test(path);
}

function osPath(server: string, rest: string): string {
  return `/1.0/provisioning/servers/${segment(server)}/os/1.0/${rest}`;
}

/** IncusOS of the servers Operations Center manages (OperationsCenterClient.incusOS). */
export class IncusOSClient {
  readonly #api: Requester;

  /** `api`: the Operations Center client whose request() the calls go through (and its read cache, if any). */
  constructor(api: Requester) {
    this.#api = api;
  }

  /** GET /os/1.0/services/{service}: the service's config and state on one server. */
  async getService(server: string, service: string): Promise<IncusOSObject> {
    return getParsed(this.#api, osPath(server, `services/${segment(service)}`), incusOSObjectSchema, { subject: server });
  }

  /** PUT /os/1.0/services/{service}: replaces the service's whole config on one member. */
  async putService(server: string, service: string, config: Record<string, unknown>): Promise<void> {
    await this.#api.request("PUT", osPath(server, `services/${segment(service)}`), { body: { config }, subject: server });
  }

  /** GET /os/1.0/system/{kernel,logging}: that system config on one server. */
  async getSystemConfig(server: string, what: "kernel" | "logging"): Promise<IncusOSObject> {
    return getParsed(this.#api, osPath(server, `system/${what}`), incusOSObjectSchema, { subject: server });
  }

  /** PUT /os/1.0/system/{kernel,logging}: replaces that whole system config on one member, as the bulk update does on each. */
  async putSystemConfig(server: string, what: "kernel" | "logging", config: Record<string, unknown>): Promise<void> {
    await this.#api.request("PUT", osPath(server, `system/${what}`), { body: { config }, subject: server });
  }

  /** The network IncusOS runs now (OperationsCenterClient.getServerNetwork is Operations Center's stored copy). */
  async getNetwork(server: string): Promise<SystemNetwork> {
    return getParsed(this.#api, osPath(server, "system/network"), systemNetworkSchema, { subject: server });
  }

  /**
   * PUT /os/1.0/system/network: one member's whole network config, written to IncusOS itself, as
   * the bulk VLAN actions write each member's (they too leave Operations Center's stored copy as
   * of its last poll).
   */
  async putNetwork(server: string, network: SystemNetwork): Promise<void> {
    await this.#api.request("PUT", osPath(server, "system/network"), { body: network, subject: server });
  }

  /** Installed IncusOS applications (names from the URL list). */
  async listApplications(server: string): Promise<string[]> {
    const path = osPath(server, "applications");
    const reply = await this.#api.request("GET", path, { subject: server });
    return namesFromUrls(reply.metadata, { method: "GET", path, status: reply.status });
  }

  /** POST /os/1.0/applications: installs a (non-primary) application on one member. */
  async installApplication(server: string, name: string): Promise<void> {
    await this.#api.request("POST", osPath(server, "applications"), { body: { name }, subject: server });
  }

  /** POST /os/1.0/applications/{name}/:remove: stops and uninstalls a non-primary application on one member. */
  async removeApplication(server: string, name: string): Promise<void> {
    await this.#api.request("POST", osPath(server, `applications/${segment(name)}/:remove`), { subject: server });
  }
}
