// operationscenter_cluster: an IncusOS cluster formed by Operations Center. Settings, members
// and the name change in place; the creation inputs are compared but never silently applied or
// silently destroyed (see plan). Pure decisions live in cluster/decide.ts, effects in
// cluster/apply.ts, the state mapping in cluster/state.ts.
import { canonicalJson } from "../canonical-json.js";
import type { ProviderClient } from "../client.js";
import { DEFAULT_DELETION_POLICY } from "../../config/cluster.js";
import { attributeName, attributeSetting, type ConfigurationLanguage } from "../../config/configuration-language.js";
import {
  DiagnosticError,
  UNKNOWN,
  type AttributePath,
  type CallContext,
  type Diagnostic,
  type ObjectValue,
  type ClientCapabilities,
  type PlanRequest,
  type PlanResult,
  type Resource,
  type ValidateRequest,
  type Value,
} from "../plugin/types.js";
import type { TerraformCommand } from "../plugin/terraform-command.js";
import type { Cluster } from "../../client/api-types.js";
import {
  createCluster,
  deleteCluster,
  failed,
  findRenamed,
  forgetCreate,
  readBack,
  refusedRemoval,
  removalRefusals,
  secretsOf,
  updateCluster,
} from "./cluster/apply.js";
import { adoptionMarker, createdHere, readBookkeeping, reconcileMembers, UNSAVED_KEY } from "./cluster/bookkeeping.js";
import { answerCreate, findCreate, journalDir, unsavedCreate } from "./cluster/journal.js";
import { destroying } from "./common/destroying.js";
import { creationChanges, plannedMembership, type CreationChange } from "./cluster/decide.js";
import { digestKeyIdOf, parseSecrets, secretsDigest } from "./cluster/inputs.js";
import { clusterSchema, creationAttributes, decodePrivate, encodePrivate, type ClusterValue, type DeletionPolicy } from "./cluster/schema.js";
import { appliedState, importedState, liveState, parseClusterValue, toObjectValue } from "./cluster/state.js";
import { clusterConfigProblems } from "./cluster/validate.js";
import { templateValueProblems } from "./cluster/template-check.js";
import { hasUnknown, isUnknown, knownObject, knownString } from "./values.js";

const sameSet = (a: readonly Value[], b: readonly Value[]): boolean => a.length === b.length && a.every((x) => b.includes(x));
// Canonical: a map from Terraform may list its keys in another order than the state does.
const same = (a: Value | undefined, b: Value | undefined): boolean => canonicalJson(a ?? null) === canonicalJson(b ?? null);

/** The secrets digest of a configuration: UNKNOWN while secrets_wo is unknown. */
function plannedDigest(config: ObjectValue | null, client: ProviderClient): Value {
  const text = config?.secrets_wo ?? null;
  if (text === null) return null;
  if (typeof text !== "string") return UNKNOWN;
  const parsed = parseSecrets(text);
  return "value" in parsed ? secretsDigest(parsed.value, client) : null;
}

/** The members this plan removes; [] while the servers are unknown. */
function removedMembers(prior: ClusterValue, proposed: ObjectValue): string[] {
  if (!Array.isArray(proposed.servers) || hasUnknown(proposed.servers)) return [];
  const declared = proposed.servers as Value[];
  const managed = proposed.exclusive_members === true ? (prior.members ?? prior.servers) : prior.servers;
  return managed.filter((name) => !declared.includes(name)).sort();
}

/**
 * A warning for every removal, and an error for one Operations Center will refuse, as far as its
 * inventory tells (cluster/removal.ts): the apply would otherwise stop instances and then fail.
 */
async function removalDiagnostics(prior: ClusterValue, removed: readonly string[], client: ProviderClient): Promise<Diagnostic[]> {
  if (removed.length === 0) return [];
  const one = removed.length === 1;
  const warning: Diagnostic = {
    severity: "warning",
    summary: `${removed.join(", ")} will be removed from cluster "${prior.name}"`,
    detail:
      `Each is evacuated first, in Incus mode auto (the only mode Operations Center uses): instances that can migrate move to other members, ` +
      `instances that cannot (a disk on a local pool or a host path, a device that cannot migrate, cluster.evacuate=stop) are stopped. ` +
      `Then ${one ? "it is" : "they are"} removed, and Operations Center factory-resets ${one ? "it" : "them"}, wiping ${one ? "its" : "their"} disks and configuration.`,
    path: ["servers"],
  };
  const cluster = prior.id ?? prior.name;
  const refusals = await removalRefusals(client, cluster, removed).catch((error: unknown) => {
    throw failed(`Cannot read the inventory of cluster "${cluster}" for the members to remove`, error, "nothing was changed");
  });
  return refusals.size === 0 ? [warning] : [warning, ...refusedRemoval(cluster, refusals, "").diagnostics];
}

/**
 * A warning for each added server that is a member of another cluster now: the apply waits for
 * that cluster's removal of it (same apply) and its registration after the factory reset.
 */
async function movedInDiagnostics(prior: ClusterValue, proposed: ObjectValue, client: ProviderClient): Promise<Diagnostic[]> {
  if (!Array.isArray(proposed.servers) || hasUnknown(proposed.servers)) return [];
  const live = prior.members ?? prior.servers;
  const added = (proposed.servers as string[]).filter((name) => !live.includes(name));
  const found = await Promise.all(added.map((name) => client.api.findServer(name).catch(() => undefined)));
  return found
    .filter((server) => server !== undefined && server.cluster !== "" && server.cluster !== prior.name)
    .map(
      (server): Diagnostic => ({
        severity: "warning",
        summary: `${server!.name} moves from cluster "${server!.cluster}" to cluster "${prior.name}"`,
        detail:
          `It joins only after cluster "${server!.cluster}" has removed it in this same apply (evacuated, removed, factory-reset by Operations Center) ` +
          `and it has registered again: the add waits for that (bounded; the provider log names the servers not back yet). ` +
          `Remove it from the servers of cluster "${server!.cluster}" in the same change, or this apply waits and then fails. ` +
          `Resources that act on the members of "${prior.name}" (bulk applications, tags) see it once it joined, as they run after this cluster.`,
        path: ["servers"],
      }),
    );
}

// Why an error rather than pointing at `terraform apply -replace=...`: Terraform calls
// PlanResourceChange for the update before it honours -replace, so an error here would block
// -replace as well. allow_recreate lets the plan itself ask for the replacement.
//
// A re-create runs the deletion policy recorded in state, then creates. Only "factory-reset"
// leaves servers a create can use: "forget" deletes the cluster with mode=force, and Operations
// Center deletes the members' server records with it (operations-center@41a98e0
// internal/sql/dbschema/schema/000001_freshschema.sql: servers.cluster_id ON DELETE CASCADE), so
// the create finds them unregistered; "retain" makes no call, so the create finds the servers
// still members of the old cluster of that name and refuses.
function recreateRefusal(policy: DeletionPolicy, language: ConfigurationLanguage): string | undefined {
  const deletionPolicy = attributeName(language, "deletion_policy");
  if (policy === "forget") {
    return (
      `${deletionPolicy} "forget" deletes the cluster with mode=force, and Operations Center deletes its members' server records with it: ` +
      `the create that follows would find the servers unregistered, and the cluster and its servers would be gone from Operations Center.`
    );
  }
  if (policy === "retain") {
    return (
      `${deletionPolicy} "retain" makes no call, so the old cluster stays in Operations Center and its servers stay its members: ` +
      `the create that follows would be refused (the name is taken and the servers are clustered).`
    );
  }
  return undefined;
}

function recreateWay(language: ConfigurationLanguage): string {
  const factoryReset = attributeSetting(language, "deletion_policy", "factory-reset");
  return (
    `A re-create works only with ${factoryReset} recorded in state (the destroy half uses the state's policy): ` +
    `apply ${factoryReset} alone first (an in-place change), then set ${attributeSetting(language, "allow_recreate", true)}; every member is then ` +
    `factory-reset, and the create waits for them to register again.`
  );
}

function creationChangeDiagnostics(
  prior: ClusterValue,
  changes: readonly CreationChange[],
  allowRecreate: boolean,
  language: ConfigurationLanguage,
): Diagnostic[] {
  const policy = prior.deletion_policy ?? DEFAULT_DELETION_POLICY;
  const refusal = recreateRefusal(policy, language);
  const name = (attribute: string) => attributeName(language, attribute);
  return changes.map((change): Diagnostic => {
    const what = change.changed.map(name).join(", ");
    if (allowRecreate && refusal !== undefined) {
      return {
        severity: "error",
        summary: `${what} changed: cluster "${prior.name}" cannot be re-created with ${name("deletion_policy")} "${policy}"`,
        detail: `${refusal} ${recreateWay(language)} Or revert the change.`,
        path: [change.attribute],
      };
    }
    if (allowRecreate) {
      return {
        severity: "warning",
        summary: `${what} changed: cluster "${prior.name}" will be re-created`,
        detail:
          `${name("allow_recreate")} is true, so the cluster is replaced: its ${name("deletion_policy")} "factory-reset" runs first (DELETE mode=factory-reset), ` +
          `every member (${(prior.members ?? prior.servers).join(", ")}) is wiped and must register again, and the create waits for them ` +
          `(bounded; the provider log shows which are not back yet) before it forms the new cluster.`,
        path: [change.attribute],
      };
    }
    return {
      severity: "error",
      summary: `${what} changed, but Operations Center uses ${name(change.attribute)} only when it creates a cluster`,
      detail:
        `The change cannot be applied to the existing cluster "${prior.name}". Ways forward: revert the change; or change the live cluster ` +
        `with the bulk-operation resources (VLAN tags, storage targets, applications, kernel, logging); or re-create the cluster: ` +
        (refusal === undefined
          ? `set ${attributeSetting(language, "allow_recreate", true)} (${name("deletion_policy")} "factory-reset" runs first and wipes every member).`
          : recreateWay(language)),
      path: [change.attribute],
    };
  });
}

type Computed = "secrets_digest" | "certificate" | "fingerprint" | "status" | "members" | "properties_all";

/**
 * The planned state: the proposed configuration, the id from the name and the computed values
 * given. secrets_wo is write-only for Terraform >= 1.11 (null in every plan and state); older
 * versions treat it as a sensitive attribute whose planned value must equal the configuration.
 */
function plannedState(proposed: ObjectValue, computed: Record<Computed, Value>, capabilities: ClientCapabilities): ObjectValue {
  const secrets = capabilities.writeOnlyAttributesAllowed ? null : (proposed.secrets_wo ?? null);
  return { ...proposed, id: typeof proposed.name === "string" ? proposed.name : UNKNOWN, ...computed, secrets_wo: secrets };
}

/** Problems of a create from a template that exists already (see cluster/template-check.ts). */
async function templateProblems(config: ObjectValue | null, client: ProviderClient): Promise<Diagnostic[]> {
  const name = knownString(config?.template);
  if (config === null || name === undefined || name === "" || hasUnknown(config.template_variables) || isUnknown(config.secrets_wo)) return [];
  const found = await client.api.findClusterTemplate(name).catch(() => undefined);
  if (found === undefined) return [];
  const secretsText = knownString(config.secrets_wo);
  const parsed = secretsText === undefined ? undefined : parseSecrets(secretsText);
  const secretValues = parsed !== undefined && "value" in parsed ? (parsed.value.template_variables ?? {}) : {};
  return templateValueProblems(found.template, (knownObject(config.template_variables) ?? {}) as Record<string, string>, secretValues);
}

/** The deletion policy a configuration gives, its default when unset; undefined while unknown (it may remove the cluster). */
function configuredDeletionPolicy(config: ObjectValue | null): string | undefined {
  return isUnknown(config?.deletion_policy) ? undefined : (knownString(config?.deletion_policy) ?? DEFAULT_DELETION_POLICY);
}

/**
 * In a destroy: an error when this machine's create journal holds a create of this cluster that
 * was interrupted before its cluster reached Terraform, and the deletion policy would remove it.
 * With an empty state Terraform asks the provider nothing else in a destroy (no refresh plan, no
 * configure), so validate is the only place to say it; it reads the journal only, and cannot know
 * whether the create reached Operations Center, so it points to `oc-cdktf leftovers`, which finds
 * out and forgets the entry of a create that made nothing.
 */
function unsavedCreateProblem(config: ObjectValue, terraformCommand: (() => TerraformCommand) | undefined): Diagnostic[] {
  const name = knownString(config.name);
  if (name === undefined || !destroying(terraformCommand)) return [];
  const policy = configuredDeletionPolicy(config);
  if (policy === "retain") return [];
  // Terraform starts the provider in its working directory, where configure puts the journal too.
  if (unsavedCreate(process.cwd(), name) === undefined) return [];
  return [
    {
      severity: "error",
      summary: `Cluster "${name}" may exist from an interrupted apply of this configuration without being in state, so this destroy cannot remove it`,
      detail:
        `An apply of this configuration started creating it and was interrupted before Terraform saved the result ` +
        `(${journalDir(".")} records it). Nothing was changed. Run oc-cdktf leftovers in this directory to find out: ` +
        `if Operations Center has the cluster, run terraform apply (it adopts the cluster into state without creating it), then terraform destroy ` +
        `(by its deletion policy${policy === undefined ? "" : ` "${policy}"`}), or delete it in Operations Center yourself; ` +
        `if it does not, leftovers forgets the record and this destroy goes through.`,
      path: ["name"],
    },
  ];
}

/** A destroy's error for a cluster an interrupted create of this resource left, which state does not hold. */
function leftoverError(name: string, policy: string | undefined, language: ConfigurationLanguage): Diagnostic {
  const deletionPolicy = attributeName(language, "deletion_policy");
  return {
    severity: "error",
    summary: `Cluster "${name}" exists from an interrupted apply of this configuration but is not in state, so this destroy cannot remove it`,
    detail:
      `An earlier apply of this resource created it (it carries this resource's oc-cdktf.io/created-by) and was interrupted before Terraform ` +
      `saved it in state. Nothing was changed. To remove it by its ${deletionPolicy}${policy === undefined ? "" : ` "${policy}"`}: run terraform apply ` +
      `(it adopts the cluster into state without creating it), then terraform destroy. Or import it: ` +
      `terraform import <this resource's address> ${name}, then terraform apply (it records ${deletionPolicy}) and terraform destroy. ` +
      `Or delete it in Operations Center yourself.`,
    path: ["name"],
  };
}

/**
 * In a destroy: an error when the cluster carries this resource's adoption-key marker and the
 * unsaved mark (cluster/bookkeeping.ts), so an interrupted create left it and state may not hold
 * it, and the deletion policy would remove it. A destroy with an empty state calls the provider
 * for validation only, and a fresh checkout has no create journal, so only this read can stop it:
 * one GET, in a destroy only, through the client of the provider block validated here. When that
 * read cannot be made, a warning says so.
 */
async function unsavedClusterProblem(config: ObjectValue, request: ValidateRequest<ProviderClient>): Promise<Diagnostic[]> {
  const policy = configuredDeletionPolicy(config);
  if (config.adoption_key === null || policy === "retain" || request.connect === undefined || !destroying(request.terraformCommand)) return [];
  const cannotCheck = (why: string): Diagnostic[] => [
    {
      severity: "warning",
      summary: `Cannot check whether an interrupted apply left cluster ${typeof config.name === "string" ? `"${config.name}"` : "(name not known)"} outside state`,
      detail: `${why}\nWith an empty state, terraform destroy sees no such cluster otherwise; oc-cdktf leftovers lists it.`,
      path: ["name"],
    },
  ];
  const name = knownString(config.name);
  const marker = adoptionMarker(knownString(config.adoption_key));
  // Terraform validates with every input variable unknown.
  if (name === undefined || marker === undefined) return cannotCheck("Its name or adoption_key comes from a value not known at validation (a variable).");
  let client: ProviderClient;
  let found: Awaited<ReturnType<ProviderClient["api"]["findCluster"]>>;
  try {
    client = await request.connect();
    found = await client.api.findCluster(name);
  } catch (error) {
    return cannotCheck(error instanceof Error ? error.message : String(error));
  }
  const bookkeeping = found === undefined ? undefined : readBookkeeping(found.cluster.properties);
  if (bookkeeping?.createdBy !== marker || !bookkeeping.unsaved) return [];
  const deletionPolicy = attributeName(client.language, "deletion_policy");
  return [
    {
      severity: "error",
      summary: `Cluster "${name}" exists from an interrupted apply of this configuration and may not be in state, so this destroy cannot remove it`,
      detail:
        `It carries this resource's oc-cdktf.io/created-by and ${UNSAVED_KEY}: the apply that created it ended before handing it to Terraform ` +
        `(interrupted, or its last step failed with a warning). Nothing was changed. Run terraform apply (it adopts the cluster into state ` +
        `without creating it, and removes the mark), then terraform destroy (by its ${deletionPolicy}${policy === undefined ? "" : ` "${policy}"`}). ` +
        `Or delete it in Operations Center yourself.`,
      path: ["name"],
    },
  ];
}

/**
 * When the cluster to create exists already and an earlier, interrupted create of this resource
 * made it (its journal entry, or the marker of its adoption key): a warning that the apply adopts
 * it; in a destroy whose deletion policy would remove it, an error, since Terraform drops every
 * warning of a destroy's refresh plan and the destroy would end without it, exit code 0. One GET,
 * only when either could match; anyone else's cluster is refused by the apply.
 */
async function adoptionNotice(config: ObjectValue | null, context: CallContext<ProviderClient>): Promise<Diagnostic[]> {
  const { client } = context;
  const name = knownString(config?.name);
  if (name === undefined || isUnknown(config?.adoption_key)) return [];
  const journaled = findCreate(client.workDir, name);
  const marker = adoptionMarker(knownString(config?.adoption_key));
  if (journaled === undefined && marker === undefined) return [];
  const found = await client.api.findCluster(name).catch(() => undefined);
  if (found === undefined || !createdHere(found.cluster.properties, journaled?.create_id, marker)) return [];
  const deletionPolicy = attributeName(client.language, "deletion_policy");
  const policy = configuredDeletionPolicy(config);
  if (destroying(context.terraformCommand) && policy !== "retain") return [leftoverError(name, policy, client.language)];
  return [
    {
      severity: "warning",
      summary: `Cluster "${name}" exists already: an earlier, interrupted apply of this resource created it`,
      detail:
        `It carries this resource's oc-cdktf.io/created-by, so the apply adopts it instead of creating it (a pending record is removed and created again). ` +
        `Until an apply has put it in state, terraform destroy cannot remove it: it fails and says so, unless ${deletionPolicy} is "retain".`,
      path: ["name"],
    },
  ];
}

async function planCreate(
  proposed: ObjectValue,
  config: ObjectValue | null,
  context: CallContext<ProviderClient>,
  capabilities: ClientCapabilities,
): Promise<PlanResult> {
  const { client } = context;
  return {
    diagnostics: [...(await templateProblems(config, client)), ...(await adoptionNotice(config, context))],
    planned: plannedState(
      proposed,
      {
        secrets_digest: plannedDigest(config, client),
        certificate: UNKNOWN,
        fingerprint: UNKNOWN,
        status: UNKNOWN,
        members: UNKNOWN,
        properties_all: UNKNOWN,
      },
      capabilities,
    ),
  };
}

function planDestroy(prior: ClusterValue): PlanResult {
  const policy = prior.deletion_policy ?? DEFAULT_DELETION_POLICY;
  const diagnostics: Diagnostic[] = [];
  if (policy === "factory-reset") {
    diagnostics.push({
      severity: "warning",
      summary: `Destroying cluster "${prior.name}" factory-resets ALL its members`,
      detail: `deletion_policy is "factory-reset": ${(prior.members ?? prior.servers).join(", ")} will be wiped and must register again.`,
    });
  } else if (policy === "forget") {
    diagnostics.push({
      severity: "warning",
      summary: `Destroying cluster "${prior.name}" deletes its record in Operations Center`,
      detail: `deletion_policy is "forget": the servers keep running as an Incus cluster, but Operations Center no longer knows them or the cluster.`,
    });
  }
  return { planned: null, diagnostics };
}

async function planUpdate(prior: ClusterValue, request: PlanRequest & { proposed: ObjectValue }, client: ProviderClient): Promise<PlanResult> {
  const { proposed, config, priorPrivate } = request;
  const diagnostics: Diagnostic[] = [];
  const privateData = decodePrivate(priorPrivate);

  let digest = plannedDigest(config, client);
  let digestChanged = false;
  if (digest === UNKNOWN) digest = prior.secrets_digest;
  else if (prior.secrets_digest !== digest) {
    const before = prior.secrets_digest === null ? undefined : digestKeyIdOf(prior.secrets_digest);
    const after = typeof digest === "string" ? digestKeyIdOf(digest) : undefined;
    if (before !== undefined && after !== undefined && before !== after) {
      diagnostics.push({
        severity: "warning",
        summary: "The digest key changed: secrets_digest is recomputed",
        detail: "secrets_wo cannot be compared with what the cluster was created with this once; the new digest is recorded.",
        path: ["secrets_wo"],
      });
    } else digestChanged = true;
  }

  const requiresReplace: AttributePath[] = [];
  const plannedPrivate = { ...privateData };
  if (privateData.imported === true) {
    delete plannedPrivate.imported;
    const configured = [...creationAttributes, "secrets_wo"].filter(
      (attribute) => config !== null && config[attribute] !== null && config[attribute] !== undefined,
    );
    if (configured.length > 0) {
      diagnostics.push({
        severity: "warning",
        summary: `Creation inputs of the imported cluster "${prior.name}" are not compared`,
        detail: `${configured.join(", ")} ${configured.length === 1 ? "is" : "are"} recorded as configured; Operations Center does not report what the cluster was created with.`,
      });
    }
  } else {
    const changes = creationChanges(prior, proposed, digestChanged);
    const allowRecreate = proposed.allow_recreate === true;
    diagnostics.push(...creationChangeDiagnostics(prior, changes, allowRecreate, client.language));
    if (allowRecreate)
      requiresReplace.push(...changes.map((change): AttributePath => [change.attribute === "secrets_wo" ? "secrets_digest" : change.attribute]));
  }
  diagnostics.push(...(await removalDiagnostics(prior, removedMembers(prior, proposed), client)));
  diagnostics.push(...(await movedInDiagnostics(prior, proposed, client)));

  const priorValue = toObjectValue(prior);
  const membersChange =
    !Array.isArray(proposed.servers) ||
    hasUnknown(proposed.servers) ||
    !sameSet(proposed.servers, prior.servers) ||
    !same(proposed.exclusive_members, prior.exclusive_members);
  const settingsChange =
    membersChange ||
    // In state now: the apply removes the mark an interrupted create (or an import of its cluster) left.
    prior.properties_all?.[UNSAVED_KEY] !== undefined ||
    !same(proposed.name, prior.name) ||
    ["connection_url", "channel", "description", "properties", "rolling_restart"].some(
      (key) => hasUnknown(proposed[key]) || !same(proposed[key], priorValue[key]),
    );
  const declaredProperties = proposed.properties === null ? {} : knownObject(proposed.properties);
  const membership =
    Array.isArray(proposed.servers) &&
    !hasUnknown(proposed.servers) &&
    declaredProperties !== undefined &&
    !hasUnknown(declaredProperties) &&
    !isUnknown(proposed.exclusive_members)
      ? plannedMembership(
          prior,
          proposed.servers as string[],
          declaredProperties as Record<string, string>,
          proposed.exclusive_members === true,
          privateData.stale_members ?? [],
        )
      : undefined;
  return {
    planned: plannedState(
      proposed,
      {
        secrets_digest: digest,
        certificate: prior.certificate,
        fingerprint: prior.fingerprint,
        status: prior.status,
        members: !membersChange ? prior.members : (membership?.members ?? UNKNOWN),
        properties_all: !settingsChange ? prior.properties_all : (membership?.propertiesAll ?? UNKNOWN),
      },
      request.capabilities,
    ),
    diagnostics,
    ...(requiresReplace.length > 0 ? { requiresReplace } : {}),
    plannedPrivate: encodePrivate(plannedPrivate),
  };
}

export const clusterResource: Resource<ProviderClient> = {
  typeName: "operationscenter_cluster",
  schema: clusterSchema,

  async validate(request) {
    const { config, terraformCommand } = request;
    const problems = [...clusterConfigProblems(config), ...unsavedCreateProblem(config, terraformCommand)];
    return problems.some((problem) => problem.severity === "error") ? problems : [...problems, ...(await unsavedClusterProblem(config, request))];
  },

  async plan(request, context) {
    if (request.proposed === null) return request.prior === null ? { planned: null } : planDestroy(parseClusterValue(request.prior, "prior state"));
    if (request.prior === null) return planCreate(request.proposed, request.config, context, request.capabilities);
    return planUpdate(parseClusterValue(request.prior, "prior state"), { ...request, proposed: request.proposed }, context.client);
  },

  async apply(request, context) {
    const { client } = context;
    const effects = { client, signal: context.signal, log: context.log };
    if (request.planned === null) {
      if (request.prior === null) return { state: null };
      const prior = parseClusterValue(request.prior, "prior state");
      try {
        await deleteCluster(client, prior.id ?? prior.name, prior.deletion_policy ?? DEFAULT_DELETION_POLICY);
      } catch (error) {
        const diagnostic =
          error instanceof DiagnosticError ? error : failed(`Deleting cluster "${prior.name}" failed`, error, "it is still in Operations Center");
        return { state: request.prior, diagnostics: diagnostic.diagnostics };
      }
      return { state: null };
    }
    const desired = parseClusterValue(request.planned, "planned state");
    const secrets = secretsOf(knownString(request.config?.secrets_wo) ?? null);
    if (request.prior === null) {
      const created = await createCluster(effects, desired, secrets);
      answerCreate(client.workDir, desired.name, created.createId);
      const state = appliedState(request.planned, created.cluster, created.members);
      return { state, private: encodePrivate({ create_id: created.createId }), ...(created.warning === undefined ? {} : { diagnostics: [created.warning] }) };
    }
    const prior = parseClusterValue(request.prior, "prior state");
    const privateData = decodePrivate(request.plannedPrivate);
    // State holds this create's id since the create's apply: its journal entry can go (plan stays pure, so here or in read).
    forgetCreate(client, prior.name, privateData.create_id);
    const { progress, error } = await updateCluster(effects, prior, desired, privateData.stale_members ?? []);
    if (error !== undefined) {
      // Partial state: the new name if the rename happened, so the next refresh finds the cluster.
      return { state: { ...request.prior, id: progress.name, name: progress.name }, private: request.plannedPrivate, diagnostics: error.diagnostics };
    }
    // The members record now lists exactly the declared servers: no entry of it is stale any more.
    const { stale_members: _rewritten, ...applied } = privateData;
    const live = await readBack(client, progress.name).catch((cause: unknown) => {
      throw failed(`Cluster "${progress.name}" was updated but cannot be read back`, cause, "the changes are applied; the next refresh reads them");
    });
    return { state: appliedState(request.planned, live.cluster, live.members), private: encodePrivate(applied) };
  },

  async read(request, { client }) {
    const prior = parseClusterValue(request.state, "state");
    const name = prior.id ?? prior.name;
    const privateData = decodePrivate(request.private);
    forgetCreate(client, name, privateData.create_id);
    let cluster: Cluster | undefined;
    try {
      cluster = (await client.api.findCluster(name))?.cluster ?? (await findRenamed(client, prior, privateData.create_id));
    } catch (error) {
      throw failed(`Cannot read cluster "${name}"`, error, "nothing was changed");
    }
    if (cluster === undefined) return { state: null, private: request.private };
    try {
      const members = (await client.api.listServers({ cluster: cluster.name })).map((server) => server.name);
      const { stale } = reconcileMembers(readBookkeeping(cluster.properties).members ?? [], members, privateData.stale_members ?? []);
      const { stale_members: before, ...rest } = privateData;
      const unchanged = same(before ?? [], stale);
      const reconciled = unchanged ? request.private : encodePrivate(stale.length === 0 ? rest : { ...rest, stale_members: stale });
      return { state: toObjectValue(liveState(prior, cluster, members, stale)), private: reconciled };
    } catch (error) {
      throw failed(`Cannot read cluster "${cluster.name}"`, error, "nothing was changed");
    }
  },

  async import(id, { client }) {
    const found = await client.api.findCluster(id).catch((error: unknown) => {
      throw failed(`Cannot look up cluster "${id}" to import it`, error, "nothing was imported");
    });
    if (found === undefined) {
      throw new DiagnosticError({
        severity: "error",
        summary: `Cluster "${id}" does not exist in Operations Center`,
        detail: "Check the name (names are case-sensitive) and the Operations Center the provider is configured for.",
      });
    }
    const members = (await client.api.listServers({ cluster: id })).map((server) => server.name);
    // Importing what an interrupted create of this machine left puts it in state: a destroy may remove it now.
    const createdBy = readBookkeeping(found.cluster.properties).createdBy;
    if (createdBy !== undefined) answerCreate(client.workDir, id, createdBy);
    return { state: toObjectValue(importedState(found.cluster, members)), private: encodePrivate({ imported: true }) };
  },
};
