// operationscenter_incus_cluster_member: the Incus settings of one member of a cluster (roles,
// failure domain, description, scheduler.instance, groups) and its state (online / evacuated),
// through the cluster's own Incus API. Unset attributes are not managed (optional and computed: an
// imported value, or one dropped from the configuration, stays in state as read). Roles, groups and the
// failure domain are replaced as a whole by Incus, so every PUT sends them whole; the member
// config merges (only scheduler.instance is touched). Destroy only stops managing: the member
// stays in the cluster (that is the cluster's `servers`).
import { assignableRoles, automaticRoles, memberEvacuationModes, roleProblem, schedulerInstanceValues, apiNameProblem } from "../../config/incus.js";
import type { IncusClient, IncusMember, IncusMemberPut } from "../../client/incus-client.js";
import { OperationsCenterError } from "../../client/errors.js";
import type { ProviderClient } from "../client.js";
import { attributeSetting, type ConfigurationLanguage } from "../../config/configuration-language.js";
import { DiagnosticError, type Diagnostic, type Logger, type ObjectValue, type Resource } from "../plugin/types.js";
import {
  clusterGone,
  clusterReferencePlan,
  connectionAttributes,
  connectionProblems,
  incusFor,
  memberProblems as notMembers,
  unsetConnection,
} from "./incus/connection.js";
import { importIdParts } from "./common/import-id.js";
import { DONE, NOT_DONE, sendThenConfirm } from "./common/lost-reply.js";
import { ifMatch, retryOnPreconditionFailed } from "./common/precondition.js";
import { apiStep, isUnknown, knownString, stepFailed } from "./values.js";

const SCHEDULER = "scheduler.instance";
const STATES = ["online", "evacuated"] as const;
const WAIT_STEP_S = 10;
const SETTLE_POLL_MS = 500;
const TYPE_NAME = "operationscenter_incus_cluster_member";

export const incusClusterMemberResource: Resource<ProviderClient> = {
  typeName: TYPE_NAME,
  schema: {
    version: 0,
    block: {
      description:
        "The Incus settings and state of one cluster member: roles, failure domain, description, scheduler.instance, groups, and evacuation. Unset attributes are not managed: they are left as they are " +
        "(after an import, or once dropped from the configuration, the state shows their live value and a plan shows no change for them). " +
        "Destroying the resource stops managing the member; it stays in the cluster.",
      attributes: {
        id: { type: "string", computed: true, description: "CLUSTER/MEMBER." },
        ...connectionAttributes,
        member: { type: "string", required: true, description: "The member (server) name. A change replaces the resource. Import id: CLUSTER/MEMBER." },
        roles: {
          type: ["set", "string"],
          optional: true,
          computed: true,
          description: `Roles to assign: ${assignableRoles.join(", ")}. The database roles are assigned by Incus and cannot be given. A role removed by hand shows as a change.`,
        },
        failure_domain: { type: "string", optional: true, computed: true, description: 'Failure domain of the member ("default" means none).' },
        description: { type: "string", optional: true, computed: true, description: "Description of the member." },
        scheduler_instance: {
          type: "string",
          optional: true,
          computed: true,
          description: `scheduler.instance: ${schedulerInstanceValues.join(", ")} (all: any placement; manual: only when targeted; group: only when its group is targeted).`,
        },
        groups: {
          type: ["set", "string"],
          optional: true,
          computed: true,
          description: "Cluster groups the member belongs to (at least one; the whole list is replaced).",
        },
        state: {
          type: "string",
          optional: true,
          computed: true,
          description: "online or evacuated. evacuated evacuates the member (waiting for the operation); online restores it.",
        },
        evacuation_mode: {
          type: "string",
          optional: true,
          description: `How instances leave on evacuation: ${memberEvacuationModes.join(", ")} (default auto: each instance's cluster.evacuate).`,
        },
      },
    },
  },

  validate({ config }) {
    return memberProblems(config);
  },

  async plan({ prior, proposed }, { client }) {
    if (proposed === null) return { planned: null };
    const cluster = knownString(proposed.cluster);
    const member = knownString(proposed.member);
    const problems = [...memberProblems(proposed), ...(await notMembers(client, cluster, member === undefined ? [] : [member], "member"))];
    if (problems.length > 0) throw new DiagnosticError(problems);
    const planned = { ...proposed, id: cluster !== undefined && member !== undefined ? `${cluster}/${member}` : (proposed.id ?? null) };
    const { requiresReplace, diagnostics } = await clusterReferencePlan(client, TYPE_NAME, prior, proposed);
    if (prior !== null && prior.member !== proposed.member) requiresReplace.push(["member"]);
    const evacuation = evacuationNote(prior, planned, client.language);
    return { planned, requiresReplace, diagnostics: evacuation === undefined ? diagnostics : [...diagnostics, evacuation] };
  },

  async apply({ prior, planned }, { client, log }) {
    if (planned === null) {
      log.info(`oc-cdktf: stopped managing Incus member "${knownString(prior?.member) ?? ""}"; it stays in the cluster as it is`);
      return { state: null };
    }
    const incus = await incusFor(client, planned, log);
    const name = knownString(planned.member)!;
    await apiStep(`Cannot update Incus cluster member "${name}"`, () =>
      retryOnPreconditionFailed(async () => {
        const { member, etag } = await incus.getMember(name);
        const put = desiredPut(member, planned);
        if (!samePut(put, currentPut(member))) await incus.updateMember(name, put, ifMatch(etag));
      }),
    );
    const state = knownString(planned.state);
    if (state !== undefined) await reachState(incus, name, state, knownString(planned.evacuation_mode), client.evacuationTimeoutMs, log);
    return { state: { ...planned } };
  },

  async read({ state }, { client, log }) {
    if (await clusterGone(client, state)) return { state: null };
    const incus = await incusFor(client, state, log);
    const name = knownString(state.member)!;
    let member: IncusMember;
    try {
      member = (await incus.getMember(name)).member;
    } catch (error) {
      if (error instanceof OperationsCenterError && error.isNotFound) return { state: null };
      throw stepFailed(`Cannot read Incus cluster member "${name}"`, error);
    }
    return { state: stateOf(state, member) };
  },

  async import(id, { client, log }) {
    const [cluster, name] = importIdParts("Incus cluster member", id, "CLUSTER/MEMBER") as [string, string];
    // Every attribute but evacuation_mode is taken from the member: the configuration then decides which stay managed.
    const values: ObjectValue = {
      id,
      cluster,
      ...unsetConnection,
      member: name,
      roles: [],
      failure_domain: "",
      description: "",
      scheduler_instance: "",
      groups: [],
      state: "",
      evacuation_mode: null,
    };
    const incus = await incusFor(client, values, log);
    const { member } = await apiStep(`Cannot read Incus cluster member "${name}" of cluster "${cluster}"`, () => incus.getMember(name));
    return { state: stateOf(values, member) };
  },
};

/**
 * The plan's warning for an evacuation: what leaves the member and how, as Incus evacuates
 * (incus@be7afc5 cmd/incusd/api_cluster_evacuation.go, evacuateInstancesFunc: mode auto takes each
 * instance's own answer, from its cluster.evacuate and storage; an instance with no member to go
 * to is stopped where it is).
 */
function evacuationNote(prior: ObjectValue | null, planned: ObjectValue, language: ConfigurationLanguage): Diagnostic | undefined {
  if (knownString(planned.state) !== "evacuated" || knownString(prior?.state) === "evacuated") return undefined;
  const name = knownString(planned.member) ?? "";
  const cluster = knownString(planned.cluster) ?? "";
  const mode = knownString(planned.evacuation_mode) ?? "auto";
  const how: Record<string, string> = {
    auto: "each instance follows its cluster.evacuate: instances that can migrate move to another member (live where they can), the others (e.g. on local storage) are stopped and stay",
    migrate: "every instance is stopped, moved to another member and started again",
    "live-migrate": "running instances are live-migrated to another member, stopped ones moved",
    stop: "every instance is stopped and stays on the member",
  };
  return {
    severity: "warning",
    summary: `${TYPE_NAME}: member "${name}" of cluster "${cluster}" will be evacuated (mode ${mode})`,
    detail:
      `${how[mode] ?? `mode ${mode}`}; an instance with no other member to go to is stopped where it is. While the member is in maintenance, Operations Center refuses every bulk action on the cluster ` +
      `(the bulk resources then apply member by member). Set ${attributeSetting(language, "state", "online")} to restore it.`,
  };
}

/** The managed attributes (those not null in `state`) as the member has them. */
function stateOf(state: ObjectValue, member: IncusMember): ObjectValue {
  const next: ObjectValue = { ...state };
  if (state.roles !== null) next.roles = assigned(member.roles).sort();
  if (state.failure_domain !== null) next.failure_domain = member.failure_domain;
  if (state.description !== null) next.description = member.description;
  if (state.scheduler_instance !== null) next.scheduler_instance = member.config[SCHEDULER] ?? "all";
  if (state.groups !== null) next.groups = [...member.groups].sort();
  if (state.state !== null) next.state = stateWord(member.status);
  return next;
}

/**
 * A member in the middle of an evacuation or a restore reads as "evacuating" or "restoring", not
 * as where it is going: the plan then shows the change still to finish, and the apply waits for it.
 */
function stateWord(status: string): string {
  if (status === "Evacuated") return "evacuated";
  if (TRANSITIONS.includes(status)) return status.toLowerCase();
  return "online";
}

const assigned = (roles: readonly string[]): string[] => roles.filter((r) => !(automaticRoles as readonly string[]).includes(r));
const strings = (value: unknown): string[] | undefined => (Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : undefined);

function currentPut(member: IncusMember): IncusMemberPut {
  return { roles: member.roles, failure_domain: member.failure_domain, description: member.description, config: member.config, groups: member.groups };
}

/**
 * The whole member as it should be: managed attributes from the plan, the rest as it is (an
 * attribute dropped from the configuration is left as it is, like one never set).
 */
function desiredPut(member: IncusMember, planned: ObjectValue): IncusMemberPut {
  const held = member.roles.filter((r) => (automaticRoles as readonly string[]).includes(r));
  const roles = strings(planned.roles);
  const config = { ...member.config };
  const scheduler = knownString(planned.scheduler_instance);
  if (scheduler !== undefined) config[SCHEDULER] = scheduler;
  return {
    // Incus refuses a PUT that drops the database role the member holds, so it is sent back.
    roles: [...(roles ?? assigned(member.roles)), ...held],
    failure_domain: knownString(planned.failure_domain) ?? member.failure_domain,
    description: knownString(planned.description) ?? member.description,
    config,
    groups: strings(planned.groups) ?? member.groups,
  };
}

function samePut(a: IncusMemberPut, b: IncusMemberPut): boolean {
  const set = (x: readonly string[]) => [...new Set(x)].sort().join("\0");
  const map = (m: Record<string, string>) => JSON.stringify(Object.entries(m).sort());
  return (
    set(a.roles) === set(b.roles) &&
    set(a.groups) === set(b.groups) &&
    a.failure_domain === b.failure_domain &&
    a.description === b.description &&
    map(a.config) === map(b.config)
  );
}

/** Evacuates or restores through the async operation, waiting with progress in the log. */
async function reachState(incus: IncusClient, name: string, state: string, mode: string | undefined, timeoutMs: number, log: Logger): Promise<void> {
  const member = await settledMember(incus, name, timeoutMs, log);
  const evacuated = member.status === "Evacuated";
  if ((state === "evacuated") === evacuated) return;
  const action = state === "evacuated" ? "evacuate" : "restore";
  const started = Date.now();
  const id = await apiStep(`Cannot ${action} Incus cluster member "${name}"`, () => startStateChange(incus, name, action, mode));
  if (id === undefined) {
    // The reply was lost but the member shows the change begun: waited for as one already running.
    log.info(`oc-cdktf: ${action} of member "${name}" started; its reply was lost, so the member is watched instead of the operation`, { member: name });
    const settled = await settledMember(
      incus,
      name,
      timeoutMs - (Date.now() - started),
      log,
      `The ${action} this apply started (its reply was lost) is still running.`,
    );
    if ((settled.status === "Evacuated") !== (action === "evacuate")) {
      throw new DiagnosticError({
        severity: "error",
        summary: `The ${action} of Incus cluster member "${name}" failed`,
        detail: `It was started (its reply was lost, so its operation is unknown) and ended with the member ${settled.status.toLowerCase()}${settled.message === "" ? "" : ` (${settled.message})`}.`,
        path: ["state"],
      });
    }
    log.info(`oc-cdktf: ${action} of member "${name}" done after ${Math.round((Date.now() - started) / 1000)} s`, { member: name });
    return;
  }
  log.info(`oc-cdktf: ${action} of member "${name}" started (operation ${id})`, { member: name, operation: id });
  for (;;) {
    const left = timeoutMs - (Date.now() - started);
    if (left <= 0) {
      throw new DiagnosticError({
        severity: "error",
        summary: `The ${action} of Incus cluster member "${name}" did not finish within ${Math.round(timeoutMs / 1000)} s`,
        detail: `Operation ${id} is still running. Raise evacuation_timeout in the provider block, or wait and apply again.`,
        path: ["state"],
      });
    }
    const op = await apiStep(`Cannot wait for the ${action} of Incus cluster member "${name}"`, () =>
      incus.waitOperation(id, Math.max(1, Math.min(WAIT_STEP_S, Math.ceil(left / 1000)))),
    );
    if (op.status_code >= 200) {
      if (op.status_code !== 200)
        throw new DiagnosticError({
          severity: "error",
          summary: `The ${action} of Incus cluster member "${name}" failed`,
          detail: op.err || op.status,
          path: ["state"],
        });
      log.info(`oc-cdktf: ${action} of member "${name}" done after ${Math.round((Date.now() - started) / 1000)} s`, { member: name, operation: id });
      return;
    }
    log.info(`oc-cdktf: ${action} of member "${name}" running (${Math.round((Date.now() - started) / 1000)} s)`, { member: name, operation: id });
  }
}

/**
 * Starts an evacuation or restore; resolves with its operation id, or undefined when the reply was
 * lost and the member read back shows it begun (evacuating or evacuated, restoring or online): it
 * is then not started a second time. A member still as it was gets the request again.
 */
async function startStateChange(incus: IncusClient, name: string, action: "evacuate" | "restore", mode: string | undefined): Promise<string | undefined> {
  let id: string | undefined;
  const begun = action === "evacuate" ? ["Evacuating", "Evacuated"] : ["Restoring", "Online"];
  await sendThenConfirm(
    async () => {
      id = await incus.changeMemberState(name, action, action === "evacuate" ? mode : undefined);
    },
    async () => (begun.includes((await incus.getMember(name)).member.status) ? DONE : NOT_DONE),
  );
  return id;
}

/** Incus's statuses while an evacuation or a restore runs (incus@be7afc5 internal/server/db/node.go). */
const TRANSITIONS: readonly string[] = ["Evacuating", "Restoring"];

/**
 * The member once no evacuation or restore runs on it. One that an interrupted apply (or anyone)
 * started is waited for, not taken as done: its operation id is unknown here, so the member is read
 * again every SETTLE_POLL_MS, within the same evacuation_timeout.
 */
async function settledMember(
  incus: IncusClient,
  name: string,
  timeoutMs: number,
  log: Logger,
  running = "An evacuation or restore started before this apply (an interrupted apply's, or by hand) is still running.",
): Promise<IncusMember> {
  const started = Date.now();
  for (;;) {
    const { member } = await apiStep(`Cannot read Incus cluster member "${name}"`, () => incus.getMember(name));
    if (!TRANSITIONS.includes(member.status)) return member;
    if (Date.now() - started >= timeoutMs) {
      throw new DiagnosticError({
        severity: "error",
        summary: `Incus cluster member "${name}" was still ${member.status.toLowerCase()} after ${Math.round(timeoutMs / 1000)} s`,
        detail: `${running} Raise evacuation_timeout in the provider block, or wait and apply again.`,
        path: ["state"],
      });
    }
    log.info(`oc-cdktf: member "${name}" is ${member.status.toLowerCase()}; waiting for it to finish`, { member: name });
    await new Promise((resolve) => setTimeout(resolve, SETTLE_POLL_MS));
  }
}

function memberProblems(config: ObjectValue): Diagnostic[] {
  const out: Diagnostic[] = connectionProblems(config);
  const error = (summary: string, path: string) => out.push({ severity: "error", summary, path: [path] });
  for (const role of strings(config.roles) ?? []) {
    const problem = roleProblem(role);
    if (problem !== undefined) error(`roles: ${problem}`, "roles");
  }
  const scheduler = knownString(config.scheduler_instance);
  if (scheduler !== undefined && !(schedulerInstanceValues as readonly string[]).includes(scheduler)) {
    error(`scheduler_instance: "${scheduler}" is not a scheduler.instance value (expected ${schedulerInstanceValues.join(", ")})`, "scheduler_instance");
  }
  if (knownString(config.failure_domain) === "") error('failure_domain: must not be empty (use "default" for no failure domain)', "failure_domain");
  const groups = strings(config.groups);
  if (groups !== undefined && !isUnknown(config.groups)) {
    if (groups.length === 0)
      error("groups: a member needs at least one group (Incus refuses an empty list); give default to keep it in the default group", "groups");
    for (const group of groups) {
      const problem = apiNameProblem(group);
      if (problem !== undefined) error(`groups: "${group}" is not a valid group name: ${problem}`, "groups");
    }
  }
  const state = knownString(config.state);
  if (state !== undefined && !(STATES as readonly string[]).includes(state))
    error(`state: "${state}" is not a member state (expected ${STATES.join(" or ")})`, "state");
  const mode = knownString(config.evacuation_mode);
  if (mode !== undefined && !(memberEvacuationModes as readonly string[]).includes(mode)) {
    error(`evacuation_mode: "${mode}" is not an evacuation mode (expected ${memberEvacuationModes.join(", ")})`, "evacuation_mode");
  }
  if (mode !== undefined && config.state === null) error('evacuation_mode: only applies with state = "evacuated"', "evacuation_mode");
  return out;
}
