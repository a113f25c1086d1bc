import type { Cluster, ClusterPut } from "../client/api-types.js";
import { OperationsCenterError } from "../client/errors.js";
import { clusterPutOf } from "../provider/resources/cluster/decide.js";
import { canonicalJson } from "./digest.js";
import { HookError } from "./report.js";
import type { HookContext } from "./context.js";

const MAX_ATTEMPTS = 5;

export { clusterPutOf };

/**
 * Read-modify-write of a cluster's settings with If-Match: `change` gets the live cluster and
 * returns the full ClusterPut to send, or undefined when nothing needs to change. On 412 (someone
 * changed the cluster in between) the cluster is read again and `change` recomputed.
 */
export async function updateClusterSettings(
  name: string,
  action: string,
  change: (cluster: Cluster) => ClusterPut | undefined,
  { client, report }: HookContext,
  /** A read the caller just made and that nothing has changed since: saves one GET. */
  fresh?: { cluster: Cluster; etag?: string },
): Promise<boolean> {
  for (let attempt = 1; ; attempt++) {
    const { cluster, etag } =
      attempt === 1 && fresh !== undefined ? fresh : await report.read(name, "read cluster", () => client.getCluster(name));
    const desired = change(cluster);
    if (desired === undefined || canonicalJson(desired) === canonicalJson(clusterPutOf(cluster))) return false;
    try {
      await report.change(name, action, () => client.updateCluster(name, desired, etag === undefined ? {} : { ifMatch: etag }));
      return true;
    } catch (err) {
      if (err instanceof OperationsCenterError && err.status === 412 && attempt < MAX_ATTEMPTS) {
        report.note(`${name}: changed by someone else meanwhile (412), reading it again`);
        continue;
      }
      const refused = err instanceof OperationsCenterError && err.status >= 400;
      throw HookError.wrap(
        err,
        refused
          ? `the settings of cluster "${name}" are unchanged`
          : `the PUT may or may not have reached Operations Center; the next apply compares again`,
      );
    }
  }
}
