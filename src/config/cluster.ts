// The cluster rules the construct (at synth) and the provider (at validate) both check, with one
// message each. Each problem function takes the attribute as the user wrote it (the construct's
// `deletionPolicy`, the HCL `deletion_policy`), so a CDKTF user reads the name in their code.
import { serverTypes } from "../client/api-types.js";
import { isGoDuration } from "./go-duration.js";
import { goUrlParseProblem } from "./go-url.js";
import { isHttpUrl } from "./fields.js";

/** What a destroy does: no call, DELETE mode=force, or DELETE mode=factory-reset. */
export const deletionPolicies = ["retain", "forget", "factory-reset"] as const;
export type DeletionPolicy = (typeof deletionPolicies)[number];
/** A cluster whose deletion policy is not given is only forgotten by a destroy: no call. */
export const DEFAULT_DELETION_POLICY: DeletionPolicy = "retain";

/** Property keys the provider keeps its bookkeeping under (src/provider/resources/cluster/bookkeeping.ts). */
export const RESERVED_PREFIX = "oc-cdktf.io/";

/** Operations Center's rolling restart modes: restore the member's instances (""), or not. */
const restoreModes = ["", "skip"] as const;

const quoted = (values: readonly string[]): string => values.map((value) => JSON.stringify(value)).join(", ");

export function deletionPolicyProblem(attribute: string, value: string): string | undefined {
  return (deletionPolicies as readonly string[]).includes(value)
    ? undefined
    : `${attribute} ${JSON.stringify(value)} is not one of ${quoted(deletionPolicies)}`;
}

/**
 * What the destroy of a resource that hangs off a cluster (bulk and Incus resources) does: take
 * off the members what it applied, or only forget it, with no call, for a cluster that is kept.
 */
const dependentDeletionPolicies = ["remove", "retain"] as const;
export type DependentDeletionPolicy = (typeof dependentDeletionPolicies)[number];

export function dependentDeletionPolicyProblem(attribute: string, value: string): string | undefined {
  return (dependentDeletionPolicies as readonly string[]).includes(value)
    ? undefined
    : `${attribute} ${JSON.stringify(value)} is not one of ${quoted(dependentDeletionPolicies)}`;
}

/**
 * The dependents' deletion policy a cluster's implies: a cluster that keeps running (retain,
 * forget) keeps their configuration; one reset, or not managed here (undefined), loses it.
 */
export function dependentDeletionPolicyOf(cluster: DeletionPolicy | undefined): DependentDeletionPolicy {
  return cluster === "retain" || cluster === "forget" ? "retain" : "remove";
}

/** Seconds a member may take to evacuate before a removal gives up, unless the provider is told otherwise. */
export const DEFAULT_EVACUATION_TIMEOUT_SECONDS = 1800;

export function evacuationTimeoutProblem(attribute: string, seconds: number): string | undefined {
  return Number.isFinite(seconds) && seconds > 0 ? undefined : `${attribute} must be a positive number of seconds, got ${seconds}`;
}

const URL_EXAMPLE = 'give the URL users reach the cluster at, such as "https://cluster.example.com:8443"';

/**
 * What is wrong with a cluster's connection URL, and how to fix it; undefined when it is fine.
 * Operations Center only checks that Go's url.Parse takes it; an address that is not http(s)
 * would pass there and reach no one.
 */
export function connectionUrlProblem(attribute: string, url: string): { problem: string; fix: string } | undefined {
  const parse = goUrlParseProblem(url);
  if (parse !== undefined) {
    return {
      problem: `${attribute} ${JSON.stringify(url)} is refused by Operations Center: ${parse}`,
      fix: `percent-encode what is not plain (e.g. "%7B" for "{"), or ${URL_EXAMPLE}`,
    };
  }
  return isHttpUrl(url) ? undefined : { problem: `${attribute} ${JSON.stringify(url)} is not an http(s) URL`, fix: URL_EXAMPLE };
}

export function serverTypeProblem(attribute: string, value: string): string | undefined {
  return (serverTypes as readonly string[]).includes(value) ? undefined : `${attribute} ${JSON.stringify(value)} is not one of ${quoted(serverTypes)}`;
}

/** The servers a cluster is created with: at least one, each named, none twice (a Terraform set cannot hold one twice). */
export function serversProblem(attribute: string, servers: readonly string[]): string | undefined {
  if (servers.length === 0) return `${attribute} must name at least one registered server; a cluster needs a member`;
  const blank = servers.find((server) => server.trim() === "");
  if (blank !== undefined) return `${attribute} holds the empty server name ${JSON.stringify(blank)}`;
  const twice = servers.find((server, index) => servers.indexOf(server) !== index);
  return twice === undefined ? undefined : `server ${JSON.stringify(twice)} is listed twice in ${attribute}`;
}

export function reservedPropertyProblem(key: string): string | undefined {
  return key.startsWith(RESERVED_PREFIX)
    ? `property ${JSON.stringify(key)} uses the prefix ${RESERVED_PREFIX}, which the provider reserves for its bookkeeping; rename it`
    : undefined;
}

/** Operations Center's rule for post_restore_delay: empty (its default) or a Go duration. */
export function isPostRestoreDelay(value: string): boolean {
  return value === "" || isGoDuration(value);
}

export function isRestoreMode(value: string): boolean {
  return (restoreModes as readonly string[]).includes(value);
}

export function postRestoreDelayProblem(attribute: string, value: string): string | undefined {
  return isPostRestoreDelay(value) ? undefined : `${attribute} ${JSON.stringify(value)} is not a Go duration; write it like "30s", "5m" or "1h30m"`;
}

export function restoreModeProblem(attribute: string, value: string): string | undefined {
  return isRestoreMode(value) ? undefined : `${attribute} ${JSON.stringify(value)} is not one of ${quoted(restoreModes)} ("" restores the member's instances)`;
}
