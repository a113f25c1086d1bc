// The CDKTF app of the end-to-end tests where everything that hangs off one cluster lives
// together: the seven bulk kinds, the Incus settings, members and a group, and (optionally) the
// cluster certificate, all with the same dependent deletion policy. The cluster trusts the
// provider's Incus client certificate (its application config lists it).
import { readFileSync } from "node:fs";
import * as path from "node:path";
import type { TestContext } from "node:test";
import { App, LocalBackend, TerraformOutput, TerraformStack, TerraformVariable } from "cdktf";
import {
  Cluster,
  ClusterApplication,
  ClusterCertificate,
  ClusterIscsiTarget,
  ClusterKernelConfig,
  ClusterLoggingConfig,
  ClusterMultipathTarget,
  ClusterNvmeTarget,
  ClusterVlanTags,
  IncusClusterGroup,
  IncusClusterMember,
  IncusClusterSettings,
  OperationsCenter,
  type DependentDeletionPolicy,
} from "../../constructs/index.js";
import { ISCSI, KERNEL, LOGGING, NVME_ADDRESS, WWN, bulkSeed } from "./bulk-scenario.js";
import { startE2E, type E2E } from "./harness.js";

export const TOGETHER_STACK = "together";
export const TOGETHER_CLUSTER = "edge";

export interface TogetherConfig {
  /** The client certificate (PEM) the cluster trusts. */
  clientCertificate: string;
  /** The cluster's name (another name is the cluster's rename). */
  name?: string;
  /** deletionPolicy of every dependent construct. */
  dependents: DependentDeletionPolicy;
  /** cluster.max_voters of the Incus settings (default 5). */
  maxVoters?: number;
  /** The cluster certificate (PEM); its key comes from the variable cluster_key (TF_VAR_cluster_key). */
  certificate?: string;
}

/**
 * A local OC for the scenario, with an incus CLI configuration the provider reads (INCUS_CONF):
 * the E2E, and the client certificate the cluster must trust (TogetherConfig.clientCertificate).
 */
export async function startTogether(t: TestContext): Promise<{ e2e: E2E; clientCertificate: string }> {
  const e2e = await startE2E({ seed: bulkSeed() });
  t.after(() => e2e.close());
  const incusDir = await e2e.oc.writeIncusConfig(path.join(e2e.workdir, "incus-config"));
  e2e.env.INCUS_CONF = incusDir;
  return { e2e, clientCertificate: readFileSync(path.join(incusDir, "client.crt"), "utf8") };
}

export function synthTogether(outdir: string, config: TogetherConfig): string {
  const app = new App({ outdir, skipValidation: true });
  const stack = new TerraformStack(app, TOGETHER_STACK);
  new LocalBackend(stack, { path: "terraform.tfstate" });
  new OperationsCenter(stack, "oc", { evacuationTimeout: 60 });
  const cluster = new Cluster(stack, "edge", {
    name: config.name ?? TOGETHER_CLUSTER,
    servers: ["server01", "server02", "server03"],
    servicesConfig: { lvm: { enabled: true } },
    deletionPolicy: "forget",
    applicationConfig: { certificates: [{ type: "client", name: "terraform", certificate: config.clientCertificate }] },
  });
  const deletionPolicy = config.dependents;
  new ClusterVlanTags(stack, "tenants", { cluster, interfaceName: "eth0", vlanTags: [100, 200], deletionPolicy });
  new ClusterIscsiTarget(stack, "san", { cluster, ...ISCSI, deletionPolicy });
  new ClusterNvmeTarget(stack, "nvme", { cluster, transport: "tcp", address: NVME_ADDRESS, port: 4420, deletionPolicy });
  new ClusterMultipathTarget(stack, "mpath", { cluster, wwn: WWN, deletionPolicy });
  new ClusterApplication(stack, "debug", { cluster, name: "debug", deletionPolicy });
  new ClusterKernelConfig(stack, "kernel", { cluster, config: KERNEL, deletionPolicy });
  new ClusterLoggingConfig(stack, "logging", { cluster, config: LOGGING, deletionPolicy });
  new IncusClusterSettings(stack, "settings", {
    cluster,
    config: { "cluster.max_voters": config.maxVoters ?? 5, "cluster.healing_threshold": 30 },
    deletionPolicy,
  });
  new IncusClusterGroup(stack, "gpu", { cluster, name: "gpu", description: "GPU servers", members: ["server02", "server03"], deletionPolicy });
  new IncusClusterMember(stack, "server01", { cluster, member: "server01", roles: ["event-hub"], failureDomain: "rack1" });
  if (config.certificate !== undefined) {
    const key = new TerraformVariable(stack, "cluster_key", { type: "string", sensitive: true });
    // Ephemeral (Terraform 1.10+; cdktf has no prop for it): its value is kept out of the plan file too.
    key.addOverride("ephemeral", true);
    new ClusterCertificate(stack, "certificate", { cluster, certificate: config.certificate, privateKey: key.stringValue });
  }
  new TerraformOutput(stack, "cluster_fingerprint", { value: cluster.fingerprint });
  app.synth();
  return path.join(outdir, "stacks", TOGETHER_STACK);
}
