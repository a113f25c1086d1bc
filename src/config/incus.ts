// The rules of Incus clustering (incus@be7afc5 shared/api/cluster.go,
// internal/server/cluster/config/config.go, cmd/incusd/api_cluster.go, api_cluster_evacuation.go):
// cluster-wide keys and their validators, member roles, member and group config keys, names,
// evacuation modes. The local Operations Center enforces them as Incus does; the provider and the
// constructs check the same rules before anything is sent, with messages that say what to change.
import { z } from "zod";

/** Roles Incus assigns itself from the raft state; a client may neither add nor drop them. */
export const automaticRoles = ["database", "database-leader", "database-standby"] as const;
/** Roles a client may assign. */
export const assignableRoles = ["event-hub", "ovn-chassis", "database-client"] as const;
export type AssignableRole = (typeof assignableRoles)[number];

export const schedulerInstanceValues = ["all", "manual", "group"] as const;
export type SchedulerInstance = (typeof schedulerInstanceValues)[number];

/** Modes of POST /1.0/cluster/members/{name}/state with action evacuate (the cluster.evacuate values). */
export const evacuationModes = ["auto", "migrate", "live-migrate", "refresh-migrate", "stop", "stateful-stop", "force-stop"] as const;
/** The modes the member resource offers: the ones that need no per-instance state. */
export const memberEvacuationModes = ["auto", "stop", "migrate", "live-migrate"] as const;
export type MemberEvacuationMode = (typeof memberEvacuationModes)[number];

export const PLACEMENT_SCRIPTLET_KEY = "instances.placement.scriptlet";

type KeyRule = { readonly default: string; readonly check: (value: string) => string | undefined };

const INTEGER = /^[+-]?\d+$/;
const integer = (value: string): number | undefined => (INTEGER.test(value) ? Number.parseInt(value, 10) : undefined);

function integerRule(fallback: string, check: (n: number) => string | undefined = () => undefined): KeyRule {
  return {
    default: fallback,
    check: (value) => {
      const n = integer(value);
      return n === undefined ? "invalid integer" : check(n);
    },
  };
}

const EXPIRY = /^(\d+[SMHdwmy])( \d+[SMHdwmy])*$/;
const expiryRule = (fallback: string): KeyRule => ({
  default: fallback,
  check: (value) => (EXPIRY.test(value) ? undefined : "invalid expiry expression (space-separated <number><unit> with unit S, M, H, d, w, m or y, e.g. 3H)"),
});

/**
 * The cluster-wide keys of the cluster settings, with Incus's defaults (GET /1.0 omits a key at
 * its default) and validators. The scriptlet key is checked by the Starlark checker.
 */
export const clusterKeyRules: { readonly [key: string]: KeyRule } = {
  "cluster.offline_threshold": integerRule("20", (n) => (n <= 10 ? "Value must be greater than '10'" : undefined)),
  "cluster.healing_threshold": integerRule("0", (n) => (n < 0 ? "Value must not be negative" : undefined)),
  "cluster.images_minimal_replica": integerRule("3", (n) => (n === -1 || n >= 1 ? undefined : "Value must be at least 1, or -1 (every member)")),
  "cluster.max_voters": integerRule("3", (n) => (n < 3 || n % 2 !== 1 ? "Value must be an odd number equal to or higher than 3" : undefined)),
  "cluster.max_standby": integerRule("2", (n) => (n < 0 || n > 5 ? "Value must be between 0 and 5" : undefined)),
  "cluster.join_token_expiry": expiryRule("3H"),
  "cluster.rebalance.batch": integerRule("1"),
  "cluster.rebalance.cooldown": expiryRule("6H"),
  "cluster.rebalance.interval": integerRule("0"),
  "cluster.rebalance.threshold": integerRule("20", (n) => (n < 10 || n > 100 ? "Value must be between 10 and 100" : undefined)),
};
const clusterKeys = Object.keys(clusterKeyRules);

/** Member-local server keys (internal/server/node/config.go): set per member with ?target=. */
export const memberLocalKeys = [
  "core.https_address",
  "cluster.https_address",
  "core.bgp_address",
  "core.bgp_routerid",
  "core.debug_address",
  "core.dns_address",
  "core.metrics_address",
  "core.storage_buckets_address",
  "core.syslog_socket",
  "network.ovs.connection",
  "storage.backups_volume",
  "storage.images_volume",
  "storage.logs_volume",
  "storage.linstor.satellite.name",
] as const;

/** Global server keys outside the cluster settings that Incus knows (a subset: the common ones). */
const otherGlobalKeys = [
  "core.proxy_http",
  "core.proxy_https",
  "core.proxy_ignore_hosts",
  "images.auto_update_interval",
  "images.remote_cache_expiry",
  "images.compression_algorithm",
];

function isUserKey(key: string): boolean {
  return key.startsWith("user.") && key.length > "user.".length;
}

/**
 * Why Incus refuses `value` for the server key `key` ("unknown key", "invalid integer", ...), or
 * undefined. The scriptlet key is not judged here (see checkPlacementScriptlet).
 */
export function serverKeyProblem(key: string, value: string): string | undefined {
  if (value === "") return undefined;
  const rule = clusterKeyRules[key];
  if (rule !== undefined) return rule.check(value);
  if (isUserKey(key)) return /^[\x21-\x7e ]*$/.test(value) ? undefined : "user keys may only contain letters, digits, spaces and punctuation";
  if (key === PLACEMENT_SCRIPTLET_KEY || (memberLocalKeys as readonly string[]).includes(key) || otherGlobalKeys.includes(key)) return undefined;
  return "unknown key";
}

/** Incus's validate.IsAPIName: at most 64 characters, no whitespace or $?&+"'`*\/, alphanumeric at both ends. */
export function apiNameProblem(name: string): string | undefined {
  if (name === "") return "it must not be empty";
  if (name.length > 64) return "it must be at most 64 characters";
  if (/\s/.test(name)) return "it must not contain whitespace";
  const bad = /[$?&+"'`*\\/]/.exec(name);
  if (bad !== null) return `it must not contain "${bad[0]}"`;
  if (!/^[A-Za-z0-9].*[A-Za-z0-9]$|^[A-Za-z0-9]$/.test(name)) return "it must start and end with a letter or digit";
  return undefined;
}

/** Why a role cannot be requested, or undefined. */
export function roleProblem(role: string): string | undefined {
  if ((automaticRoles as readonly string[]).includes(role)) {
    return `"${role}" is assigned automatically by Incus (from the raft state and cluster.max_voters / cluster.max_standby); remove it and give only ${assignableRoles.join(", ")}`;
  }
  if (!(assignableRoles as readonly string[]).includes(role)) return `invalid cluster role "${role}" (expected one of ${assignableRoles.join(", ")})`;
  return undefined;
}

/** Incus's clusterValidateConfig for a member's config key. */
export function memberConfigProblem(key: string, value: string): string | undefined {
  if (key === "scheduler.instance") {
    return value === "" || (schedulerInstanceValues as readonly string[]).includes(value)
      ? undefined
      : `Invalid value "${value}" for scheduler.instance (expected ${schedulerInstanceValues.join(", ")})`;
  }
  if (isUserKey(key)) return undefined;
  return `Invalid cluster configuration key "${key}"`;
}

const VM_CPU_KEY = /^instances\.vm\.cpu\.[^.]+\.(baseline|flags)$/;

/** Why a cluster group config key is refused, or undefined. */
export function groupConfigProblem(key: string): string | undefined {
  if (isUserKey(key) || VM_CPU_KEY.test(key)) return undefined;
  return `Invalid cluster group configuration key "${key}" (expected user.* or instances.vm.cpu.<ARCH>.baseline / .flags)`;
}

export const DEFAULT_GROUP = "default";

/** The settings L2 props: each cluster-wide key as a number or (for expiries) a string. */
export const clusterSettingsConfigSchema = z.strictObject({
  "cluster.max_voters": z.number().int().optional(),
  "cluster.max_standby": z.number().int().optional(),
  "cluster.offline_threshold": z.number().int().optional(),
  "cluster.healing_threshold": z.number().int().optional(),
  "cluster.images_minimal_replica": z.number().int().optional(),
  "cluster.join_token_expiry": z.string().optional(),
  "cluster.rebalance.batch": z.number().int().optional(),
  "cluster.rebalance.cooldown": z.string().optional(),
  "cluster.rebalance.interval": z.number().int().optional(),
  "cluster.rebalance.threshold": z.number().int().optional(),
});
export type ClusterSettingsConfig = z.infer<typeof clusterSettingsConfigSchema>;

/** Problems of a settings config map as strings: `key: reason`. Unknown keys are named with the known ones. */
export function clusterSettingsProblems(config: Readonly<Record<string, string>>): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(config)) {
    if (key === PLACEMENT_SCRIPTLET_KEY) {
      out.push(`${key}: set the scriptlet with placement_scriptlet, not in config`);
      continue;
    }
    const rule = clusterKeyRules[key];
    if (rule === undefined) {
      out.push(`${key}: not a cluster-wide key (expected one of ${clusterKeys.join(", ")})`);
      continue;
    }
    const problem = value === "" ? "an empty value unsets the key; remove it from config instead" : rule.check(value);
    if (problem !== undefined) out.push(`${key}: ${problem} (got ${JSON.stringify(value)})`);
  }
  return out;
}
