import { Construct } from "constructs";
import { multipathWwnSchema } from "../src/config/bulk.js";
import { anyToken, clusterAttributes, declareOnce, namedResource, dependentDeletionPolicy, type DependentDeletionProps } from "./bulk-declarations.js";
import type { ICluster } from "./icluster.js";
import { literal } from "./names.js";
import { ClusterMultipathTarget as MultipathTargetResource } from "./provider/cluster-multipath-target/index.js";
import { checkProps } from "./synth-errors.js";

export interface ClusterMultipathTargetProps extends DependentDeletionProps {
  /**
   * The cluster whose members get the multipath WWN: a `Cluster` of this app (referenced, so Terraform
   * applies the cluster first and a change of its servers reaches this resource in the same plan)
   * or `Cluster.fromClusterName`.
   */
  readonly cluster: ICluster;
  /** The WWN as in /dev/disk/by-id/wwn-<WWN>: "0x" and 16 or 32 lower-case hex digits. */
  readonly wwn: string;
}

/** A multipath device every member of the cluster manages: one `operationscenter_cluster_multipath_target` resource. */
export class ClusterMultipathTarget extends Construct {
  readonly resource: MultipathTargetResource;

  constructor(scope: Construct, id: string, props: ClusterMultipathTargetProps) {
    super(scope, id);
    const where = `ClusterMultipathTarget '${this.node.path}'`;
    if (!anyToken(props.wwn)) checkProps(where, multipathWwnSchema, props.wwn, "wwn");
    declareOnce(this, `multipath\0${props.cluster.name}\0${props.wwn}`, where, `multipath WWN ${props.wwn} on cluster "${props.cluster.name}"`);
    this.resource = namedResource(
      this,
      (provider) =>
        new MultipathTargetResource(this, "resource", {
          provider,
          ...clusterAttributes(props.cluster, dependentDeletionPolicy(where, props.cluster, props.deletionPolicy)),
          wwn: literal(props.wwn),
        }),
    );
  }
}
