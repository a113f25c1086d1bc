import { Construct } from "constructs";
import { ISCSI_DEFAULT_PORT, iscsiTargetSchema } from "../src/config/bulk.js";
import { anyToken, clusterAttributes, declareOnce, namedResource, dependentDeletionPolicy, type DependentDeletionProps } from "./bulk-declarations.js";
import type { ICluster } from "./icluster.js";
import { literal } from "./names.js";
import { ClusterIscsiTarget as IscsiTargetResource } from "./provider/cluster-iscsi-target/index.js";
import { checkProps } from "./synth-errors.js";

export interface ClusterIscsiTargetProps extends DependentDeletionProps {
  /**
   * The cluster whose members get the iSCSI target: a `Cluster` of this app (referenced, so Terraform
   * applies the cluster first and a change of its servers reaches this resource in the same plan)
   * or `Cluster.fromClusterName`.
   */
  readonly cluster: ICluster;
  /** The target IQN, e.g. "iqn.2004-10.org.example:storage1". */
  readonly target: string;
  /** The portal's IP address or host name. */
  readonly address: string;
  /** The portal's TCP port. @default 3260 */
  readonly port?: number;
}

/**
 * An iSCSI target every member of the cluster logs in to: one
 * `operationscenter_cluster_iscsi_target` resource. A change of any prop replaces it (remove, then add).
 */
export class ClusterIscsiTarget extends Construct {
  readonly resource: IscsiTargetResource;

  constructor(scope: Construct, id: string, props: ClusterIscsiTargetProps) {
    super(scope, id);
    const where = `ClusterIscsiTarget '${this.node.path}'`;
    const port = props.port ?? ISCSI_DEFAULT_PORT;
    if (!anyToken(props.target, props.address, port)) checkProps(where, iscsiTargetSchema, { target: props.target, address: props.address, port });
    declareOnce(
      this,
      `iscsi\0${props.cluster.name}\0${props.target}\0${props.address}\0${port}`,
      where,
      `iSCSI target "${props.target}" at ${props.address}:${port} on cluster "${props.cluster.name}"`,
    );
    this.resource = namedResource(
      this,
      (provider) =>
        new IscsiTargetResource(this, "resource", {
          provider,
          ...clusterAttributes(props.cluster, dependentDeletionPolicy(where, props.cluster, props.deletionPolicy)),
          target: literal(props.target),
          address: literal(props.address),
          port,
        }),
    );
  }
}
