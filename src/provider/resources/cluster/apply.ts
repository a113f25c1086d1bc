// The effects of operationscenter_cluster: create (with adoption after an interrupted apply),
// update (rename, settings, members) and delete (the deletion policy). Each executes what the
// pure decisions in decide.ts chose, and every failure says what state it leaves behind.
import { setTimeout as sleep } from "node:timers/promises";
import { freshReads } from "../../../client/read-cache.js";
import { clusterSchema, IN_MAINTENANCE, type Cluster, type ClusterPost, type ClusterPut, type ConfigMap, type Server } from "../../../client/api-types.js";
import { OperationsCenterError } from "../../../client/errors.js";
import { scrubSecrets, secretValues } from "../../../config/secrets.js";
import type { ProviderClient } from "../../client.js";
import { DiagnosticError, type Diagnostic, type Logger } from "../../plugin/types.js";
import { adoptionMarker, CREATED_BY_KEY, CREATION_KEY, createdHere, MEMBERS_KEY, membersProperty, readBookkeeping, UNSAVED_KEY } from "./bookkeeping.js";
import { desiredPut, planMembers, putChanges, recordedMembers, savedPut, type MemberChanges } from "./decide.js";
import { creationInputs, creationRecord, creationRecordChanges, parseSecrets, type CreationInputs, type Secrets } from "./inputs.js";
import { beginCreate, endCreate, endReset, findCreate, finishCreate, isRunning, recentlyReset, recordReset } from "./journal.js";
import { ifMatch, retryOnPreconditionFailed } from "../common/precondition.js";
import { checkServers } from "./preflight.js";
import { removalBlockers } from "./removal.js";
import { DONE, NOT_DONE, mayHaveTakenEffect, sendThenConfirm, type Outcome } from "../common/lost-reply.js";
import { RETRY_DEFAULTS } from "../../../client/retry-policy.js";
import type { ClusterValue, DeletionPolicy } from "./schema.js";

/**
 * The named servers, one GET each (absent ones left out: the checks report them as not
 * registered). Listing every server instead would make each create cost as much as the fleet.
 */
async function serversNamed(client: ProviderClient, names: readonly string[]): Promise<Server[]> {
  const found = await Promise.all(names.map((name) => client.api.findServer(name)));
  return found.filter((server): server is Server => server !== undefined);
}

interface Effects {
  readonly client: ProviderClient;
  readonly signal: AbortSignal;
  /** Progress of long waits (a re-registration after a factory reset). */
  readonly log?: Logger;
}

const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** A failed step: what failed, the server's answer, and the state it leaves. */
export function failed(summary: string, error: unknown, left: string, path?: string[]): DiagnosticError {
  if (error instanceof DiagnosticError) return error;
  const diagnostic: Diagnostic = { severity: "error", summary, detail: `${errorText(error)}\nState left: ${left}`, ...(path === undefined ? {} : { path }) };
  return new DiagnosticError(diagnostic);
}

/** Reads the cluster (with its ETag) and the names of its members. */
export async function readBack(client: ProviderClient, name: string): Promise<{ cluster: Cluster; etag?: string; members: string[] }> {
  const [found, servers] = await Promise.all([client.api.getCluster(name), client.api.listServers({ cluster: name })]);
  return { ...found, members: servers.map((server) => server.name) };
}

/**
 * The cluster a state names when no cluster has that name any more: renamed by an apply that was
 * interrupted after the rename (or by someone else). It is the one that carries this resource's
 * created-by marker (its create id, or the marker of its adoption key), or the certificate
 * fingerprint the state recorded (a cluster keeps its certificate when renamed). Undefined when
 * none does; more than one is an error (no guess).
 */
export async function findRenamed(client: ProviderClient, prior: ClusterValue, createId: string | undefined): Promise<Cluster | undefined> {
  const markers = [...new Set([createId, adoptionMarker(prior.adoption_key)].filter((m): m is string => m !== undefined && m !== ""))];
  const tests = markers.map((marker) => `properties[${JSON.stringify(CREATED_BY_KEY)}] == ${JSON.stringify(marker)}`);
  if (prior.fingerprint !== null && prior.fingerprint !== "") tests.push(`fingerprint == ${JSON.stringify(prior.fingerprint)}`);
  if (tests.length === 0) return undefined;
  const found = await client.api.listClusters({ filter: tests.join(" || ") });
  if (found.length > 1) {
    throw new DiagnosticError({
      severity: "error",
      summary: `Cluster "${prior.id ?? prior.name}" is gone, and ${found.length} clusters carry its mark: ${found.map((c) => `"${c.name}"`).join(", ")}`,
      detail: `Each carries this resource's oc-cdktf.io/created-by or its certificate fingerprint, so which one it became is not certain. Remove the resource from state (terraform state rm) and import the right one.`,
      path: ["name"],
    });
  }
  return found[0];
}

export function secretsOf(text: string | null): Secrets | undefined {
  if (text === null) return undefined;
  const parsed = parseSecrets(text);
  if ("problems" in parsed) {
    throw new DiagnosticError(parsed.problems.map((summary) => ({ severity: "error" as const, summary, path: ["secrets_wo"] })));
  }
  return parsed.value;
}

function serverProblems(summary: string, problems: string[], path: string[], left: string): DiagnosticError {
  return new DiagnosticError({
    severity: "error",
    summary,
    detail: `${problems.map((p) => `- ${p}`).join("\n")}\nFix the servers (or the servers list) and apply again. State left: ${left}`,
    path,
  });
}

// ---- create ---------------------------------------------------------------------------------

function clusterPost(desired: ClusterValue, inputs: CreationInputs, bookkeeping: ConfigMap): ClusterPost {
  const post: ClusterPost = {
    name: desired.name,
    connection_url: desired.connection_url ?? "",
    // The first name in sorted order bootstraps the cluster, as the schema promises.
    server_names: [...desired.servers].sort(),
    server_type: inputs.serverType,
    description: desired.description ?? "",
    properties: { ...(desired.properties ?? {}), ...bookkeeping },
  };
  if (desired.channel !== null) post.channel = desired.channel;
  if (desired.rolling_restart !== null) {
    post.config = {
      rolling_restart: {
        post_restore_delay: desired.rolling_restart.post_restore_delay ?? "",
        restore_mode: desired.rolling_restart.restore_mode ?? "",
      },
    };
  }
  if (inputs.template !== undefined) {
    post.cluster_template = inputs.template;
    post.cluster_template_variable_values = inputs.templateVariables ?? {};
  } else {
    post.services_config = inputs.servicesConfig ?? {};
    post.application_seed_config = inputs.applicationConfig ?? {};
  }
  return post;
}

function importAdvice(name: string): string {
  return `Import it into state instead: terraform import <this resource's address> ${name} (or an import block with id = "${name}"); or choose another name.`;
}

/**
 * Polls every evacuationPollMs until `check` answers `{ value }`; past `timeoutMs` it throws what
 * `timedOut` makes instead, and between checks it calls `waiting`, if any.
 */
async function pollUntil<T>(
  effects: Effects,
  timeoutMs: number,
  check: () => Promise<{ value: T } | undefined>,
  timedOut: () => Error,
  waiting?: () => void,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // Each check asks Operations Center again: what it waits for changes without a write of this process.
    const done = await freshReads(check);
    if (done !== undefined) return done.value;
    if (Date.now() >= deadline) throw timedOut();
    waiting?.();
    await sleep(effects.client.evacuationPollMs, undefined, { signal: effects.signal });
  }
}

/**
 * Waits while the create of another run of this resource (still running: its journal's pid is
 * alive) finishes; the cluster then is ready, or gone when that create failed and cleaned up.
 */
async function waitWhilePending(effects: Effects, name: string): Promise<Cluster | undefined> {
  const { client } = effects;
  return pollUntil(
    effects,
    client.evacuationTimeoutMs,
    async () => {
      const found = await client.api.findCluster(name);
      return found === undefined || found.cluster.status !== "pending" ? { value: found?.cluster } : undefined;
    },
    () =>
      new DiagnosticError({
        severity: "error",
        summary: `Cluster "${name}" is still being created by another run`,
        detail: `An earlier apply of this resource (still running) is creating it and it stayed pending for ${Math.round(client.evacuationTimeoutMs / 1000)} s. Wait for that run to finish, then apply again.`,
        path: ["name"],
      }),
  );
}

/**
 * Waits until the servers this provider factory-reset (a re-create: deletion_policy
 * "factory-reset" ran just before) have registered again: a factory reset makes Operations Center
 * forget the server record, and the reinstalled machine registers again with the same name
 * (operations-center@41a98e0 internal/provisioning/cluster/cluster_service.go (DeleteByName)).
 * Bounded by reregistrationTimeoutMs; the log says which servers are not back yet.
 */
async function waitForReregistration(effects: Effects, servers: readonly string[]): Promise<void> {
  const { client, log } = effects;
  const awaited = recentlyReset(client.workDir, servers, client.reregistrationTimeoutMs);
  if (awaited.length === 0) return;
  const started = Date.now();
  const seconds = (): number => Math.round((Date.now() - started) / 1000);
  let missing: string[] = [];
  await pollUntil(
    effects,
    client.reregistrationTimeoutMs,
    async () => {
      const found = await serversNamed(client, awaited);
      missing = awaited.filter((name) => !found.some((server) => server.name === name && server.server_status === "ready"));
      return missing.length === 0 ? { value: undefined } : undefined;
    },
    () =>
      new DiagnosticError({
        severity: "error",
        summary: `${missing.join(", ")} did not register again after the factory reset`,
        detail:
          `The re-create factory-reset the members of the old cluster and waited ${Math.round(client.reregistrationTimeoutMs / 1000)} s for ` +
          `${missing.length === 1 ? "it" : "them"} to register with Operations Center again (ready). Check the machines (a reinstall needs the ` +
          `install seed's registration token), then apply again: the create waits for them again.\nState left: the old cluster is deleted; the new one is not created.`,
        path: ["servers"],
      }),
    () => log?.info("waiting for factory-reset servers to register again", { missing: missing.join(","), seconds: seconds() }),
  );
  endReset(client.workDir, awaited);
  log?.info("factory-reset servers registered again", { servers: awaited.join(","), seconds: seconds() });
}

/**
 * Waits until servers about to join `cluster` are free: a server declared here that is still a
 * member of another cluster (moved in this apply: that cluster's removal evacuates it, removes it
 * and Operations Center factory-resets it), or one this provider factory-reset and that has not
 * registered again. Terraform runs the two clusters' updates side by side, so the removal runs
 * while this waits. Bounded by reregistrationTimeoutMs; the log names the servers not free yet.
 */
async function waitForMovingServers(effects: Effects, cluster: string, servers: readonly string[]): Promise<void> {
  const { client, log } = effects;
  const started = Date.now();
  let busy: string[] = [];
  let where = "";
  await pollUntil(
    effects,
    client.reregistrationTimeoutMs,
    async () => {
      const found = await serversNamed(client, servers);
      const reset = recentlyReset(client.workDir, servers, client.reregistrationTimeoutMs);
      busy = servers.filter((name) => {
        const server = found.find((s) => s.name === name);
        if (server === undefined) return reset.includes(name);
        const elsewhere = server.cluster !== "" && server.cluster !== cluster;
        return elsewhere || (reset.includes(name) && server.server_status !== "ready");
      });
      if (busy.length === 0) {
        endReset(
          client.workDir,
          reset.filter((name) => found.some((server) => server.name === name)),
        );
        return { value: undefined };
      }
      where = busy.map((name) => `${name} (${found.find((s) => s.name === name)?.cluster || "factory-reset, not registered again"})`).join(", ");
      return undefined;
    },
    () =>
      new DiagnosticError({
        severity: "error",
        summary: `${busy.join(", ")} did not become free to join cluster "${cluster}"`,
        detail:
          `After ${Math.round(client.reregistrationTimeoutMs / 1000)} s: ${where}. A server joins one cluster at a time: remove it from the other ` +
          `cluster's servers in the same apply (that removal factory-resets it and it registers again), then apply again.`,
        path: ["servers"],
      }),
    () =>
      log?.info("waiting for servers to leave their cluster and register again", {
        cluster,
        servers: where,
        seconds: Math.round((Date.now() - started) / 1000),
      }),
  );
}

/** A cluster of this name exists and no create of this resource made it: refused, with the import command. */
function notCreatedHere(name: string): DiagnosticError {
  return new DiagnosticError({
    severity: "error",
    summary: `Cluster "${name}" already exists and was not created by this resource`,
    detail: importAdvice(name),
    path: ["name"],
  });
}

export interface Created {
  /** The cluster as read back, or as posted when the read-back after a successful POST failed. */
  cluster: Cluster;
  members: string[];
  createId: string;
  /** Set when the cluster was created but could not be read back. */
  warning?: Diagnostic;
}

/**
 * Creates the cluster, or adopts the one an interrupted earlier create of this resource left,
 * recognised by its oc-cdktf.io/created-by: the id of this resource's create journal entry, or
 * the marker its adoption key derives (which needs no journal: a fresh checkout). A pending
 * leftover whose creator is gone is deleted (mode=normal) and created again; anything else is
 * refused.
 */
export async function createCluster(effects: Effects, desired: ClusterValue, secrets: Secrets | undefined): Promise<Created> {
  const { client } = effects;
  const name = desired.name;
  const inputs = creationInputs(desired, secrets);
  const record = creationRecord(inputs, client);

  // Only a create of this resource (a journal entry, or the marker of its adoption key) can have
  // left a cluster to adopt or a pending record to clean up; without either, the POST itself
  // tells whether the name is taken.
  const journaled = findCreate(client.workDir, name);
  const marker = adoptionMarker(desired.adoption_key);
  const existing =
    journaled === undefined && marker === undefined
      ? undefined
      : await client.api.findCluster(name).catch((error: unknown) => {
          throw failed(`Cannot look up cluster "${name}"`, error, "nothing was created");
        });
  let removePending = false;
  if (existing !== undefined) {
    if (!createdHere(existing.cluster.properties, journaled?.create_id, marker)) throw notCreatedHere(name);
    const createdBy = readBookkeeping(existing.cluster.properties).createdBy!;
    // Only the journal of this machine tells whether that create still runs; without it (a fresh
    // checkout) the state lock keeps two runs of one configuration apart, so its creator is gone.
    const running = journaled !== undefined && journaled.create_id === createdBy && isRunning(journaled);
    let cluster: Cluster | undefined = existing.cluster;
    if (cluster.status === "pending" && running) cluster = await waitWhilePending(effects, name);
    if (cluster !== undefined && cluster.status !== "pending") {
      const recorded = readBookkeeping(cluster.properties).creation;
      const changed = recorded !== undefined && recorded.key_id === record.key_id ? creationRecordChanges(recorded, record) : [];
      if (changed.length > 0) {
        throw new DiagnosticError({
          severity: "error",
          summary: `Cluster "${name}" was created by an earlier, interrupted apply of this resource with other creation inputs`,
          detail:
            `${changed.join(", ")} differ from what it was created with. Operations Center uses them only at creation. ` +
            `Revert them to adopt the cluster, or delete it in Operations Center and apply again.`,
          path: ["name"],
        });
      }
      const live = await readBack(client, name);
      return { ...live, ...(await markSaved(client, name, live)), createId: createdBy };
    }
    removePending = cluster !== undefined;
  }

  await waitForReregistration(effects, desired.servers);
  const servers = await serversNamed(client, desired.servers).catch((error: unknown) => {
    throw failed(`Cannot read the servers of cluster "${name}"`, error, "nothing was created");
  });
  if (existing === undefined && servers.some((server) => server.cluster === name)) {
    // Its servers already form a cluster of this name: it exists, and no journal says it is ours.
    throw notCreatedHere(name);
  }
  const problems = checkServers([...desired.servers].sort(), servers, { channel: desired.channel ?? "", sameIncus: true, requireManagement: true });
  if (problems.length > 0) {
    throw serverProblems(
      `Operations Center would refuse to create cluster "${name}"`,
      problems,
      ["servers"],
      removePending ? `the pending record of an earlier failed create of "${name}" is still there` : "nothing was created",
    );
  }
  if (removePending) {
    await deleteIgnoringGone(client, name, "normal").catch((error: unknown) => {
      throw failed(`Cannot remove the pending record an earlier failed create of "${name}" left`, error, `cluster "${name}" is still pending`);
    });
  }

  const entry = beginCreate(client.workDir, name, marker);
  const bookkeeping: ConfigMap = {
    [CREATED_BY_KEY]: entry.create_id,
    [MEMBERS_KEY]: membersProperty(desired.servers),
    [CREATION_KEY]: JSON.stringify(record),
    // Only the marker of an adoption key lets a fresh checkout know the cluster its own.
    ...(marker === undefined ? {} : { [UNSAVED_KEY]: "true" }),
  };
  const post = clusterPost(desired, inputs, bookkeeping);
  try {
    await sendThenConfirm(
      () => client.api.createCluster(post),
      () => createOutcome(effects, name, entry.create_id),
    );
  } catch (error) {
    // A reply means the create is over; without one (connection lost) it may still be running.
    if (!mayHaveTakenEffect(error)) finishCreate(client.workDir, entry);
    let lookedUp = true;
    const left = await client.api.findCluster(name).catch(() => {
      lookedUp = false;
      return undefined;
    });
    if (left !== undefined && existing === undefined && readBookkeeping(left.cluster.properties).createdBy !== entry.create_id) {
      endCreate(client.workDir, name, entry.create_id);
      throw notCreatedHere(name);
    }
    // Nothing of this create exists, so there is nothing a destroy could miss: the entry can go.
    if (lookedUp && left === undefined) endCreate(client.workDir, name, entry.create_id);
    const state = !lookedUp
      ? `whether cluster "${name}" exists is unknown (reading it back failed)`
      : left === undefined
        ? `cluster "${name}" does not exist`
        : readBookkeeping(left.cluster.properties).createdBy !== entry.create_id
          ? `cluster "${name}" exists, but this create did not make it`
          : left.cluster.status === "pending"
            ? `cluster "${name}" is left pending; the next apply removes that record (mode=normal) and creates it again`
            : `cluster "${name}" exists (${left.cluster.status}); the next apply adopts it`;
    // The server's answer may quote the configs it was given: no secret leaves this provider.
    const hidden = [
      ...secretValues("services", inputs.servicesConfig ?? {}),
      ...secretValues("application", inputs.applicationConfig ?? {}),
      ...Object.values(secrets?.template_variables ?? {}),
    ];
    const diagnostic = failed(`Creating cluster "${name}" failed`, error, state).diagnostics[0]!;
    throw new DiagnosticError({ ...diagnostic, detail: scrubSecrets(diagnostic.detail ?? "", hidden) });
  }
  // Operations Center answers the create only once every named server has joined (or fails it),
  // so the members are the servers asked for; the cluster is read for what the server assigned.
  const members = [...desired.servers].sort();
  try {
    const live = await client.api.getCluster(name);
    return { ...live, ...(await markSaved(client, name, live)), members, createId: entry.create_id };
  } catch (error) {
    // The cluster exists: failing here would leave it out of state, where terraform destroy does
    // not see it. It goes into state as posted (ready: the create was answered only once every
    // server joined); the next refresh reads the certificate and what the server chose.
    const posted = clusterSchema.parse({
      name,
      connection_url: post.connection_url,
      status: "ready",
      channel: post.channel,
      description: post.description,
      properties: post.properties,
      config: post.config,
    });
    return {
      cluster: posted,
      members,
      createId: entry.create_id,
      warning: {
        severity: "warning",
        summary: `Cluster "${name}" was created, but reading it back failed`,
        detail:
          `${errorText(error)}\nIt is in state as created; its certificate, fingerprint and any setting Operations Center chose are read by the next refresh` +
          (marker === undefined ? "." : `, and the next apply removes its ${UNSAVED_KEY} mark (until then terraform destroy refuses to remove it).`),
      },
    };
  }
}

/**
 * The last step before a created or adopted cluster goes to Terraform: its unsaved mark goes
 * (bookkeeping.ts). A failure only warns, since the cluster goes into state all the same; the
 * next apply's update removes the mark, and until then a destroy refuses, as for a leftover.
 */
async function markSaved(client: ProviderClient, name: string, live: { cluster: Cluster; etag?: string }): Promise<{ cluster: Cluster; warning?: Diagnostic }> {
  try {
    const sent = await putSettings(client, name, savedPut, live);
    return { cluster: sent === undefined ? live.cluster : { ...live.cluster, properties: sent.properties } };
  } catch (error) {
    return {
      cluster: live.cluster,
      warning: {
        severity: "warning",
        summary: `Cluster "${name}" is in state, but its ${UNSAVED_KEY} mark could not be removed`,
        detail: `${errorText(error)}\nThe next terraform apply removes it; until then terraform destroy refuses to remove the cluster, as it does a cluster an interrupted apply left.`,
      },
    };
  }
}

/**
 * After the create's reply was lost: whether this create made the cluster. A pending one may still
 * be being created (Operations Center answers a create only at its end), so it is waited for, as
 * long as one request may wait for retries; a create Operations Center dropped (a restart) stays
 * pending, and the next apply removes that record and creates the cluster again.
 */
async function createOutcome(effects: Effects, name: string, createId: string): Promise<Outcome> {
  const { client } = effects;
  const waitMs = client.transport.retryBudgetMs ?? RETRY_DEFAULTS.retryBudgetMs;
  let found = await client.api.findCluster(name);
  if (found !== undefined && found.cluster.status === "pending" && readBookkeeping(found.cluster.properties).createdBy === createId) {
    const settled = await pollUntil(
      effects,
      waitMs,
      async () => {
        const now = await client.api.findCluster(name);
        return now === undefined || now.cluster.status !== "pending" ? { value: now } : undefined;
      },
      () => new Error("still pending"),
    ).catch(() => found);
    found = settled;
  }
  if (found === undefined) return NOT_DONE;
  if (readBookkeeping(found.cluster.properties).createdBy !== createId)
    return { done: false, partly: `cluster "${name}" exists, but this create did not make it` };
  if (found.cluster.status === "pending") return { done: false, partly: `cluster "${name}" is still pending after ${Math.round(waitMs / 1000)} s` };
  return DONE;
}

/** Forgets the journal entry of a create once state holds its id. */
export function forgetCreate(client: ProviderClient, name: string, createId: string | undefined): void {
  if (createId !== undefined) endCreate(client.workDir, name, createId);
}

// ---- update ---------------------------------------------------------------------------------

/**
 * Per member about to be removed, what will make Operations Center refuse its removal, read from
 * its inventory (removal.ts). The inventory is Operations Center's cache, as of its last resync.
 */
export async function removalRefusals(client: ProviderClient, cluster: string, members: readonly string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (members.length === 0) return out;
  const [pools, images] = await Promise.all([client.api.listInventoryStoragePools({ cluster }), client.api.listInventoryImages({ cluster })]);
  for (const member of members) {
    const [instances, volumes, found] = await Promise.all([
      client.api.listInventoryInstances({ cluster, server: member }),
      client.api.listInventoryStorageVolumes({ cluster, server: member }),
      client.api.findServer(member),
    ]);
    const blockers = removalBlockers(
      member,
      { instances, volumes, pools, images, removed: members },
      (found?.version_data?.in_maintenance ?? IN_MAINTENANCE.online) === IN_MAINTENANCE.evacuated,
    );
    if (blockers.length > 0) out.set(member, blockers);
  }
  return out;
}

/** The error for removals Operations Center will refuse, naming each member and what stays on it. */
export function refusedRemoval(cluster: string, refusals: ReadonlyMap<string, string[]>, left: string): DiagnosticError {
  const members = [...refusals.keys()];
  return new DiagnosticError({
    severity: "error",
    summary: `Operations Center will refuse to remove ${members.join(", ")} from cluster "${cluster}"`,
    detail:
      `${[...refusals.values()]
        .flat()
        .map((line) => `- ${line}`)
        .join("\n")}\n` +
      `Operations Center evacuates a member in Incus mode auto: instances that can migrate move to other members, the others are stopped and stay, ` +
      `and :remove-servers then refuses a member that still has instances or custom volumes, or the only copy of an image. Move the instances and ` +
      `volumes to a member that stays (incus move … --target) or delete them, give each such image a copy on a member that stays or delete it, and plan again.${left === "" ? "" : ` State left: ${left}`}`,
    path: ["servers"],
  });
}

/** What an update achieved before it stopped, for the partial state and the failure message. */
interface UpdateProgress {
  name: string;
  renamed: boolean;
  joined: string[];
}

/**
 * Waits until Operations Center reports the server evacuated (in_maintenance 2): Incus migrates
 * the instances that can migrate and stops the others (mode auto, see removal.ts) first, and
 * :remove-servers refuses a member that is not evacuated.
 */
async function waitForEvacuation(effects: Effects, server: string): Promise<void> {
  const { client } = effects;
  let state: number = IN_MAINTENANCE.online;
  await pollUntil(
    effects,
    client.evacuationTimeoutMs,
    async () => {
      const { server: live } = await client.api.getServer(server);
      state = live.version_data?.in_maintenance ?? IN_MAINTENANCE.online;
      return state === IN_MAINTENANCE.evacuated ? { value: undefined } : undefined;
    },
    () =>
      new Error(
        `server "${server}" is still not evacuated (in_maintenance ${state}) after ${Math.round(client.evacuationTimeoutMs / 1000)} s; ` +
          `check its instances in Incus, or raise evacuation_timeout (seconds) in the provider block`,
      ),
  );
}

/**
 * One PUT of what `change` makes of the live cluster, when it changes anything (undefined: nothing
 * to write). Resolves with the PUT sent, if one was.
 */
async function putSettings(
  client: ProviderClient,
  name: string,
  change: (live: Cluster) => ClusterPut | undefined,
  fresh?: { cluster: Cluster; etag?: string },
): Promise<ClusterPut | undefined> {
  // The first attempt may use the caller's fresh read; the retry after a 412 reads again.
  let current = fresh;
  return retryOnPreconditionFailed(async () => {
    const { cluster, etag } = current ?? (await client.api.getCluster(name));
    current = undefined;
    const put = change(cluster);
    if (put === undefined || !putChanges(cluster, put)) return undefined;
    await client.api.updateCluster(name, put, ifMatch(etag));
    return put;
  });
}

async function renameCluster(client: ProviderClient, from: string, to: string): Promise<void> {
  await retryOnPreconditionFailed(async () => {
    const { etag } = await client.api.getCluster(from);
    await sendThenConfirm(
      () => client.api.renameCluster(from, to, ifMatch(etag)),
      async () => {
        const [old, renamed] = await Promise.all([client.api.findCluster(from), client.api.findCluster(to)]);
        if (old === undefined && renamed !== undefined) return DONE;
        return old !== undefined && renamed === undefined
          ? NOT_DONE
          : {
              done: false,
              partly: `cluster "${from}" ${old === undefined ? "is gone" : "still exists"} and "${to}" ${renamed === undefined ? "does not exist" : "exists"}`,
            };
      },
    );
  });
}

/** After a lost :add-servers or :remove-servers reply: whether every server (not) being a member says it took effect. */
async function membershipOutcome(client: ProviderClient, cluster: string, servers: readonly string[], joined: boolean): Promise<Outcome> {
  const members = new Set((await client.api.listServers({ cluster })).map((server) => server.name));
  const changed = servers.filter((server) => members.has(server) === joined);
  if (changed.length === servers.length) return DONE;
  if (changed.length === 0) return NOT_DONE;
  return { done: false, partly: `${changed.join(", ")} ${joined ? "joined" : "left"}, ${servers.filter((s) => !changed.includes(s)).join(", ")} did not` };
}

function leftState(progress: UpdateProgress, extra: string): string {
  const parts: string[] = [];
  if (progress.renamed) parts.push(`the cluster is renamed to "${progress.name}"`);
  if (progress.joined.length > 0) parts.push(`${progress.joined.join(", ")} joined`);
  parts.push(extra);
  return `${parts.join("; ")}; the next apply continues`;
}

interface UpdateResult {
  progress: UpdateProgress;
  /** Set when a step failed: the state is then partial. */
  error?: DiagnosticError;
}

/**
 * Rename (If-Match), one settings PUT (If-Match, one retry on 412) that also records the declared
 * members, one :add-servers, evacuation and one :remove-servers.
 */
export async function updateCluster(effects: Effects, prior: ClusterValue, desired: ClusterValue, stale: readonly string[]): Promise<UpdateResult> {
  const { client } = effects;
  const progress: UpdateProgress = { name: prior.id ?? prior.name, renamed: false, joined: [] };
  const stop = (summary: string, error: unknown, extra: string, path?: string[]): UpdateResult => ({
    progress,
    error: failed(summary, error, leftState(progress, extra), path),
  });

  if (desired.name !== progress.name) {
    try {
      await renameCluster(client, progress.name, desired.name);
    } catch (error) {
      return stop(`Renaming cluster "${progress.name}" to "${desired.name}" failed`, error, "nothing was changed", ["name"]);
    }
    progress.name = desired.name;
    progress.renamed = true;
  }
  const name = progress.name;

  let live: Awaited<ReturnType<typeof readBack>>;
  let recorded: string[];
  let changes: MemberChanges;
  let servers: Server[] = [];
  try {
    live = await readBack(client, name);
    recorded = recordedMembers(prior.servers, live.cluster.properties, live.members, stale);
    changes = planMembers(live.members, desired.servers, recorded, desired.exclusive_members === true);
    if (changes.add.length > 0) await waitForMovingServers(effects, name, changes.add);
    // Every server's state only when members change: the checks of new ones and the evacuation state of leaving ones.
    if (changes.add.length > 0 || changes.remove.length > 0) servers = await serversNamed(client, [...changes.add, ...changes.remove]);
  } catch (error) {
    return stop(`Cannot read cluster "${name}"`, error, "its settings and members are unchanged");
  }
  const problems = checkServers(changes.add, servers, { channel: desired.channel ?? live.cluster.channel, sameIncus: false, requireManagement: false });
  if (problems.length > 0) {
    return {
      progress,
      error: serverProblems(
        `Operations Center would refuse to add servers to cluster "${name}"`,
        problems,
        ["servers"],
        leftState(progress, "its settings and members are unchanged"),
      ),
    };
  }
  // Checked again here, before anything changes: evacuating a member that cannot be removed would
  // stop its instances for nothing.
  try {
    const refusals = await removalRefusals(client, name, changes.remove);
    if (refusals.size > 0) return { progress, error: refusedRemoval(name, refusals, leftState(progress, "its settings and members are unchanged")) };
  } catch (error) {
    return stop(`Cannot read the inventory of cluster "${name}"`, error, "its settings and members are unchanged");
  }

  const managedKeys = Object.keys(prior.properties ?? {});
  // The members record is written before any member changes, as the declared servers: a server
  // added just before an interruption is still known as this resource's own (and removed once
  // the code drops it). A member being removed is not in it: should the apply stop, the prior
  // state still names it, and once removed the record has no stale entry that would make a
  // server someone adds back by hand look like this resource's.
  try {
    await putSettings(client, name, (cluster) => desiredPut(cluster, desired, managedKeys, desired.servers), live);
  } catch (error) {
    return stop(`Updating the settings of cluster "${name}" failed`, error, "its settings and members are unchanged");
  }

  if (changes.add.length > 0) {
    try {
      const body = { server_names: changes.add, copy_services_config: desired.copy_services_config_on_add ?? true };
      await sendThenConfirm(
        () => client.api.addClusterServers(name, body),
        () => membershipOutcome(client, name, changes.add, true),
      );
    } catch (error) {
      return stop(`Adding ${changes.add.join(", ")} to cluster "${name}" failed`, error, "its settings are updated; no member was removed", ["servers"]);
    }
    progress.joined = changes.add;
  }

  if (changes.remove.length > 0) {
    try {
      for (const server of changes.remove) {
        const state = servers.find((s) => s.name === server)?.version_data?.in_maintenance ?? IN_MAINTENANCE.online;
        if (state !== IN_MAINTENANCE.evacuated) await client.api.evacuateServer(server);
        await waitForEvacuation(effects, server);
      }
      await sendThenConfirm(
        () => client.api.removeClusterServers(name, changes.remove),
        () => membershipOutcome(client, name, changes.remove, false),
      );
      // Operations Center factory-resets removed members: a cluster they move to waits for them.
      recordReset(client.workDir, changes.remove);
    } catch (error) {
      return stop(
        `Removing ${changes.remove.join(", ")} from cluster "${name}" failed`,
        error,
        `${changes.remove.join(", ")} may be evacuated but ${changes.remove.length === 1 ? "is" : "are"} still ${changes.remove.length === 1 ? "a member" : "members"}`,
        ["servers"],
      );
    }
  }

  return { progress };
}

// ---- delete ---------------------------------------------------------------------------------

const POLICY_MODE = { forget: "force", "factory-reset": "factory-reset" } as const;

async function deleteIgnoringGone(client: ProviderClient, name: string, mode: "normal" | "force" | "factory-reset"): Promise<void> {
  try {
    await sendThenConfirm(
      () => client.api.deleteCluster(name, { mode }),
      async () => ((await client.api.findCluster(name)) === undefined ? DONE : NOT_DONE),
    );
  } catch (error) {
    if (error instanceof OperationsCenterError && error.isNotFound) return;
    throw error;
  }
}

/**
 * The deletion policy: retain makes no call. A pending record (a failed create) has no members
 * to forget or reset, and Operations Center answers factory-reset on it with 500, so it is
 * deleted with mode=normal whatever the policy. A cluster already gone counts as deleted.
 */
export async function deleteCluster(client: ProviderClient, name: string, policy: DeletionPolicy): Promise<void> {
  if (policy === "retain") return;
  const found = await client.api.findCluster(name).catch((error: unknown) => {
    throw failed(`Cannot look up cluster "${name}" to delete it`, error, `cluster "${name}" is unchanged`);
  });
  if (found === undefined) return;
  const mode = found.cluster.status === "pending" ? "normal" : POLICY_MODE[policy];
  const members = mode === "factory-reset" ? (await client.api.listServers({ cluster: name })).map((server) => server.name) : [];
  await deleteIgnoringGone(client, name, mode).catch((error: unknown) => {
    throw failed(
      `Deleting cluster "${name}" (deletion_policy ${policy}, mode ${mode}) failed`,
      error,
      `cluster "${name}" is still in Operations Center (${found.cluster.status}); the next destroy tries again`,
    );
  });
  recordReset(client.workDir, members);
}
