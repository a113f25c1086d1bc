import { Construct } from "constructs";
import {
  apiNameProblem,
  memberEvacuationModes,
  roleProblem,
  schedulerInstanceValues,
  type AssignableRole,
  type MemberEvacuationMode,
  type SchedulerInstance,
} from "../src/config/incus.js";
import { anyToken, declareOnce, namedResource } from "./bulk-declarations.js";
import type { ICluster } from "./icluster.js";
import { incusConnection, memberProblems, type IncusConnectionProps } from "./incus-common.js";
import { literal, literalList } from "./names.js";
import { IncusClusterMember as MemberResource } from "./provider/incus-cluster-member/index.js";
import { failOn } from "./synth-errors.js";

export interface IncusClusterMemberProps extends IncusConnectionProps {
  /**
   * The cluster whose Incus API is used: a `Cluster` of this app (referenced, so Terraform creates
   * it and joins its servers first) or `Cluster.fromClusterName`.
   */
  readonly cluster: ICluster;
  /** The member (server) name. */
  readonly member: string;
  /** Roles to assign (the list replaces the member's); the database roles are Incus's own. @default not managed */
  readonly roles?: AssignableRole[];
  /** Failure domain ("default" means none). @default not managed */
  readonly failureDomain?: string;
  /** Description of the member. @default not managed */
  readonly description?: string;
  /** scheduler.instance: all (any placement), manual (only when targeted) or group (only when its group is targeted). @default not managed */
  readonly schedulerInstance?: SchedulerInstance;
  /** Cluster groups (at least one; the whole list is replaced). @default not managed */
  readonly groups?: string[];
  /** online, or evacuated (evacuates the member, waiting for the operation; back to online restores it). @default not managed */
  readonly state?: "online" | "evacuated";
  /**
   * How instances leave when `state` becomes evacuated: auto (each instance's cluster.evacuate),
   * migrate, live-migrate or stop. @default "auto"
   */
  readonly evacuationMode?: MemberEvacuationMode;
}

/**
 * The Incus settings and state of one cluster member: one `operationscenter_incus_cluster_member`
 * resource. Removing it stops managing the member; the member stays in the cluster. One per member.
 */
export class IncusClusterMember extends Construct {
  readonly resource: MemberResource;

  constructor(scope: Construct, id: string, props: IncusClusterMemberProps) {
    super(scope, id);
    const where = `IncusClusterMember '${this.node.path}'`;
    const problems: string[] = [];
    for (const role of anyToken(props.roles) ? [] : (props.roles ?? [])) {
      const problem = roleProblem(role);
      if (problem !== undefined) problems.push(`roles: ${problem}`);
    }
    if (
      props.schedulerInstance !== undefined &&
      !anyToken(props.schedulerInstance) &&
      !(schedulerInstanceValues as readonly string[]).includes(props.schedulerInstance)
    ) {
      problems.push(`schedulerInstance: "${props.schedulerInstance}" is not a scheduler.instance value (expected ${schedulerInstanceValues.join(", ")})`);
    }
    if (props.failureDomain === "") problems.push('failureDomain: must not be empty (use "default" for no failure domain)');
    if (props.groups !== undefined && !anyToken(props.groups)) {
      if (props.groups.length === 0) problems.push("groups: a member needs at least one group; give default to keep it in the default group");
      for (const g of props.groups) {
        const problem = apiNameProblem(g);
        if (problem !== undefined) problems.push(`groups: "${g}" is not a valid group name: ${problem}`);
      }
    }
    if (props.state !== undefined && !anyToken(props.state) && !["online", "evacuated"].includes(props.state))
      problems.push(`state: "${props.state}" is not a member state (expected online or evacuated)`);
    if (props.evacuationMode !== undefined && !anyToken(props.evacuationMode) && !(memberEvacuationModes as readonly string[]).includes(props.evacuationMode)) {
      problems.push(`evacuationMode: "${props.evacuationMode}" is not an evacuation mode (expected ${memberEvacuationModes.join(", ")})`);
    }
    if (props.evacuationMode !== undefined && props.state === undefined) problems.push('evacuationMode: only applies with state "evacuated"');
    problems.push(...memberProblems(props.cluster, [props.member], "member"));
    failOn(where, problems);
    declareOnce(this, `incus-member\0${props.cluster.name}\0${props.member}`, where, `Incus member "${props.member}" of cluster "${props.cluster.name}"`);
    const optional = <K extends string, V>(key: K, value: V | undefined) => (value === undefined ? {} : ({ [key]: value } as Record<K, V>));
    this.resource = namedResource(
      this,
      (provider) =>
        new MemberResource(this, "resource", {
          provider,
          ...incusConnection(props.cluster, props),
          member: literal(props.member),
          ...optional("roles", props.roles === undefined ? undefined : literalList(props.roles)),
          ...optional("failureDomain", props.failureDomain === undefined ? undefined : literal(props.failureDomain)),
          ...optional("description", props.description === undefined ? undefined : literal(props.description)),
          ...optional("schedulerInstance", props.schedulerInstance === undefined ? undefined : literal(props.schedulerInstance)),
          ...optional("groups", props.groups === undefined ? undefined : literalList(props.groups)),
          ...optional("state", props.state === undefined ? undefined : literal(props.state)),
          ...optional("evacuationMode", props.evacuationMode === undefined ? undefined : literal(props.evacuationMode)),
        }),
    );
  }
}
