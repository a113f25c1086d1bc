// A fleet as issue 19 measures it: N clusters of M members, each cluster with VLAN tags, an
// iSCSI, NVMe and multipath target, an application, and a kernel and a logging config (8
// resources a cluster). Used by the read-count test and by `npm run bench`.
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
} from "../../constructs/index.js";
import type { SeedDocument } from "../../src/local-oc/index.js";
import { ISCSI, KERNEL, LOGGING, NVME_ADDRESS, WWN } from "./bulk-scenario.js";

export const FLEET_STACK = "fleet";

/** Bulk resources per cluster; each reads one thing of every member (its network, a service, its applications, kernel or logging). */
export const BULK_KINDS = 7;

/** The fewest reads of a plan with no change: the cluster and its servers, then each bulk kind's read of each member. */
export function minimalReads(clusters: number, members: number): number {
  return clusters * (2 + BULK_KINDS * members);
}

export interface Fleet {
  clusters: number;
  members: number;
}

const pad = (n: number, width: number): string => String(n).padStart(width, "0");

// Fixed widths, so cluster 7 has the same name in a fleet of 20 as in one of 200 (the bench plans
// the first N clusters of one applied fleet).
export function clusterName(c: number): string {
  return `fleet-${pad(c + 1, 3)}`;
}

export function serverName(c: number, m: number): string {
  return `${clusterName(c)}-s${pad(m + 1, 2)}`;
}

/** Every server of the fleet, unclustered and ready, each with eth0 and its own management address. */
export function fleetSeed(fleet: Fleet): SeedDocument {
  const servers = [];
  for (let c = 0; c < fleet.clusters; c++) {
    for (let m = 0; m < fleet.members; m++) {
      const address = `10.${Math.floor(c / 250)}.${c % 250}.${m + 1}/16`;
      servers.push({ name: serverName(c, m), interfaces: [{ name: "eth0", roles: ["management", "cluster"], addresses: [address], vlan_tags: [] }] });
    }
  }
  return { servers } as unknown as SeedDocument;
}

/** Synthesizes the fleet's app into outdir and returns the stack directory. */
export function synthFleet(outdir: string, fleet: Fleet, provider: { maxParallelReads?: number } = {}): string {
  const app = new App({ outdir, skipValidation: true });
  const stack = new TerraformStack(app, FLEET_STACK);
  new LocalBackend(stack, { path: "terraform.tfstate" });
  new OperationsCenter(stack, "oc", provider);
  for (let c = 0; c < fleet.clusters; c++) {
    const name = clusterName(c);
    const servers = Array.from({ length: fleet.members }, (_, m) => serverName(c, m));
    const cluster = new Cluster(stack, name, { name, servers, deletionPolicy: "forget" });
    new ClusterVlanTags(stack, `${name}-tags`, { cluster, interfaceName: "eth0", vlanTags: [100, 200] });
    new ClusterIscsiTarget(stack, `${name}-iscsi`, { cluster, ...ISCSI });
    new ClusterNvmeTarget(stack, `${name}-nvme`, { cluster, transport: "tcp", address: NVME_ADDRESS, port: 4420 });
    new ClusterMultipathTarget(stack, `${name}-mpath`, { cluster, wwn: WWN });
    new ClusterApplication(stack, `${name}-debug`, { cluster, name: "debug" });
    new ClusterKernelConfig(stack, `${name}-kernel`, { cluster, config: KERNEL });
    new ClusterLoggingConfig(stack, `${name}-logging`, { cluster, config: LOGGING });
  }
  app.synth();
  return path.join(outdir, "stacks", FLEET_STACK);
}
