// What the Incus constructs share: how they name their cluster, and synth-time checks that give
// the same messages as the provider's plan.
import type { ICluster } from "./icluster.js";
import { literal } from "./names.js";
import { Cluster as ClusterResource } from "./provider/cluster.js";

/**
 * The cluster attribute of an Incus resource: a reference to a cluster of this app (so Terraform
 * creates the cluster, and joins its servers, first), else the name.
 */
export function incusClusterAttribute(cluster: ICluster): string {
  const resource = (cluster as { resource?: unknown }).resource;
  return resource instanceof ClusterResource ? resource.name : literal(cluster.name);
}

/** Throws one error naming the construct and every problem, when there are any. */
export function failOn(where: string, problems: readonly string[]): void {
  if (problems.length > 0) throw new Error(`${where}: ${problems.join("; ")}.`);
}
