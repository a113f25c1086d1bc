import type { IConstruct } from "constructs";
import type { DeletionPolicy } from "../src/config/cluster.js";

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
