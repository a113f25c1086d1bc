// The stack every benchmark builds: N clusters of one server each (calls.ts), through the L2
// constructs, and the local OC seed with their servers.
import { join } from "node:path";
import { App, LocalBackend, TerraformStack } from "cdktf";
import type { SeedDocument } from "../../src/local-oc/index.js";
import { Cluster, OperationsCenter } from "../../constructs/index.js";
import type { BenchCluster } from "./calls.js";

export const STACK = "bench";

/** A local OC seed with exactly the servers of `clusters`, each ready and unclustered. */
export function benchSeed(clusters: readonly BenchCluster[]): SeedDocument {
  return { servers: clusters.map((c) => ({ name: c.server })) };
}

/** Builds the constructs of a bench stack, without synthesizing it. */
export function buildStack(outdir: string, clusters: readonly BenchCluster[]): App {
  const app = new App({ outdir, skipValidation: true });
  const stack = new TerraformStack(app, STACK);
  new LocalBackend(stack, { path: "terraform.tfstate" });
  new OperationsCenter(stack, "oc");
  for (const c of clusters) {
    new Cluster(stack, c.name, {
      name: c.name,
      servers: [c.server],
      connectionUrl: c.connectionUrl,
      description: c.description,
      properties: c.properties,
      deletionPolicy: "forget",
    });
  }
  return app;
}

export function stackDirectory(outdir: string): string {
  return join(outdir, "stacks", STACK);
}
