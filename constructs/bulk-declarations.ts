// What the bulk-operation constructs share: one record per stack of what each declared (so a
// duplicate is a synth error naming both construct paths), their deletion policy, and how they
// point at their cluster.
import { TerraformStack, Token, dependable, type TerraformProvider, type TerraformResource } from "cdktf";
import type { IConstruct } from "constructs";
import { dependentDeletionPolicyOf, dependentDeletionPolicyProblem, type DependentDeletionPolicy } from "../src/config/cluster.js";
import { clusterAttribute, type ICluster, isManagedCluster } from "./icluster.js";
import { literal, terraformName } from "./names.js";
import { OperationsCenter } from "./operations-center.js";
import { failOn, synthError } from "./synth-errors.js";

const declared = new WeakMap<TerraformStack, Map<string, string>>();

/** Records that `constructPath` declares `key`; a second declaration fails naming both. */
export function declareOnce(scope: IConstruct, key: string, where: string, what: string): void {
  const stack = TerraformStack.of(scope);
  const seen = declared.get(stack) ?? new Map<string, string>();
  declared.set(stack, seen);
  const other = seen.get(key);
  if (other !== undefined) throw synthError(where, [`${what} is already declared by '${other}'. Declare it once, or remove one of them`]);
  seen.set(key, scope.node.path);
}

/** True when any value is a token: such props are checked by the provider at plan time. */
export function anyToken(...values: unknown[]): boolean {
  return values.some((value) => Token.isUnresolved(value) || (Array.isArray(value) && value.some((v) => Token.isUnresolved(v))));
}

export type { DependentDeletionPolicy };

/** The prop every bulk construct has for what its destroy does. */
export interface DependentDeletionProps {
  /**
   * What destroy (or removing this construct from the code) does: `remove` takes off the members
   * what it applied, `retain` only forgets it. @default `retain` when the cluster's deletionPolicy
   * is `retain` or `forget` (the cluster keeps running with its configuration), `remove` when it
   * is `factory-reset` or the cluster is not managed by this app (Cluster.fromClusterName).
   */
  readonly deletionPolicy?: DependentDeletionPolicy;
}

/** The bulk resource's deletion_policy: the prop, else what the cluster's deletion policy implies. */
export function dependentDeletionPolicy(where: string, cluster: ICluster, override: DependentDeletionPolicy | undefined): DependentDeletionPolicy {
  if (override === undefined) return dependentDeletionPolicyOf(cluster.deletionPolicy);
  failOn(where, [dependentDeletionPolicyProblem("deletionPolicy", String(override))]);
  return override;
}

/**
 * The cluster and servers attributes of a bulk resource. A cluster of this app is referenced
 * (so Terraform orders the cluster first, and a change of its servers reaches the bulk resource
 * in the same plan); one only referenced by name is given by name.
 */
export function clusterAttributes(cluster: ICluster, deletionPolicy: DependentDeletionPolicy): { cluster: string; servers?: string[]; deletionPolicy: string } {
  const servers = isManagedCluster(cluster) ? { servers: cluster.resource.servers } : {};
  return { cluster: clusterAttribute(cluster), ...servers, deletionPolicy };
}

/** A readable Terraform-name part from a value (an interface, an address). */
export function namePart(value: string | number): string {
  return String(value).replace(/[^A-Za-z0-9_-]/g, "_");
}

/**
 * Creates a construct's L1 resource with the stack's provider, named (and claimed) after the
 * construct path, as every L2 construct of this package names its resource.
 */
export function namedResource<R extends TerraformResource>(scope: IConstruct, create: (provider: TerraformProvider) => R): R {
  const oc = OperationsCenter.of(scope);
  const name = terraformName(scope);
  oc.claimTerraformName(name, scope.node.path);
  const resource = create(oc.provider);
  resource.overrideLogicalId(name);
  return resource;
}

/**
 * For what a server must have before Operations Center lets it join (VLAN tags, applications):
 * the cluster by name and its declared servers, not references, because the cluster resource
 * depends on this one instead (joinsAfter).
 */
export function joiningAttributes(cluster: ICluster, deletionPolicy: DependentDeletionPolicy): { cluster: string; servers?: string[]; deletionPolicy: string } {
  const servers = isManagedCluster(cluster) ? cluster.resource.serversInput : undefined;
  return { cluster: literal(cluster.name), ...(servers === undefined ? {} : { servers }), deletionPolicy };
}

/** A cluster of this app applies after `prerequisite`, so the servers it adds already have it. */
export function joinsAfter(cluster: ICluster, prerequisite: TerraformResource): void {
  if (!isManagedCluster(cluster)) return;
  cluster.resource.dependsOn = [...(cluster.resource.dependsOn ?? []), dependable(prerequisite)];
}
