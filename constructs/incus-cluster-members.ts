import { Fn, Token } from "cdktf";
import { Construct } from "constructs";
import type { ICluster } from "./icluster.js";
import { incusConnection, type IncusConnectionProps } from "./incus-common.js";
import { OperationsCenter } from "./operations-center.js";
import { DataOperationscenterIncusClusterMembers as MembersDataSource } from "./provider/data-operationscenter-incus-cluster-members/index.js";

export interface IncusClusterMembersProps extends IncusConnectionProps {
  /**
   * The cluster whose Incus API is used: a `Cluster` of this app (referenced, so Terraform creates
   * it and joins its servers first) or `Cluster.fromClusterName`.
   */
  readonly cluster: ICluster;
}

/** What each member has, as attribute names of `member(index)`. */
export type IncusClusterMemberField = "name" | "url" | "roles" | "architecture" | "failure_domain" | "description" | "status" | "message" | "groups";

/**
 * The members of a cluster as its Incus reports them (`incus cluster list` / `show`): one
 * `operationscenter_incus_cluster_members` data source. A cluster of this app is read after it
 * exists (its name is a reference).
 */
export class IncusClusterMembers extends Construct {
  readonly dataSource: MembersDataSource;

  constructor(scope: Construct, id: string, props: IncusClusterMembersProps) {
    super(scope, id);
    this.dataSource = new MembersDataSource(this, "members", { provider: OperationsCenter.of(this).provider, ...incusConnection(props.cluster, props) });
  }

  /** The member names, sorted. */
  get names(): string[] {
    return this.dataSource.names;
  }

  /** Every member (name, url, roles, architecture, failure_domain, description, status, message, groups), sorted by name. */
  get members(): unknown {
    return this.dataSource.members;
  }

  /** One field of the member at `index` (in name order), as a token. */
  field(index: number, field: IncusClusterMemberField): string {
    return Token.asString(Fn.lookup(Fn.element(this.dataSource.members, index), field));
  }
}
