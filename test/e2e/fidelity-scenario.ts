// The CDKTF app of the fidelity end-to-end tests: one cluster with VLAN tags on eth0 and,
// optionally, an application, so that a server joining needs both before Operations Center admits it.
import * as path from "node:path";
import { App, LocalBackend, TerraformStack } from "cdktf";
import { Cluster, ClusterApplication, ClusterVlanTags, OperationsCenter, type ClusterApplicationName } from "../../constructs/index.js";

export const FIDELITY_STACK = "fidelity";
export const CLUSTER = "edge";

export interface FidelityScenarioConfig {
  servers: string[];
  /** Tags of the ClusterVlanTags on eth0. */
  tags: number[];
  /** A non-primary application on every member, when set. */
  application?: ClusterApplicationName;
}

/** Synthesizes the app into outdir and returns the stack directory. */
export function synthFidelityScenario(outdir: string, config: FidelityScenarioConfig): string {
  const app = new App({ outdir, skipValidation: true });
  const stack = new TerraformStack(app, FIDELITY_STACK);
  new LocalBackend(stack, { path: "terraform.tfstate" });
  new OperationsCenter(stack, "oc", { evacuationTimeout: 60 });
  const cluster = new Cluster(stack, "edge", { name: CLUSTER, servers: config.servers, servicesConfig: { lvm: { enabled: true } }, deletionPolicy: "forget" });
  new ClusterVlanTags(stack, "tenants", { cluster, interfaceName: "eth0", vlanTags: config.tags });
  if (config.application !== undefined) new ClusterApplication(stack, "app", { cluster, name: config.application });
  app.synth();
  return path.join(outdir, "stacks", FIDELITY_STACK);
}
