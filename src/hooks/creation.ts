// Services config, application config, template and its values, and server type are used by
// Operations Center only when it creates a cluster. Their digests are recorded on the cluster
// at creation; a later change is reported here instead of being ignored or destroying the cluster.
import { CREATION_KEY } from "./bookkeeping.js";
import type { HookContext } from "./context.js";
import { requireOwnership } from "./ownership.js";
import { HookError } from "./report.js";
import type { CreationRecord, CreationSpec } from "./spec.js";

const FIELD_NAMES: Record<keyof CreationRecord, string> = {
  server_type: "serverType",
  services_config: "servicesConfig",
  application_config: "applicationConfig",
  template: "template",
  template_values: "templateVariables",
};

/** Names of the changed inputs, down to the top-level key (`servicesConfig.nvme`). */
export function creationChanges(recorded: CreationRecord, desired: CreationRecord): string[] {
  const changes: string[] = [];
  for (const field of Object.keys(FIELD_NAMES) as (keyof CreationRecord)[]) {
    const before = recorded[field];
    const after = desired[field];
    if (typeof before === "string" || typeof after === "string") {
      if (before !== after) changes.push(FIELD_NAMES[field]);
      continue;
    }
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    for (const key of keys) {
      if (before[key] !== after[key]) changes.push(`${FIELD_NAMES[field]}.${key}`);
    }
  }
  return changes;
}

export function creationChangedError(
  spec: { construct_path: string; cluster: string; cluster_address: string },
  changes: string[],
): HookError {
  return new HookError(
    `${spec.construct_path}: ${changes.join(", ")} changed since cluster "${spec.cluster}" was created. ` +
      `Operations Center uses these inputs only when it creates a cluster, so this change cannot be applied to it. ` +
      `Either revert the change; or change the live cluster with bulk operations (VLAN tags, storage targets, ` +
      `applications, kernel, logging); or re-create the cluster: apply deletionPolicy 'factory-reset' first, then ` +
      `run terraform apply -replace=${spec.cluster_address} once its servers can register again.`,
    `cluster "${spec.cluster}" is unchanged`,
  );
}

export async function runCreationCheck(spec: CreationSpec, { client, report }: HookContext): Promise<void> {
  const { cluster } = await report.read(spec.cluster, "read cluster", () => client.getCluster(spec.cluster));
  const bookkeeping = requireOwnership(cluster, spec.owner, spec.construct_path);
  if (bookkeeping.creation === undefined) {
    throw new HookError(
      `${spec.construct_path}: cluster "${spec.cluster}" has no ${CREATION_KEY} property, so its creation inputs cannot be compared. ` +
        `Restore the property or re-create the cluster.`,
      `cluster "${spec.cluster}" is unchanged`,
    );
  }
  const changes = creationChanges(bookkeeping.creation, spec.creation);
  if (changes.length > 0) throw creationChangedError(spec, changes);
  report.note(`${spec.cluster}: creation inputs match what the cluster was created with`);
}
