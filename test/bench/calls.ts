// What the bench creates and the API calls a direct client makes for it. Kept apart from the
// constructs and the local OC so the direct-calls script (direct-calls-main.ts) loads only the
// client, as a user's own script would.
import type { ClusterPost } from "../../src/client/api-types.js";
import { OperationsCenterClient } from "../../src/client/index.js";

/** Terraform's default -parallelism; the direct calls use the same number of workers. */
export const PARALLELISM = 10;

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

/** Runs `task` on every item with at most `workers` at a time. */
export async function pool<T>(items: readonly T[], workers: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await task(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(workers, items.length) }, worker));
}

/** How a direct run creates one cluster. */
export type CreateCalls = (client: OperationsCenterClient, cluster: BenchCluster) => Promise<void>;

/** The brief's reference: the POST and one GET. */
export const minimalCalls: CreateCalls = async (client, cluster) => {
  await client.createCluster(clusterPost(cluster));
  await client.getCluster(cluster.name);
};

/** The bench's client for the local OC whose CLI configuration is in `configDir`. */
export function benchClient(configDir: string): OperationsCenterClient {
  return OperationsCenterClient.fromEnvironment({ configDir, env: {}, overrides: { maxConcurrency: PARALLELISM } });
}

/** Creates every cluster with `calls`, PARALLELISM at a time, as terraform's default would. */
export function createAll(client: OperationsCenterClient, clusters: readonly BenchCluster[], calls: CreateCalls): Promise<void> {
  return pool(clusters, PARALLELISM, (cluster) => calls(client, cluster));
}
