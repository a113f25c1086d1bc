// The in-memory model of the local Operations Center and its persistence.
//
// Records mirror Operations Center's internal structs (provisioning.Server, provisioning.Cluster,
// provisioning.ClusterTemplate): the ETag of a GET is the sha256 of the JSON of these records,
// as OC hashes its internal model rather than the API document. Every server also carries the
// state its simulated IncusOS holds (services, network, kernel, logging, applications).
//
// With a state file, everything (records, the TLS key pair, trusted client fingerprints) is
// written after every change with an atomic replace (temp file in the same directory, fsync,
// rename) and read back on start.

import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync, existsSync } from "node:fs";
import { dirname, basename, join } from "node:path";
import { createHash } from "node:crypto";
import type { KeyPair } from "./certificates.js";
import type { SeedServer } from "./seed.js";

export interface NetworkDevice {
  name: string;
  hwaddr?: string;
  addresses?: string[];
  roles?: string[];
  vlan_tags?: number[];
  members?: string[];
  mode?: string;
  [key: string]: unknown;
}

export interface NetworkConfig {
  interfaces?: NetworkDevice[];
  bonds?: NetworkDevice[];
  vlans?: Record<string, unknown>[];
  [key: string]: unknown;
}

export interface InstalledApplication {
  name: string;
  version: string;
}

/** What a server's IncusOS holds. Configs are stored as IncusOS returns them. */
export interface IncusOSState {
  os_version: string;
  /** Service configs that were ever written (others report their defaults). */
  services: Record<string, Record<string, unknown>>;
  network: NetworkConfig;
  kernel: Record<string, unknown>;
  logging: Record<string, unknown>;
  applications: InstalledApplication[];
}

export interface ServerRecord {
  id: number;
  name: string;
  type: string;
  status: string;
  status_detail: string;
  channel: string;
  description: string;
  properties: Record<string, string>;
  connection_url: string;
  public_connection_url: string;
  certificate: string;
  fingerprint: string;
  system_uuid: string;
  cluster: string | null;
  needs_update: boolean;
  needs_reboot: boolean;
  in_maintenance: number;
  incusos: IncusOSState;
  last_updated: string;
  last_seen: string;
}

export interface RollingRestartConfig {
  post_restore_delay: string;
  restore_mode: string;
}

export interface InProgressStatus {
  in_progress: string;
  status_description: string;
  error: string;
  evacuated_before: string[] | null;
  pending_reboot: string[] | null;
  last_updated: string;
}

export interface ClusterRecord {
  name: string;
  connection_url: string;
  certificate: string;
  fingerprint: string;
  status: string;
  channel: string;
  description: string;
  properties: Record<string, string>;
  config: { rolling_restart: RollingRestartConfig };
  server_type: string;
  in_progress_status: InProgressStatus;
  last_updated: string;
}

/** What a cluster was created with: OC hands these to its post-clustering step only. */
export interface ClusterCreationInput {
  server_names: string[];
  services_config: Record<string, unknown>;
  application_seed_config: Record<string, unknown>;
  cluster_template: string;
}

export interface TemplateVariable {
  description: string;
  default: string;
}

export interface TemplateRecord {
  name: string;
  description: string;
  service_config_template: string;
  application_config_template: string;
  variables: Record<string, TemplateVariable>;
  last_updated: string;
}

export interface ArtifactFile {
  name: string;
  mime_type: string;
  content: string;
}

export interface ArtifactRecord {
  cluster: string;
  name: string;
  description: string;
  properties: Record<string, string>;
  files: ArtifactFile[];
  last_updated: string;
}

/** A factory-reset server that registers again (fresh) at `at` (epoch ms). */
export interface PendingRegistration {
  name: string;
  at: number;
}

export interface PersistedState {
  format: "oc-cdktf-local-oc/1";
  tls: KeyPair;
  trusted_fingerprints: string[];
  next_server_id: number;
  servers: ServerRecord[];
  clusters: ClusterRecord[];
  creation_inputs: Record<string, ClusterCreationInput>;
  templates: TemplateRecord[];
  artifacts: ArtifactRecord[];
  /** The seed definition of every server name ever registered (what a factory reset returns to). */
  seeds: Record<string, SeedServer>;
  pending_registrations: PendingRegistration[];
}

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

  constructor(
    data: PersistedState,
    private readonly statePath?: string,
  ) {
    this.data = data;
  }

  static load(statePath: string): PersistedState | undefined {
    if (!existsSync(statePath)) return undefined;
    const parsed = JSON.parse(readFileSync(statePath, "utf8")) as PersistedState;
    if (parsed.format !== "oc-cdktf-local-oc/1") {
      throw new Error(`${statePath} is not a local Operations Center state file (format ${String(parsed.format)})`);
    }
    return parsed;
  }

  /** Writes the state file atomically (no-op without a state path). */
  save(): void {
    if (this.statePath === undefined) return;
    const dir = dirname(this.statePath);
    mkdirSync(dir, { recursive: true });
    const temp = join(dir, `.${basename(this.statePath)}.${process.pid}.tmp`);
    const fd = openSync(temp, "w", 0o600);
    try {
      writeSync(fd, JSON.stringify(this.data, null, 1));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, this.statePath);
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
