import type { IConstruct } from "constructs";
import type { DeletionPolicy } from "../src/config/cluster.js";
import { literal } from "./names.js";
import { Cluster as ClusterResource } from "./provider/cluster/index.js";

/**
 * A cluster in Operations Center, managed by this app (`Cluster`) or only referenced
 * (`Cluster.fromClusterName`). Bulk-operation and Incus constructs take one.
 */
export interface ICluster extends IConstruct {
  /** The cluster's name in Operations Center. */
  readonly name: string;
  /** The cluster certificate (PEM), as a token. */
  readonly certificate: string;
  /** The SHA-256 fingerprint of the cluster certificate, as a token. */
  readonly fingerprint: string;
  /** The cluster's status in Operations Center (`pending`, `ready`), as a token. */
  readonly status: string;
  /**
   * What this app's destroy does to the cluster, which its bulk constructs follow: with `retain`
   * or `forget` the cluster keeps running, so they keep what they applied (`deletion_policy =
   * "retain"`); with `factory-reset` they remove it first. Undefined for a cluster this app does
   * not manage (`Cluster.fromClusterName`): this app never deletes it, so a bulk construct that
   * leaves the code removes what it applied.
   */
  readonly deletionPolicy?: DeletionPolicy;
}

/**
 * A cluster this app manages (`Cluster` implements it): the constructs that take a cluster
 * reference its L1 resource, so Terraform orders the cluster first and a change of its servers
 * reaches them in the same plan. Internal: not exported from the package root.
 */
export interface IManagedCluster extends ICluster {
  /** The L1 `operationscenter_cluster` resource. */
  readonly resource: ClusterResource;
}

/** True for a cluster this app manages; false for one only referenced by name. */
export function isManagedCluster(cluster: ICluster): cluster is IManagedCluster {
  return "resource" in cluster && cluster.resource instanceof ClusterResource;
}

/**
 * The cluster attribute of a resource that belongs to a cluster: a reference to a cluster of this
 * app (so Terraform creates the cluster, and joins its servers, first), else the name.
 */
export function clusterAttribute(cluster: ICluster): string {
  return isManagedCluster(cluster) ? cluster.resource.name : literal(cluster.name);
}
