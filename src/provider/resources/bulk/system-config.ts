// A resource for one IncusOS system config that Operations Center replaces whole on every member
// (update_system_kernel, update_system_logging; incus-os@de27173 incus-osd/api/system_kernel.go,
// system_logging.go). Read compares each member's live config with the declared one; apply sends
// the bulk action only when a member differs (or, while a member is in maintenance and Operations
// Center refuses bulk actions, a PUT of the config on each member that differs, through its IncusOS
// endpoint); destroy resets every member to the empty config, unless deletion_policy is retain.
import type { z } from "zod";
import type { OperationsCenterClient } from "../../../client/client.js";
import type { BulkArguments } from "../../../config/bulk.js";
import { TOO_DEEP, tooDeep } from "../../../config/input-limits.js";
import type { ProviderClient } from "../../client.js";
import { DiagnosticError, UNKNOWN, type Diagnostic, type Logger, type ObjectValue, type Resource } from "../../plugin/types.js";
import { apiStep, knownString, stepFailed } from "../values.js";
import {
  clusterAtApply,
  clusterChange,
  deletionPolicyAttribute,
  deletionPolicyOf,
  deletionPolicyProblems,
  maintenanceNote,
  membersInMaintenance,
  moveNote,
  renameNote,
} from "../common/cluster-reference.js";
import { importIdParts } from "../common/import-id.js";
import {
  appliedMembers,
  changesOneAtATime,
  clusterAttribute,
  clusterMembers,
  clusterProblems,
  plannedMembers,
  readMembers,
  requireMembers,
  serversAttribute,
  serversChanged,
  throwIfErrors,
} from "./common.js";
import { bulkUnlessMaintenance, runBulkAction } from "./run.js";
import { readThenDecide } from "../common/lost-reply.js";

type SystemAction = "update_system_kernel" | "update_system_logging";

interface SystemConfigKind<A extends SystemAction> {
  readonly typeName: string;
  readonly description: string;
  readonly action: A;
  /** "kernel", "logging": in messages. */
  readonly what: "kernel" | "logging";
  /** The bulk arguments' schema: `{config: …}`. */
  readonly schema: z.ZodType<BulkArguments<A>>;
  /** What destroy sends. */
  readonly empty: BulkArguments<A>;
  /** What the reset on destroy means for the members, for the plan's warning. */
  readonly resetMeans: string;
  /** The member's live config object (the `config` of GET /os/1.0/system/<what>). */
  live(api: OperationsCenterClient, member: string): Promise<Record<string, unknown>>;
}

/**
 * The config as IncusOS keeps it, for comparison: an omitted field is its Go zero value, so
 * empty strings, zeros, false, empty lists and objects carry no meaning and are dropped.
 */
export function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const inner = canonical((value as Record<string, unknown>)[key]);
      const empty =
        inner === "" ||
        inner === 0 ||
        inner === false ||
        inner === null ||
        inner === undefined ||
        (Array.isArray(inner) && inner.length === 0) ||
        (typeof inner === "object" && inner !== null && Object.keys(inner).length === 0);
      if (!empty) out[key] = inner;
    }
    return out;
  }
  return value;
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));

/** True when both are known JSON texts of the same config. */
function sameConfigText(a: ObjectValue[string] | undefined, b: ObjectValue[string] | undefined): boolean {
  const [x, y] = [knownString(a), knownString(b)];
  if (x === undefined || y === undefined) return false;
  const [px, py] = [parseConfig(x), parseConfig(y)];
  return "value" in px && "value" in py && same(px.value, py.value);
}

/** The JSON text as an object, or a diagnostic on the config attribute. */
function parseConfig(text: string): { value: Record<string, unknown> } | { problem: Diagnostic } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return {
      problem: {
        severity: "error",
        summary: `config is not JSON: ${error instanceof Error ? error.message : String(error)}`,
        detail: "Write it with jsonencode({ … }).",
        path: ["config"],
      },
    };
  }
  if (tooDeep(value)) return { problem: { severity: "error", summary: `config ${TOO_DEEP}`, path: ["config"] } };
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return { problem: { severity: "error", summary: "config must be a JSON object", detail: "Write it with jsonencode({ … }).", path: ["config"] } };
  }
  return { value: value as Record<string, unknown> };
}

export function systemConfigResource<A extends SystemAction>(kind: SystemConfigKind<A>): Resource<ProviderClient> {
  const problems = (config: ObjectValue): Diagnostic[] => {
    const out = [...clusterProblems(config), ...deletionPolicyProblems(config)];
    const text = knownString(config.config);
    if (text === undefined) return out;
    const parsed = parseConfig(text);
    if ("problem" in parsed) return [...out, parsed.problem];
    const result = kind.schema.safeParse({ config: parsed.value });
    if (result.success) return out;
    return [
      ...out,
      ...result.error.issues.map((issue): Diagnostic => {
        const inner = issue.path.slice(1).map(String).join(".");
        return { severity: "error", summary: `config${inner === "" ? "" : ` ${inner}`}: ${issue.message}`, path: ["config"] };
      }),
    ];
  };

  const differing = async (client: ProviderClient, members: readonly string[], wanted: unknown): Promise<Map<string, Record<string, unknown>>> => {
    const live = await readMembers(client, members, (member) =>
      apiStep(`Cannot read the ${kind.what} config of member ${member}`, () => kind.live(client.api, member)),
    );
    return new Map(members.flatMap((member, index) => (same(live[index], wanted) ? [] : [[member, live[index]!] as const])));
  };

  const update = (client: ProviderClient, log: Logger, cluster: string, args: BulkArguments<A>, what: string): Promise<string[]> =>
    readThenDecide(`cluster "${cluster}": ${what}`, () => updateOnce(client, log, cluster, args, what), log);

  const updateOnce = async (client: ProviderClient, log: Logger, cluster: string, args: BulkArguments<A>, what: string): Promise<string[]> => {
    const api = client.api;
    const members = await requireMembers(api, cluster);
    const stale = await differing(client, members, args.config);
    if (stale.size === 0) return members;
    const why = await bulkUnlessMaintenance(api, cluster, () =>
      runBulkAction(api, log, cluster, kind.action, args, `${what} on ${members.join(", ")} (${[...stale.keys()].join(", ")} differ)`),
    );
    if (why === undefined) return members;
    log.info(`oc-cdktf: cluster "${cluster}": ${what} on ${[...stale.keys()].join(", ")} through the IncusOS endpoint (${why})`, { cluster });
    for (const member of stale.keys()) {
      await apiStep(`Cluster "${cluster}": cannot set the ${kind.what} config of member ${member}`, () =>
        api.incusOS.putSystemConfig(member, kind.what, args.config as Record<string, unknown>),
      );
    }
    return members;
  };

  const desired = (values: ObjectValue): BulkArguments<A> | undefined => {
    const text = knownString(values.config);
    if (text === undefined) return undefined;
    const parsed = parseConfig(text);
    if ("problem" in parsed) return undefined;
    const result = kind.schema.safeParse({ config: parsed.value });
    return result.success ? result.data : undefined;
  };

  const stateOf = (
    cluster: string,
    config: string,
    servers: ObjectValue[string] | undefined,
    deletionPolicy: ObjectValue[string] | undefined,
    members: readonly string[],
  ): ObjectValue => ({
    id: cluster,
    cluster,
    config,
    servers: servers ?? null,
    deletion_policy: deletionPolicy ?? null,
    members: [...members],
  });

  return changesOneAtATime({
    typeName: kind.typeName,
    schema: {
      version: 0,
      block: {
        description: `${kind.description} Import id: the cluster name.`,
        attributes: {
          id: { type: "string", computed: true, description: "The cluster name." },
          cluster: clusterAttribute,
          config: {
            type: "string",
            required: true,
            description: `The ${kind.what} config as JSON text (the \`config\` object of IncusOS' system ${kind.what}); it replaces the whole config on every member.`,
          },
          servers: serversAttribute,
          deletion_policy: deletionPolicyAttribute,
          members: {
            type: ["list", "string"],
            computed: true,
            description: "The members whose live config is this one, sorted. The plan shows every member; a difference is drift, which apply repairs.",
          },
        },
      },
    },

    validate({ config }) {
      return problems(config);
    },

    async plan({ prior, proposed }, { client }) {
      if (proposed === null) {
        const cluster = prior === null ? "" : (knownString(prior.cluster) ?? "");
        if (deletionPolicyOf(prior) === "retain") return { planned: null };
        return {
          planned: null,
          diagnostics: [
            {
              severity: "warning",
              summary: `The ${kind.what} config of every member of cluster "${cluster}" will be reset to the empty config`,
              detail: kind.resetMeans,
            },
          ],
        };
      }
      throwIfErrors(problems(proposed));
      const cluster = knownString(proposed.cluster);
      const planned: ObjectValue = { ...proposed, id: cluster ?? UNKNOWN };
      // The same config written otherwise (key order, spacing, zero values) keeps the prior text,
      // as Terraform allows for an equivalent value: after an import, whose text is the live
      // config's, the plan shows no change the apply would not make.
      if (prior !== null && sameConfigText(prior.config, proposed.config)) planned.config = prior.config;
      const diagnostics: Diagnostic[] = [];
      const from = prior === null ? undefined : knownString(prior.cluster);
      const change = await clusterChange(client.api, from, cluster);
      if (change === "rename") diagnostics.push(renameNote(kind.typeName, from!, cluster!));
      if (change === "move") diagnostics.push(moveNote(kind.typeName, `the ${kind.what} config`, from!, cluster!, deletionPolicyOf(prior), client.language));
      const changed = prior === null || prior.config !== planned.config || serversChanged(prior, proposed);
      // After the apply every member has this config: the declared servers, or today's members.
      planned.members = await plannedMembers(client.api, cluster, proposed.servers);
      if ((changed || change === "move") && cluster !== undefined) {
        const maintenance = await membersInMaintenance(client.api, cluster);
        if (maintenance.size > 0) diagnostics.push(maintenanceNote(kind.typeName, cluster, maintenance));
      }
      return { planned, ...(diagnostics.length > 0 ? { diagnostics } : {}) };
    },

    async apply({ prior, planned }, { client, log }) {
      if (planned === null) {
        const cluster = prior === null ? undefined : knownString(prior.cluster);
        if (cluster === undefined) return { state: null };
        if (deletionPolicyOf(prior) === "retain") {
          log.info(`oc-cdktf: cluster "${cluster}": the ${kind.what} config stays on the members (deletion_policy retain); forgetting it`, { cluster });
          return { state: null };
        }
        try {
          if ((await clusterMembers(client.api, cluster)) !== undefined)
            await update(client, log, cluster, kind.empty, `resetting the ${kind.what} config to empty`);
        } catch (error) {
          return { state: prior, diagnostics: stepFailed(`Cluster "${cluster}": resetting the ${kind.what} config failed`, error).diagnostics };
        }
        return { state: null };
      }
      const cluster = knownString(planned.cluster);
      const text = knownString(planned.config);
      const args = desired(planned);
      if (cluster === undefined || text === undefined || args === undefined) {
        throw new DiagnosticError({ severity: "error", summary: `${kind.typeName}: cluster or config is unknown or invalid at apply time`, path: ["config"] });
      }
      try {
        const from = prior === null ? undefined : knownString(prior.cluster);
        if ((await clusterChange(client.api, from, cluster)) === "move" && deletionPolicyOf(prior) === "remove") {
          await update(client, log, from!, kind.empty, `resetting the ${kind.what} config to empty (moved to cluster "${cluster}")`);
        }
        const members = await update(client, log, await clusterAtApply(client.api, from, cluster), args, `replacing the ${kind.what} config`);
        return { state: stateOf(cluster, text, planned.servers, planned.deletion_policy, appliedMembers(planned.members, members)) };
      } catch (error) {
        return { state: prior, diagnostics: stepFailed(`Cluster "${cluster}": updating the ${kind.what} config failed`, error).diagnostics };
      }
    },

    async read({ state }, { client }) {
      const cluster = knownString(state.cluster);
      const text = knownString(state.config);
      if (cluster === undefined || text === undefined) return { state: null };
      const members = await clusterMembers(client.api, cluster);
      if (members === undefined) return { state: null };
      const recorded = desired(state)?.config ?? {};
      const stale = await differing(client, members, recorded);
      const first = [...stale.values()][0];
      // A member that differs shows as its live config, so the plan shows the difference.
      const config = first === undefined ? text : JSON.stringify(canonical(first));
      return {
        state: stateOf(
          cluster,
          config,
          state.servers,
          state.deletion_policy,
          members.filter((m) => !stale.has(m)),
        ),
      };
    },

    async import(id, { client }) {
      importIdParts(kind.typeName, id, "CLUSTER");
      const members = await clusterMembers(client.api, id);
      if (members === undefined || members.length === 0) {
        throw new DiagnosticError({
          severity: "error",
          summary: `Cannot import ${kind.typeName} "${id}": cluster "${id}" ${members === undefined ? "does not exist" : "has no members"}`,
          detail: "The import id is the cluster name.",
        });
      }
      const live = await apiStep(`Cannot read the ${kind.what} config of member ${members[0]}`, () => kind.live(client.api, members[0]!));
      return { state: stateOf(id, JSON.stringify(canonical(live)), null, null, []) };
    },
  });
}
