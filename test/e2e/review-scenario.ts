// The CDKTF app the plan-review tests synthesize: cluster edge-1 from template "edge" with the
// bulk operations on it (VLAN tags, an NVMe target, an application, kernel and logging configs),
// and a one-off cluster lab whose deletion policy each destroy test chooses.
import * as path from "node:path";
import { App, LocalBackend, TerraformStack } from "cdktf";
import {
  Cluster,
  ClusterApplication,
  ClusterKernelConfig,
  ClusterLoggingConfig,
  ClusterNvmeTarget,
  ClusterTemplate,
  ClusterVlanTags,
  OperationsCenter,
  type ClusterProps,
  type DeletionPolicy,
} from "../../constructs/index.js";
import { FIXTURES } from "./scenario.js";

export const REVIEW_STACK = "review";

export interface EdgeConfig {
  servers?: string[];
  description?: string;
  properties?: Record<string, string>;
  /** VLAN tags on eth0; none: no ClusterVlanTags. */
  vlanTags?: number[];
  /** Port of the NVMe target; undefined: no target. */
  nvmePort?: number;
  application?: boolean;
  kernel?: boolean;
  logging?: boolean;
}

export interface ReviewConfig {
  edge?: EdgeConfig;
  lab?: { deletionPolicy?: DeletionPolicy; servicesConfig?: Record<string, unknown> };
  templateDescription?: string;
}

export const EDGE_SERVERS = ["server01", "server02", "server03"];
export const LAB_SERVERS = ["server04", "server05", "server06"];

export function synthReview(outdir: string, config: ReviewConfig, stackName: string = REVIEW_STACK): string {
  const app = new App({ outdir, skipValidation: true });
  const stack = new TerraformStack(app, stackName);
  new LocalBackend(stack, { path: "terraform.tfstate" });
  new OperationsCenter(stack, "oc", { evacuationTimeout: 60 });
  const template = new ClusterTemplate(stack, "edge-template", {
    name: "edge",
    description: config.templateDescription ?? "Edge sites",
    servicesConfig: path.join(FIXTURES, "standard-services.yaml"),
    applicationConfig: path.join(FIXTURES, "standard-application.yaml"),
    variables: path.join(FIXTURES, "standard-variables.yaml"),
  });
  if (config.edge !== undefined) {
    const e = config.edge;
    const props: ClusterProps = {
      name: "edge-1",
      servers: e.servers ?? EDGE_SERVERS,
      template,
      templateVariables: path.join(FIXTURES, "cluster-b-values.yaml"),
      deletionPolicy: "factory-reset",
      ...(e.description === undefined ? {} : { description: e.description }),
      ...(e.properties === undefined ? {} : { properties: e.properties }),
    };
    const edge = new Cluster(stack, "edge", props);
    if (e.vlanTags !== undefined) new ClusterVlanTags(stack, "edge-vlans", { cluster: edge, interfaceName: "eth0", vlanTags: e.vlanTags });
    if (e.nvmePort !== undefined) new ClusterNvmeTarget(stack, "edge-nvme", { cluster: edge, transport: "tcp", address: "192.0.2.150", port: e.nvmePort });
    if (e.application === true) new ClusterApplication(stack, "edge-debug", { cluster: edge, name: "debug" });
    if (e.kernel === true) new ClusterKernelConfig(stack, "edge-kernel", { cluster: edge, config: { blacklist_modules: ["nouveau"] } });
    if (e.logging === true) new ClusterLoggingConfig(stack, "edge-logging", { cluster: edge, config: { syslog: { address: "192.0.2.9:514", protocol: "udp" } } });
  }
  if (config.lab !== undefined) {
    new Cluster(stack, "lab", {
      name: "lab",
      servers: LAB_SERVERS,
      servicesConfig: config.lab.servicesConfig ?? { lvm: { enabled: true } },
      deletionPolicy: config.lab.deletionPolicy ?? "retain",
    });
  }
  app.synth();
  return path.join(outdir, "stacks", stackName);
}
