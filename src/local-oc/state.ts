// The in-memory model of the local Operations Center and its persistence.
//
// Records mirror Operations Center's internal structs (provisioning.Server, provisioning.Cluster,
// provisioning.ClusterTemplate): the ETag of a GET is the sha256 of the JSON of these records,
// as OC hashes its internal model rather than the API document. Every server also carries the
// state its simulated IncusOS holds (services, network, kernel, logging, applications).
//
// With a state file, everything (records, the TLS key pair, trusted client fingerprints) is
// written with an atomic replace (temp file in the same directory, fsync, rename) and read back
// on start. The document is written whole, so writes are grouped: changes mark the model, one
// write soon after covers every change marked before it began, and an answer to a request that
// changed something waits for the write that covers it (the file is never behind an answer).

import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync, existsSync } from "node:fs";
import { mkdir, open, rm } from "node:fs/promises";
import { dirname, basename, join } from "node:path";
import { createHash } from "node:crypto";
import { z } from "zod";
import { seedServerSchema } from "./seed.js";
import { incusClusterSchema } from "./incus/model.js";
import { simulatedInstanceSchema, simulatedVolumeSchema } from "./instances.js";
import { incusTrustSchema } from "./incus/trust.js";

const stringMap = z.record(z.string(), z.string());
const configObject = z.record(z.string(), z.unknown());

// Network devices are stored as IncusOS returns them: known keys typed, any other key kept.
export const networkDeviceSchema = z.looseObject({
  name: z.string(),
  hwaddr: z.string().optional(),
  addresses: z.array(z.string()).optional(),
  roles: z.array(z.string()).optional(),
  vlan_tags: z.array(z.number()).optional(),
  members: z.array(z.string()).optional(),
  mode: z.string().optional(),
});
export type NetworkDevice = z.infer<typeof networkDeviceSchema>;

export const networkConfigSchema = z.looseObject({
  interfaces: z.array(networkDeviceSchema).optional(),
  bonds: z.array(networkDeviceSchema).optional(),
  vlans: z.array(configObject).optional(),
});
export type NetworkConfig = z.infer<typeof networkConfigSchema>;

export const installedApplicationSchema = z.strictObject({ name: z.string(), version: z.string() });
export type InstalledApplication = z.infer<typeof installedApplicationSchema>;

/** What a server's IncusOS holds. Configs are stored as IncusOS returns them. */
export const incusOSStateSchema = z.strictObject({
  os_version: z.string(),
  /** Service configs that were ever written (others report their defaults). */
  services: z.record(z.string(), configObject),
  network: networkConfigSchema,
  kernel: configObject,
  logging: configObject,
  applications: z.array(installedApplicationSchema),
  /** IncusOS' update config (SystemUpdateConfig), as last written. */
  update: configObject.default({}),
  /** IncusOS' storage config (SystemStorageConfig), as last written. */
  storage: configObject.default({}),
});
export type IncusOSState = z.infer<typeof incusOSStateSchema>;

export const serverRecordSchema = z.strictObject({
  id: z.number().int(),
  name: z.string().min(1),
  type: z.string(),
  status: z.string(),
  status_detail: z.string(),
  channel: z.string(),
  description: z.string(),
  properties: stringMap,
  connection_url: z.string(),
  public_connection_url: z.string(),
  certificate: z.string(),
  fingerprint: z.string(),
  system_uuid: z.string(),
  cluster: z.string().nullable(),
  needs_update: z.boolean(),
  needs_reboot: z.boolean(),
  in_maintenance: z.number().int(),
  incusos: incusOSStateSchema,
  last_updated: z.string(),
  last_seen: z.string(),
  machine_id: z.string().default(""),
  /** BMC access (api.BMCConfig); its password is a secret the request log never shows. */
  bmc_config: configObject.default({}),
  /** The hardware profile the generated hardware_data and bmc_data follow. */
  hardware: z.strictObject({ vendor: z.string(), model: z.string(), serial: z.string(), cores: z.number().int(), memory_gib: z.number().int(), disk_gb: z.number().int() }).optional(),
});
export type ServerRecord = z.infer<typeof serverRecordSchema>;

export const rollingRestartConfigSchema = z.strictObject({ post_restore_delay: z.string(), restore_mode: z.string() });
export type RollingRestartConfig = z.infer<typeof rollingRestartConfigSchema>;

export const inProgressStatusSchema = z.strictObject({
  in_progress: z.string(),
  status_description: z.string(),
  error: z.string(),
  evacuated_before: z.array(z.string()).nullable(),
  pending_reboot: z.array(z.string()).nullable(),
  last_updated: z.string(),
});
export type InProgressStatus = z.infer<typeof inProgressStatusSchema>;

export const clusterRecordSchema = z.strictObject({
  name: z.string().min(1),
  connection_url: z.string(),
  certificate: z.string(),
  fingerprint: z.string(),
  status: z.string(),
  channel: z.string(),
  description: z.string(),
  properties: stringMap,
  config: z.strictObject({ rolling_restart: rollingRestartConfigSchema }),
  server_type: z.string(),
  in_progress_status: inProgressStatusSchema,
  last_updated: z.string(),
});
export type ClusterRecord = z.infer<typeof clusterRecordSchema>;

/** What a cluster was created with: OC hands these to its post-clustering step only. */
export const clusterCreationInputSchema = z.strictObject({
  server_names: z.array(z.string()),
  services_config: configObject,
  application_seed_config: configObject,
  cluster_template: z.string(),
});
export type ClusterCreationInput = z.infer<typeof clusterCreationInputSchema>;

export const templateVariableSchema = z.strictObject({ description: z.string(), default: z.string() });
export type TemplateVariable = z.infer<typeof templateVariableSchema>;

export const templateRecordSchema = z.strictObject({
  name: z.string().min(1),
  description: z.string(),
  service_config_template: z.string(),
  application_config_template: z.string(),
  variables: z.record(z.string(), templateVariableSchema),
  last_updated: z.string(),
});
export type TemplateRecord = z.infer<typeof templateRecordSchema>;

export const artifactFileSchema = z.strictObject({ name: z.string(), mime_type: z.string(), content: z.string() });
export type ArtifactFile = z.infer<typeof artifactFileSchema>;

export const artifactRecordSchema = z.strictObject({
  cluster: z.string(),
  name: z.string(),
  description: z.string(),
  properties: stringMap,
  files: z.array(artifactFileSchema),
  last_updated: z.string(),
});
export type ArtifactRecord = z.infer<typeof artifactRecordSchema>;

/** A factory-reset server that registers again (fresh) at `at` (epoch ms). */
export const pendingRegistrationSchema = z.strictObject({ name: z.string(), at: z.number() });
export type PendingRegistration = z.infer<typeof pendingRegistrationSchema>;

export const tokenRecordSchema = z.strictObject({
  uuid: z.string(),
  uses_remaining: z.number().int(),
  expire_at: z.string(),
  description: z.string(),
  channel: z.string(),
  auto_remove: z.boolean().default(false),
});
export type TokenRecord = z.infer<typeof tokenRecordSchema>;

export const tokenSeedRecordSchema = z.strictObject({
  token_uuid: z.string(),
  name: z.string(),
  description: z.string(),
  public: z.boolean(),
  seeds: configObject,
  last_updated: z.string(),
});
export type TokenSeedRecord = z.infer<typeof tokenSeedRecordSchema>;

export const channelRecordSchema = z.strictObject({ name: z.string(), description: z.string(), last_updated: z.string() });
export type ChannelRecord = z.infer<typeof channelRecordSchema>;

export const warningRecordSchema = z.strictObject({
  uuid: z.string(),
  type: z.string(),
  scope: z.strictObject({ scope: z.string(), entity_type: z.string(), entity: z.string() }),
  status: z.string(),
  messages: z.array(z.string()),
  count: z.number().int(),
  first_occurrence: z.string(),
  last_occurrence: z.string(),
  last_updated: z.string(),
});
export type WarningRecord = z.infer<typeof warningRecordSchema>;

export const updateFileRecordSchema = z.strictObject({
  filename: z.string(),
  size: z.number().int(),
  sha256: z.string(),
  component: z.string(),
  type: z.string(),
  architecture: z.string(),
});
export const updateRecordSchema = z.strictObject({
  uuid: z.string(),
  origin: z.string(),
  version: z.string(),
  published_at: z.string(),
  severity: z.string(),
  channels: z.array(z.string()),
  upstream_channels: z.array(z.string()),
  update_status: z.string(),
  url: z.string(),
  changelog: z.string(),
  files: z.array(updateFileRecordSchema),
});
export type UpdateRecord = z.infer<typeof updateRecordSchema>;

export const imageSourceRecordSchema = z.strictObject({ name: z.string(), url: z.string(), filter_expression: z.string(), last_updated: z.string() });
export type ImageSourceRecord = z.infer<typeof imageSourceRecordSchema>;

export const incusImageRecordSchema = z.strictObject({
  name: z.string(),
  os: z.string(),
  release: z.string(),
  arch: z.string(),
  variant: z.string(),
  description: z.string(),
  aliases: z.array(z.string()),
  versions: z.record(z.string(), configObject),
  last_updated: z.string(),
});
export type IncusImageRecord = z.infer<typeof incusImageRecordSchema>;

/** Operations Center's own configuration (/1.0/system/*); the trusted fingerprints live in `trusted_fingerprints`. */
export const systemConfigSchema = z.strictObject({
  network: configObject,
  security: configObject,
  settings: configObject,
  updates: configObject,
});
export type SystemConfig = z.infer<typeof systemConfigSchema>;

export const STATE_FORMAT = "oc-cdktf-local-oc/1";

export const persistedStateSchema = z.strictObject({
  format: z.literal(STATE_FORMAT),
  tls: z.strictObject({ certificate: z.string().min(1), key: z.string().min(1) }),
  trusted_fingerprints: z.array(z.string()),
  next_server_id: z.number().int().min(1),
  servers: z.array(serverRecordSchema),
  clusters: z.array(clusterRecordSchema),
  creation_inputs: z.record(z.string(), clusterCreationInputSchema),
  templates: z.array(templateRecordSchema),
  artifacts: z.array(artifactRecordSchema),
  /** The seed definition of every server name ever registered (what a factory reset returns to). */
  seeds: z.record(z.string(), seedServerSchema),
  pending_registrations: z.array(pendingRegistrationSchema),
  // Areas added after the first state format: a file written before them loads with them empty.
  tokens: z.array(tokenRecordSchema).default([]),
  token_seeds: z.array(tokenSeedRecordSchema).default([]),
  channels: z.array(channelRecordSchema).default([]),
  warnings: z.array(warningRecordSchema).default([]),
  updates: z.array(updateRecordSchema).default([]),
  image_sources: z.array(imageSourceRecordSchema).default([]),
  incus_images: z.array(incusImageRecordSchema).default([]),
  system: systemConfigSchema.default({ network: {}, security: {}, settings: {}, updates: {} }),
  /** The Incus side of each ready cluster (incus/model.ts), made on first use. */
  incus_clusters: z.record(z.string(), incusClusterSchema).optional(),
  /** Simulated Incus instances and custom volumes on cluster members (instances.ts). */
  instances: z.array(simulatedInstanceSchema).optional(),
  storage_volumes: z.array(simulatedVolumeSchema).optional(),
  /** Each cluster's certificate with its key and its Incus trust store (incus/trust.ts). */
  incus_trust: z.record(z.string(), incusTrustSchema).optional(),
});
export type PersistedState = z.infer<typeof persistedStateSchema>;

/** A state file that cannot be read, parsed or validated; the message names the file and the field. */
export class StateFileError extends Error {}

export const deepCopy = <T>(value: T): T => structuredClone(value);

export function nowString(): string {
  return new Date().toISOString();
}

/** OC's ETag: quoted sha256 hex of the JSON of the internal record. */
export function etagOf(value: unknown): string {
  return `"${createHash("sha256").update(JSON.stringify(value)).digest("hex")}"`;
}

export class Store {
  data: PersistedState;
  /** Changes marked so far, and how many of them the state file holds. */
  private marked = 0;
  private persisted = 0;
  private writing: Promise<void> | undefined;
  private writeScheduled = false;

  constructor(
    data: PersistedState,
    private readonly statePath?: string,
  ) {
    this.data = data;
  }

  /** How many changes have been marked: a request that moved it must flush before answering. */
  get version(): number {
    return this.marked;
  }

  /** Reads and validates a state file; undefined when it does not exist yet. */
  static load(statePath: string): PersistedState | undefined {
    if (!existsSync(statePath)) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(statePath, "utf8"));
    } catch (err) {
      throw new StateFileError(`cannot read local Operations Center state file ${statePath}: ${(err as Error).message} (delete it to start afresh)`);
    }
    const format = typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>)["format"] : undefined;
    if (format !== STATE_FORMAT) {
      throw new StateFileError(
        `${statePath} is not a local Operations Center state file (format ${JSON.stringify(format)}, expected ${JSON.stringify(STATE_FORMAT)}); pass another --state path or delete it`,
      );
    }
    const result = persistedStateSchema.safeParse(parsed);
    if (!result.success) {
      const issues = result.error.issues.map((i) => `  ${i.path.length > 0 ? i.path.join(".") : "(document)"}: ${i.message}`);
      throw new StateFileError(
        `invalid local Operations Center state file ${statePath}:\n${issues.join("\n")}\nfix these fields or delete the file to start afresh`,
      );
    }
    return result.data;
  }

  /** Writes the state file atomically now (no-op without a state path). */
  save(): void {
    if (this.statePath === undefined) return;
    const target = this.marked;
    const temp = this.tempPath("");
    try {
      mkdirSync(dirname(this.statePath), { recursive: true });
      const fd = openSync(temp, "w", 0o600);
      try {
        writeSync(fd, this.serialize());
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(temp, this.statePath);
      this.persisted = target;
    } catch (err) {
      throw this.writeError(err);
    }
  }

  /** Marks the model changed: a write follows soon, and flush() waits for it. */
  changed(): void {
    if (this.statePath === undefined) return;
    this.marked++;
    if (this.writeScheduled) return;
    this.writeScheduled = true;
    setImmediate(() => {
      this.writeScheduled = false;
      // A failed write is retried, and reported, by the next flush.
      this.flush().catch(() => undefined);
    });
  }

  /** Resolves once the state file holds every change marked so far. */
  async flush(): Promise<void> {
    while (this.persisted < this.marked) {
      this.writing ??= this.write().finally(() => {
        this.writing = undefined;
      });
      await this.writing;
    }
  }

  /** Waits for a write under way (its failure is flush's to report). */
  async drain(): Promise<void> {
    await this.writing?.catch(() => undefined);
  }

  private async write(): Promise<void> {
    const statePath = this.statePath!;
    const target = this.marked;
    const text = this.serialize();
    // Not save()'s temp file: a save() may run while this write waits on the disk.
    const temp = this.tempPath(".grouped");
    try {
      await mkdir(dirname(statePath), { recursive: true });
      const file = await open(temp, "w", 0o600);
      try {
        await file.writeFile(text);
        await file.sync();
      } finally {
        await file.close();
      }
      // A save() since this write began wrote a newer document: keep that one.
      if (this.persisted >= target) {
        await rm(temp, { force: true });
        return;
      }
      renameSync(temp, statePath);
      this.persisted = target;
    } catch (err) {
      throw this.writeError(err);
    }
  }

  private serialize(): string {
    return JSON.stringify(this.data, null, 1);
  }

  private tempPath(kind: string): string {
    const statePath = this.statePath!;
    return join(dirname(statePath), `.${basename(statePath)}.${process.pid}${kind}.tmp`);
  }

  private writeError(err: unknown): StateFileError {
    return new StateFileError(`cannot write local Operations Center state file ${this.statePath}: ${(err as Error).message} (check that its directory exists and is writable)`);
  }

  server(name: string): ServerRecord | undefined {
    return this.data.servers.find((s) => s.name === name);
  }

  cluster(name: string): ClusterRecord | undefined {
    return this.data.clusters.find((c) => c.name === name);
  }

  template(name: string): TemplateRecord | undefined {
    return this.data.templates.find((t) => t.name === name);
  }

  /** Members of a cluster ordered by name (OC's `ORDER BY servers.name`). */
  members(cluster: string): ServerRecord[] {
    return this.data.servers
      .filter((s) => s.cluster === cluster)
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  serversSorted(): ServerRecord[] {
    return [...this.data.servers].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
}
