// The Incus side of a cluster the local Operations Center created, as one model under both API
// surfaces: the members are Operations Center's member servers (so a server added or removed
// through OC is a member here too), and a member's Incus status is read from and written to the
// server's `in_maintenance` (0 Online, 1 Evacuating, 2 Evacuated, 3 Restoring), so evacuating
// through either API shows in the other. What only Incus knows (roles, failure domain, groups,
// member and server config) is kept per cluster in the state file.
//
// The changes validate as Incus does (incus@be7afc5 cmd/incusd/api_1.0.go (doAPI10Update),
// api_cluster.go (updateClusterNode), api_cluster_group.go): 400 for refused values, 500 where
// Incus raises a plain error inside its database transaction, 404 for an unknown member or group.
// Each change marks the state for persistence; the routes (incus/routes.ts) only decode and encode.
import { z } from "zod";
import {
  apiNameProblem,
  assignableRoles,
  automaticRoles,
  clusterKeyRules,
  DEFAULT_GROUP,
  groupConfigProblem,
  memberConfigProblem,
  memberLocalKeys,
  PLACEMENT_SCRIPTLET_KEY,
  serverKeyProblem,
} from "../../config/incus.js";
import { checkPlacementScriptlet, formatStarlarkProblem } from "../../config/starlark.js";
import { HttpError } from "../errors.js";
import { forgetIncusTrust, renameIncusTrust } from "./trust.js";
import type { Store } from "../state.js";
import type { IncusCluster, IncusGroup, IncusMember, PersistedState, ServerRecord } from "../persisted.js";

const stringMap = z.record(z.string(), z.string());
/** The body of PUT/PATCH /1.0/cluster/members/{member} (api.ClusterMemberPut). */
export const memberPutSchema = z.looseObject({
  roles: z.array(z.string()).nullish(),
  failure_domain: z.string().nullish(),
  description: z.string().nullish(),
  config: stringMap.nullish(),
  groups: z.array(z.string()).nullish(),
});
type MemberPut = z.infer<typeof memberPutSchema>;
/** The body of PUT/PATCH /1.0/cluster/groups/{group} (api.ClusterGroupPut). */
export const groupPutSchema = z.looseObject({ description: z.string().nullish(), members: z.array(z.string()).nullish(), config: stringMap.nullish() });
type GroupPut = z.infer<typeof groupPutSchema>;

const MEMBER_STATUS = ["Online", "Evacuating", "Evacuated", "Restoring"] as const;

/** Forgets the Incus side of a cluster (a new cluster of that name starts fresh). */
export function forgetIncusCluster(data: PersistedState, name: string): void {
  if (data.incus_clusters !== undefined) delete data.incus_clusters[name];
  forgetIncusTrust(data, name);
}

/** Moves the Incus side with a cluster rename. */
export function renameIncusCluster(data: PersistedState, from: string, to: string): void {
  renameIncusTrust(data, from, to);
  const entry = data.incus_clusters?.[from];
  if (entry === undefined || data.incus_clusters === undefined) return;
  delete data.incus_clusters[from];
  data.incus_clusters[to] = entry;
}

export class IncusClusterModel {
  constructor(
    private readonly store: Store,
    readonly name: string,
    private readonly state: IncusCluster,
  ) {}

  /** The model of a ready cluster, created on first use; undefined for an unknown or pending cluster. */
  static of(store: Store, name: string): IncusClusterModel | undefined {
    const cluster = store.cluster(name);
    if (cluster === undefined || cluster.status !== "ready") return undefined;
    store.data.incus_clusters ??= {};
    const all = store.data.incus_clusters;
    all[name] ??= { members: {}, groups: { [DEFAULT_GROUP]: { description: "Default cluster group", config: {} } }, config: {}, local_config: {} };
    return new IncusClusterModel(store, name, all[name]);
  }

  servers(): ServerRecord[] {
    return this.store.members(this.name);
  }

  server(member: string): ServerRecord | undefined {
    return this.servers().find((s) => s.name === member);
  }

  member(member: string): IncusMember | undefined {
    if (this.server(member) === undefined) return undefined;
    this.state.members[member] ??= { roles: [], failure_domain: "default", description: "", config: {}, groups: [DEFAULT_GROUP] };
    return this.state.members[member];
  }

  memberNames(): string[] {
    return this.servers().map((s) => s.name);
  }

  /** database / database-leader / database-standby from the member's place and max_voters / max_standby. */
  automaticRoles(member: string): string[] {
    const index = this.memberNames().indexOf(member);
    const voters = Number(this.globalConfig()["cluster.max_voters"] ?? clusterKeyRules["cluster.max_voters"]!.default);
    const standby = Number(this.globalConfig()["cluster.max_standby"] ?? clusterKeyRules["cluster.max_standby"]!.default);
    if (index < 0) return [];
    if (index === 0) return ["database-leader", "database"];
    if (index < voters) return ["database"];
    if (index < voters + standby) return ["database-standby"];
    return [];
  }

  status(member: string): string {
    return MEMBER_STATUS[this.server(member)?.in_maintenance ?? 0] ?? "Online";
  }

  groupNames(): string[] {
    return Object.keys(this.state.groups).sort();
  }

  group(name: string): IncusGroup | undefined {
    return this.state.groups[name];
  }

  groupMembers(name: string): string[] {
    return this.memberNames().filter((m) => this.member(m)!.groups.includes(name));
  }

  /** The member, or Incus' 404. */
  requireMember(name: string): IncusMember {
    const member = this.member(name);
    if (member === undefined) throw new HttpError(404, "Cluster member not found");
    return member;
  }

  /** PUT (or PATCH, merging `config` into the current one) of a member. */
  updateMember(name: string, body: MemberPut, patch: boolean): void {
    const member = this.requireMember(name);
    const requested = body.roles ?? [];
    const automatic = this.automaticRoles(name);
    if (automatic.includes("database") && !requested.includes("database")) throw new HttpError(400, 'The "database" role cannot be dropped at this time');
    if (!automatic.includes("database") && requested.includes("database")) throw new HttpError(400, 'The "database" role cannot be added at this time');
    const roles = requested.filter((r) => !(automaticRoles as readonly string[]).includes(r));
    for (const role of roles) {
      if (!(assignableRoles as readonly string[]).includes(role)) throw new HttpError(500, `Invalid cluster role "${role}"`);
    }
    if (roles.includes("database-client")) {
      const others = this.memberNames().filter((m) => m !== name);
      if (others.every((m) => this.member(m)!.roles.includes("database-client")))
        throw new HttpError(400, "Assigning the 'database-client' role to all nodes is not allowed");
    }
    const groups = body.groups ?? [];
    if (groups.length === 0) throw new HttpError(400, "Cluster members need to belong to at least one group");
    for (const g of groups) if (this.group(g) === undefined) throw new HttpError(404, `Cluster group "${g}" not found`);
    const failureDomain = body.failure_domain ?? "";
    if (failureDomain === "") throw new HttpError(500, "Failure domain name can't be empty");
    const config = patch ? { ...member.config, ...(body.config ?? {}) } : { ...(body.config ?? {}) };
    for (const [key, value] of Object.entries(config)) {
      const problem = memberConfigProblem(key, value);
      if (problem !== undefined) throw new HttpError(500, problem);
    }
    member.roles = [...new Set(roles)];
    member.groups = [...new Set(groups)];
    member.failure_domain = failureDomain;
    member.description = body.description ?? "";
    member.config = Object.fromEntries(Object.entries(config).filter(([, v]) => v !== ""));
    this.store.changed();
  }

  /** The group's PUT document: description, members and config. */
  groupPut(name: string): { description: string; members: string[]; config: Record<string, string> } {
    const g = this.group(name)!;
    return { description: g.description, members: this.groupMembers(name), config: g.config };
  }

  /** POST /1.0/cluster/groups. */
  createGroup(name: string, body: GroupPut): void {
    const problem = apiNameProblem(name);
    if (problem !== undefined) throw new HttpError(400, `Invalid cluster group name "${name}": ${problem}`);
    if (this.group(name) !== undefined) throw new HttpError(409, "Cluster group already exists");
    const config = body.config ?? {};
    checkGroupConfig(config);
    for (const m of body.members ?? []) this.requireMember(m);
    this.state.groups[name] = { description: body.description ?? "", config };
    this.setGroupMembers(name, body.members ?? []);
    this.store.changed();
  }

  /** PUT (or PATCH: absent fields keep their value, `config` merges) of a group. */
  updateGroup(name: string, body: GroupPut, patch: boolean): void {
    const current = this.groupPut(name);
    const config = patch ? { ...current.config, ...(body.config ?? {}) } : { ...(body.config ?? {}) };
    checkGroupConfig(config);
    const members = patch && (body.members === null || body.members === undefined) ? current.members : (body.members ?? []);
    if (patch) {
      for (const m of current.members) {
        if (!members.includes(m) && this.member(m)!.groups.length === 1)
          throw new HttpError(400, `Cannot remove ${m} from group as member needs to belong to at least one group`);
      }
    }
    for (const m of members) this.requireMember(m);
    const group = this.group(name)!;
    group.description = patch ? (body.description ?? current.description) : (body.description ?? "");
    group.config = config;
    this.setGroupMembers(name, members);
    this.store.changed();
  }

  /** Puts exactly `members` in the group; a member whose only group this is stays in it (every member needs one). */
  private setGroupMembers(group: string, members: readonly string[]): void {
    for (const name of this.memberNames()) {
      const record = this.member(name)!;
      const wanted = members.includes(name);
      const has = record.groups.includes(group);
      if (wanted && !has) record.groups = [...record.groups, group];
      if (!wanted && has && record.groups.length !== 1) record.groups = record.groups.filter((g) => g !== group);
    }
  }

  /** Incus refuses to rename the default group before it reads the request body. */
  checkRenamable(name: string): void {
    if (name === DEFAULT_GROUP) throw new HttpError(403, 'The "default" group cannot be renamed');
  }

  /** POST /1.0/cluster/groups/{group}: the rename, members following. */
  renameGroup(from: string, to: string): void {
    this.checkRenamable(from);
    const problem = apiNameProblem(to);
    if (problem !== undefined) throw new HttpError(400, `Invalid cluster group name "${to}": ${problem}`);
    if (this.group(to) !== undefined) throw new HttpError(409, `Name "${to}" already in use`);
    const group = this.state.groups[from];
    if (group === undefined) return;
    delete this.state.groups[from];
    this.state.groups[to] = group;
    for (const m of this.memberNames()) {
      const record = this.member(m)!;
      record.groups = record.groups.map((g) => (g === from ? to : g));
    }
    this.store.changed();
  }

  /** DELETE /1.0/cluster/groups/{group}: only an empty group other than default. */
  deleteGroup(name: string): void {
    if (name === DEFAULT_GROUP) throw new HttpError(403, "The 'default' cluster group cannot be deleted");
    // A plain error inside the transaction: 500 (incus@be7afc5 cmd/incusd/api_cluster_group.go (clusterGroupDelete)).
    if (this.groupMembers(name).length > 0) throw new HttpError(500, "Only empty cluster groups can be removed");
    delete this.state.groups[name];
    this.store.changed();
  }

  globalConfig(): Record<string, string> {
    return this.state.config;
  }

  localConfig(member: string): Record<string, string> {
    this.state.local_config[member] ??= {};
    return this.state.local_config[member];
  }

  /** The server config as GET /1.0 renders it: global and the member's local keys, keys at their default left out. */
  renderedConfig(member: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [key, value] of Object.entries({ ...this.state.config, ...this.localConfig(member) })) {
      if (value !== clusterKeyRules[key]?.default) out[key] = value;
    }
    return out;
  }

  /** PUT (`replace`) or PATCH of the server config: keys with "" are unset; `replace` first clears the global and the member's local keys. */
  writeConfig(member: string, config: Record<string, string>, replace: boolean): void {
    const errors: string[] = [];
    for (const [key, value] of Object.entries(config)) {
      const reason = key === PLACEMENT_SCRIPTLET_KEY && value !== "" ? scriptletReason(value) : serverKeyProblem(key, value);
      if (reason !== undefined) errors.push(`cannot set '${key}' to '${value}': ${reason}`);
    }
    if (errors.length > 0) throw new HttpError(400, errors[0]! + (errors.length > 1 ? ` (and ${errors.length - 1} more errors)` : ""));
    const local = this.localConfig(member);
    if (replace) {
      for (const key of Object.keys(this.state.config)) delete this.state.config[key];
      for (const key of Object.keys(local)) delete local[key];
    }
    for (const [key, value] of Object.entries(config)) {
      const target = (memberLocalKeys as readonly string[]).includes(key) ? local : this.state.config;
      if (value === "") delete target[key];
      else target[key] = value;
    }
    this.store.changed();
  }
}

function checkGroupConfig(config: Record<string, string>): void {
  for (const key of Object.keys(config)) {
    const problem = groupConfigProblem(key);
    if (problem !== undefined) throw new HttpError(400, problem);
  }
}

/** Incus's validator message for a scriptlet it cannot load. */
function scriptletReason(source: string): string | undefined {
  const problems = checkPlacementScriptlet(source, "scriptlet");
  if (problems.length === 0) return undefined;
  return problems.map(formatStarlarkProblem).join("; additionally, ");
}
