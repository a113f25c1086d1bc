import { Construct } from "constructs";
import { systemLoggingSchema, type SystemLogging } from "../src/config/bulk.js";
import { anyToken, clusterAttributes, declareOnce, namedResource, dependentDeletionPolicy, type DependentDeletionProps } from "./bulk-declarations.js";
import type { ICluster } from "./icluster.js";
import { literal } from "./names.js";
import { ClusterLoggingConfig as LoggingConfigResource } from "./provider/cluster-logging-config/index.js";
import { checkProps } from "./synth-errors.js";

/** IncusOS' logging config: `{ syslog: { address, protocol?, log_format? } }`. */
export type LoggingConfig = SystemLogging["config"];

export interface ClusterLoggingConfigProps extends DependentDeletionProps {
  /**
   * The cluster whose members get the logging config: a `Cluster` of this app (referenced, so Terraform
   * applies the cluster first and a change of its servers reaches this resource in the same plan)
   * or `Cluster.fromClusterName`.
   */
  readonly cluster: ICluster;
  /** Replaces the whole logging config of every member (update_system_logging); address "" turns remote logging off. */
  readonly config: LoggingConfig;
}

/**
 * The remote syslog config of every member of the cluster: one
 * `operationscenter_cluster_logging_config` resource. Removing it from the code resets every
 * member to the empty config (remote logging off). One per cluster.
 */
export class ClusterLoggingConfig extends Construct {
  readonly resource: LoggingConfigResource;

  constructor(scope: Construct, id: string, props: ClusterLoggingConfigProps) {
    super(scope, id);
    const where = `ClusterLoggingConfig '${this.node.path}'`;
    const config = anyToken(props.config) ? props.config : checkProps(where, systemLoggingSchema, { config: props.config }).config;
    declareOnce(this, `logging\0${props.cluster.name}`, where, `the logging config of cluster "${props.cluster.name}"`);
    this.resource = namedResource(
      this,
      (provider) =>
        new LoggingConfigResource(this, "resource", {
          provider,
          ...clusterAttributes(props.cluster, dependentDeletionPolicy(where, props.cluster, props.deletionPolicy)),
          config: literal(JSON.stringify(config)),
        }),
    );
  }
}
