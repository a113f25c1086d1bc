import { Construct } from "constructs";
import { NVME_TCP_DEFAULT_PORT, nvmeTargetSchema } from "../src/config/bulk.js";
import { anyToken, clusterAttributes, declareOnce, namedResource, dependentDeletionPolicy, type DependentDeletionProps } from "./bulk-declarations.js";
import type { ICluster } from "./icluster.js";
import { literal } from "./names.js";
import { ClusterNvmeTarget as NvmeTargetResource } from "./provider/cluster-nvme-target/index.js";
import { checkProps } from "./synth-errors.js";

export interface ClusterNvmeTargetProps extends DependentDeletionProps {
  /**
   * The cluster whose members get the NVMe target: a `Cluster` of this app (referenced, so Terraform
   * applies the cluster first and a change of its servers reaches this resource in the same plan)
   * or `Cluster.fromClusterName`.
   */
  readonly cluster: ICluster;
  /** NVMe over TCP or over Fibre Channel. */
  readonly transport: "tcp" | "fc";
  /** TCP: the target's IP address or host name. FC: "nn-0x<WWNN>:pn-0x<WWPN>". */
  readonly address: string;
  /** TCP only: the port. @default 8009, the discovery port */
  readonly port?: number;
}

/**
 * An NVMe over Fabrics target every member of the cluster connects to: one
 * `operationscenter_cluster_nvme_target` resource. A change of any prop (a new port, say)
 * replaces it: one remove, then one add.
 */
export class ClusterNvmeTarget extends Construct {
  readonly resource: NvmeTargetResource;

  constructor(scope: Construct, id: string, props: ClusterNvmeTargetProps) {
    super(scope, id);
    const where = `ClusterNvmeTarget '${this.node.path}'`;
    const port = props.port ?? (props.transport === "fc" ? undefined : NVME_TCP_DEFAULT_PORT);
    if (!anyToken(props.transport, props.address, port)) {
      checkProps(where, nvmeTargetSchema, { transport: props.transport, address: props.address, ...(port === undefined ? {} : { port }) });
    }
    declareOnce(
      this,
      `nvme\0${props.cluster.name}\0${props.transport}\0${props.address}\0${port ?? 0}`,
      where,
      `NVMe target ${props.transport} ${props.address}${port === undefined ? "" : `:${port}`} on cluster "${props.cluster.name}"`,
    );
    this.resource = namedResource(
      this,
      (provider) =>
        new NvmeTargetResource(this, "resource", {
          provider,
          ...clusterAttributes(props.cluster, dependentDeletionPolicy(where, props.cluster, props.deletionPolicy)),
          transport: literal(props.transport),
          address: literal(props.address),
          port,
        }),
    );
  }
}
