// Shapes of the Operations Center REST API (reference: shared/api/*.go of operations-center).
// Responses are parsed leniently (unknown keys kept) because the server may add fields; the
// request bodies this project sends are built from these types.
import { z } from "zod";

/** Operations Center's response envelope: all seven keys are always present. */
export const envelopeSchema = z.object({
  type: z.string(),
  status: z.string(),
  status_code: z.number(),
  operation: z.string(),
  error_code: z.number(),
  error: z.string(),
  metadata: z.unknown(),
});
export type Envelope = z.infer<typeof envelopeSchema>;

/** api.ConfigMap: string values; the server converts numbers, booleans and null to strings. */
export const configMapSchema = z.record(z.string(), z.string());
export type ConfigMap = z.infer<typeof configMapSchema>;

export const serverTypes = ["incus", "incus-lts-7.0", "migration-manager", "operations-center"] as const;
export type ServerType = (typeof serverTypes)[number];
export const deleteModes = ["normal", "force", "factory-reset"] as const;
export type DeleteMode = (typeof deleteModes)[number];

const rollingRestartSchema = z.looseObject({
  post_restore_delay: z.string().default(""),
  restore_mode: z.string().default(""),
});

const clusterConfigSchema = z.looseObject({
  rolling_restart: rollingRestartSchema.default({ post_restore_delay: "", restore_mode: "" }),
});
export type ClusterConfig = z.infer<typeof clusterConfigSchema>;

/** ClusterPut: the five fields a PUT replaces in full. */
const clusterPutSchema = z.object({
  connection_url: z.string(),
  channel: z.string(),
  description: z.string(),
  properties: configMapSchema,
  config: clusterConfigSchema,
});
export type ClusterPut = z.infer<typeof clusterPutSchema>;

const clusterUpdateInProgressStatusSchema = z.looseObject({
  in_progress: z.string().default(""),
  status_description: z.string().default(""),
  error: z.string().default(""),
  evacuated_before: z.array(z.string()).nullish(),
  pending_reboot: z.array(z.string()).nullish(),
  last_updated: z.string().optional(),
});

const clusterUpdateStatusSchema = z.looseObject({
  needs_update: z.array(z.string()).nullish(),
  needs_reboot: z.array(z.string()).nullish(),
  in_maintenance: z.array(z.string()).nullish(),
  in_progress_status: clusterUpdateInProgressStatusSchema.optional(),
});

/** A cluster as GET /1.0/provisioning/clusters/{name} returns it. */
export const clusterSchema = z.looseObject({
  name: z.string(),
  connection_url: z.string().default(""),
  certificate: z.string().default(""),
  fingerprint: z.string().default(""),
  status: z.string(),
  update_status: clusterUpdateStatusSchema.optional(),
  channel: z.string().default(""),
  description: z.string().default(""),
  properties: configMapSchema.nullish().transform((p) => p ?? {}),
  config: clusterConfigSchema.default({ rolling_restart: { post_restore_delay: "", restore_mode: "" } }),
  last_updated: z.string().optional(),
});
export type Cluster = z.infer<typeof clusterSchema>;

/** ClusterPost: a one-off create carries services and application configs, a template create names a template. */
export interface ClusterPost extends Partial<ClusterPut> {
  name: string;
  connection_url: string;
  server_names: string[];
  server_type: ServerType;
  services_config?: Record<string, unknown>;
  application_seed_config?: Record<string, unknown>;
  cluster_template?: string;
  cluster_template_variable_values?: ConfigMap;
}

export interface ClusterAddServersPost {
  server_names: string[];
  skip_post_join_operations?: boolean;
  copy_services_config?: boolean;
}

export const bulkActions = [
  "add_network_interface_vlan_tags",
  "remove_network_interface_vlan_tags",
  "update_system_logging",
  "update_system_kernel",
  "add_application",
  "add_iscsi_storage_target",
  "remove_iscsi_storage_target",
  "add_multipath_storage_target",
  "remove_multipath_storage_target",
  "add_nvme_storage_target",
  "remove_nvme_storage_target",
] as const;
export type BulkAction = (typeof bulkActions)[number];

const clusterTemplateVariableSchema = z.looseObject({
  description: z.string().default(""),
  default: z.string().default(""),
});

/** ClusterTemplatePut: both templates are raw text with @VARIABLE@ placeholders. */
const clusterTemplatePutSchema = z.object({
  description: z.string(),
  service_config_template: z.string(),
  application_config_template: z.string(),
  variables: z.record(z.string(), clusterTemplateVariableSchema),
});
export type ClusterTemplatePut = z.infer<typeof clusterTemplatePutSchema>;

export const clusterTemplateSchema = z.looseObject({
  name: z.string(),
  description: z.string().default(""),
  service_config_template: z.string().default(""),
  application_config_template: z.string().default(""),
  variables: z
    .record(z.string(), clusterTemplateVariableSchema)
    .nullish()
    .transform((v) => v ?? {}),
  last_updated: z.string().optional(),
});
export type ClusterTemplate = z.infer<typeof clusterTemplateSchema>;
export type ClusterTemplatePost = ClusterTemplatePut & { name: string };

/** One network device (interface or bond) of IncusOS' SystemNetwork config. */
export const networkDeviceSchema = z.looseObject({
  name: z.string(),
  vlan_tags: z.array(z.number()).nullish(),
  roles: z.array(z.string()).nullish(),
  addresses: z.array(z.string()).nullish(),
});

export const systemNetworkSchema = z.looseObject({
  config: z
    .looseObject({
      interfaces: z.array(networkDeviceSchema).nullish(),
      bonds: z.array(networkDeviceSchema).nullish(),
    })
    .nullish(),
  state: z
    .looseObject({
      interfaces: z.record(z.string(), z.looseObject({ addresses: z.array(z.string()).nullish(), roles: z.array(z.string()).nullish() })).nullish(),
    })
    .nullish(),
});
export type SystemNetwork = z.infer<typeof systemNetworkSchema>;

const serverApplicationSchema = z.looseObject({
  name: z.string(),
  version: z.string().default(""),
});

/** A registered server as GET /1.0/provisioning/servers?recursion=1 returns it. */
export const serverSchema = z.looseObject({
  name: z.string(),
  connection_url: z.string().default(""),
  channel: z.string().default(""),
  description: z.string().default(""),
  cluster: z
    .string()
    .nullish()
    .transform((c) => c ?? ""),
  server_type: z.string(),
  server_status: z.string(),
  server_status_detail: z.string().default(""),
  os_data: z.looseObject({ network: systemNetworkSchema.nullish() }).nullish(),
  version_data: z
    .looseObject({
      applications: z.array(serverApplicationSchema).nullish(),
      needs_update: z.boolean().nullish(),
      needs_reboot: z.boolean().nullish(),
      in_maintenance: z.number().nullish(),
    })
    .nullish(),
});
export type Server = z.infer<typeof serverSchema>;

/** `version_data.in_maintenance` (operations-center@41a98e0 shared/api/provisioning_server.go, InMaintenanceState). */
export const IN_MAINTENANCE = { online: 0, evacuating: 1, evacuated: 2, restoring: 3 } as const;

/**
 * One instance of Operations Center's inventory (GET /1.0/inventory/instances): where it runs and
 * the Incus instance itself (`object`, InstanceFull), whose expanded config and devices decide
 * what an evacuation does with it.
 */
export const inventoryInstanceSchema = z.looseObject({
  name: z.string(),
  cluster: z.string(),
  server: z
    .string()
    .nullish()
    .transform((s) => s ?? ""),
  project_name: z.string().default(""),
  object: z
    .looseObject({
      type: z.string().default(""),
      status: z.string().default(""),
      expanded_config: z
        .record(z.string(), z.string())
        .nullish()
        .transform((c) => c ?? {}),
      expanded_devices: z
        .record(z.string(), z.record(z.string(), z.string()))
        .nullish()
        .transform((d) => d ?? {}),
    })
    .nullish()
    .transform((o) => o ?? { type: "", status: "", expanded_config: {}, expanded_devices: {} }),
});
export type InventoryInstance = z.infer<typeof inventoryInstanceSchema>;

/** One storage volume of the inventory (GET /1.0/inventory/storage_volumes); `server` is empty for a volume on a remote pool. */
export const inventoryStorageVolumeSchema = z.looseObject({
  name: z.string(),
  type: z.string().default(""),
  cluster: z.string(),
  server: z
    .string()
    .nullish()
    .transform((s) => s ?? ""),
  project_name: z.string().default(""),
  parent_name: z.string().default(""),
});
export type InventoryStorageVolume = z.infer<typeof inventoryStorageVolumeSchema>;

/** One storage pool of the inventory (GET /1.0/inventory/storage_pools); `object.driver` tells local from remote pools. */
export const inventoryStoragePoolSchema = z.looseObject({
  name: z.string(),
  cluster: z.string(),
  object: z
    .looseObject({ driver: z.string().default("") })
    .nullish()
    .transform((o) => o ?? { driver: "" }),
});
export type InventoryStoragePool = z.infer<typeof inventoryStoragePoolSchema>;

/** One image of the inventory (GET /1.0/inventory/images); `object.locations` lists the members holding a copy. */
export const inventoryImageSchema = z.looseObject({
  name: z.string(),
  cluster: z.string(),
  project_name: z.string().default(""),
  object: z
    .looseObject({
      locations: z
        .array(z.string())
        .nullish()
        .transform((l) => l ?? []),
    })
    .nullish()
    .transform((o) => o ?? { locations: [] }),
});
export type InventoryImage = z.infer<typeof inventoryImageSchema>;

/** IncusOS `{config, state}` objects read through the server's os/ proxy. */
export const incusOSObjectSchema = z.looseObject({
  config: z
    .record(z.string(), z.unknown())
    .nullish()
    .transform((c) => c ?? {}),
  state: z.unknown().optional(),
});
export type IncusOSObject = z.infer<typeof incusOSObjectSchema>;
