// What the fresh apps contain: one stack with the L2 constructs and an L1 data source from the
// package's generated bindings, the same in every flavour (CommonJS template, ES module, cdktn).
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { startLocalOperationsCenter } from "../../src/local-oc/index.js";
import { runOk, userEnv } from "./consumer.js";

export const STACK = "fleet";
export const CLUSTER = "edge";

/** main.ts of an app; `core` is the CDK library it imports, `pkg` the package entry of the constructs. */
export function appSource(core: "cdktf" | "cdktn", pkg: string): string {
  return `import { Construct } from "constructs";
import { App, LocalBackend, TerraformOutput, TerraformStack } from "${core}";
import { Cluster, OperationsCenter } from "${pkg}";
import { dataOperationscenterServers } from "${pkg}/provider";

class FleetStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new LocalBackend(this, { path: "terraform.tfstate" });
    new OperationsCenter(this, "oc");
    const edge = new Cluster(this, "${CLUSTER}", {
      name: "${CLUSTER}",
      servers: ["server01", "server02", "server03"],
      servicesConfig: { lvm: { enabled: true } },
      deletionPolicy: "forget",
    });
    const servers = new dataOperationscenterServers.DataOperationscenterServers(this, "servers", {});
    new TerraformOutput(this, "fingerprint", { value: edge.fingerprint });
    new TerraformOutput(this, "first_server", { value: servers.servers.get(0).name });
  }
}

const app = new App();
new FleetStack(app, "${STACK}");
app.synth();
`;
}

/** The synthesized stack declares the cluster through the package's provider. */
export function assertSynthesized(appDir: string, outdir = "cdktf.out"): string {
  const stackDir = path.join(appDir, outdir, "stacks", STACK);
  const config = JSON.parse(readFileSync(path.join(stackDir, "cdk.tf.json"), "utf8")) as {
    resource?: Record<string, Record<string, { name?: string }>>;
    data?: Record<string, unknown>;
  };
  assert.equal(config.resource?.["operationscenter_cluster"]?.[CLUSTER]?.name, CLUSTER, JSON.stringify(config.resource));
  assert.ok(config.data?.["operationscenter_servers"], "the L1 data source is missing");
  return stackDir;
}

/**
 * The stack's deploy and destroy (`deploy`, `destroy`) against a local Operations Center, run in a
 * user's environment pointing at it with `node` (which the provider's launcher runs) first on PATH:
 * the cluster is ready after deploy, and no cluster is left after destroy.
 */
export async function deployAndDestroy(
  scratchDir: string,
  node: string,
  steps: { deploy(env: NodeJS.ProcessEnv): Promise<void>; destroy(env: NodeJS.ProcessEnv): Promise<void> },
): Promise<void> {
  const oc = await startLocalOperationsCenter({ servers: 3, createDelayMs: 5 });
  try {
    const configDir = path.join(scratchDir, `oc-config-${path.basename(path.dirname(path.dirname(node)))}`);
    await oc.writeClientConfig(configDir);
    const cliConfig = path.join(scratchDir, "terraformrc");
    writeFileSync(cliConfig, "");
    const env = userEnv({ OPERATIONS_CENTER_CONF: configDir, TF_CLI_CONFIG_FILE: cliConfig, HOME: scratchDir }, node);
    await steps.deploy(env);
    assert.deepEqual(
      oc.snapshot().clusters.map((c) => [c.name, c.status]),
      [[CLUSTER, "ready"]],
    );
    await steps.destroy(env);
    assert.deepEqual(oc.snapshot().clusters, []);
  } finally {
    await oc.close();
  }
}

/** terraform init, apply (after which the L1 data source's output names the first server) and destroy in a synthesized stack. */
export function applyAndDestroy(stackDir: string, scratchDir: string, node: string): Promise<void> {
  const tf = (env: NodeJS.ProcessEnv, ...args: string[]): Promise<string> => runOk("terraform", [...args, "-input=false", "-no-color"], { cwd: stackDir, env });
  return deployAndDestroy(scratchDir, node, {
    async deploy(env) {
      await tf(env, "init");
      await tf(env, "apply", "-auto-approve");
      const output = await runOk("terraform", ["output", "-raw", "first_server"], { cwd: stackDir, env });
      assert.equal(output.trim(), "server01");
    },
    async destroy(env) {
      await tf(env, "destroy", "-auto-approve");
    },
  });
}
