// Making Operations Center's stored copy of one server current after the provider changed that
// server, and waiting until Operations Center reports it ready again.
//
// Operations Center answers a server's network, OS and application data from its database,
// refreshed only when it polls the server. After PUT …/servers/{name}/system/network it also sets
// the server pending (re-configuring) until that poll (operations-center@41a98e0
// internal/provisioning/server/server_service.go, UpdateSystemNetwork), and :add-servers admits
// only ready servers whose stored application lists match the members' (cluster_service.go,
// AddServers and checkClusteringServerConsistency). Left alone, the next poll comes about a second
// later for a network change (IncusOS' self-update notice) or within a minute (the pending poll),
// and never for an application installed through the OS proxy (SelfUpdate ignores that notice
// outside an update). POST :resync runs that poll now and synchronously (ResyncByName →
// PollServer), and sets a reachable server ready: it is what makes the next step reliable. While
// IncusOS is still applying its new network the poll can fail; then :resync is sent again until
// the server is ready, bounded in attempts and time.
import { setTimeout as sleep } from "node:timers/promises";
import { OperationsCenterError } from "../../client/errors.js";
import { freshReads } from "../../client/read-cache.js";
import type { ProviderClient } from "../client.js";
import type { Logger } from "../plugin/types.js";

/** A failed :resync worth sending again: no reply, or a server error (the poll failed). */
function transient(error: unknown): boolean {
  return !(error instanceof OperationsCenterError) || error.status === 0 || error.status >= 500;
}

/**
 * POST :resync until Operations Center reports `server` ready; `after` says what changed it ("its
 * VLAN tags were set"). Throws when the server stays pending past client.serverReadyTimeoutMs.
 */
export async function resyncUntilReady(client: ProviderClient, log: Logger, server: string, after: string, signal?: AbortSignal): Promise<void> {
  const { api } = client;
  const pollMs = Math.max(1, client.evacuationPollMs);
  const attempts = Math.ceil(client.serverReadyTimeoutMs / pollMs) + 1;
  const deadline = Date.now() + client.serverReadyTimeoutMs;
  let failure = "";
  let status = "";
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      await api.resyncServer(server);
      failure = "";
    } catch (error) {
      if (!transient(error)) throw error;
      failure = error instanceof Error ? error.message : String(error);
    }
    // Fresh: Operations Center sets the server ready on its own once a poll succeeds.
    const { server: live } = await freshReads(() => api.getServer(server));
    if (live.server_status === "ready") return;
    status = `${live.server_status}${live.server_status_detail === "" ? "" : ` (${live.server_status_detail})`}`;
    if (attempt === 1) {
      log.info(
        `oc-cdktf: server ${server} is ${status} after ${after}; waiting until Operations Center reports it ready, asking it to poll the server (:resync) every ${pollMs} ms`,
        { server },
      );
    }
    if (attempt === attempts || Date.now() >= deadline) break;
    await sleep(pollMs, undefined, signal === undefined ? undefined : { signal });
  }
  throw new Error(
    `server "${server}" is still ${status} ${Math.round(client.serverReadyTimeoutMs / 1000)} s after ${after}, and Operations Center admits only ready servers to a cluster` +
      `${failure === "" ? "" : `; the last :resync failed: ${failure}`}. Check that the server is reachable with its new configuration, then apply again.`,
  );
}
