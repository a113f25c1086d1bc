// The cluster update control loop (operations-center@41a98e0
// internal/provisioning/cluster/cluster_service.go (ClusterUpdateControlLoop), the steps as
// cluster_update_progress.go counts them): what happens after `:update` or `:reboot` answered
// 200. Operations Center drives every member through the update states in name order, all
// updates before any restart, and reports `[step/total] <state> server "<name>"` in
// update_status.in_progress_status.status_description; here each step takes `updateStepMs`.
//
//   update phase (per member needing an update):   update pending, updating
//   restart phase (with reboot, or a rolling reboot): evacuation pending, evacuating,
//     in maintenance, reboot pending, in maintenance, rebooting, in maintenance, restore pending,
//     restoring, post restore
//
// A member evacuated before the run stays evacuated (no restore steps). The run ends with the
// in-progress status inactive again, as the real loop leaves it.

import { IN_MAINTENANCE } from "../client/api-types.js";
import type { ClusterRecord, InProgressStatus, ServerRecord } from "./persisted.js";
import { nowString } from "./state.js";

/** What a step does to the instances on a member: OC evacuates in mode auto and restores (instances.ts). */
export interface MemberInstances {
  evacuated(member: string): void;
  restored(member: string): void;
}

interface OperationStep {
  server: string;
  state: string;
  apply(server: ServerRecord, status: InProgressStatus, instances: MemberInstances): void;
}

/** The steps of the two phases: the number of them is what Operations Center counts per member. */
const UPDATE_STEPS = 2;
const RESTART_STEPS = 7;

function updateSteps(name: string): OperationStep[] {
  return [
    { server: name, state: "update pending", apply: () => undefined },
    {
      server: name,
      state: "updating",
      apply: (s) => {
        s.status_detail = "updating";
      },
    },
  ];
}

function restartSteps(name: string, evacuatedBefore: boolean): OperationStep[] {
  const steps: OperationStep[] = [
    { server: name, state: "evacuation pending", apply: (s) => finishUpdate(s) },
    {
      server: name,
      state: "evacuating",
      apply: (s) => {
        s.in_maintenance = IN_MAINTENANCE.evacuating;
        s.status_detail = "evacuating";
      },
    },
    {
      server: name,
      state: "in maintenance, reboot pending",
      apply: (s, _status, instances) => {
        instances.evacuated(s.name);
        s.in_maintenance = IN_MAINTENANCE.evacuated;
        s.status_detail = "";
      },
    },
    {
      server: name,
      state: "in maintenance, rebooting",
      apply: (s, status) => {
        s.status = "offline";
        s.status_detail = "rebooting";
        s.needs_reboot = false;
        if (status.pending_reboot !== null) status.pending_reboot = status.pending_reboot.filter((n) => n !== name);
      },
    },
    {
      server: name,
      state: "in maintenance, restore pending",
      apply: (s) => {
        s.status = "ready";
        s.status_detail = "";
      },
    },
  ];
  if (evacuatedBefore) return steps;
  return [
    ...steps,
    {
      server: name,
      state: "restoring",
      apply: (s) => {
        s.in_maintenance = IN_MAINTENANCE.restoring;
        s.status_detail = "restoring";
      },
    },
    {
      server: name,
      state: "post restore",
      apply: (s, _status, instances) => {
        instances.restored(s.name);
        s.in_maintenance = IN_MAINTENANCE.online;
        s.status_detail = "";
      },
    },
  ];
}

/** The end of a member's update: the new version is installed and waits for a reboot. */
function finishUpdate(s: ServerRecord): void {
  if (s.needs_update) {
    s.needs_update = false;
    s.needs_reboot = true;
  }
  s.status_detail = "";
}

export interface OperationPlan {
  total: number;
  done: number;
  steps: OperationStep[];
  /** Members whose update is completed when the run ends. */
  finish: string[];
}

/** The steps a run still has ahead, from the members' current state. */
export function planOperation(cluster: ClusterRecord, members: ServerRecord[]): OperationPlan {
  const status = cluster.in_progress_status;
  const evacuatedBefore = new Set(status.evacuated_before ?? []);
  const steps: OperationStep[] = [];
  let perServer: number;
  let finish: string[] = [];
  if (status.in_progress === "applying updates") {
    perServer = UPDATE_STEPS;
    for (const m of members) if (m.needs_update) steps.push(...updateSteps(m.name));
    // Without a reboot the run ends with the update installed on every member, waiting for a reboot.
    finish = members.filter((m) => m.needs_update).map((m) => m.name);
  } else if (status.in_progress === "applying updates with reboot" || status.in_progress === "restarting servers") {
    perServer = UPDATE_STEPS + RESTART_STEPS;
    for (const m of members) if (m.needs_update) steps.push(...updateSteps(m.name));
    for (const m of members) if (m.needs_update || m.needs_reboot) steps.push(...restartSteps(m.name, evacuatedBefore.has(m.name)));
  } else if (status.in_progress === "rolling reboot") {
    perServer = RESTART_STEPS;
    const pending = new Set(status.pending_reboot ?? []);
    for (const m of members) if (pending.has(m.name)) steps.push(...restartSteps(m.name, evacuatedBefore.has(m.name)));
  } else {
    return { total: 0, done: 0, steps: [], finish };
  }
  const total = perServer * members.length;
  return { total, done: Math.max(0, total - steps.length), steps, finish };
}

/** Go's `[%Nd/%Nd] %s server %q`, N the width of the total. */
function progressText(step: number, total: number, state: string, server: string): string {
  const width = String(total).length;
  return `[${String(step).padStart(width)}/${String(total).padStart(width)}] ${state} server ${JSON.stringify(server)}`;
}

/** The inactive in-progress status a finished or cancelled run leaves. */
export function inactiveStatus(): InProgressStatus {
  return { in_progress: "", status_description: "", error: "", evacuated_before: null, pending_reboot: null, last_updated: nowString() };
}

/**
 * Runs the next step of a plan against the members; returns false when the run is over (the
 * in-progress status is then inactive).
 */
export function advance(cluster: ClusterRecord, plan: OperationPlan, server: (name: string) => ServerRecord | undefined, instances: MemberInstances): boolean {
  const step = plan.steps.shift();
  if (step === undefined) {
    for (const name of plan.finish) {
      const member = server(name);
      if (member !== undefined) finishUpdate(member);
    }
    cluster.in_progress_status = inactiveStatus();
    return false;
  }
  const member = server(step.server);
  if (member !== undefined) {
    step.apply(member, cluster.in_progress_status, instances);
    member.last_updated = nowString();
  }
  plan.done++;
  cluster.in_progress_status.status_description = progressText(plan.done, plan.total, step.state, step.server);
  cluster.in_progress_status.last_updated = nowString();
  return true;
}
