// The fault trial's CDKTF app: five clusters of two servers each, every one with VLAN tags on
// eth0, an iSCSI target, the debug application and a kernel config. The update step changes the
// tags, the kernel config and each cluster's description, as a user edits the code.
import * as path from "node:path";
import { App, LocalBackend, TerraformStack } from "cdktf";
import { Cluster, ClusterApplication, ClusterIscsiTarget, ClusterKernelConfig, ClusterVlanTags, OperationsCenter } from "../../constructs/index.js";
import type { SeedDocument } from "../../src/local-oc/index.js";

export const SOAK_STACK = "soak";
export const CLUSTER_COUNT = 5;
const SERVERS_PER_CLUSTER = 2;

export type Step = "initial" | "updated";

export const clusterName = (index: number): string => `c${index + 1}`;
export const serverName = (index: number): string => `server${String(index + 1).padStart(2, "0")}`;

/** The servers of cluster `index`, in name order. */
export function clusterServers(index: number): string[] {
  return Array.from({ length: SERVERS_PER_CLUSTER }, (_, i) => serverName(index * SERVERS_PER_CLUSTER + i));
}

/** What each cluster should carry after `step`. */
export function desired(index: number, step: Step) {
  return {
    description: step === "initial" ? `soak cluster ${index + 1}` : `soak cluster ${index + 1}, updated`,
    vlanTags: step === "initial" ? [100 + index] : [100 + index, 200 + index],
    kernel: step === "initial" ? { blacklist_modules: ["nouveau"] } : { blacklist_modules: ["nouveau", "radeon"] },
    iscsi: { target: `iqn.2004-10.org.example:soak${index + 1}`, address: "192.0.2.50" },
  };
}

/** Every server with eth0 (management and cluster roles) and no tags. */
export function soakSeed(): SeedDocument {
  const count = CLUSTER_COUNT * SERVERS_PER_CLUSTER;
  return {
    servers: Array.from({ length: count }, (_, i) => ({
      name: serverName(i),
      interfaces: [{ name: "eth0", roles: ["management", "cluster"], addresses: [`192.0.2.${11 + i}/24`], vlan_tags: [] }],
    })),
  } as unknown as SeedDocument;
}

/** Synthesizes the app for `step` (undefined: nothing declared, a destroy) and returns the stack directory. */
export function synthSoak(outdir: string, step: Step | undefined): string {
  const app = new App({ outdir, skipValidation: true });
  const stack = new TerraformStack(app, SOAK_STACK);
  new LocalBackend(stack, { path: "terraform.tfstate" });
  new OperationsCenter(stack, "oc", { evacuationTimeout: 60 });
  if (step !== undefined) {
    for (let i = 0; i < CLUSTER_COUNT; i++) {
      const want = desired(i, step);
      const cluster = new Cluster(stack, clusterName(i), {
        name: clusterName(i),
        servers: clusterServers(i),
        description: want.description,
        servicesConfig: { lvm: { enabled: false } },
        deletionPolicy: "forget",
      });
      const deletionPolicy = "remove" as const;
      new ClusterVlanTags(stack, `${clusterName(i)}-tags`, { cluster, interfaceName: "eth0", vlanTags: want.vlanTags, deletionPolicy });
      new ClusterIscsiTarget(stack, `${clusterName(i)}-san`, { cluster, ...want.iscsi, deletionPolicy });
      new ClusterApplication(stack, `${clusterName(i)}-debug`, { cluster, name: "debug", deletionPolicy });
      new ClusterKernelConfig(stack, `${clusterName(i)}-kernel`, { cluster, config: want.kernel, deletionPolicy });
    }
  }
  app.synth();
  return path.join(outdir, "stacks", SOAK_STACK);
}
