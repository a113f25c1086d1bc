// Writes to one server's IncusOS through Operations Center's per-server routes (…/servers/{name}/
// os/1.0/… and …/system/network; operations-center@41a98e0 internal/api/api_provisioning_server.go,
// serverOSProxy). The bulk-operation resources use them where Operations Center has no action
// (removing an application), refuses one because a member is already in the wanted state (a storage
// target on some members only), or cannot reach the server (one about to join a cluster).
import type { SystemNetwork } from "./api-types.js";
import type { OperationsCenterClient } from "./client.js";
import { segment } from "./path.js";

const SERVERS = "/1.0/provisioning/servers";

function osPath(server: string, rest: string): string {
  return `${SERVERS}/${segment(server)}/os/1.0/${rest}`;
}

/** PUT /os/1.0/services/{service}: replaces the service's whole config on one member. */
export async function putServerService(api: OperationsCenterClient, server: string, service: string, config: Record<string, unknown>): Promise<void> {
  await api.request("PUT", osPath(server, `services/${segment(service)}`), { body: { config } });
}

/** POST /os/1.0/applications: installs a (non-primary) application on one member. */
export async function installServerApplication(api: OperationsCenterClient, server: string, name: string): Promise<void> {
  await api.request("POST", osPath(server, "applications"), { body: { name } });
}

/** POST /os/1.0/applications/{name}/:remove: stops and uninstalls a non-primary application on one member. */
export async function removeServerApplication(api: OperationsCenterClient, server: string, name: string): Promise<void> {
  await api.request("POST", osPath(server, `applications/${segment(name)}/:remove`));
}

/**
 * PUT /1.0/provisioning/servers/{name}/system/network: one server's whole network config, also
 * for a server that is not (yet) a cluster member, which the bulk actions cannot reach.
 */
export async function putServerNetwork(api: OperationsCenterClient, server: string, network: SystemNetwork): Promise<void> {
  await api.request("PUT", `${SERVERS}/${segment(server)}/system/network`, { body: network });
}

/** PUT /os/1.0/system/{kernel,logging}: replaces that whole system config on one member, as the bulk update does on each. */
export async function putServerSystemConfig(
  api: OperationsCenterClient,
  server: string,
  what: "kernel" | "logging",
  config: Record<string, unknown>,
): Promise<void> {
  await api.request("PUT", osPath(server, `system/${what}`), { body: { config } });
}

/**
 * PUT /os/1.0/system/network through the OS proxy: one member's whole network config, written to
 * IncusOS itself, as the bulk VLAN actions write each member's (they too leave Operations Center's
 * stored copy as of its last poll).
 */
export async function putMemberNetwork(api: OperationsCenterClient, server: string, network: SystemNetwork): Promise<void> {
  await api.request("PUT", osPath(server, "system/network"), { body: network });
}
