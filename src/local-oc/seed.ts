// The seed file of the local Operations Center: which servers are registered, and the simulated
// IncusOS state of each (network, services, kernel, logging, applications).
//
//   servers:
//     - name: server01               # required, unique
//       type: incus                  # incus | incus-lts-7.0 | migration-manager | operations-center | unknown
//                                    # (default: derived from `application`)
//       channel: stable              # update channel (default stable)
//       status: ready                # unknown | unregistered | pending | ready | offline (default ready)
//       application: incus           # the primary application: incus | incus-lts-7.0 | migration-manager | operations-center
//       incus_version: "6.0.1"       # version of the primary application (default 6.0.1)
//       interfaces: [{name: eth0, roles: [management, cluster], addresses: [192.0.2.11/24], vlan_tags: []}]
//       bonds: [{name: bond0, members: [eth1, eth2], mode: 802.3ad, roles: [], addresses: [], vlan_tags: []}]
//       services: {lvm: {enabled: false}}   # IncusOS service configs (the bare config objects)
//       kernel: {}                   # IncusOS SystemKernel config
//       logging: {}                  # IncusOS SystemLogging config
//       applications: [incus]        # installed IncusOS applications (default: [application])
//       needs_update: false
//       needs_reboot: false
//       in_maintenance: 0            # 0 none, 1 evacuating, 2 evacuated, 3 restoring
//       description: ""
//       properties: {}
//       machine_id: e9de436eb94e4aef8563883aec84096e   # default: random
//       bmc: {endpoint: https://192.0.2.211, username: admin, password: ...}   # default: generated
//       hardware: {vendor: Supermicro, model: SYS-1029P, cores: 32, memory_gib: 256, disk_gb: 960}
//   templates:                       # cluster templates, as POST /1.0/provisioning/cluster-templates takes them
//     - {name: edge, service_config_template: "lvm:\n  enabled: @LVM@\n", variables: {LVM: {default: "true"}}}
//   clusters:                        # created at start-up through the create route, in order
//     - {name: prod, server_names: [server01, server02], cluster_template: edge}
//   tokens:                          # registration tokens
//     - {uses_remaining: 5, description: rack 3}
//   instances:                       # simulated Incus instances, placed after the clusters exist
//     - name: web1                   # unique per cluster and project
//       location: server01           # the member it runs on (its cluster follows)
//       storage_pool: local          # root disk pool: `local` (IncusOS, zfs) or a pool of the cluster's
//                                    # application_seed_config (leave it out when devices has the root disk)
//       devices:                     # the other devices; each must be able to migrate for an
//                                    # evacuation to move the instance (instances.ts has the rules)
//         data: {type: disk, path: /srv, pool: local, source: data}   # local volume: stopped instead
//         logs: {type: disk, path: /var/log/host, source: /var/log}   # host path: stopped instead
//         eth0: {type: nic, network: incusbr0}                        # managed network: migrates
//       project: default             # default
//       type: container              # container | virtual-machine
//       status: Running              # Running | Stopped
//       config: {}                   # e.g. {cluster.evacuate: stop}, {boot.autostart: "true"}
//   storage_volumes:                 # simulated custom volumes
//     - {name: data, location: server01, storage_pool: local, project: default}
//
// Addresses are never contacted: use documentation ranges (192.0.2.0/24, 2001:db8::/32).

import { MAX_FILE_BYTES, loadYaml, readRegularFile } from "../config/input-limits.js";
import { z } from "zod";
import { instanceInputSchema, seedServerSchema, serverTypeValues, volumeInputSchema } from "./persisted.js";

const seedTemplateSchema = z.strictObject({
  name: z.string().min(1),
  description: z.string().default(""),
  service_config_template: z.string().default(""),
  application_config_template: z.string().default(""),
  variables: z.record(z.string(), z.strictObject({ description: z.string().default(""), default: z.string().default("") })).default({}),
});

/** A cluster to create at start-up: the body of POST /1.0/provisioning/clusters, with defaults. */
const seedClusterSchema = z.strictObject({
  name: z.string().min(1),
  server_names: z.array(z.string()).min(1),
  connection_url: z.string().optional(),
  server_type: z.enum(serverTypeValues).default("incus"),
  channel: z.string().optional(),
  description: z.string().default(""),
  properties: z.record(z.string(), z.string()).default({}),
  services_config: z.record(z.string(), z.unknown()).default({}),
  application_seed_config: z.record(z.string(), z.unknown()).default({}),
  cluster_template: z.string().default(""),
  cluster_template_variable_values: z.record(z.string(), z.string()).default({}),
});

const seedTokenSchema = z.strictObject({
  uuid: z.uuid().optional(),
  uses_remaining: z.number().int().min(0).default(10),
  expire_at: z.string().optional(),
  description: z.string().default(""),
  channel: z.string().default("stable"),
});

const seedDocumentSchema = z
  .strictObject({
    servers: z.array(seedServerSchema).default([]),
    templates: z.array(seedTemplateSchema).default([]),
    clusters: z.array(seedClusterSchema).default([]),
    tokens: z.array(seedTokenSchema).default([]),
    instances: z.array(instanceInputSchema).default([]),
    storage_volumes: z.array(volumeInputSchema).default([]),
  })
  .superRefine((doc, ctx) => {
    const seen = new Set<string>();
    doc.servers.forEach((s, i) => {
      if (seen.has(s.name)) {
        ctx.addIssue({ code: "custom", path: ["servers", i, "name"], message: `duplicate server name "${s.name}"` });
      }
      seen.add(s.name);
    });
    doc.clusters.forEach((c, i) => {
      c.server_names.forEach((name, j) => {
        if (!seen.has(name)) {
          ctx.addIssue({ code: "custom", path: ["clusters", i, "server_names", j], message: `no server "${name}" in servers` });
        }
      });
      if (c.cluster_template !== "" && !doc.templates.some((t) => t.name === c.cluster_template)) {
        ctx.addIssue({ code: "custom", path: ["clusters", i, "cluster_template"], message: `no template "${c.cluster_template}" in templates` });
      }
    });
  });

/** A seed document as written (defaults optional). */
export type SeedDocument = z.input<typeof seedDocumentSchema>;
/** One server of a seed document, with every default applied. */
export type SeedServer = z.output<typeof seedServerSchema>;
export type SeedTemplate = z.output<typeof seedTemplateSchema>;
export type SeedCluster = z.output<typeof seedClusterSchema>;
export type SeedToken = z.output<typeof seedTokenSchema>;
/** A whole seed document, with every default applied. */
export type Seed = z.output<typeof seedDocumentSchema>;

export class SeedError extends Error {}

function formatIssues(source: string, error: z.ZodError): string {
  const lines = error.issues.map((issue) => {
    const where = issue.path.length > 0 ? issue.path.join(".") : "(document)";
    return `  ${where}: ${issue.message}`;
  });
  return `invalid seed ${source}:\n${lines.join("\n")}`;
}

/** Validates a parsed seed document (servers, templates, clusters, tokens); `source` names it in error messages. */
export function parseSeed(doc: unknown, source = "document"): Seed {
  const result = seedDocumentSchema.safeParse(doc ?? {});
  if (!result.success) throw new SeedError(formatIssues(source, result.error));
  return result.data;
}

/** Reads and validates a YAML (or JSON) seed file. */
export function loadSeed(path: string): Seed {
  const read = readRegularFile(path, MAX_FILE_BYTES.config);
  if (!read.ok) throw new SeedError(`cannot read seed ${path}: it ${read.reason}`);
  let doc: unknown;
  try {
    doc = loadYaml(read.text, { filename: path });
  } catch (err) {
    throw new SeedError(`invalid seed ${path}: ${(err as Error).message}`);
  }
  return parseSeed(doc, path);
}

/** The N default servers: serverNN, incus, stable, ready, eth0 (management+cluster) at 192.0.2.(10+N). */
export function defaultSeedServers(count: number): SeedServer[] {
  const width = Math.max(2, String(count).length);
  return Array.from({ length: count }, (_, i) => seedServerSchema.parse({ name: `server${String(i + 1).padStart(width, "0")}` }));
}
