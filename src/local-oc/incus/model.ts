// The Incus side of a cluster the local Operations Center created, as one model under both API
// surfaces: the members are Operations Center's member servers (so a server added or removed
// through OC is a member here too), and a member's Incus status is read from and written to the
// server's `in_maintenance` (0 Online, 1 Evacuating, 2 Evacuated, 3 Restoring), so evacuating
// through either API shows in the other. What only Incus knows (roles, failure domain, groups,
// member and server config) is kept per cluster in the state file.
import { clusterKeyRules, DEFAULT_GROUP, memberLocalKeys } from "../../config/incus.js";
import { forgetIncusTrust, renameIncusTrust } from "./trust.js";
import type { Store } from "../state.js";
import type { IncusCluster, IncusGroup, IncusMember, PersistedState, ServerRecord } from "../persisted.js";


export const MEMBER_STATUS = ["Online", "Evacuating", "Evacuated", "Restoring"] as const;
export const MAINTENANCE = { online: 0, evacuating: 1, evacuated: 2, restoring: 3 } as const;

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
    const all = (store.data.incus_clusters ??= {});
    const state = (all[name] ??= { members: {}, groups: { [DEFAULT_GROUP]: { description: "Default cluster group", config: {} } }, config: {}, local_config: {} });
    return new IncusClusterModel(store, name, state);
  }

  servers(): ServerRecord[] {
    return this.store.members(this.name);
  }

  server(member: string): ServerRecord | undefined {
    return this.servers().find((s) => s.name === member);
  }

  member(member: string): IncusMember | undefined {
    if (this.server(member) === undefined) return undefined;
    return (this.state.members[member] ??= { roles: [], failure_domain: "default", description: "", config: {}, groups: [DEFAULT_GROUP] });
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

  createGroup(name: string, group: IncusGroup): void {
    this.state.groups[name] = group;
  }

  deleteGroup(name: string): void {
    delete this.state.groups[name];
  }

  renameGroup(from: string, to: string): void {
    const group = this.state.groups[from];
    if (group === undefined) return;
    delete this.state.groups[from];
    this.state.groups[to] = group;
    for (const m of this.memberNames()) {
      const record = this.member(m)!;
      record.groups = record.groups.map((g) => (g === from ? to : g));
    }
  }

  globalConfig(): Record<string, string> {
    return this.state.config;
  }

  localConfig(member: string): Record<string, string> {
    return (this.state.local_config[member] ??= {});
  }

  /** The server config as GET /1.0 renders it: global and the member's local keys, keys at their default left out. */
  renderedConfig(member: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [key, value] of Object.entries({ ...this.state.config, ...this.localConfig(member) })) {
      if (value !== clusterKeyRules[key]?.default) out[key] = value;
    }
    return out;
  }

  /** Applies a config change: keys with "" are unset; `replace` first clears the global and the member's local keys. */
  writeConfig(member: string, config: Record<string, string>, replace: boolean): void {
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
  }
}
