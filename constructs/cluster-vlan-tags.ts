import { Lazy, TerraformStack, Token, type IResolvable } from "cdktf";
import { Construct } from "constructs";
import { interfaceNameSchema, vlanTagSchema } from "../src/config/bulk.js";
import {
  anyToken,
  declareOnce,
  joiningAttributes,
  joinsAfter,
  namePart,
  dependentDeletionPolicy,
  type DependentDeletionPolicy,
  type DependentDeletionProps,
} from "./bulk-declarations.js";
import type { ICluster } from "./icluster.js";
import { literal, terraformName } from "./names.js";
import { OperationsCenter } from "./operations-center.js";
import { ClusterVlanTags as VlanTagsResource } from "./provider/cluster-vlan-tags/index.js";
import { checkProps, synthError } from "./synth-errors.js";

export interface ClusterVlanTagsProps extends DependentDeletionProps {
  /**
   * The cluster whose members get the VLAN tags: a `Cluster` of this app or `Cluster.fromClusterName`.
   * A Cluster of this app applies after this resource, so the servers it adds already have them
   * when Operations Center lets them join.
   */
  readonly cluster: ICluster;
  /** The interface or bond, by name, on every member (e.g. "eth0", "uplink"). */
  readonly interfaceName: string;
  /**
   * VLAN IDs (1 to 4094) to carry on the interface of every member. Tags declared by several
   * ClusterVlanTags for one cluster and interface merge into one resource; tags added by other
   * means are left alone.
   */
  readonly vlanTags: number[];
}

interface Merged {
  readonly resource: VlanTagsResource;
  readonly tags: Map<number, string>;
  /** The deletion policy and the construct that set it: merged constructs must agree. */
  readonly deletionPolicy: { readonly value: DependentDeletionPolicy; readonly path: string };
}

const merged = new WeakMap<TerraformStack, Map<string, Merged>>();

/**
 * VLAN tags on one interface or bond of every member of a cluster: the
 * `operationscenter_cluster_vlan_tags` resource of that cluster and interface, shared by every
 * ClusterVlanTags that names them (its Terraform name is `<cluster>_vlan_tags_<interface>`).
 */
export class ClusterVlanTags extends Construct {
  /** The L1 resource, shared with the other ClusterVlanTags of this cluster and interface. */
  readonly resource: VlanTagsResource;

  constructor(scope: Construct, id: string, props: ClusterVlanTagsProps) {
    super(scope, id);
    const where = `ClusterVlanTags '${this.node.path}'`;
    const { cluster, interfaceName, vlanTags } = props;
    if (!Array.isArray(vlanTags) || (vlanTags.length === 0 && !Token.isUnresolved(vlanTags))) {
      throw synthError(where, [`vlanTags must list at least one VLAN ID`]);
    }
    if (!anyToken(interfaceName)) checkProps(where, interfaceNameSchema, interfaceName, "interfaceName");
    const stack = TerraformStack.of(this);
    const byInterface = merged.get(stack) ?? new Map<string, Merged>();
    merged.set(stack, byInterface);
    const key = `${cluster.name}\0${interfaceName}`;
    const deletionPolicy = dependentDeletionPolicy(where, cluster, props.deletionPolicy);
    let entry = byInterface.get(key);
    if (entry === undefined) {
      const oc = OperationsCenter.of(this);
      const name = `${terraformName(cluster)}_vlan_tags_${namePart(interfaceName)}`;
      oc.claimTerraformName(name, this.node.path);
      const tags = new Map<number, string>();
      const resource = new VlanTagsResource(this, "resource", {
        provider: oc.provider,
        ...joiningAttributes(cluster, deletionPolicy),
        interfaceName: literal(interfaceName),
        vlanTags: Token.asNumberList(Lazy.anyValue({ produce: () => [...tags.keys()].sort((a, b) => a - b) })),
      });
      resource.overrideLogicalId(name);
      joinsAfter(cluster, resource);
      entry = { resource, tags, deletionPolicy: { value: deletionPolicy, path: this.node.path } };
      byInterface.set(key, entry);
    }
    if (entry.deletionPolicy.value !== deletionPolicy) {
      throw synthError(where, [
        `deletionPolicy "${deletionPolicy}" differs from "${entry.deletionPolicy.value}" of '${entry.deletionPolicy.path}', which shares its resource ` +
          "(the tags of one interface are one resource). Give both the same deletionPolicy",
      ]);
    }
    for (const tag of vlanTags) {
      if (!Token.isUnresolved(tag)) checkProps(where, vlanTagSchema, tag, "vlanTags");
      declareOnce(this, `vlan\0${key}\0${tag}`, where, `VLAN tag ${tag} on "${interfaceName}" of cluster "${cluster.name}"`);
      entry.tags.set(tag, this.node.path);
    }
    this.resource = entry.resource;
  }

  /** Every VLAN tag on the interface, by member, including tags added by other means (a token). */
  get vlanTagsAll(): IResolvable {
    return this.resource.vlanTagsAll;
  }
}
