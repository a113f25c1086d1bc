// The stack every benchmark builds: N clusters of one server each, through the L2 constructs,
// and the same clusters as direct API calls.
import { join } from "node:path";
import { App, LocalBackend, TerraformStack } from "cdktf";
import type { ClusterPost } from "../../src/client/api-types.js";
import type { SeedDocument } from "../../src/local-oc/index.js";
import { Cluster, OperationsCenter } from "../../constructs/index.js";

export const STACK = "bench";

/** What cluster i (1-based) of a bench stack is: one server of its own, a description, properties. */
export interface BenchCluster {
  name: string;
  server: string;
  connectionUrl: string;
  description: string;
  properties: Record<string, string>;
}

export function benchClusters(count: number): BenchCluster[] {
  const width = String(count).length;
  return Array.from({ length: count }, (_, i) => {
    const id = String(i + 1).padStart(width, "0");
    return {
      name: `bench-${id}`,
      server: `bench-server-${id}`,
      connectionUrl: `https://bench-${id}.example.test:8443`,
      description: `bench cluster ${id}`,
      properties: { team: "bench", index: id },
    };
  });
}

/** A local OC seed with exactly the servers of `clusters`, each ready and unclustered. */
export function benchSeed(clusters: readonly BenchCluster[]): SeedDocument {
  return { servers: clusters.map((c) => ({ name: c.server })) };
}

/** The POST a direct client makes for a bench cluster (the provider adds its bookkeeping properties). */
export function clusterPost(cluster: BenchCluster): ClusterPost {
  return {
    name: cluster.name,
    connection_url: cluster.connectionUrl,
    server_names: [cluster.server],
    server_type: "incus",
    description: cluster.description,
    properties: cluster.properties,
    services_config: {},
    application_seed_config: {},
  };
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
