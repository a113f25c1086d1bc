import type { IConstruct } from "constructs";

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
}
