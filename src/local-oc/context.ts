// What the route modules share: the store, the simulated IncusOS fault switch, timing options,
// and the server lifecycle operations (register, factory reset and re-registration).

import { randomBytes, randomUUID } from "node:crypto";
import { createSelfSignedCertificate, issuedCertificateFingerprint, type KeyPair } from "./certificates.js";
import type { IncusOSContext } from "./incusos.js";
import { addressByRole, hostPort, initialIncusOSState } from "./incusos.js";
import type { SeedServer } from "./seed.js";
import { startPeriodicPolls } from "./server-data.js";
import { type Store, nowString } from "./state.js";
import { storedCopyOf, type ClusterRecord, type ServerRecord } from "./persisted.js";
import { advance, planOperation, type OperationPlan } from "./update-loop.js";
import { rollingInstances } from "./instances.js";
import { FaultInjector, type Faults } from "./faults.js";

export type { Faults };

/** The certificate a freshly installed IncusOS generates for itself. */
export function machineCertificate(name: string): Promise<KeyPair> {
  return createSelfSignedCertificate({ commonName: name, usage: "server", dnsNames: [name] });
}

/** The longest delay setTimeout keeps (2^31-1 ms); a longer one would fire at once. */
const MAX_TIMER_MS = 2_147_483_647;

export class Context {
  /** The request faults (faults.ts); the pipeline asks it before each API request. */
  readonly injector = new FaultInjector();
  get faults(): Faults {
    return this.injector.faults;
  }
  set faults(faults: Faults) {
    this.injector.faults = faults;
  }
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly registrationTimers = new Map<string, NodeJS.Timeout>();
  /** Timers by purpose (schedule()): a new one for the same key replaces the old. */
  private readonly keyedTimers = new Map<string, NodeJS.Timeout>();

  readonly createDelayMs: number;
  readonly reregisterDelayMs: number;
  readonly evacuationDelayMs: number;
  readonly updateStepMs: number;
  /** How long after IncusOS reports a network change OC polls the server (0: at once). */
  readonly selfUpdatePollDelayMs: number;
  /**
   * What OC's join check and services copy make of a ceph/linstor service IncusOS does not
   * support (404 without incus-ceph/incus-linstor): "empty" counts it as its empty config (the
   * expected upstream fix), "error" fails as operations-center@41a98e0 does (500).
   */
  readonly unsupportedServiceConfig: "empty" | "error";
  /** Running cluster :update/:reboot runs by cluster name (rebuilt from the members' state on load). */
  private readonly operations = new Map<string, OperationPlan>();
  private operationTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly store: Store,
    timing: { createDelayMs: number; reregisterDelayMs: number; evacuationDelayMs: number; updateStepMs: number; selfUpdatePollDelayMs: number },
    unsupportedServiceConfig: "empty" | "error" = "empty",
  ) {
    this.createDelayMs = timing.createDelayMs;
    this.reregisterDelayMs = timing.reregisterDelayMs;
    this.evacuationDelayMs = timing.evacuationDelayMs;
    this.updateStepMs = timing.updateStepMs;
    this.selfUpdatePollDelayMs = timing.selfUpdatePollDelayMs;
    this.unsupportedServiceConfig = unsupportedServiceConfig;
  }

  readonly incusos: IncusOSContext = {
    failing: (name) => (this.faults.failMembers ?? []).includes(name),
  };

  /** Records a handled request (answered, or its answer lost): the one `faults.after` names passes the kill point. */
  handled(method: string, path: string, status: number): void {
    this.injector.handled(method, path, status);
  }

  /** Lets every held request go on (the server closes). */
  releaseHeld(): void {
    this.injector.releaseAll();
  }

  /** Marks the state changed: it is written soon, and before the answer to the request that changed it. */
  changed(): void {
    this.store.changed();
  }

  /**
   * Registers a server as a freshly installed IncusOS that used a registration token;
   * `certificate` is one machineCertificate made beforehand.
   */
  async register(seed: SeedServer, index: number, certificate?: KeyPair): Promise<ServerRecord> {
    // The machine's own certificate (IncusOS generates one on install) is made before the record
    // exists, so that no request sees a half-registered server.
    const pair = certificate ?? (await machineCertificate(seed.name));
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
      certificate: pair.certificate,
      fingerprint: issuedCertificateFingerprint(pair.certificate),
      system_uuid: randomUUID(),
      cluster: null,
      needs_update: seed.needs_update,
      needs_reboot: seed.needs_reboot,
      in_maintenance: seed.in_maintenance,
      incusos,
      stored: storedCopyOf(incusos),
      last_updated: now,
      last_seen: now,
      machine_id: seed.machine_id ?? randomBytes(16).toString("hex"),
      bmc_config: {
        api_type: "redfish",
        endpoint: `https://192.0.2.${200 + (index % 50)}`,
        username: "admin",
        password: randomBytes(12).toString("base64url"),
        certificate: "",
        auto_pin_certificate: true,
        ...(seed.bmc ?? {}),
      },
      hardware: {
        vendor: seed.hardware?.vendor ?? "Supermicro",
        model: seed.hardware?.model ?? "SYS-1029P-WTR",
        serial: seed.hardware?.serial ?? `S${String(100000 + id * 7919).slice(-6)}X${String(index).padStart(3, "0")}`,
        cores: seed.hardware?.cores ?? 16,
        memory_gib: seed.hardware?.memory_gib ?? 128,
        disk_gb: seed.hardware?.disk_gb ?? 960,
      },
    };
    const ip = addressByRole(incusos.network, "management") ?? addressByRole(incusos.network, "cluster");
    record.connection_url = ip === undefined ? "" : `https://${hostPort(ip, 8443)}`;
    if (this.store.server(seed.name) !== undefined) {
      throw new Error(`server ${JSON.stringify(seed.name)} is already registered`);
    }
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
  later(ms: number, action: () => void | Promise<void>): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void Promise.resolve(action()).then(() => this.changed());
    }, ms);
    timer.unref();
    this.timers.add(timer);
    return timer;
  }

  /**
   * Runs `action` after `ms` under `key`, replacing what was scheduled under that key. A delay
   * beyond what a timer can hold (about 24 days) never comes.
   */
  schedule(key: string, ms: number, action: () => void): void {
    const previous = this.keyedTimers.get(key);
    if (previous !== undefined) {
      clearTimeout(previous);
      this.timers.delete(previous);
      this.keyedTimers.delete(key);
    }
    if (ms > MAX_TIMER_MS) return;
    this.keyedTimers.set(
      key,
      this.later(ms, () => {
        this.keyedTimers.delete(key);
        action();
      }),
    );
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

  private async completeRegistration(name: string): Promise<void> {
    const data = this.store.data;
    const pending = data.pending_registrations.findIndex((p) => p.name === name);
    if (pending < 0) return;
    data.pending_registrations.splice(pending, 1);
    const seed = data.seeds[name];
    if (seed === undefined || this.store.server(name) !== undefined) return;
    const index = Object.keys(data.seeds).indexOf(name) + 1;
    // A reinstall gets a new machine certificate and BMC credentials are kept (they belong to the board).
    await this.register({ ...seed, status: "ready", status_detail: "", needs_update: false, needs_reboot: false, in_maintenance: 0 }, index);
  }

  /**
   * Registers every factory-reset server now instead of after its delay, so that a test (or a CI
   * job) decides when the reinstalled machines come back. Returns their names.
   */
  async registerPendingNow(): Promise<string[]> {
    const names = this.store.data.pending_registrations.map((p) => p.name);
    for (const name of names) {
      const timer = this.registrationTimers.get(name);
      if (timer !== undefined) {
        clearTimeout(timer);
        this.timers.delete(timer);
        this.registrationTimers.delete(name);
      }
      await this.completeRegistration(name);
    }
    this.changed();
    await this.store.flush();
    return names;
  }

  /** Re-schedules what a loaded model has under way: pending registrations, running cluster operations, the periodic polls. */
  resume(): void {
    startPeriodicPolls(this);
    for (const p of this.store.data.pending_registrations) this.scheduleRegistration(p.name, p.at);
    for (const c of this.store.data.clusters) if (c.in_progress_status.in_progress !== "") this.startClusterOperation(c);
  }

  /** Cancels every scheduled action (before a reset or a restore replaces the model). */
  cancelPending(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.registrationTimers.clear();
    this.keyedTimers.clear();
    this.operations.clear();
    this.operationTimer = undefined;
  }

  /** Starts the control loop for a cluster whose in-progress status was just set. */
  startClusterOperation(cluster: ClusterRecord): void {
    const plan = planOperation(cluster, this.store.members(cluster.name));
    this.operations.set(cluster.name, plan);
    this.scheduleOperations();
  }

  /** Stops the control loop for a cluster (:cancel-operation, delete, rename). */
  stopClusterOperation(name: string): void {
    this.operations.delete(name);
  }

  private scheduleOperations(): void {
    if (this.operationTimer !== undefined || this.operations.size === 0) return;
    this.operationTimer = this.later(this.updateStepMs, () => {
      this.operationTimer = undefined;
      this.advanceClusterOperations();
    });
  }

  /** One step of every running cluster operation; returns how many are still running. */
  advanceClusterOperations(): number {
    for (const [name, plan] of [...this.operations]) {
      const cluster = this.store.cluster(name);
      if (cluster === undefined || !advance(cluster, plan, (n) => this.store.server(n), rollingInstances(this.store, cluster))) this.operations.delete(name);
    }
    this.changed();
    this.scheduleOperations();
    return this.operations.size;
  }

  /** On shutdown: pending work is cancelled and pending registrations completed so the saved state is settled. */
  async settle(): Promise<void> {
    this.cancelPending();
    await this.registerPendingNow();
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }
}
