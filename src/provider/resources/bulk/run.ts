// Running one cluster bulk action and, when it fails, telling the user which member failed, what
// the server said, and in what state Operations Center left the cluster (operations-center@41a98e0
// internal/provisioning/cluster/cluster_service.go, prepareBulkUpdate and the actions after it).
import type { BulkAction } from "../../../client/api-types.js";
import type { OperationsCenterClient } from "../../../client/client.js";
import { OperationsCenterError } from "../../../client/errors.js";
import type { BulkArguments } from "../../../config/bulk.js";
import { DiagnosticError, type Logger } from "../../plugin/types.js";
import { membersInMaintenance, refusedForMaintenance } from "../common/cluster-reference.js";

/** The member a bulk failure names: Operations Center's chain ends with the failing server's step. */
function failedMember(message: string): string | undefined {
  const names = [...message.matchAll(/[Ss]erver "([^"]+)"/g)].map((m) => m[1]!);
  return names.at(-1);
}

/**
 * POST :bulk-update with `action` and `args`; `what` describes the change in domain words
 * ('adding VLAN tags 300 to "eth0"'), for the log line and the diagnostic.
 */
export async function runBulkAction<A extends BulkAction>(
  api: OperationsCenterClient,
  log: Logger,
  cluster: string,
  action: A,
  args: BulkArguments<A>,
  what: string,
): Promise<void> {
  log.info(`oc-cdktf: cluster "${cluster}": ${what} (${action})`, { cluster, action });
  try {
    await api.bulkUpdateCluster(cluster, action, args);
  } catch (error) {
    throw bulkFailure(cluster, action, what, error);
  }
}

/** True when runBulkAction failed because Operations Center refused the action for a member in maintenance. */
export function refusedByMaintenance(error: unknown): boolean {
  return error instanceof DiagnosticError && error.diagnostics.some((d) => refusedForMaintenance(d.detail ?? ""));
}

/**
 * Runs `bulk` unless a member of the cluster is in maintenance, when Operations Center refuses
 * every bulk action. Undefined when it ran; else why it did not (a member in maintenance, or the
 * refusal when one went into maintenance since the check), and the caller goes member by member.
 */
export async function bulkUnlessMaintenance(api: OperationsCenterClient, cluster: string, bulk: () => Promise<void>): Promise<string | undefined> {
  const maintenance = await membersInMaintenance(api, cluster);
  if (maintenance.size > 0) return `Operations Center refuses bulk actions while ${[...maintenance.keys()].join(", ")} is in maintenance`;
  try {
    await bulk();
    return undefined;
  } catch (error) {
    if (!refusedByMaintenance(error)) throw error;
    return "Operations Center refused the bulk action: a member went into maintenance";
  }
}

function bulkFailure(cluster: string, action: BulkAction, what: string, error: unknown): DiagnosticError {
  const message = error instanceof OperationsCenterError ? error.serverMessage : error instanceof Error ? error.message : String(error);
  const status = error instanceof OperationsCenterError ? error.status : 0;
  const member = status >= 500 ? failedMember(message) : undefined;
  const summary = `Cluster "${cluster}": ${what} failed${member === undefined ? "" : ` on member ${member}`}`;
  let outcome: string;
  if (status === 0) {
    outcome =
      "No reply was received, so whether Operations Center made the change is not known. Run terraform apply again: it reads every member first and converges.";
  } else if (status < 500) {
    outcome = "Operations Center refused the action before changing any member. Correct the cause above and run terraform apply again.";
  } else if (action === "add_application") {
    outcome =
      `Operations Center does not revert add_application: members before ${member ?? "the failing one"} keep the application. ` +
      `Fix ${member ?? "the failing member"} and run terraform apply again: the next apply installs it on the members that lack it.`;
  } else {
    outcome =
      `Operations Center reverted the members already changed, so the cluster is as it was before this apply. ` +
      `Fix ${member ?? "the failing member"} (see the message) and run terraform apply again: the next apply converges.`;
  }
  return new DiagnosticError({ severity: "error", summary, detail: `${message}\n\n${outcome}` }, { cause: error });
}
