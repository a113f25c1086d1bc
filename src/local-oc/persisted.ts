// Persistence layer: every schema of the state file, in one module. Records mirror Operations
// Center's internal structs (provisioning.Server, provisioning.Cluster,
// provisioning.ClusterTemplate): the ETag of a GET is the sha256 of the JSON of these records, as
// OC hashes its internal model rather than the API document. Every server also carries the state
// its simulated IncusOS holds (services, network, kernel, logging, applications). The Store that
// reads and writes them is in state.ts; the modules that change them are the models.

import { z } from "zod";

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

const networkConfigSchema = z.looseObject({
  interfaces: z.array(networkDeviceSchema).optional(),
  bonds: z.array(networkDeviceSchema).optional(),
  vlans: z.array(configObject).optional(),
});
export type NetworkConfig = z.infer<typeof networkConfigSchema>;

const installedApplicationSchema = z.strictObject({ name: z.string(), version: z.string() });
export type InstalledApplication = z.infer<typeof installedApplicationSchema>;

/** What a server's IncusOS holds. Configs are stored as IncusOS returns them. */
const incusOSStateSchema = z.strictObject({
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

/**
 * OC's stored copy of a server's IncusOS data (provisioning.Server OSData.Network and .Storage,
 * VersionData): what its API answers from its database. A poll replaces it with the live state;
 * a network or storage PUT through OC replaces that part with the request's.
 */
const storedServerDataSchema = z.strictObject({
  os_version: z.string(),
  network: networkConfigSchema,
  applications: z.array(installedApplicationSchema),
  /** The storage config (SystemStorageConfig). */
  storage: configObject,
});
type StoredServerData = z.infer<typeof storedServerDataSchema>;

/** The stored copy a poll takes from the live IncusOS state. */
export function storedCopyOf(live: IncusOSState): StoredServerData {
  return structuredClone({ os_version: live.os_version, network: live.network, applications: live.applications, storage: live.storage });
}

const serverRecordFields = z.strictObject({
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
  hardware: z
    .strictObject({
      vendor: z.string(),
      model: z.string(),
      serial: z.string(),
      cores: z.number().int(),
      memory_gib: z.number().int(),
      disk_gb: z.number().int(),
    })
    .optional(),
  stored: storedServerDataSchema.optional(),
});
// A record written before the stored copy existed loads with one equal to its live state.
const serverRecordSchema = serverRecordFields.transform((s) => ({ ...s, stored: s.stored ?? storedCopyOf(s.incusos) }));
export type ServerRecord = z.infer<typeof serverRecordSchema>;

const rollingRestartConfigSchema = z.strictObject({ post_restore_delay: z.string(), restore_mode: z.string() });

const inProgressStatusSchema = z.strictObject({
  in_progress: z.string(),
  status_description: z.string(),
  error: z.string(),
  evacuated_before: z.array(z.string()).nullable(),
  pending_reboot: z.array(z.string()).nullable(),
  last_updated: z.string(),
});
export type InProgressStatus = z.infer<typeof inProgressStatusSchema>;

const clusterRecordSchema = z.strictObject({
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
const clusterCreationInputSchema = z.strictObject({
  server_names: z.array(z.string()),
  services_config: configObject,
  application_seed_config: configObject,
  cluster_template: z.string(),
});

const templateVariableSchema = z.strictObject({ description: z.string(), default: z.string() });
export type TemplateVariable = z.infer<typeof templateVariableSchema>;

const templateRecordSchema = z.strictObject({
  name: z.string().min(1),
  description: z.string(),
  service_config_template: z.string(),
  application_config_template: z.string(),
  variables: z.record(z.string(), templateVariableSchema),
  last_updated: z.string(),
});
export type TemplateRecord = z.infer<typeof templateRecordSchema>;

const artifactFileSchema = z.strictObject({ name: z.string(), mime_type: z.string(), content: z.string() });

const artifactRecordSchema = z.strictObject({
  cluster: z.string(),
  name: z.string(),
  description: z.string(),
  properties: stringMap,
  files: z.array(artifactFileSchema),
  last_updated: z.string(),
});
export type ArtifactRecord = z.infer<typeof artifactRecordSchema>;

/** A factory-reset server that registers again (fresh) at `at` (epoch ms). */
const pendingRegistrationSchema = z.strictObject({ name: z.string(), at: z.number() });

const tokenRecordSchema = z.strictObject({
  uuid: z.string(),
  uses_remaining: z.number().int(),
  expire_at: z.string(),
  description: z.string(),
  channel: z.string(),
  auto_remove: z.boolean().default(false),
});
export type TokenRecord = z.infer<typeof tokenRecordSchema>;

const tokenSeedRecordSchema = z.strictObject({
  token_uuid: z.string(),
  name: z.string(),
  description: z.string(),
  public: z.boolean(),
  seeds: configObject,
  last_updated: z.string(),
});
export type TokenSeedRecord = z.infer<typeof tokenSeedRecordSchema>;

const channelRecordSchema = z.strictObject({ name: z.string(), description: z.string(), last_updated: z.string() });
export type ChannelRecord = z.infer<typeof channelRecordSchema>;

const warningRecordSchema = z.strictObject({
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

const updateFileRecordSchema = z.strictObject({
  filename: z.string(),
  size: z.number().int(),
  sha256: z.string(),
  component: z.string(),
  type: z.string(),
  architecture: z.string(),
});
const updateRecordSchema = z.strictObject({
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

const imageSourceRecordSchema = z.strictObject({ name: z.string(), url: z.string(), filter_expression: z.string(), last_updated: z.string() });
export type ImageSourceRecord = z.infer<typeof imageSourceRecordSchema>;

const incusImageRecordSchema = z.strictObject({
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
const systemConfigSchema = z.strictObject({
  network: configObject,
  security: configObject,
  settings: configObject,
  updates: configObject,
});

// The Incus side of a cluster (incus/model.ts): what only Incus knows about its members and groups.
export const incusMemberSchema = z.strictObject({
  /** The assigned roles; the automatic database roles are derived, never stored. */
  roles: z.array(z.string()),
  failure_domain: z.string(),
  description: z.string(),
  config: stringMap,
  groups: z.array(z.string()),
});
export type IncusMember = z.infer<typeof incusMemberSchema>;

export const incusGroupSchema = z.strictObject({ description: z.string(), config: stringMap });
export type IncusGroup = z.infer<typeof incusGroupSchema>;

const incusClusterSchema = z.strictObject({
  members: z.record(z.string(), incusMemberSchema),
  groups: z.record(z.string(), incusGroupSchema),
  /** Cluster-global server config. */
  config: stringMap,
  /** Member-local server config by member name. */
  local_config: z.record(z.string(), stringMap),
});
export type IncusCluster = z.infer<typeof incusClusterSchema>;

// A cluster's TLS state (incus/trust.ts): its certificate with key, and its trust store.
const trustedCertificateSchema = z.strictObject({
  fingerprint: z.string(),
  /** client, server or metrics (incus@be7afc5 internal/server/certificate/type.go FromAPIType). */
  type: z.string(),
  name: z.string(),
  certificate: z.string(),
  restricted: z.boolean(),
  projects: z.array(z.string()),
  description: z.string(),
});
export type TrustedCertificate = z.infer<typeof trustedCertificateSchema>;

const incusTrustSchema = z.strictObject({
  /** The cluster certificate and key its members present (replaced by PUT /clusters/{name}/certificate). */
  tls: z.strictObject({ certificate: z.string().min(1), key: z.string().min(1) }).optional(),
  /** Certificates added with POST /1.0/certificates. */
  certificates: z.array(trustedCertificateSchema),
});
export type IncusTrust = z.infer<typeof incusTrustSchema>;

// A server as a seed file defines it (seed.ts): what registration and a factory reset give it.
export const serverTypeValues = ["unknown", "incus", "incus-lts-7.0", "migration-manager", "operations-center"] as const;
export const serverStatusValues = ["unknown", "unregistered", "pending", "ready", "offline"] as const;
export const primaryApplications = ["incus", "incus-lts-7.0", "migration-manager", "operations-center"] as const;
const networkRoles = ["management", "cluster", "instances", "storage"] as const;

const deviceFields = {
  name: z.string().min(1).max(13),
  roles: z.array(z.enum(networkRoles)).default([]),
  addresses: z.array(z.string()).default([]),
  vlan_tags: z.array(z.number().int()).default([]),
};

const seedInterfaceSchema = z.strictObject({ ...deviceFields, hwaddr: z.string().optional() });
const seedBondSchema = z.strictObject({
  ...deviceFields,
  members: z.array(z.string()).default([]),
  mode: z.string().default("802.3ad"),
  hwaddr: z.string().optional(),
});

export const seedServerSchema = z.strictObject({
  name: z
    .string()
    .min(1)
    .refine((n) => !/[\\/:*?"<>|]/.test(n), { message: 'a server name must not contain any of \\/:*?"<>|' }),
  type: z.enum(serverTypeValues).optional(),
  channel: z.string().min(1).default("stable"),
  status: z.enum(serverStatusValues).default("ready"),
  status_detail: z.string().default(""),
  application: z.enum(primaryApplications).default("incus"),
  incus_version: z.string().min(1).default("6.0.1"),
  os_version: z.string().min(1).default("202608200115"),
  interfaces: z.array(seedInterfaceSchema).optional(),
  bonds: z.array(seedBondSchema).default([]),
  services: z.record(z.string(), configObject).default({}),
  kernel: configObject.default({}),
  logging: configObject.default({}),
  applications: z.array(z.string().min(1)).optional(),
  needs_update: z.boolean().default(false),
  needs_reboot: z.boolean().default(false),
  in_maintenance: z.number().int().min(0).max(3).default(0),
  description: z.string().default(""),
  properties: z.record(z.string(), z.string()).default({}),
  machine_id: z
    .string()
    .regex(/^[0-9a-f]{32}$/, { message: "a machine ID is 32 lower-case hex characters" })
    .optional(),
  bmc: z
    .strictObject({
      api_type: z.string().default("redfish"),
      endpoint: z.string(),
      username: z.string().default(""),
      password: z.string().default(""),
      certificate: z.string().default(""),
      auto_pin_certificate: z.boolean().default(false),
    })
    .optional(),
  hardware: z
    .strictObject({
      vendor: z.string().default("Supermicro"),
      model: z.string().default("SYS-1029P-WTR"),
      serial: z.string().optional(),
      cores: z.number().int().min(1).default(16),
      memory_gib: z.number().int().min(1).default(128),
      disk_gb: z.number().int().min(1).default(960),
    })
    .optional(),
});

// Simulated Incus instances and custom volumes on cluster members (instances.ts has the rules).
const instanceTypes = ["container", "virtual-machine"] as const;
/** IncusOS's own storage pool on every member (zfs). */
export const LOCAL_POOL = "local";

/** An Incus device: `type` and its own keys (api.Instance's devices map). */
const deviceSchema = z.record(z.string(), z.string()).refine((d) => (d["type"] ?? "") !== "", { message: "a device needs a type (disk, nic, gpu, …)" });
const devicesSchema = z.record(z.string(), deviceSchema);
export type Devices = z.infer<typeof devicesSchema>;

const storedInstanceShape = z.strictObject({
  cluster: z.string().min(1),
  location: z.string().min(1),
  project: z.string().min(1),
  name: z.string().min(1),
  type: z.enum(instanceTypes),
  status: z.enum(["Running", "Stopped"]),
  /** The expanded devices, the root disk among them. */
  devices: devicesSchema,
  /** Local config: cluster.evacuate, boot.autostart, and the volatile keys Incus keeps on evacuation. */
  config: stringMap,
});

/** A record of a state file written before devices were simulated: its `storage_pool` becomes the root disk. */
function legacyRootDisk(value: unknown): unknown {
  if (typeof value !== "object" || value === null || "devices" in value || !("storage_pool" in value)) return value;
  const { storage_pool: pool, ...rest } = value as Record<string, unknown>;
  return { ...rest, devices: { root: { type: "disk", path: "/", pool } } };
}

/** An instance as stored: the cluster it runs in and the member it is on. */
const simulatedInstanceSchema = z.preprocess(legacyRootDisk, storedInstanceShape);
export type SimulatedInstance = z.infer<typeof storedInstanceShape>;

const simulatedVolumeSchema = z.strictObject({
  cluster: z.string().min(1),
  /** The member holding it; "" on a remote pool. */
  location: z.string(),
  project: z.string().min(1),
  name: z.string().min(1),
  storage_pool: z.string().min(1),
});
export type SimulatedVolume = z.infer<typeof simulatedVolumeSchema>;

/** What a seed or the control endpoint places: the cluster follows from the member. */
export const instanceInputSchema = z.strictObject({
  name: z.string().min(1),
  location: z.string().min(1),
  project: z.string().min(1).default("default"),
  type: z.enum(instanceTypes).default("container"),
  status: z.enum(["Running", "Stopped"]).default("Running"),
  /** The root disk's pool, when `devices` has no root disk (`local` when neither says). */
  storage_pool: z.string().min(1).optional(),
  devices: devicesSchema.default({}),
  config: stringMap.default({}),
});
export type InstanceInput = z.input<typeof instanceInputSchema>;

export const volumeInputSchema = z.strictObject({
  name: z.string().min(1),
  location: z.string().min(1),
  project: z.string().min(1).default("default"),
  storage_pool: z.string().min(1).default(LOCAL_POOL),
});
export type VolumeInput = z.input<typeof volumeInputSchema>;

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
