// The CDKTF app the plan-review tests synthesize: cluster edge-1 from template "edge" with the
// bulk operations on it (VLAN tags, an NVMe target, an application, kernel and logging configs),
// and one-off clusters whose deletion policies the destroy test chooses; and the way the tests
// run oc-cdktf (the built CLI, as a user's pipeline does).
import { spawn } from "node:child_process";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
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

/** A one-off cluster. */
export interface LabConfig {
  name: string;
  servers: string[];
  deletionPolicy?: DeletionPolicy;
  servicesConfig?: Record<string, unknown>;
}

export interface ReviewConfig {
  edge?: EdgeConfig;
  labs?: LabConfig[];
  templateDescription?: string;
}

export const EDGE_SERVERS = ["server01", "server02", "server03"];

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
    if (e.logging === true)
      new ClusterLoggingConfig(stack, "edge-logging", { cluster: edge, config: { syslog: { address: "192.0.2.9:514", protocol: "udp" } } });
  }
  for (const lab of config.labs ?? []) {
    new Cluster(stack, lab.name, {
      name: lab.name,
      servers: lab.servers,
      servicesConfig: lab.servicesConfig ?? { lvm: { enabled: true } },
      ...(lab.deletionPolicy === undefined ? {} : { deletionPolicy: lab.deletionPolicy }),
    });
  }
  app.synth();
  return path.join(outdir, "stacks", stackName);
}

const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../src/cli/main.js");

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `oc-cdktf <args>` (the built CLI) with the given stdin. */
export function runCli(args: readonly string[], options: { stdin?: string; cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  return shell(process.execPath, [CLI, ...args], options);
}

/** Runs a shell pipeline, e.g. the documented `terraform plan … | oc-cdktf plan-summary -`; $OC_CDKTF is the CLI (paths without spaces). */
export function runPipeline(script: string, options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<CliResult> {
  return shell("/bin/sh", ["-c", script], { ...options, env: { ...options.env, OC_CDKTF: `${process.execPath} ${CLI}` } });
}

function shell(command: string, args: readonly string[], options: { stdin?: string; cwd?: string; env?: NodeJS.ProcessEnv }): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
    child.stdin.end(options.stdin ?? "");
  });
}
