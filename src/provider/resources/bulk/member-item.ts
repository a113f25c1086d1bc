// A resource for one item every member of a cluster must have: a storage target or an
// application. Read asks each member whether it has the item; apply adds it with the bulk action
// when no member has it and, when some members already do (Operations Center then refuses the
// add), adds it on the others through their IncusOS endpoints. Destroy removes it the same way.
// Every identity attribute but the cluster forces a replace: Operations Center can only add and
// remove items. A change of the cluster is in place: it follows the cluster's rename, or moves
// the item to another existing cluster (common/cluster-reference.ts).
// While a member is in maintenance Operations Center refuses every bulk action, so the item goes
// to each member through its IncusOS endpoint instead.
import type { Server } from "../../../client/api-types.js";
import type { OperationsCenterClient } from "../../../client/client.js";
import type { ProviderClient } from "../../client.js";
import { DiagnosticError, UNKNOWN, type Attribute, type Diagnostic, type Logger, type ObjectValue, type Resource } from "../../plugin/types.js";
import { resyncUntilReady } from "../server-ready.js";
import { apiStep, hasUnknown, knownString, stepFailed } from "../values.js";
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
  retainedOnReplace,
} from "../common/cluster-reference.js";
import { importIdError, importIdParts } from "../common/import-id.js";
import {
  appliedMembers,
  changesOneAtATime,
  clusterAttribute,
  clusterMembers,
  clusterProblems,
  idAttribute,
  joiningServersAttribute,
  plannedMembers,
  readMembers,
  replacedAttributes,
  requireMembers,
  serversAttribute,
  stringList,
  throwIfErrors,
} from "./common.js";
import { bulkUnlessMaintenance } from "./run.js";
import { readThenDecide } from "../common/lost-reply.js";

interface MemberItemKind<T> {
  readonly typeName: string;
  readonly description: string;
  /** The item's attributes besides cluster; each forces a replace. */
  readonly attributes: { readonly [name: string]: Attribute };
  /** The id format for the description and import errors, e.g. "CLUSTER/WWN". */
  readonly idFormat: string;
  /** The item, defaults filled, or undefined while any of its attributes is unknown. */
  itemOf(values: ObjectValue): T | undefined;
  problems(config: ObjectValue): Diagnostic[];
  /** The item's attribute values as state holds them. */
  valuesOf(item: T): ObjectValue;
  /** The part of the id after "CLUSTER/". */
  idOf(item: T): string;
  /**
   * The item from the parts of an import id after CLUSTER (as many as idFormat names, none
   * empty), or what is wrong with them (wrapped: an item may itself be a string, a WWN or an
   * application name).
   */
  parseId(parts: readonly string[]): { item: T } | { problem: string };
  /** In domain words, e.g. `NVMe target tcp 192.0.2.100:8009`. */
  describe(item: T): string;
  has(api: OperationsCenterClient, member: string, item: T): Promise<boolean>;
  /** The bulk add on every member (Operations Center refuses it when any member has the item). */
  bulkAdd(api: OperationsCenterClient, log: Logger, cluster: string, item: T): Promise<void>;
  /** The bulk remove when every member has the item; absent when Operations Center has none. */
  bulkRemove?(api: OperationsCenterClient, log: Logger, cluster: string, item: T): Promise<void>;
  /**
   * True when Operations Center admits a server into the cluster only if it already has the item
   * (its join check compares them): declared servers that are not members yet then get it first.
   */
  readonly neededToJoin?: boolean;
  /**
   * Whether Operations Center's stored copy of the server (as of its last poll) has the item, for
   * a kind whose join check reads that copy rather than the server.
   */
  stored?(server: Server, item: T): boolean;
  /** What a reviewer must know before the item is removed from every member, if anything. */
  removalWarning?(item: T, cluster: string): { summary: string; detail: string };
  /** Through one member's IncusOS endpoint. */
  addOn(api: OperationsCenterClient, member: string, item: T): Promise<void>;
  removeOn(api: OperationsCenterClient, member: string, item: T): Promise<void>;
}

const MEMBERS: Attribute = {
  type: ["list", "string"],
  computed: true,
  description: "The members that have it, sorted. The plan shows every member here; a difference is a member that lacks it (drift), which apply repairs.",
};

export function memberItemResource<T>(kind: MemberItemKind<T>): Resource<ProviderClient> {
  const identity = Object.keys(kind.attributes);

  const holders = async (client: ProviderClient, members: readonly string[], item: T): Promise<string[]> => {
    const has = await readMembers(client, members, (member) =>
      apiStep(`Cannot read ${kind.describe(item)} on member ${member}`, () => kind.has(client.api, member, item)),
    );
    return members.filter((_, index) => has[index]);
  };

  const stateOf = (
    cluster: string,
    item: T,
    members: readonly string[],
    servers: ObjectValue[string] | undefined,
    deletionPolicy: ObjectValue[string] | undefined,
  ): ObjectValue => ({
    id: `${cluster}/${kind.idOf(item)}`,
    cluster,
    ...kind.valuesOf(item),
    servers: servers ?? null,
    deletion_policy: deletionPolicy ?? null,
    members: [...members],
  });

  /**
   * Adds the item where it is missing: one bulk action when no member has it and none is in
   * maintenance (or the bulk action is refused because one went into maintenance since), else
   * per member.
   */
  const convergeMembers = async (client: ProviderClient, log: Logger, cluster: string, item: T, members: readonly string[]): Promise<void> => {
    const api = client.api;
    const present = await holders(client, members, item);
    const missing = members.filter((m) => !present.includes(m));
    if (missing.length === 0) return;
    let why = "Operations Center refuses the add while any member has it";
    if (present.length === 0) {
      const refused = await bulkUnlessMaintenance(api, cluster, () => kind.bulkAdd(api, log, cluster, item));
      if (refused === undefined) return;
      why = refused;
    }
    log.info(
      `oc-cdktf: cluster "${cluster}": ${kind.describe(item)} is ${present.length === 0 ? "on no member" : `on ${present.join(", ")} but not on ${missing.join(", ")}`}; ` +
        `adding it on ${missing.join(", ")} through the IncusOS endpoint (${why})`,
      { cluster, repaired: missing.join(",") },
    );
    for (const member of missing) {
      try {
        await kind.addOn(api, member, item);
      } catch (error) {
        const done = missing.slice(0, missing.indexOf(member));
        throw stepFailed(
          `Cluster "${cluster}": cannot repair ${kind.describe(item)} on member ${member}`,
          new Error(
            `${error instanceof Error ? error.message : String(error)}\n\n` +
              `It is on ${[...present, ...done].join(", ")}. Fix ${member} and run terraform apply again, or remove the item from ` +
              `${[...present, ...done].join(", ")} by hand so that the next apply adds it on every member with one bulk action.`,
          ),
        );
      }
    }
  };

  /**
   * The members, converged; for a kind that must be on a server before it joins, also the
   * declared servers that are not members yet, through their own IncusOS endpoints.
   */
  const converge = async (client: ProviderClient, log: Logger, cluster: string, item: T, servers: readonly string[]): Promise<string[]> => {
    const api = client.api;
    const members = (await clusterMembers(api, cluster)) ?? [];
    const joining = kind.neededToJoin === true ? servers.filter((server) => !members.includes(server)) : [];
    if (members.length === 0 && joining.length === 0) await requireMembers(api, cluster);
    if (members.length > 0)
      await readThenDecide(`cluster "${cluster}": adding ${kind.describe(item)}`, () => convergeMembers(client, log, cluster, item, members), log);
    await readThenDecide(
      `cluster "${cluster}": adding ${kind.describe(item)} on the servers about to join`,
      async () => {
        const present = new Set(await holders(client, joining, item));
        for (const server of joining.filter((s) => !present.has(s))) {
          log.info(`oc-cdktf: cluster "${cluster}": server ${server} is about to join; adding ${kind.describe(item)} on it through its IncusOS endpoint`, {
            cluster,
            server,
          });
          await apiStep(`Cannot add ${kind.describe(item)} on server ${server}, which is about to join cluster "${cluster}"`, () =>
            kind.addOn(api, server, item),
          );
        }
      },
      log,
    );
    if (joining.length > 0 && kind.stored !== undefined) await refreshStored(client, log, [...members, ...joining], item, kind.stored);
    // The joining servers have it now and are members once the cluster takes them: counting
    // them here keeps the next refresh from reporting them as a change made outside Terraform.
    return [...new Set([...members, ...joining])].sort();
  };

  /**
   * Operations Center's join check compares its stored copies of the members and the joining
   * servers, which neither the bulk action nor a change through the OS proxy refreshes: every
   * one whose stored copy lacks the item is re-polled (see server-ready.ts).
   */
  const refreshStored = async (
    client: ProviderClient,
    log: Logger,
    servers: readonly string[],
    item: T,
    stored: (server: Server, item: T) => boolean,
  ): Promise<void> => {
    for (const server of servers) {
      const { server: record } = await apiStep(`Cannot read server ${server}`, () => client.api.getServer(server));
      if (stored(record, item)) continue;
      await apiStep(`Server ${server} did not become ready after ${kind.describe(item)} was added`, () =>
        resyncUntilReady(client, log, server, `${kind.describe(item)} was added on it`),
      );
    }
  };

  const remove = (client: ProviderClient, log: Logger, cluster: string, item: T): Promise<void> =>
    readThenDecide(`cluster "${cluster}": removing ${kind.describe(item)}`, () => removeOnce(client, log, cluster, item), log);

  const removeOnce = async (client: ProviderClient, log: Logger, cluster: string, item: T): Promise<void> => {
    const api = client.api;
    const members = await clusterMembers(api, cluster);
    if (members === undefined) return;
    const present = await holders(client, members, item);
    if (present.length === 0) return;
    let why = kind.bulkRemove === undefined ? "Operations Center has no remove action" : `only ${present.join(", ")} of ${members.length} members have it`;
    const bulkRemove = kind.bulkRemove;
    if (present.length === members.length && bulkRemove !== undefined) {
      const refused = await bulkUnlessMaintenance(api, cluster, () => bulkRemove(api, log, cluster, item));
      if (refused === undefined) return;
      why = refused;
    }
    log.info(`oc-cdktf: cluster "${cluster}": removing ${kind.describe(item)} from ${present.join(", ")} through the IncusOS endpoint (${why})`, {
      cluster,
      members: present.join(","),
    });
    for (const member of present) {
      await apiStep(`Cluster "${cluster}": cannot remove ${kind.describe(item)} from member ${member}`, () => kind.removeOn(api, member, item));
    }
  };

  return changesOneAtATime({
    typeName: kind.typeName,
    schema: {
      version: 0,
      block: {
        description: `${kind.description} Import id: ${kind.idFormat}.`,
        attributes: {
          id: idAttribute,
          cluster: clusterAttribute,
          ...kind.attributes,
          servers: kind.neededToJoin === true ? joiningServersAttribute : serversAttribute,
          deletion_policy: deletionPolicyAttribute,
          members: MEMBERS,
        },
      },
    },

    validate({ config }) {
      return [...clusterProblems(config), ...deletionPolicyProblems(config), ...kind.problems(config)];
    },

    async plan({ prior, proposed }, { client }) {
      if (proposed === null) {
        const item = prior === null ? undefined : kind.itemOf(prior);
        if (item === undefined || deletionPolicyOf(prior) === "retain" || kind.removalWarning === undefined) return { planned: null };
        return { planned: null, diagnostics: [{ severity: "warning", ...kind.removalWarning(item, knownString(prior?.cluster) ?? "") }] };
      }
      throwIfErrors([...clusterProblems(proposed), ...deletionPolicyProblems(proposed), ...kind.problems(proposed)]);
      const item = kind.itemOf(proposed);
      const cluster = knownString(proposed.cluster);
      const planned: ObjectValue = {
        ...proposed,
        ...(item === undefined ? {} : kind.valuesOf(item)),
        id: item === undefined || cluster === undefined ? UNKNOWN : `${cluster}/${kind.idOf(item)}`,
      };
      const diagnostics: Diagnostic[] = [];
      const requiresReplace = replacedAttributes(prior, planned, identity);
      const from = prior === null ? undefined : knownString(prior.cluster);
      const change = await clusterChange(client.api, from, cluster);
      const priorItem = prior === null ? undefined : kind.itemOf(prior);
      if (change === "move" && requiresReplace.length === 0 && priorItem !== undefined) {
        diagnostics.push(moveNote(kind.typeName, kind.describe(priorItem), from!, cluster!, deletionPolicyOf(prior), client.language));
      }
      if (change === "rename") diagnostics.push(renameNote(kind.typeName, from!, cluster!));
      if (requiresReplace.length > 0 && deletionPolicyOf(prior) === "retain" && priorItem !== undefined) {
        diagnostics.push(retainedOnReplace(kind.typeName, kind.describe(priorItem), from ?? "", client.language));
      }
      if (requiresReplace.length > 0 || hasUnknown(planned)) planned.members = UNKNOWN;
      // Every member should have it: the plan shows a member that lacks it as a change.
      else planned.members = await plannedMembers(client.api, cluster, proposed.servers);
      if (cluster !== undefined && requiresReplace.length === 0) {
        const maintenance = await membersInMaintenance(client.api, cluster);
        if (maintenance.size > 0 && (prior === null || JSON.stringify(prior.members) !== JSON.stringify(planned.members))) {
          diagnostics.push(maintenanceNote(kind.typeName, cluster, maintenance));
        }
      }
      return { planned, ...(requiresReplace.length > 0 ? { requiresReplace } : {}), ...(diagnostics.length > 0 ? { diagnostics } : {}) };
    },

    async apply({ prior, planned }, { client, log }) {
      if (planned === null) {
        if (prior === null) return { state: null };
        const item = kind.itemOf(prior);
        const cluster = knownString(prior.cluster);
        if (item === undefined || cluster === undefined) return { state: null };
        if (deletionPolicyOf(prior) === "retain") {
          log.info(`oc-cdktf: cluster "${cluster}": ${kind.describe(item)} stays on the members (deletion_policy retain); forgetting it`, { cluster });
          return { state: null };
        }
        try {
          await remove(client, log, cluster, item);
        } catch (error) {
          return { state: prior, diagnostics: stepFailed(`Cluster "${cluster}": removing ${kind.describe(item)} failed`, error).diagnostics };
        }
        return { state: null };
      }
      const item = kind.itemOf(planned);
      const cluster = knownString(planned.cluster);
      if (item === undefined || cluster === undefined) {
        throw new DiagnosticError({ severity: "error", summary: `${kind.typeName}: the cluster or item is still unknown at apply time` });
      }
      try {
        const from = prior === null ? undefined : knownString(prior.cluster);
        const priorItem = prior === null ? undefined : kind.itemOf(prior);
        // Both clusters exist: a move (planned as a replace, or decided since the plan).
        if ((await clusterChange(client.api, from, cluster)) === "move" && priorItem !== undefined && deletionPolicyOf(prior) === "remove") {
          await remove(client, log, from!, priorItem);
        }
        const on = await clusterAtApply(client.api, from, cluster);
        const members = await converge(client, log, on, item, stringList(planned.servers));
        return { state: stateOf(cluster, item, appliedMembers(planned.members, members), planned.servers, planned.deletion_policy) };
      } catch (error) {
        return { state: prior, diagnostics: stepFailed(`Cluster "${cluster}": adding ${kind.describe(item)} failed`, error).diagnostics };
      }
    },

    async read({ state }, { client }) {
      const item = kind.itemOf(state);
      const cluster = knownString(state.cluster);
      if (item === undefined || cluster === undefined) return { state: null };
      const members = await clusterMembers(client.api, cluster);
      if (members === undefined) return { state: null };
      const present = await holders(client, members, item);
      // On no member at all: gone, so Terraform plans to add it again.
      if (present.length === 0) return { state: null };
      return { state: stateOf(cluster, item, present, state.servers, state.deletion_policy) };
    },

    async import(id, { client }) {
      const [cluster, ...rest] = importIdParts(kind.typeName, id, kind.idFormat) as [string, ...string[]];
      const parsed = kind.parseId(rest);
      if ("problem" in parsed) throw importIdError(kind.typeName, id, kind.idFormat, parsed.problem);
      const item = parsed.item;
      const members = await clusterMembers(client.api, cluster);
      const present = members === undefined ? [] : await holders(client, members, item);
      if (present.length === 0) {
        throw new DiagnosticError({
          severity: "error",
          summary: `Cannot import ${kind.typeName} "${id}": ${members === undefined ? `cluster "${cluster}" does not exist` : `no member of cluster "${cluster}" has ${kind.describe(item)}`}`,
          detail: "Check the id; to add the item instead, declare the resource without importing it.",
        });
      }
      return { state: stateOf(cluster, item, present, null, null) };
    },
  });
}
