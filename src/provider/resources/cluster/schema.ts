// The operationscenter_cluster schema as Terraform sees it, and the zod shape of its known
// values (prior state, planned state without unknowns, private data).
import { z } from "zod";
import type { Schema } from "../../plugin/types.js";
import { privateDataCodec } from "../common/private-data.js";

import { deletionPolicies } from "../../../config/cluster.js";
export type { DeletionPolicy } from "../../../config/cluster.js";

/** The attributes Operations Center uses only when it creates a cluster. */
export const creationAttributes = ["server_type", "services_config", "application_config", "template", "template_variables"] as const;
export type CreationAttribute = (typeof creationAttributes)[number];

const CREATION_ONLY = "Used by Operations Center only when it creates the cluster: a later change is a plan error unless allow_recreate is true.";

export const clusterSchema: Schema = {
  version: 0,
  block: {
    description:
      "An IncusOS cluster formed by Operations Center. Settings, members and the name change in place; the creation inputs " +
      "(server type, services and application config, template and its variables, secrets) are used only at creation.",
    attributes: {
      id: { type: "string", computed: true, description: "The cluster name." },
      name: {
        type: "string",
        required: true,
        description:
          'Name of the cluster in Operations Center (case-sensitive; not empty, at most 255 bytes, none of \\ / : * ? " < > |). A change renames the cluster in place.',
      },
      servers: {
        type: ["set", "string"],
        required: true,
        description:
          "The member servers this resource manages. At creation the first name in sorted order bootstraps the cluster. " +
          "Adding a name joins the server (:add-servers); removing one evacuates it and removes it, and Operations Center factory-resets it.",
      },
      exclusive_members: {
        type: "bool",
        optional: true,
        description: "When true, members that are not declared in servers (added by someone else) are removed too. Default false.",
      },
      copy_services_config_on_add: {
        type: "bool",
        optional: true,
        description: "Copy the services config of an existing member to servers that join (copy_services_config of :add-servers). Default true.",
      },
      // Optional and computed: unset keeps the live value, so a plan after an import (which reads
      // every setting) shows no change whether or not the configuration declares it.
      connection_url: {
        type: "string",
        optional: true,
        computed: true,
        description: "The URL users reach the cluster at (http or https). Unset: not managed, the live value is kept (and shown).",
      },
      channel: {
        type: "string",
        optional: true,
        computed: true,
        description: "The update channel. Unset: not managed, the live value is kept (Operations Center's default channel at creation).",
      },
      description: { type: "string", optional: true, computed: true, description: "Free-text description. Unset: not managed, the live value is kept." },
      properties: {
        type: ["map", "string"],
        optional: true,
        description: "Properties this resource manages; properties set by others are kept (see properties_all). Keys starting with oc-cdktf.io/ are reserved.",
      },
      deletion_policy: {
        type: "string",
        optional: true,
        description:
          'What destroy does: "retain" (default: only forget it from state, no call), "forget" (delete the record in Operations Center, the servers keep running as a cluster) or "factory-reset" (factory-reset every member).',
      },
      server_type: {
        type: "string",
        optional: true,
        description: `Server type of the members: incus (default), incus-lts-7.0, migration-manager or operations-center. ${CREATION_ONLY}`,
      },
      services_config: {
        type: "string",
        optional: true,
        description: `IncusOS services config as JSON object text, without secret fields (those go in secrets_wo). ${CREATION_ONLY}`,
      },
      application_config: {
        type: "string",
        optional: true,
        description: `Application config (Incus preseed) as JSON object text, without secret fields (those go in secrets_wo). ${CREATION_ONLY}`,
      },
      template: { type: "string", optional: true, description: `Name of the cluster template to create the cluster from. ${CREATION_ONLY}` },
      template_variables: {
        type: ["map", "string"],
        optional: true,
        description: `Values of the template's variables that are not secret (secret ones go in secrets_wo). ${CREATION_ONLY}`,
      },
      secrets_wo: {
        type: "string",
        optional: true,
        sensitive: true,
        writeOnly: true,
        description:
          'Write-only JSON text {"services_config": {...}, "application_config": {...}, "template_variables": {...}} holding the secret fields, ' +
          "deep-merged into the public parts at creation. Never stored in plan or state; secrets_digest detects a change.",
      },
      secrets_digest: {
        type: "string",
        computed: true,
        description: "Keyed digest of secrets_wo (with the id of the key), so a changed secret shows in the plan without revealing it; null without secrets.",
      },
      adoption_key: {
        type: "string",
        optional: true,
        description:
          "Identifies this resource across checkouts of its configuration (the Cluster construct sets it to its construct path). " +
          "A create marks the cluster with a digest of it (property oc-cdktf.io/created-by), so that a later apply adopts a cluster an " +
          "interrupted create left even without the create journal in .terraform/ (a fresh checkout, a CI runner). The cluster also " +
          "carries oc-cdktf.io/unsaved from the POST until the provider hands it to Terraform, so that terraform destroy, even with an " +
          "empty state, refuses to end while such a cluster exists. Keep it unique " +
          "among the configurations that use this Operations Center. Unset: only the create journal recognises such a cluster.",
      },
      allow_recreate: {
        type: "bool",
        optional: true,
        description:
          "When true, a change of a creation input replaces the cluster (its deletion policy runs first) instead of failing the plan. Default false.",
      },
      certificate: { type: "string", computed: true, description: "The cluster certificate (PEM)." },
      fingerprint: { type: "string", computed: true, description: "SHA-256 fingerprint of the cluster certificate." },
      status: { type: "string", computed: true, description: "Operations Center's status of the cluster: unknown, pending or ready." },
      members: { type: ["set", "string"], computed: true, description: "Every live member, including those this resource does not manage." },
      properties_all: {
        type: ["map", "string"],
        computed: true,
        description: "Every live property, including those set by others and the oc-cdktf.io/ bookkeeping.",
      },
    },
    blocks: {
      rolling_restart: {
        nesting: "single",
        block: {
          description: "How a rolling restart treats each member. Unset: not managed.",
          attributes: {
            post_restore_delay: {
              type: "string",
              optional: true,
              description: 'Wait after a member is restored, as a Go duration such as "5m". Unset: not managed.',
            },
            restore_mode: { type: "string", optional: true, description: '"" (restore the member\'s instances) or "skip". Unset: not managed.' },
          },
        },
      },
    },
  },
};

const nullableString = z.string().nullable();
const stringMap = z.record(z.string(), z.string());

/** A known value of the resource (state, or a planned state whose unknowns were filled in). */
export const clusterValueSchema = z.object({
  id: nullableString,
  name: z.string(),
  servers: z.array(z.string()),
  exclusive_members: z.boolean().nullable(),
  copy_services_config_on_add: z.boolean().nullable(),
  connection_url: nullableString,
  channel: nullableString,
  description: nullableString,
  properties: stringMap.nullable(),
  rolling_restart: z.object({ post_restore_delay: nullableString, restore_mode: nullableString }).nullable(),
  deletion_policy: z.enum(deletionPolicies).nullable(),
  server_type: nullableString,
  services_config: nullableString,
  application_config: nullableString,
  template: nullableString,
  template_variables: stringMap.nullable(),
  secrets_wo: nullableString,
  secrets_digest: nullableString,
  adoption_key: nullableString,
  allow_recreate: z.boolean().nullable(),
  certificate: nullableString,
  fingerprint: nullableString,
  status: nullableString,
  members: z.array(z.string()).nullable(),
  properties_all: stringMap.nullable(),
});
export type ClusterValue = z.infer<typeof clusterValueSchema>;

/** Opaque to Terraform: what this resource remembers besides its state. */
const clusterPrivateSchema = z.object({
  /** The id this resource put into oc-cdktf.io/created-by when it created the cluster. */
  create_id: z.string().optional(),
  /** Imported: the creation inputs were never recorded, so they are not compared. */
  imported: z.boolean().optional(),
  /**
   * Names the members record listed while they were not members (a read found them so): an
   * add that was interrupted before it ran, a removal whose record was not rewritten. They are
   * not this resource's, even if someone adds them later, until an apply writes the record again.
   */
  stale_members: z.array(z.string()).optional(),
});
type ClusterPrivate = z.infer<typeof clusterPrivateSchema>;

export const { decode: decodePrivate, encode: encodePrivate } = privateDataCodec<ClusterPrivate>(clusterPrivateSchema, {});
