// operationscenter_cluster_vlan_tags: the VLAN tags this resource manages on one interface or
// bond of every member of a cluster (add_/remove_network_interface_vlan_tags; the tags:
// incus-os@de27173 incus-osd/api/system_network.go). Apply adds, in one call, the declared tags
// some member lacks and removes, in one call, the tags it managed before and no longer declares.
// Tags added by other means are left alone and shown in vlan_tags_all. Servers declared for the
// cluster that are not members yet get the tags through their own network endpoint first,
// because Operations Center admits a server only when its interfaces carry the members' tags
// (operations-center@41a98e0 internal/provisioning/cluster/cluster_service.go, AddServers ->
// checkClusteringServerConsistency). While a member is in maintenance Operations Center refuses
// the bulk actions, so each member's network is written through its IncusOS endpoint instead. A
// change of cluster follows the cluster's rename in place, or moves the tags to another existing
// cluster (common/cluster-reference.ts).
import { z } from "zod";
import type { OperationsCenterClient } from "../../client/client.js";
import { interfaceNameSchema, vlanTagSchema } from "../../config/bulk.js";
import type { ProviderClient } from "../client.js";
import { DiagnosticError, UNKNOWN, type Diagnostic, type Logger, type ObjectValue, type Resource } from "../plugin/types.js";
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
} from "./common/cluster-reference.js";
import { importIdParts } from "./common/import-id.js";
import { privateDataCodec } from "./common/private-data.js";
import {
  changesOneAtATime,
  clusterAttribute,
  clusterMembers,
  clusterProblems,
  idAttribute,
  numberList,
  readMembers,
  replacedAttributes,
  requireMembers,
  schemaProblems,
  joiningServersAttribute,
  serversChanged,
  stringList,
  throwIfErrors,
} from "./bulk/common.js";
import { bulkUnlessMaintenance, runBulkAction } from "./bulk/run.js";
import { readThenDecide } from "./common/lost-reply.js";
import { resyncUntilReady } from "./server-ready.js";
import { apiStep, hasUnknown, isUnknown, knownObject, knownString, stepFailed } from "./values.js";

/** Tags per member on the interface, in the member's order; undefined for a member that has no such interface or bond. */
type LiveTags = Map<string, number[] | undefined>;

type Network = Awaited<ReturnType<OperationsCenterClient["incusOS"]["getNetwork"]>>;

// Operations Center looks among the interfaces first, then the bonds.
function deviceOf(network: Network, interfaceName: string) {
  return (network.config?.interfaces ?? []).find((d) => d.name === interfaceName) ?? (network.config?.bonds ?? []).find((d) => d.name === interfaceName);
}

/**
 * What IncusOS runs on each member, read through Operations Center's OS proxy: its own
 * …/system/network answers the copy stored at the last poll, which the bulk VLAN actions do not
 * update (operations-center@41a98e0 internal/provisioning/cluster/cluster_service.go,
 * AddServerSystemNetworkVLANTags), so right after one it still shows the old tags.
 */
async function liveTags(client: ProviderClient, members: readonly string[], interfaceName: string): Promise<LiveTags> {
  const networks = await readMembers(client, members, (member) =>
    apiStep(`Cannot read the network config of member ${member}`, () => client.api.incusOS.getNetwork(member)),
  );
  return new Map(
    members.map((member, index) => {
      const device = deviceOf(networks[index]!, interfaceName);
      return [member, device === undefined ? undefined : [...(device.vlan_tags ?? [])]];
    }),
  );
}

const ascending = (tags: readonly number[]): number[] => [...tags].sort((a, b) => a - b);

const onEvery = (live: LiveTags, tag: number): boolean => [...live.values()].every((tags) => tags?.includes(tag) === true);
const onSome = (live: LiveTags, tag: number): boolean => [...live.values()].some((tags) => tags?.includes(tag) === true);

/** vlan_tags_all: each member's tags, sorted (the order is the member's business, the set is what the plan shows). */
function tagsAll(live: LiveTags): ObjectValue {
  return Object.fromEntries([...live].map(([member, tags]) => [member, ascending(tags ?? [])]));
}

/** Private data: the tags the last apply (or the import) left managed. */
const vlanPrivate = privateDataCodec<{ managed?: number[] }>(z.object({ managed: z.array(z.number()).optional() }), {});

/** The tags this resource has applied: the state's and those recorded in private data at the last apply. */
function managedTags(state: ObjectValue | null, privateData: Uint8Array): number[] {
  return [...new Set([...numberList(state?.vlan_tags), ...(vlanPrivate.decode(privateData).managed ?? [])])].sort((a, b) => a - b);
}

/**
 * The tags a server about to join must carry. :add-servers compares each server's list with the
 * first member's, in order (operations-center@41a98e0 internal/provisioning/cluster/cluster_service.go,
 * checkClusteringServerConsistency: reflect.DeepEqual), so with members it is exactly the first
 * member's live list, which the bulk add left as its old tags with the new ones appended. Without
 * members (the servers form the cluster) it is the server's own list, less the tags this resource
 * no longer declares, with the missing declared tags appended in ascending order, as the bulk add appends them.
 */
function stagedTags(current: readonly number[], reference: readonly number[] | undefined, desired: readonly number[], managed: readonly number[]): number[] {
  if (reference !== undefined) return [...reference];
  const kept = current.filter((tag) => desired.includes(tag) || !managed.includes(tag));
  return [...kept, ...ascending(desired).filter((tag) => !kept.includes(tag))];
}

/**
 * Sets the tags on servers about to join (stagedTags), through Operations Center's network
 * endpoint for each server, starting from the network IncusOS runs now (Operations Center's
 * stored copy of an unclustered server can be an hour old, and writing it back would revert what
 * changed since). Operations Center's endpoint rather than the OS proxy, because it records the
 * new network and waits out the connection IncusOS drops while it re-configures (server_service.go,
 * UpdateSystemNetwork). That PUT leaves the server pending until Operations Center polls it, and
 * the cluster resource that runs next needs it ready: resyncUntilReady. True when any server was changed.
 */
async function stageOnJoining(
  client: ProviderClient,
  log: Logger,
  cluster: string,
  servers: readonly string[],
  interfaceName: string,
  tagsFor: (current: readonly number[]) => number[],
): Promise<boolean> {
  const api = client.api;
  let changed = false;
  for (const server of servers) {
    // Set once the PUT went out: after a lost reply the read may show the tags already set, and
    // the server still needs to become ready again.
    let sent = false;
    const staged = await readThenDecide(
      `server ${server}: setting VLAN tags on "${interfaceName}"`,
      async () => {
        const network = await apiStep(`Cannot read the network config of server ${server}`, () => api.incusOS.getNetwork(server));
        const device = deviceOf(network, interfaceName);
        if (device === undefined) {
          throw new DiagnosticError({
            severity: "error",
            summary: `Server ${server} has no interface or bond "${interfaceName}", so it cannot carry the VLAN tags of cluster "${cluster}"`,
            detail: `Every member needs the same interfaces; remove ${server} from the cluster's servers, or correct interface_name.`,
            path: ["servers"],
          });
        }
        const current = device.vlan_tags ?? [];
        const next = tagsFor(current);
        if (JSON.stringify(current) !== JSON.stringify(next)) {
          log.info(
            `oc-cdktf: cluster "${cluster}": server ${server} is about to join; setting VLAN tags ${list(next)} on "${interfaceName}" (in the members' order) through its network endpoint`,
            {
              cluster,
              server,
            },
          );
          device.vlan_tags = next;
          sent = true;
          await apiStep(`Cannot set the VLAN tags of "${interfaceName}" on server ${server}`, () => api.updateServerNetwork(server, network));
        }
        if (!sent) return false;
        await apiStep(`Server ${server} did not become ready after its VLAN tags were set`, () =>
          resyncUntilReady(client, log, server, `its VLAN tags on "${interfaceName}" were set`),
        );
        return true;
      },
      log,
    );
    changed ||= staged;
  }
  return changed;
}

/**
 * Every member's tags after the apply, as the bulk actions change them: the declared tags added,
 * the formerly managed ones dropped, the rest kept. So the plan shows the change per member.
 */
function predictedTagsAll(
  prior: ObjectValue,
  desired: readonly number[],
  managed: readonly number[],
  servers: readonly string[] | undefined,
): ObjectValue[string] {
  const all = knownObject(prior.vlan_tags_all);
  if (all === undefined) return UNKNOWN;
  const predicted = new Map(
    Object.entries(all).map(([member, tags]) => {
      const kept = numberList(tags).filter((tag) => desired.includes(tag) || !managed.includes(tag));
      return [member, [...new Set([...kept, ...desired])].sort((a, b) => a - b)];
    }),
  );
  if (servers === undefined) return Object.fromEntries(predicted);
  // A joining server carries the first member's tags (stagedTags); a leaving one is not a member after the apply.
  const reference = [...predicted.keys()].sort()[0];
  if (reference === undefined && servers.length > 0) return UNKNOWN;
  return Object.fromEntries([...servers].sort().map((server) => [server, predicted.get(server) ?? predicted.get(reference!)!]));
}

/** vlan_tags_all restricted to the declared servers when known: those are the members once the cluster applies, right after this resource. */
function restricted(all: ObjectValue, servers: ObjectValue[string] | undefined): ObjectValue {
  if (!Array.isArray(servers) || hasUnknown(servers)) return all;
  const names = stringList(servers);
  return Object.fromEntries(Object.entries(all).filter(([member]) => names.includes(member)));
}

/**
 * Adds and removes tags on the members: one bulk action each, or, while a member is in
 * maintenance (Operations Center refuses every bulk action then), a network PUT on each member
 * that needs the change, through its IncusOS endpoint.
 */
async function changeTags(
  api: OperationsCenterClient,
  log: Logger,
  cluster: string,
  interfaceName: string,
  live: LiveTags,
  add: readonly number[],
  remove: readonly number[],
): Promise<void> {
  if (add.length === 0 && remove.length === 0) return;
  const why = await bulkUnlessMaintenance(api, cluster, async () => {
    if (add.length > 0) {
      await runBulkAction(
        api,
        log,
        cluster,
        "add_network_interface_vlan_tags",
        { interface_name: interfaceName, vlan_tags: [...add] },
        `adding VLAN tags ${list(add)} to "${interfaceName}"`,
      );
    }
    if (remove.length > 0) {
      await runBulkAction(
        api,
        log,
        cluster,
        "remove_network_interface_vlan_tags",
        { interface_name: interfaceName, vlan_tags: [...remove] },
        `removing VLAN tags ${list(remove)} from "${interfaceName}"`,
      );
    }
  });
  if (why === undefined) return;
  for (const member of live.keys()) {
    const network = await apiStep(`Cannot read the network config of member ${member}`, () => api.incusOS.getNetwork(member));
    const device = deviceOf(network, interfaceName);
    if (device === undefined) continue;
    const current = device.vlan_tags ?? [];
    // As the bulk actions do: the missing tags appended, the removed ones dropped, the order kept.
    const next = [...current.filter((tag) => !remove.includes(tag)), ...add.filter((tag) => !current.includes(tag))];
    if (JSON.stringify(next) === JSON.stringify(current)) continue;
    log.info(
      `oc-cdktf: cluster "${cluster}": setting VLAN tags ${list(next)} on "${interfaceName}" of member ${member} through its IncusOS endpoint (${why})`,
      { cluster, member },
    );
    device.vlan_tags = next;
    await apiStep(`Cluster "${cluster}": cannot set the VLAN tags of "${interfaceName}" on member ${member}`, () => api.incusOS.putNetwork(member, network));
  }
}

function problems(config: ObjectValue): Diagnostic[] {
  const out = [...clusterProblems(config), ...deletionPolicyProblems(config)];
  const name = knownString(config.interface_name);
  if (name !== undefined) out.push(...schemaProblems(interfaceNameSchema, name, () => ["interface_name"]));
  if (Array.isArray(config.vlan_tags)) {
    if (config.vlan_tags.length === 0) {
      out.push({
        severity: "error",
        summary: "vlan_tags must list at least one VLAN ID",
        detail: "To manage no tags on the interface, remove the resource.",
        path: ["vlan_tags"],
      });
    }
    config.vlan_tags.forEach((tag) => {
      if (!isUnknown(tag))
        out.push(
          ...schemaProblems(vlanTagSchema, tag, () => ["vlan_tags"]).map((d) => ({
            ...d,
            summary: `vlan_tags: ${String(tag)}: ${d.summary.replace(/^vlan_tags: /, "")}`,
          })),
        );
    });
  }
  return out;
}

const list = (tags: readonly number[]): string => tags.join(", ");

function stateOf(cluster: string, interfaceName: string, vlanTags: readonly number[], values: ObjectValue, live: LiveTags): ObjectValue {
  return {
    id: `${cluster}/${interfaceName}`,
    cluster,
    interface_name: interfaceName,
    vlan_tags: [...vlanTags],
    servers: values.servers ?? null,
    deletion_policy: values.deletion_policy ?? null,
    vlan_tags_all: tagsAll(live),
  };
}

/** Destroy and move: removes the managed tags some member still carries. */
async function removeManaged(client: ProviderClient, log: Logger, cluster: string, interfaceName: string, managed: readonly number[]): Promise<void> {
  const members = await clusterMembers(client.api, cluster);
  if (members === undefined) return;
  await readThenDecide(
    `cluster "${cluster}": removing VLAN tags from "${interfaceName}"`,
    async () => {
      const live = await liveTags(client, members, interfaceName);
      await changeTags(
        client.api,
        log,
        cluster,
        interfaceName,
        live,
        [],
        managed.filter((tag) => onSome(live, tag)),
      );
    },
    log,
  );
}

export const clusterVlanTagsResource: Resource<ProviderClient> = changesOneAtATime({
  typeName: "operationscenter_cluster_vlan_tags",
  schema: {
    version: 0,
    block: {
      description:
        "VLAN tags on one network interface or bond of every member of a cluster. Only the tags declared here are managed: adding one is one " +
        "add_network_interface_vlan_tags call with the new tags, dropping one is one remove call with the dropped tags; tags added by other means " +
        "are left alone (see vlan_tags_all). A member that lost a declared tag is shown in the plan and repaired by the next apply. Import id: CLUSTER/INTERFACE.",
      attributes: {
        id: idAttribute,
        cluster: clusterAttribute,
        interface_name: {
          type: "string",
          required: true,
          description: "The interface or bond, by name, on every member (interfaces are looked up before bonds). A change is a replace.",
        },
        vlan_tags: { type: ["set", "number"], required: true, description: "The VLAN IDs (1 to 4094) this resource manages on the interface." },
        servers: joiningServersAttribute,
        deletion_policy: deletionPolicyAttribute,
        vlan_tags_all: {
          type: ["map", ["list", "number"]],
          computed: true,
          description: "Every VLAN tag on the interface, by member, including tags added by other means.",
        },
      },
    },
  },

  validate({ config }) {
    return problems(config);
  },

  async plan({ prior, proposed, priorPrivate }, { client }) {
    if (proposed === null) return { planned: null };
    throwIfErrors(problems(proposed));
    const cluster = knownString(proposed.cluster);
    const interfaceName = knownString(proposed.interface_name);
    const planned: ObjectValue = { ...proposed, id: cluster === undefined || interfaceName === undefined ? UNKNOWN : `${cluster}/${interfaceName}` };
    const diagnostics: Diagnostic[] = [];
    const requiresReplace = replacedAttributes(prior, proposed, ["interface_name"]);
    const from = prior === null ? undefined : knownString(prior.cluster);
    const change = await clusterChange(client.api, from, cluster);
    if (change === "move" && requiresReplace.length === 0) {
      const tags = `VLAN tags ${list(numberList(prior?.vlan_tags))} on "${knownString(prior?.interface_name) ?? ""}"`;
      diagnostics.push(moveNote("operationscenter_cluster_vlan_tags", tags, from!, cluster!, deletionPolicyOf(prior), client.language));
    }
    if (change === "rename") diagnostics.push(renameNote("operationscenter_cluster_vlan_tags", from!, cluster!));
    if (requiresReplace.length > 0 && deletionPolicyOf(prior) === "retain") {
      const tags = `VLAN tags ${list(numberList(prior?.vlan_tags))} on "${knownString(prior?.interface_name) ?? ""}"`;
      diagnostics.push(retainedOnReplace("operationscenter_cluster_vlan_tags", tags, from ?? "", client.language));
    }
    const tagsChanged = prior !== null && JSON.stringify(numberList(prior.vlan_tags).sort()) !== JSON.stringify(numberList(proposed.vlan_tags).sort());
    const serversMoved = serversChanged(prior, proposed);
    const servers = Array.isArray(proposed.servers) && !hasUnknown(proposed.servers) ? stringList(proposed.servers) : undefined;
    if (prior === null || requiresReplace.length > 0 || change === "move" || hasUnknown(proposed.vlan_tags) || (serversMoved && servers === undefined))
      planned.vlan_tags_all = UNKNOWN;
    else if (!tagsChanged && !serversMoved) planned.vlan_tags_all = prior.vlan_tags_all ?? UNKNOWN;
    else planned.vlan_tags_all = predictedTagsAll(prior, numberList(proposed.vlan_tags), managedTags(prior, priorPrivate), serversMoved ? servers : undefined);
    if ((prior === null || tagsChanged) && cluster !== undefined && requiresReplace.length === 0) {
      const maintenance = await membersInMaintenance(client.api, change === "rename" && from !== undefined ? from : cluster);
      if (maintenance.size > 0) diagnostics.push(maintenanceNote("operationscenter_cluster_vlan_tags", cluster, maintenance));
    }
    return {
      planned,
      plannedPrivate: priorPrivate,
      ...(requiresReplace.length > 0 ? { requiresReplace } : {}),
      ...(diagnostics.length > 0 ? { diagnostics } : {}),
    };
  },

  async apply({ prior, planned, plannedPrivate }, { client, log }) {
    const api = client.api;
    if (planned === null) {
      const cluster = prior === null ? undefined : knownString(prior.cluster);
      const interfaceName = prior === null ? undefined : knownString(prior.interface_name);
      if (cluster === undefined || interfaceName === undefined) return { state: null };
      if (deletionPolicyOf(prior) === "retain") {
        log.info(`oc-cdktf: cluster "${cluster}": the VLAN tags of "${interfaceName}" stay on the members (deletion_policy retain); forgetting them`, {
          cluster,
        });
        return { state: null };
      }
      try {
        await removeManaged(client, log, cluster, interfaceName, managedTags(prior, plannedPrivate));
      } catch (error) {
        return {
          state: prior,
          private: plannedPrivate,
          diagnostics: stepFailed(`Cluster "${cluster}": removing the VLAN tags of "${interfaceName}" failed`, error).diagnostics,
        };
      }
      return { state: null };
    }
    const cluster = knownString(planned.cluster);
    const interfaceName = knownString(planned.interface_name);
    if (cluster === undefined || interfaceName === undefined || hasUnknown(planned.vlan_tags)) {
      throw new DiagnosticError({
        severity: "error",
        summary: "operationscenter_cluster_vlan_tags: cluster, interface_name or vlan_tags is unknown at apply time",
      });
    }
    const desired = numberList(planned.vlan_tags);
    try {
      const from = prior === null ? undefined : knownString(prior.cluster);
      let managed = prior === null ? [] : managedTags(prior, plannedPrivate);
      if ((await clusterChange(api, from, cluster)) === "move") {
        if (deletionPolicyOf(prior) === "remove") await removeManaged(client, log, from!, interfaceName, managed);
        managed = [];
      }
      const on = await clusterAtApply(api, from, cluster);
      const members = (await clusterMembers(api, on)) ?? [];
      // Declared servers that are not members yet: Operations Center lets a server join only
      // when its interfaces carry the members' VLAN tags, so they get the tags first.
      const joining = stringList(planned.servers).filter((server) => !members.includes(server));
      if (members.length === 0 && joining.length === 0) await requireMembers(api, on);
      const current = await readThenDecide(
        `cluster "${on}": changing the VLAN tags of "${interfaceName}"`,
        async () => {
          const live = await liveTags(client, members, interfaceName);
          const add = desired.filter((tag) => !onEvery(live, tag)).sort((a, b) => a - b);
          const remove = managed.filter((tag) => !desired.includes(tag) && onSome(live, tag));
          await changeTags(api, log, on, interfaceName, live, add, remove);
          return add.length === 0 && remove.length === 0 ? live : await liveTags(client, members, interfaceName);
        },
        log,
      );
      const reference = members.length === 0 ? undefined : current.get(members[0]!);
      const staged = await stageOnJoining(client, log, on, joining, interfaceName, (tags) => stagedTags(tags, reference, desired, managed));
      const after = !staged ? current : await liveTags(client, [...members, ...joining], interfaceName);
      const state = stateOf(cluster, interfaceName, desired, planned, after);
      return {
        state: { ...state, vlan_tags_all: restricted(knownObject(state.vlan_tags_all) ?? {}, planned.servers) },
        private: vlanPrivate.encode({ managed: desired }),
      };
    } catch (error) {
      return {
        state: prior,
        private: plannedPrivate,
        diagnostics: stepFailed(`Cluster "${cluster}": changing the VLAN tags of "${interfaceName}" failed`, error).diagnostics,
      };
    }
  },

  async read({ state, private: privateData }, { client }) {
    const cluster = knownString(state.cluster);
    const interfaceName = knownString(state.interface_name);
    if (cluster === undefined || interfaceName === undefined) return { state: null };
    const members = await clusterMembers(client.api, cluster);
    if (members === undefined) return { state: null };
    const live = await liveTags(client, members, interfaceName);
    // A managed tag counts only where every member has it: one missing on a member shows as a change.
    const present = managedTags(state, privateData).filter((tag) => onEvery(live, tag));
    return { state: stateOf(cluster, interfaceName, present, state, live), private: privateData };
  },

  async import(id, { client }) {
    const [cluster, interfaceName] = importIdParts("VLAN tags", id, "CLUSTER/INTERFACE") as [string, string];
    const members = await clusterMembers(client.api, cluster);
    if (members === undefined)
      throw new DiagnosticError({ severity: "error", summary: `Cannot import VLAN tags "${id}": cluster "${cluster}" does not exist` });
    const live = await liveTags(client, members, interfaceName);
    const common = [...new Set([...live.values()].flatMap((tags) => tags ?? []))].filter((tag) => onEvery(live, tag)).sort((a, b) => a - b);
    // The tags every member has are adopted as managed; the next plan shows any the configuration lacks as removals.
    return { state: stateOf(cluster, interfaceName, common, {}, live), private: vlanPrivate.encode({ managed: common }) };
  },
});
