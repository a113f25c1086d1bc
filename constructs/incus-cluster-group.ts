import { Construct } from "constructs";
import { apiNameProblem, DEFAULT_GROUP, groupConfigProblem } from "../src/config/incus.js";
import { anyToken, declareOnce, dependentDeletionPolicy, namedResource, type DependentDeletionProps } from "./bulk-declarations.js";
import type { ICluster } from "./icluster.js";
import { incusConnection, memberProblems, type IncusConnectionProps } from "./incus-common.js";
import { literal, literalList, literalMap } from "./names.js";
import { IncusClusterGroup as GroupResource } from "./provider/incus-cluster-group/index.js";
import { failOn } from "./synth-errors.js";

export interface IncusClusterGroupProps extends IncusConnectionProps, DependentDeletionProps {
  /**
   * The cluster whose Incus API is used: a `Cluster` of this app (referenced, so Terraform creates
   * it and joins its servers first) or `Cluster.fromClusterName`.
   */
  readonly cluster: ICluster;
  /** Group name (not default, which every cluster has). */
  readonly name: string;
  /** Description of the group; the whole group is written on every update. @default "" */
  readonly description?: string;
  /** Member names in the group. */
  readonly members: string[];
  /** Group config: user.* and instances.vm.cpu.<ARCH>.baseline / .flags keys. @default {} (no keys) */
  readonly config?: Record<string, string>;
}

/** A cluster group of the cluster's Incus: one `operationscenter_incus_cluster_group` resource. */
export class IncusClusterGroup extends Construct {
  readonly resource: GroupResource;

  constructor(scope: Construct, id: string, props: IncusClusterGroupProps) {
    super(scope, id);
    const where = `IncusClusterGroup '${this.node.path}'`;
    const problems: string[] = [];
    if (!anyToken(props.name)) {
      if (props.name === DEFAULT_GROUP) problems.push('name: the "default" group exists in every Incus cluster and cannot be created, renamed or deleted');
      else {
        const problem = apiNameProblem(props.name);
        if (problem !== undefined) problems.push(`name: "${props.name}" is not a valid group name: ${problem}`);
      }
    }
    for (const key of Object.keys(props.config ?? {})) {
      const problem = groupConfigProblem(key);
      if (problem !== undefined) problems.push(`config.${key}: ${problem}`);
    }
    problems.push(...memberProblems(props.cluster, props.members, "members"));
    failOn(where, problems);
    const deletionPolicy = dependentDeletionPolicy(where, props.cluster, props.deletionPolicy);
    declareOnce(this, `incus-group\0${props.cluster.name}\0${props.name}`, where, `Incus cluster group "${props.name}" of cluster "${props.cluster.name}"`);
    this.resource = namedResource(
      this,
      (provider) =>
        new GroupResource(this, "resource", {
          provider,
          ...incusConnection(props.cluster, props),
          name: literal(props.name),
          members: literalList(props.members),
          ...(props.description === undefined ? {} : { description: literal(props.description) }),
          ...(props.config === undefined ? {} : { config: literalMap(props.config) }),
          deletionPolicy,
        }),
    );
  }
}
