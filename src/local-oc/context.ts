// What the route modules share: the store, the simulated IncusOS fault switch, timing options,
// and the server lifecycle operations (register, factory reset and re-registration).

import { randomUUID } from "node:crypto";
import type { IncusOSContext } from "./incusos.js";
import { addressByRole, hostPort, initialIncusOSState } from "./incusos.js";
import type { SeedServer } from "./seed.js";
import { Store, nowString, type ServerRecord } from "./state.js";

export interface Faults {
  /** Delay before each request is handled (ms). */
  latencyMs?: number;
  /** Servers whose IncusOS writes fail with 500. */
  failMembers?: string[];
  /** Probability (0..1) of a 503 before the handler runs. */
  errorRate?: number;
  /** Probability (0..1) of closing the connection without a reply. */
  dropRate?: number;
}

export class Context {
  faults: Faults = {};
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly registrationTimers = new Map<string, NodeJS.Timeout>();

  constructor(
    readonly store: Store,
    readonly createDelayMs: number,
    readonly reregisterDelayMs: number,
    readonly evacuationDelayMs = 0,
  ) {}

  readonly incusos: IncusOSContext = {
    failing: (name) => (this.faults.failMembers ?? []).includes(name),
  };

  /** Persists the state after a change. */
  changed(): void {
    this.store.save();
  }

  /** Registers a server as a freshly installed IncusOS that used a registration token. */
  register(seed: SeedServer, index: number): ServerRecord {
    const data = this.store.data;
    const id = data.next_server_id++;
    data.seeds[seed.name] = seed;
    const incusos = initialIncusOSState(seed, id, index);
    const now = nowString();
    const record: ServerRecord = {
      id,
      name: seed.name,
      type: seed.type ?? seed.application,
      status: seed.status,
      status_detail: seed.status_detail,
      channel: seed.channel,
      description: seed.description,
      properties: { ...seed.properties },
      connection_url: "",
      public_connection_url: "",
      certificate: "",
      fingerprint: "",
      system_uuid: randomUUID(),
      cluster: null,
      needs_update: seed.needs_update,
      needs_reboot: seed.needs_reboot,
      in_maintenance: seed.in_maintenance,
      incusos,
      last_updated: now,
      last_seen: now,
    };
    const ip = addressByRole(record, "management") ?? addressByRole(record, "cluster");
    record.connection_url = ip === undefined ? "" : `https://${hostPort(ip, 8443)}`;
    data.servers.push(record);
    return record;
  }

  /**
   * Factory reset of a server: IncusOS wipes itself and reinstalls; OC forgets the server record.
   * The reinstalled machine registers again after `reregisterDelayMs`, as a server whose
   * install seed carries a registration token does: same name, fresh IncusOS state from its
   * seed definition, ready, unclustered, a new internal ID.
   */
  factoryReset(server: ServerRecord): void {
    const data = this.store.data;
    data.servers = data.servers.filter((s) => s !== server);
    const at = Date.now() + this.reregisterDelayMs;
    data.pending_registrations.push({ name: server.name, at });
    this.scheduleRegistration(server.name, at);
  }

  /**
   * Runs `action` after `ms` and saves the state, like the server finishing work it reported as
   * started; pending actions are cancelled on close.
   */
  later(ms: number, action: () => void): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      action();
      this.changed();
    }, ms);
    timer.unref();
    this.timers.add(timer);
    return timer;
  }

  /** Forgets a server record without touching the machine (OC's ON DELETE CASCADE). */
  forget(server: ServerRecord): void {
    this.store.data.servers = this.store.data.servers.filter((s) => s !== server);
  }

  scheduleRegistration(name: string, at: number): void {
    clearTimeout(this.registrationTimers.get(name));
    this.registrationTimers.set(
      name,
      this.later(Math.max(0, at - Date.now()), () => {
        this.registrationTimers.delete(name);
        this.completeRegistration(name);
      }),
    );
  }

  private completeRegistration(name: string): void {
    const data = this.store.data;
    const pending = data.pending_registrations.findIndex((p) => p.name === name);
    if (pending < 0) return;
    data.pending_registrations.splice(pending, 1);
    const seed = data.seeds[name];
    if (seed === undefined || this.store.server(name) !== undefined) return;
    const index = Object.keys(data.seeds).indexOf(name) + 1;
    this.register({ ...seed, status: "ready", status_detail: "", needs_update: false, needs_reboot: false, in_maintenance: 0 }, index);
  }

  /**
   * Registers every factory-reset server now instead of after its delay, so that a test (or a CI
   * job) decides when the reinstalled machines come back. Returns their names.
   */
  registerPendingNow(): string[] {
    const names = this.store.data.pending_registrations.map((p) => p.name);
    for (const name of names) {
      const timer = this.registrationTimers.get(name);
      if (timer !== undefined) {
        clearTimeout(timer);
        this.timers.delete(timer);
        this.registrationTimers.delete(name);
      }
      this.completeRegistration(name);
    }
    this.changed();
    return names;
  }

  /** Re-schedules registrations pending in a loaded state file. */
  resumePending(): void {
    for (const p of this.store.data.pending_registrations) this.scheduleRegistration(p.name, p.at);
  }

  /** On shutdown: pending work is cancelled and pending registrations completed so the saved state is settled. */
  settle(): void {
    this.registerPendingNow();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }
}
