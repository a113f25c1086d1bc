import { Construct } from "constructs";
import { systemKernelSchema, type SystemKernel } from "../src/config/bulk.js";
import { anyToken, clusterAttributes, declareOnce, namedResource, dependentDeletionPolicy, type DependentDeletionProps } from "./bulk-declarations.js";
import type { ICluster } from "./icluster.js";
import { literal } from "./names.js";
import { ClusterKernelConfig as KernelConfigResource } from "./provider/cluster-kernel-config/index.js";
import { checkProps } from "./synth-errors.js";

/** IncusOS' kernel config: console, blacklist_modules, cpu, memory, network, pci. */
export type KernelConfig = SystemKernel["config"];

export interface ClusterKernelConfigProps extends DependentDeletionProps {
  /**
   * The cluster whose members get the kernel config: a `Cluster` of this app (referenced, so Terraform
   * applies the cluster first and a change of its servers reaches this resource in the same plan)
   * or `Cluster.fromClusterName`.
   */
  readonly cluster: ICluster;
  /** Replaces the whole kernel config of every member (update_system_kernel). */
  readonly config: KernelConfig;
}

/**
 * The kernel config of every member of the cluster: one `operationscenter_cluster_kernel_config`
 * resource. Removing it from the code resets every member to the empty config. One per cluster.
 */
export class ClusterKernelConfig extends Construct {
  readonly resource: KernelConfigResource;

  constructor(scope: Construct, id: string, props: ClusterKernelConfigProps) {
    super(scope, id);
    const where = `ClusterKernelConfig '${this.node.path}'`;
    const config = anyToken(props.config) ? props.config : checkProps(where, systemKernelSchema, { config: props.config }).config;
    declareOnce(this, `kernel\0${props.cluster.name}`, where, `the kernel config of cluster "${props.cluster.name}"`);
    this.resource = namedResource(
      this,
      (provider) =>
        new KernelConfigResource(this, "resource", {
          provider,
          ...clusterAttributes(props.cluster, dependentDeletionPolicy(where, props.cluster, props.deletionPolicy)),
          config: literal(JSON.stringify(config)),
        }),
    );
  }
}
