import { Construct } from "constructs";
import { applicationNameSchema, type ApplicationArguments } from "../src/config/bulk.js";
import {
  anyToken,
  declareOnce,
  joiningAttributes,
  joinsAfter,
  namedResource,
  dependentDeletionPolicy,
  type DependentDeletionProps,
} from "./bulk-declarations.js";
import { literal } from "./names.js";
import type { ICluster } from "./icluster.js";
import { ClusterApplication as ApplicationResource } from "./provider/cluster-application/index.js";
import { checkProps } from "./synth-errors.js";

/** A non-primary IncusOS application. */
export type ClusterApplicationName = ApplicationArguments["name"];

export interface ClusterApplicationProps extends DependentDeletionProps {
  /**
   * The cluster whose members get the application: a `Cluster` of this app or `Cluster.fromClusterName`.
   * A Cluster of this app applies after this resource, so the servers it adds already have them
   * when Operations Center lets them join.
   */
  readonly cluster: ICluster;
  /**
   * debug, gpu-support, incus-ceph, incus-linstor or openfga. The primary application (incus,
   * incus-lts-7.0, migration-manager, operations-center) is chosen at install time: declaring
   * one is an error.
   */
  readonly name: ClusterApplicationName;
}

/**
 * A non-primary IncusOS application on every member of the cluster: one
 * `operationscenter_cluster_application` resource. Removing it from the code removes the
 * application from each member. A cluster of this app applies after it, so a server that joins
 * already has the application (Operations Center compares the applications before a join).
 */
export class ClusterApplication extends Construct {
  readonly resource: ApplicationResource;

  constructor(scope: Construct, id: string, props: ClusterApplicationProps) {
    super(scope, id);
    const where = `ClusterApplication '${this.node.path}'`;
    if (!anyToken(props.name)) checkProps(where, applicationNameSchema, props.name, "name");
    declareOnce(this, `application\0${props.cluster.name}\0${props.name}`, where, `application "${props.name}" on cluster "${props.cluster.name}"`);
    this.resource = namedResource(
      this,
      (provider) =>
        new ApplicationResource(this, "resource", {
          provider,
          ...joiningAttributes(props.cluster, dependentDeletionPolicy(where, props.cluster, props.deletionPolicy)),
          name: literal(props.name),
        }),
    );
    joinsAfter(props.cluster, this.resource);
  }
}
