import type { Cluster } from "../client/api-types.js";
import { OWNER_KEY, readBookkeeping, type Bookkeeping } from "./bookkeeping.js";
import { HookError } from "./report.js";

/** Refuses to touch a cluster that another owner (or nobody through this tool) manages. */
export function requireOwnership(cluster: Cluster, owner: string, constructPath: string): Bookkeeping {
  const bookkeeping = readBookkeeping(cluster);
  if (bookkeeping.owner !== owner) {
    const current = bookkeeping.owner === undefined ? "has no owner" : `belongs to owner "${bookkeeping.owner}"`;
    throw new HookError(
      `${constructPath}: cluster "${cluster.name}" exists in Operations Center but ${current}, not "${owner}". ` +
        `Choose another name, or adopt it by setting its property ${OWNER_KEY}=${owner} ` +
        `(operations-center provisioning cluster edit ${cluster.name}).`,
      "nothing was changed",
    );
  }
  return bookkeeping;
}
