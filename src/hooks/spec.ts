// What each hook is told to do. The constructs write one spec file per hook resource at synth
// time (cdktf.out/stacks/<stack>/oc-cdktf/<resource>.json); the hook process parses it with
// these schemas. Destroy hooks get no spec: Terraform lets them read only `self`, so they take
// the object's name from the resource's triggers through the environment.
import { z } from "zod";
import { configMapSchema, deleteModes, serverTypes } from "../client/api-types.js";

export const deletionPolicies = ["retain", "forget", "factory-reset"] as const;
export type DeletionPolicy = (typeof deletionPolicies)[number];

/** Which DELETE mode a deletion policy uses; `retain` makes no call. */
export const deletionPolicyMode: Record<DeletionPolicy, (typeof deleteModes)[number] | undefined> = {
  retain: undefined,
  forget: "force",
  "factory-reset": "factory-reset",
};

const common = {
  /** Construct path, so that messages point at the code that declared the object. */
  construct_path: z.string(),
  /** Owner id of the stack: clusters carry it in their properties. */
  owner: z.string().min(1),
};

const rollingRestartSpec = z.strictObject({
  post_restore_delay: z.string(),
  restore_mode: z.enum(["", "skip"]),
});

/** Digests of the inputs Operations Center uses only when it creates a cluster. */
export const creationRecordSchema = z.strictObject({
  server_type: z.string(),
  services_config: z.record(z.string(), z.string()),
  application_config: z.record(z.string(), z.string()),
  template: z.string(),
  template_values: z.record(z.string(), z.string()),
});
export type CreationRecord = z.infer<typeof creationRecordSchema>;

/** Terraform address of a cluster's identity resource, for "replace it" advice in messages. */
const clusterAddress = z.string().min(1);

export const clusterSpecSchema = z.strictObject({
  kind: z.literal("cluster"),
  ...common,
  cluster: z.string().min(1),
  cluster_address: clusterAddress,
  server_names: z.array(z.string()).min(1),
  server_type: z.enum(serverTypes),
  connection_url: z.string(),
  channel: z.string(),
  description: z.string().optional(),
  properties: configMapSchema,
  config: z.strictObject({ rolling_restart: rollingRestartSpec }).optional(),
  services_config: z.record(z.string(), z.unknown()).optional(),
  application_seed_config: z.record(z.string(), z.unknown()).optional(),
  cluster_template: z.string().optional(),
  cluster_template_variable_values: configMapSchema.optional(),
  deletion_policy: z.enum(deletionPolicies),
  creation: creationRecordSchema,
});
export type ClusterSpec = z.infer<typeof clusterSpecSchema>;

export const creationSpecSchema = z.strictObject({
  kind: z.literal("creation"),
  ...common,
  cluster: z.string().min(1),
  cluster_address: clusterAddress,
  creation: creationRecordSchema,
});
export type CreationSpec = z.infer<typeof creationSpecSchema>;

export const membersSpecSchema = z.strictObject({
  kind: z.literal("members"),
  ...common,
  cluster: z.string().min(1),
  server_names: z.array(z.string()).min(1),
  copy_services_config: z.boolean(),
});
export type MembersSpec = z.infer<typeof membersSpecSchema>;

export const settingsSpecSchema = z.strictObject({
  kind: z.literal("settings"),
  ...common,
  cluster: z.string().min(1),
  connection_url: z.string().optional(),
  channel: z.string().optional(),
  description: z.string().optional(),
  properties: configMapSchema,
  config: z.strictObject({ rolling_restart: rollingRestartSpec }).optional(),
  deletion_policy: z.enum(deletionPolicies),
});
export type SettingsSpec = z.infer<typeof settingsSpecSchema>;

// Cluster templates carry no properties, so they have no owner: the stack that declares a
// template name manages it.
export const templateSpecSchema = z.strictObject({
  kind: z.literal("template"),
  construct_path: z.string(),
  template: z.string().min(1),
  description: z.string(),
  service_config_template: z.string(),
  application_config_template: z.string(),
  variables: z.record(z.string(), z.strictObject({ description: z.string(), default: z.string() })),
});
export type TemplateSpec = z.infer<typeof templateSpecSchema>;

export const inventorySpecSchema = z.strictObject({
  kind: z.literal("inventory"),
  ...common,
  clusters: z.array(z.string()),
});
export type InventorySpec = z.infer<typeof inventorySpecSchema>;

export const hookSpecSchema = z.discriminatedUnion("kind", [
  clusterSpecSchema,
  creationSpecSchema,
  membersSpecSchema,
  settingsSpecSchema,
  templateSpecSchema,
  inventorySpecSchema,
]);
export type HookSpec = z.infer<typeof hookSpecSchema>;
