// The operationscenter_servers and operationscenter_cluster data sources against a seeded local
// Operations Center: what they return, the requests they make, and their errors.
import assert from "node:assert/strict";
import { test } from "node:test";
import { OperationsCenterClient } from "../src/client/client.js";
import { createProviderClient, type ProviderClient } from "../src/provider/client.js";
import { clusterDataSource } from "../src/provider/data-sources/cluster.js";
import { serversDataSource } from "../src/provider/data-sources/servers.js";
import { DiagnosticError, UNKNOWN, type CallContext, type ObjectValue, type Value } from "../src/provider/plugin/types.js";
import { startHarness, type Harness } from "./fixtures/local-oc/helpers.js";

const capabilities = { writeOnlyAttributesAllowed: true, deferralAllowed: false };

const seed = {
  servers: [
    { name: "node2" },
    { name: "node1", description: "rack 1" },
    { name: "node3" },
    { name: "pending1", status: "pending" as const },
    { name: "off1", status: "offline" as const },
  ],
};

interface Fixture {
  h: Harness;
  context: CallContext<ProviderClient>;
  other: OperationsCenterClient;
}

/** One local OC for a test, with cluster "alpha" made of node1 and node2. */
async function withFleet(fn: (f: Fixture) => Promise<void>): Promise<void> {
  const h = await startHarness({ seed });
  try {
    const client = (): OperationsCenterClient => OperationsCenterClient.fromEnvironment({ configDir: h.configDir, env: {}, overrides: { retries: 0 } });
    const other = client();
    await other.createCluster({
      name: "alpha",
      connection_url: "https://alpha.example.test:8443",
      server_names: ["node2", "node1"],
      server_type: "incus",
      description: "first cluster",
      properties: { team: "storage" },
    });
    await h.call("DELETE", "/local-oc/requests");
    const context: CallContext<ProviderClient> = {
      client: createProviderClient({ api: client(), digestKey: undefined }),
      log: { info() {}, warn() {}, debug() {} },
      signal: new AbortController().signal,
    };
    await fn({ h, context, other });
  } finally {
    await h.close();
  }
}

async function requests(h: Harness): Promise<string[]> {
  const reply = await h.call("GET", "/local-oc/requests");
  const entries = reply.json!.metadata as { method: string; path: string; query: Record<string, string>; status: number }[];
  return entries
    .filter((e) => !e.path.startsWith("/local-oc/"))
    .map((e) => {
      const query = new URLSearchParams(e.query).toString();
      return `${e.method} ${e.path}${query === "" ? "" : `?${query}`} ${e.status}`;
    });
}

const servers = (filter: Value = null, status: Value = null): ObjectValue => ({
  id: null,
  filter,
  status,
  names: null,
  servers: null,
});

/** Asserts that `read` fails with exactly one error diagnostic on `path`, whose summary and detail match. */
async function failsOn(read: Promise<unknown>, path: readonly unknown[], summary: RegExp, detail: RegExp): Promise<void> {
  await assert.rejects(read, (error: unknown) => {
    assert.ok(error instanceof DiagnosticError, String(error));
    assert.equal(error.diagnostics.length, 1);
    const [diagnostic] = error.diagnostics;
    assert.deepEqual(diagnostic!.path, path);
    assert.match(diagnostic!.summary, summary);
    assert.match(diagnostic!.detail ?? "", detail);
    return true;
  });
}

test("servers: every registered server, sorted by name, with its cluster, type, status, channel, URL and description", async () => {
  await withFleet(async ({ h, context, other }) => {
    const { state } = await serversDataSource.read(servers(), context);
    assert.deepEqual(await requests(h), ["GET /1.0/provisioning/servers?recursion=1 200"]);
    assert.deepEqual(state.names, ["node1", "node2", "node3", "off1", "pending1"]);
    const node1 = await other.getServer("node1");
    const list = state.servers as ObjectValue[];
    assert.deepEqual(list[0], {
      name: "node1",
      cluster: "alpha",
      server_type: "incus",
      server_status: "ready",
      channel: "stable",
      connection_url: node1.server.connection_url,
      description: "rack 1",
    });
    assert.equal(list[2]!.cluster, "", 'an unclustered server has cluster ""');
    assert.deepEqual(
      list.map((s) => s.server_status),
      ["ready", "ready", "ready", "offline", "pending"],
    );
  });
});

test("servers: filter is Operations Center's expression, sent as ?filter=; status narrows the result here", async () => {
  await withFleet(async ({ h, context }) => {
    const unclustered = await serversDataSource.read(servers("cluster == nil"), context);
    assert.deepEqual(unclustered.state.names, ["node3", "off1", "pending1"]);
    assert.deepEqual(await requests(h), ["GET /1.0/provisioning/servers?recursion=1&filter=cluster+%3D%3D+nil 200"]);

    const ready = await serversDataSource.read(servers("cluster == nil", "ready"), context);
    assert.deepEqual(ready.state.names, ["node3"]);
    assert.deepEqual(
      (ready.state.servers as ObjectValue[]).map((s) => s.name),
      ["node3"],
    );
    assert.equal(ready.state.filter, "cluster == nil");
    assert.equal(ready.state.status, "ready");

    const none = await serversDataSource.read(servers(null, "unregistered"), context);
    assert.deepEqual(none.state.names, []);
    assert.deepEqual(none.state.servers, []);
  });
});

test('servers: cluster == "" (which Operations Center answers with []) is refused before any call, naming cluster == nil', async () => {
  await withFleet(async ({ h, context }) => {
    // What the server answers: nothing, because cluster is nil (not "") for an unclustered server.
    const empty = await serversDataSource.read(servers('cluster == ""'), context);
    assert.deepEqual(empty.state.names, []);
    const before = (await requests(h)).length;
    for (const filter of ['cluster == ""', "status == 'ready' && cluster != ''"]) {
      const problems = await serversDataSource.validate!({ config: servers(filter), capabilities });
      assert.equal(problems.length, 1, filter);
      assert.equal(problems[0]!.summary, 'filter: cluster is nil for an unclustered server, never ""');
      assert.match(problems[0]!.detail!, /Write cluster == nil \(or cluster != nil\)/);
      assert.deepEqual(problems[0]!.path, ["filter"]);
    }
    for (const filter of ["cluster == nil", 'properties.cluster == ""', 'cluster_connection_url == ""']) {
      assert.deepEqual(await serversDataSource.validate!({ config: servers(filter), capabilities }), [], filter);
    }
    assert.equal((await requests(h)).length, before, "validation made a call");
  });
});

test("servers: id is a digest of the query, the same for the same query and different for another", async () => {
  await withFleet(async ({ context }) => {
    const a = await serversDataSource.read(servers("cluster == nil", "ready"), context);
    const b = await serversDataSource.read(servers("cluster == nil", "ready"), context);
    const c = await serversDataSource.read(servers("cluster == nil"), context);
    assert.match(a.state.id as string, /^[0-9a-f]{64}$/);
    assert.equal(a.state.id, b.state.id);
    assert.notEqual(a.state.id, c.state.id);
  });
});

test("servers: an unknown status is a validation error on status listing the statuses; an unknown one waits", async () => {
  const diagnostics = await serversDataSource.validate!({ config: servers(null, "up"), capabilities });
  assert.equal(diagnostics.length, 1);
  assert.deepEqual(diagnostics[0]!.path, ["status"]);
  assert.match(diagnostics[0]!.summary, /"up" is not a server status/);
  assert.match(diagnostics[0]!.detail!, /unknown, unregistered, pending, ready, offline/);
  assert.deepEqual(await serversDataSource.validate!({ config: servers(null, UNKNOWN), capabilities }), []);
});

test("servers: a filter Operations Center cannot compile is an error on filter with the server's message", async () => {
  await withFleet(async ({ context }) => {
    await failsOn(
      serversDataSource.read(servers("cluster ==="), context),
      ["filter"],
      /Cannot list the servers matching the filter "cluster ==="/,
      /400 .*filter/i,
    );
  });
});

const cluster = (name: string): ObjectValue => ({
  name,
  id: null,
  certificate: null,
  fingerprint: null,
  status: null,
  channel: null,
  connection_url: null,
  description: null,
  properties: null,
  members: null,
});

test("cluster: the live cluster with its certificate, fingerprint, status, properties and sorted members", async () => {
  await withFleet(async ({ h, context, other }) => {
    const { state } = await clusterDataSource.read(cluster("alpha"), context);
    assert.deepEqual(await requests(h), ["GET /1.0/provisioning/clusters/alpha 200", "GET /1.0/provisioning/servers?recursion=1&cluster=alpha 200"]);
    const { cluster: live } = await other.getCluster("alpha");
    assert.match(live.certificate, /BEGIN CERTIFICATE/);
    assert.deepEqual(state, {
      name: "alpha",
      id: "alpha",
      certificate: live.certificate,
      fingerprint: live.fingerprint,
      status: "ready",
      channel: "stable",
      connection_url: "https://alpha.example.test:8443",
      description: "first cluster",
      properties: live.properties,
      members: ["node1", "node2"],
    });
    assert.equal((state.properties as ObjectValue).team, "storage");
  });
});

test("cluster: a cluster Operations Center does not know is an error on name that names it", async () => {
  await withFleet(async ({ context }) => {
    await failsOn(
      clusterDataSource.read(cluster("Alpha"), context),
      ["name"],
      /^Cluster "Alpha" does not exist in Operations Center at https:\/\/127\.0\.0\.1:\d+/,
      /case-sensitive/,
    );
  });
});

test("cluster: a name Operations Center could never hold is a validation error on name", async () => {
  const diagnostics = await clusterDataSource.validate!({ config: cluster("a|b"), capabilities });
  assert.deepEqual(diagnostics[0]!.path, ["name"]);
  assert.match(diagnostics[0]!.summary, /contains "\|"/);
});
