// Operations Center checks the chosen servers inside the create and :add-servers calls, one
// server at a time. The same checks run here first, so that a bad server list fails before any
// change with every problem listed at once. The server type is left to the server: its check
// comes after the pending record is inserted, and the next create removes such a leftover (mode=normal).
import { isIP } from "node:net";
import { IN_MAINTENANCE, type Server } from "../../../client/api-types.js";

const INCUS_APPLICATIONS = ["incus", "incus-lts-7.0"];

interface ServerCheck {
  /** The cluster's update channel; empty means the server's default (not checked). */
  channel: string;
  /** Require the same Incus application name and version on all servers (create). */
  sameIncus: boolean;
  /** Require a management-role address (create). */
  requireManagement: boolean;
}

function incusOf(server: Server): { name: string; version: string } | undefined {
  return server.version_data?.applications?.find((a) => INCUS_APPLICATIONS.includes(a.name));
}

/**
 * The addresses Operations Center would pick for a role: from its stored copy of the server's
 * network state (os_data.network.state, as of its last poll), the interfaces carrying the role,
 * addresses that are plain IPs (operations-center@41a98e0 internal/provisioning/server_model.go,
 * DetermineManagementRoleURL; incus-os@de27173 incus-osd/api/system_network.go,
 * GetInterfaceAddressByRole). The stored copy is right here: it is the one Operations Center decides from.
 */
function roleAddresses(server: Server, role: string): string[] {
  const interfaces = Object.values(server.os_data?.network?.state?.interfaces ?? {});
  return interfaces
    .filter((device) => (device.roles ?? []).includes(role))
    .flatMap((device) => (device.addresses ?? []).filter((address) => isIP(address) !== 0));
}

/** Problems that would make Operations Center refuse these servers, one sentence each. */
export function checkServers(names: readonly string[], servers: readonly Server[], check: ServerCheck): string[] {
  const byName = new Map(servers.map((s) => [s.name, s]));
  const problems: string[] = [];
  const seen = new Set<string>();
  let firstIncus: { server: string; name: string; version: string } | undefined;
  for (const name of names) {
    if (seen.has(name)) {
      problems.push(`server "${name}" is listed twice`);
      continue;
    }
    seen.add(name);
    const server = byName.get(name);
    if (server === undefined) {
      problems.push(`server "${name}" is not registered in Operations Center`);
      continue;
    }
    if (server.cluster !== "") problems.push(`server "${name}" is already part of cluster "${server.cluster}"`);
    if (server.server_status !== "ready") {
      problems.push(`server "${name}" is ${server.server_status}, not ready`);
    }
    if (check.channel !== "" && server.channel !== check.channel) {
      problems.push(`server "${name}" follows update channel "${server.channel}", the cluster "${check.channel}"`);
    }
    const version = server.version_data;
    if (version?.needs_update) problems.push(`server "${name}" has a pending update`);
    if (version?.needs_reboot) problems.push(`server "${name}" needs a reboot`);
    if ((version?.in_maintenance ?? IN_MAINTENANCE.online) !== IN_MAINTENANCE.online)
      problems.push(`server "${name}" is in maintenance (evacuated or evacuating)`);
    const incus = incusOf(server);
    if (incus === undefined) {
      problems.push(`server "${name}" does not run the Incus application`);
    } else if (check.sameIncus) {
      if (firstIncus === undefined) firstIncus = { server: name, ...incus };
      else if (firstIncus.name !== incus.name || firstIncus.version !== incus.version) {
        problems.push(
          `server "${name}" runs ${incus.name} ${incus.version}, server "${firstIncus.server}" ${firstIncus.name} ${firstIncus.version}: all members need the same Incus version`,
        );
      }
    }
    // Create sets each server's address from its management-role interface and fails without one
    // (cluster_service.go, Create); a join uses the cluster role, else the management role.
    const management = roleAddresses(server, "management").length > 0;
    if (check.requireManagement && !management) {
      problems.push(
        `server "${name}" has no address on a network interface with the management role, which Operations Center needs to create a cluster: ` +
          `give one of its interfaces the "management" role (its IncusOS network config) and let Operations Center poll it`,
      );
    } else if (!management && roleAddresses(server, "cluster").length === 0) {
      problems.push(`server "${name}" has no address on a network interface with the cluster or management role`);
    }
  }
  return problems;
}
