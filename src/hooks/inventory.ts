import { readBookkeeping } from "./bookkeeping.js";
import { applyDeletionPolicy } from "./cluster.js";
import type { HookContext } from "./context.js";
import type { InventorySpec } from "./spec.js";

/**
 * Create hook of the stack's inventory resource. Terraform runs no destroy provisioner for a
 * resource whose block was removed from the code, so a cluster removed from the code is handled
 * here: every cluster this owner manages that the code no longer declares gets its recorded
 * deletion policy.
 */
export async function runInventory(spec: InventorySpec, context: HookContext): Promise<void> {
  const { client, report } = context;
  const clusters = await report.read("clusters", "list clusters", () => client.listClusters());
  const removed = clusters.filter(
    (c) => readBookkeeping(c).owner === spec.owner && !spec.clusters.includes(c.name),
  );
  if (removed.length === 0) {
    report.note(`inventory: every cluster of "${spec.owner}" is declared in the code`);
    return;
  }
  for (const cluster of removed) {
    report.note(`${cluster.name}: no longer declared in the code`);
    await applyDeletionPolicy(cluster, readBookkeeping(cluster).deletionPolicy ?? "retain", context);
  }
}
