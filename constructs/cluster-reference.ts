import { Construct } from "constructs";
import type { ICluster } from "./icluster.js";
import { checkObjectName, literal, terraformName } from "./names.js";
import { OperationsCenter } from "./operations-center.js";
import { DataOperationscenterCluster } from "./provider/data-operationscenter-cluster/index.js";

/**
 * A cluster this app does not manage, read through the `operationscenter_cluster` data source
 * on every plan. Created by `Cluster.fromClusterName`.
 */
export class ClusterReference extends Construct implements ICluster {
  readonly name: string;
  /** This app never deletes the cluster: its bulk constructs remove what they applied when they leave the code (see ICluster). */
  readonly deletionPolicy = undefined;
  /** The L1 data source. */
  readonly data: DataOperationscenterCluster;

  constructor(scope: Construct, id: string, name: string) {
    super(scope, id);
    this.name = checkObjectName("Cluster", this.node.path, name);
    const oc = OperationsCenter.of(this);
    const dataName = terraformName(this);
    oc.claimTerraformName(`data.${dataName}`, this.node.path);
    this.data = new DataOperationscenterCluster(this, "data", { provider: oc.provider, name: literal(this.name) });
    this.data.overrideLogicalId(dataName);
  }

  get certificate(): string {
    return this.data.certificate;
  }

  get fingerprint(): string {
    return this.data.fingerprint;
  }

  get status(): string {
    return this.data.status;
  }
}
