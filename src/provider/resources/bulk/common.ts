// What every bulk-operation resource shares: the cluster and servers attributes, the plan-time
// checks of the cluster name and of zod-validated arguments, and reading the cluster's members.
import type { z } from "zod";
import type { OperationsCenterClient } from "../../../client/client.js";
import type { ProviderClient } from "../../client.js";
import {
  DiagnosticError,
  UNKNOWN,
  type Attribute,
  type AttributePath,
  type Diagnostic,
  type ObjectValue,
  type Resource,
  type Value,
} from "../../plugin/types.js";
import { objectNameProblem } from "../../../config/object-name.js";
import { apiStep, hasUnknown, isUnknown, knownString } from "../values.js";

export const clusterAttribute: Attribute = {
  type: "string",
  required: true,
  description:
    "Name of the cluster in Operations Center. A change that follows the cluster's rename is an in-place change of the state only (the members keep " +
    "what they carry); a change to another cluster that exists already is a move, also in place: the apply removes it from the old cluster's members (per deletion_policy) and adds it on the new one's.",
};

export const serversAttribute: Attribute = {
  type: ["set", "string"],
  optional: true,
  description:
    "The cluster's declared servers (the L2 constructs wire it to the cluster resource's servers). Only used to notice a change: " +
    "when it changes, the plan converges every member again after the cluster's own change, so a server that joins gets this in the same apply.",
};

/** servers for what a server must have before Operations Center lets it join (VLAN tags, applications). */
export const joiningServersAttribute: Attribute = {
  type: ["set", "string"],
  optional: true,
  description:
    "The cluster's declared servers. Those that are not members yet get this through their own endpoints first, because Operations Center admits a server " +
    "only when it matches the members here; so the cluster resource must depend on this one (depends_on, with cluster and servers given as literal values), " +
    "which the L2 constructs arrange.",
};

export const idAttribute: Attribute = { type: "string", computed: true, description: "The import id (see the resource description)." };

export function clusterProblems(config: ObjectValue): Diagnostic[] {
  const name = knownString(config.cluster);
  if (name === undefined) return [];
  const problem = objectNameProblem("cluster", name);
  return problem === undefined ? [] : [{ severity: "error", summary: `cluster: ${problem}`, path: ["cluster"] }];
}

/**
 * Checks known values against a zod schema of the bulk payloads; each issue becomes an error on
 * the attribute `attributeOf` maps the issue path to.
 */
export function schemaProblems<S extends z.ZodType>(
  schema: S,
  value: unknown,
  attributeOf: (issuePath: readonly PropertyKey[]) => AttributePath,
): Diagnostic[] {
  const result = schema.safeParse(value);
  if (result.success) return [];
  return result.error.issues.map((issue) => {
    const path = attributeOf(issue.path);
    const where = path.map((step) => (typeof step === "object" ? `[${JSON.stringify(step.key)}]` : typeof step === "number" ? `[${step}]` : step)).join(".");
    return { severity: "error", summary: `${where}: ${issue.message}`, path };
  });
}

export function throwIfErrors(problems: readonly Diagnostic[]): void {
  if (problems.some((p) => p.severity === "error")) throw new DiagnosticError(problems);
}

/** The member names of a cluster, sorted as Operations Center processes them; undefined when the cluster does not exist. */
export async function clusterMembers(api: OperationsCenterClient, cluster: string): Promise<string[] | undefined> {
  return apiStep(`Cannot read the members of cluster "${cluster}"`, async () => {
    if ((await api.findCluster(cluster)) === undefined) return undefined;
    return (await api.listServers({ cluster })).map((server) => server.name).sort();
  });
}

/**
 * `read` of every member, at most client.maxParallelReads at once (the provider block's
 * max_parallel_reads), the answers in the members' order. After a failure no further read starts;
 * the first failure is thrown once those in flight have ended.
 */
export async function readMembers<T>(client: ProviderClient, members: readonly string[], read: (member: string) => Promise<T>): Promise<T[]> {
  const answers: T[] = new Array<T>(members.length);
  let next = 0;
  let failed = false;
  const reader = async (): Promise<void> => {
    while (!failed && next < members.length) {
      const index = next++;
      try {
        answers[index] = await read(members[index]!);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  const results = await Promise.allSettled(Array.from({ length: Math.min(client.maxParallelReads, members.length) }, reader));
  const failure = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failure !== undefined) throw failure.reason;
  return answers;
}

/** clusterMembers for an apply: a missing cluster is an error that says what to do. */
export async function requireMembers(api: OperationsCenterClient, cluster: string): Promise<string[]> {
  const members = await clusterMembers(api, cluster);
  if (members === undefined || members.length === 0) {
    throw new DiagnosticError({
      severity: "error",
      summary: `Cluster "${cluster}" ${members === undefined ? "does not exist in Operations Center" : "has no members"}`,
      detail: "Create the cluster first (in the same configuration, reference it so Terraform orders the two), or correct the cluster attribute.",
      path: ["cluster"],
    });
  }
  return members;
}

/**
 * The members after the apply, as the plan shows them: the declared servers when they are known
 * (the cluster resource converges its members to them in the same apply), else the cluster's
 * current members, else unknown (the cluster does not exist yet).
 */
export async function plannedMembers(api: OperationsCenterClient, cluster: string | undefined, servers: Value | undefined): Promise<Value> {
  if (Array.isArray(servers) && !hasUnknown(servers)) return stringList(servers).sort();
  if (cluster === undefined) return UNKNOWN;
  return (await clusterMembers(api, cluster)) ?? UNKNOWN;
}

/** The planned members when the plan knew them, else those the apply found. */
export function appliedMembers(planned: Value | undefined, found: readonly string[]): string[] {
  return Array.isArray(planned) && !hasUnknown(planned) ? stringList(planned) : [...found];
}

/** True when the configured servers are known and differ from those recorded in the prior state. */
export function serversChanged(prior: ObjectValue | null, proposed: ObjectValue): boolean {
  if (prior === null) return false;
  const next = proposed.servers;
  if (isUnknown(next) || hasUnknown(next)) return true;
  return !sameStrings(stringList(prior.servers), stringList(next));
}

export function stringList(value: Value | undefined): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

export function numberList(value: Value | undefined): number[] {
  return Array.isArray(value) ? value.filter((v): v is number => typeof v === "number") : [];
}

function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join("\0") === [...b].sort().join("\0");
}

/** The attributes whose change means a replace, among those that differ from the prior state. */
export function replacedAttributes(prior: ObjectValue | null, proposed: ObjectValue, attributes: readonly string[]): AttributePath[] {
  if (prior === null) return [];
  return attributes.filter((name) => JSON.stringify(prior[name] ?? null) !== JSON.stringify(proposed[name] ?? null)).map((name) => [name]);
}

const queues = new Map<string, Promise<unknown>>();

/**
 * Runs the changes of one cluster one at a time within this provider process. Terraform applies
 * resources in parallel, and each change is a read-modify-write of whole member configs (by
 * Operations Center for a bulk action, by the provider for a per-server write): two at once
 * would lose one of them.
 */
async function oneAtATime<T>(cluster: string, change: () => Promise<T>): Promise<T> {
  const previous = queues.get(cluster) ?? Promise.resolve();
  const run = previous.then(change, change);
  const settled = run.then(
    () => undefined,
    () => undefined,
  );
  queues.set(cluster, settled);
  try {
    return await run;
  } finally {
    if (queues.get(cluster) === settled) queues.delete(cluster);
  }
}

/** The resource with its applies run oneAtATime per cluster (the planned one, or the prior one on destroy). */
export function changesOneAtATime(resource: Resource<ProviderClient>): Resource<ProviderClient> {
  const apply = resource.apply.bind(resource);
  return {
    ...resource,
    apply: (request, context) => oneAtATime(knownString(request.planned?.cluster) ?? knownString(request.prior?.cluster) ?? "", () => apply(request, context)),
  };
}
