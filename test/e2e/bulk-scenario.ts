// The CDKTF app of the bulk-operations end-to-end tests: a cluster with VLAN tags on two
// interfaces, one target of each storage kind, an application, a kernel and a logging config.
// Each step synthesizes it with what the step changes, as a user edits the code.
import * as path from "node:path";
import { App, LocalBackend, TerraformStack } from "cdktf";
import {
  Cluster,
  ClusterApplication,
  ClusterIscsiTarget,
  ClusterKernelConfig,
  ClusterLoggingConfig,
  ClusterMultipathTarget,
  ClusterNvmeTarget,
  ClusterVlanTags,
  OperationsCenter,
  type DeletionPolicy,
  type DependentDeletionPolicy,
} from "../../constructs/index.js";
import type { SeedDocument } from "../../src/local-oc/index.js";

export const BULK_STACK = "bulk";
export const CLUSTER = "edge";

export interface BulkScenarioConfig {
  servers?: string[];
  /** Tags of the "tenants" ClusterVlanTags on eth0. */
  tenantTags?: number[];
  /** Tags of the "storage" ClusterVlanTags on bond0; undefined drops the construct. */
  storageTags?: number[] | undefined;
  nvmePort?: number;
  /** false drops the kernel config. */
  kernel?: boolean;
  /** false turns off copy_services_config for joining servers. */
  copyServicesConfig?: boolean;
  /** The cluster's name (a change is a rename). */
  name?: string;
  /** The cluster's deletion policy. */
  deletionPolicy?: DeletionPolicy;
  /** The bulk constructs' deletionPolicy prop; undefined follows the cluster's policy. */
  bulkDeletionPolicy?: DependentDeletionPolicy | undefined;
  /** false drops every construct but the provider (a destroy of the whole stack). */
  declared?: boolean;
}

export const KERNEL = { blacklist_modules: ["nouveau"], network: { buffer_size: 33554432, queuing_discipline: "fq" } };
export const LOGGING = { syslog: { address: "192.0.2.9:514", protocol: "tcp" as const, log_format: "rfc5424" as const } };
export const ISCSI = { target: "iqn.2004-10.org.example:san1", address: "192.0.2.50" };
export const NVME_ADDRESS = "192.0.2.100";
export const WWN = "0x5000c500a1b2c3d4";

const BASE: Required<Omit<BulkScenarioConfig, "storageTags" | "bulkDeletionPolicy">> & Pick<BulkScenarioConfig, "storageTags" | "bulkDeletionPolicy"> = {
  servers: ["server01", "server02", "server03"],
  tenantTags: [100, 200],
  storageTags: [300],
  nvmePort: 4420,
  kernel: true,
  copyServicesConfig: true,
  name: CLUSTER,
  deletionPolicy: "forget",
  // These steps drop constructs and expect what they applied removed.
  bulkDeletionPolicy: "remove",
  declared: true,
};

/** Four servers with eth0 and bond0; the cluster forms from the first three, server04 joins later. */
export function bulkSeed(): SeedDocument {
  const device = (name: string, extra: Record<string, unknown>) => ({ name, roles: [], addresses: [], vlan_tags: [], ...extra });
  return {
    servers: ["server01", "server02", "server03", "server04"].map((name, i) => ({
      name,
      interfaces: [device("eth0", { roles: ["management", "cluster"], addresses: [`192.0.2.${11 + i}/24`] })],
      bonds: [device("bond0", { members: ["eth1", "eth2"] })],
    })),
  } as unknown as SeedDocument;
}

/** Synthesizes the app into outdir and returns the stack directory. */
export function synthBulkScenario(outdir: string, overrides: BulkScenarioConfig = {}): string {
  const config = { ...BASE, ...overrides };
  const app = new App({ outdir, skipValidation: true });
  const stack = new TerraformStack(app, BULK_STACK);
  new LocalBackend(stack, { path: "terraform.tfstate" });
  new OperationsCenter(stack, "oc", { evacuationTimeout: 60 });
  if (config.declared) {
    const cluster = new Cluster(stack, "edge", {
      name: config.name,
      servers: config.servers,
      servicesConfig: { lvm: { enabled: true } },
      copyServicesConfigOnAdd: config.copyServicesConfig,
      deletionPolicy: config.deletionPolicy,
    });
    const deletionPolicy = config.bulkDeletionPolicy;
    new ClusterVlanTags(stack, "tenants", { cluster, interfaceName: "eth0", vlanTags: config.tenantTags, deletionPolicy });
    if (config.storageTags !== undefined)
      new ClusterVlanTags(stack, "storage", { cluster, interfaceName: "bond0", vlanTags: config.storageTags, deletionPolicy });
    new ClusterIscsiTarget(stack, "san", { cluster, ...ISCSI, deletionPolicy });
    new ClusterNvmeTarget(stack, "nvme", { cluster, transport: "tcp", address: NVME_ADDRESS, port: config.nvmePort, deletionPolicy });
    new ClusterMultipathTarget(stack, "mpath", { cluster, wwn: WWN, deletionPolicy });
    new ClusterApplication(stack, "debug", { cluster, name: "debug", deletionPolicy });
    if (config.kernel) new ClusterKernelConfig(stack, "kernel", { cluster, config: KERNEL, deletionPolicy });
    new ClusterLoggingConfig(stack, "logging", { cluster, config: LOGGING, deletionPolicy });
  }
  app.synth();
  return path.join(outdir, "stacks", BULK_STACK);
}
