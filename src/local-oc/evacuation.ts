// Evacuation and restore of a cluster member, under both API surfaces: Incus's member state
// operation (incus/routes.ts) and Operations Center's system/:evacuate and system/:restore
// (servers.ts), which asks Incus for the same operation with mode `auto`.
//
// Incus accepts the request and checks the member's state only inside the operation
// (incus@be7afc5 cmd/incusd/api_cluster_evacuation.go (evacuateClusterSetState)): the state moves
// to Evacuating (or Restoring) unless it already is that, so evacuating an evacuated member runs
// again and ends evacuated (nothing left to move), and restoring an online member runs and ends
// online; only a second request while the first one runs fails ("already in requested state").

import type { Context } from "./context.js";
import { internal, notFoundf, notPermitted, q, type OCError } from "./errors.js";
import { unreachableMessage } from "./incusos.js";
import { evacuateInstances, restoreInstances } from "./instances.js";
import { IN_MAINTENANCE } from "../client/api-types.js";
import type { ServerRecord } from "./persisted.js";
import { nowString } from "./state.js";

/** How an Incus member state operation ended: undefined on success, else its error. */
type OperationDone = (error?: string) => void;

const ALREADY = "Cluster member is already in requested state";

function setMaintenance(server: ServerRecord, value: number): void {
  server.in_maintenance = value;
  server.last_updated = nowString();
}

/**
 * The body of Incus's evacuate operation for `member` of `cluster`: Evacuating, the instances
 * handled as `mode` says (instances.ts), Evacuated after the evacuation delay.
 */
export function runMemberEvacuation(ctx: Context, cluster: string, server: ServerRecord, mode: string, done: OperationDone): void {
  if (server.in_maintenance === IN_MAINTENANCE.evacuating) {
    done(ALREADY);
    return;
  }
  setMaintenance(server, IN_MAINTENANCE.evacuating);
  ctx.changed();
  const finish = (): void => {
    if (server.in_maintenance !== IN_MAINTENANCE.evacuating) {
      done();
      return;
    }
    evacuateInstances(ctx.store, cluster, server.name, mode);
    setMaintenance(server, IN_MAINTENANCE.evacuated);
    ctx.changed();
    done();
  };
  if (ctx.evacuationDelayMs > 0) ctx.later(ctx.evacuationDelayMs, finish);
  else finish();
}

/** The body of Incus's restore operation: Restoring, the member's instances back (unless skip), Online. */
export function runMemberRestore(ctx: Context, cluster: string, server: ServerRecord, skip: boolean, done: OperationDone): void {
  if (server.in_maintenance === IN_MAINTENANCE.restoring) {
    done(ALREADY);
    return;
  }
  restoreInstances(ctx.store, cluster, server.name, skip);
  setMaintenance(server, IN_MAINTENANCE.online);
  ctx.changed();
  done();
}

/**
 * OC's guard of a server's lifecycle actions (:evacuate, :restore, :reboot, :poweroff, :update):
 * refused while the server's cluster runs an update or reboot, or one ended in error, unless
 * forced (operations-center@41a98e0 internal/provisioning/cluster/cluster_service.go
 * (IsInstanceLifecycleOperationPermitted), internal/provisioning/cluster_model.go
 * (IsUpdateInProgress)). A cluster OC cannot find refuses too.
 */
export function checkLifecyclePermitted(ctx: Context, server: ServerRecord, force: boolean): void {
  if (force || server.cluster === null) return;
  const cluster = ctx.store.cluster(server.cluster);
  if (cluster === undefined || cluster.in_progress_status.in_progress !== "") {
    throw notPermitted(`Lifecycle operation for server ${q(server.name)} currently not permitted`);
  }
}

/**
 * OC's checks before it asks Incus (operations-center@41a98e0
 * internal/provisioning/server/server_service.go (EvacuateSystemByName, RestoreSystemByName)):
 * an Incus server, and the lifecycle guard. The server's status is not checked: an offline server
 * fails when OC connects to it.
 */
function lifecycleServer(ctx: Context, name: string, force: boolean): ServerRecord {
  const server = ctx.store.server(name);
  if (server === undefined) throw notFoundf(`Failed to get server ${q(name)} by name`);
  if (server.type !== "incus" && server.type !== "incus-lts-7.0") {
    throw notPermitted(`Server ${q(name)} is not of type "incus"`);
  }
  checkLifecyclePermitted(ctx, server, force);
  return server;
}

function unreachable(server: ServerRecord, verb: string): OCError {
  const path = `/1.0/cluster/members/${server.name}/state`;
  return internal(
    `Failed to ${verb} server ${q(server.name)} by name: Failed to update cluster member state to evacuated on ${q(server.name)} (${server.connection_url}): ${unreachableMessage(server, path)}`,
  );
}

/**
 * POST /1.0/provisioning/servers/{name}/system/:evacuate: Incus's evacuation in mode `auto`.
 * An unclustered server accepts the request and its operation fails (Incus finds no member of
 * that name), so nothing changes; OC only logs the operation's error.
 */
export function evacuateServer(ctx: Context, name: string, force: boolean): void {
  const server = lifecycleServer(ctx, name, force);
  if (server.status === "offline") throw unreachable(server, "evacuate");
  if (server.cluster === null) return;
  // A single-member cluster evacuates in mode stop (incus@be7afc5 cmd/incusd/api_cluster.go (clusterNodeStatePost)).
  const mode = ctx.store.members(server.cluster).length === 1 ? "stop" : "auto";
  runMemberEvacuation(ctx, server.cluster, server, mode, detailUntilDone(server, "evacuating"));
}

/**
 * OC shows the server `evacuating` / `restoring` until its poll of such servers sees the
 * operation done (operations-center@41a98e0 internal/api/daemon.go, the background polling
 * tasks); here the detail clears when the operation ends.
 */
function detailUntilDone(server: ServerRecord, detail: string): OperationDone {
  server.status_detail = detail;
  return () => {
    if (server.status_detail === detail) server.status_detail = "";
  };
}

/** POST /1.0/provisioning/servers/{name}/system/:restore: Incus's restore (mode ""). */
export function restoreServer(ctx: Context, name: string, force: boolean): void {
  const server = lifecycleServer(ctx, name, force);
  if (server.status === "offline") throw unreachable(server, "restore");
  if (server.cluster === null) return;
  runMemberRestore(ctx, server.cluster, server, false, detailUntilDone(server, "restoring"));
}
