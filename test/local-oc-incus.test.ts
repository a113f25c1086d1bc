// The local OC's Incus cluster API, on the cluster's own listener: one model under both API
// surfaces, Incus's validation and error codes, evacuation as an async operation.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import { OperationsCenterClient, OperationsCenterError } from "../src/client/index.js";
import { createSelfSignedCertificate } from "../src/local-oc/certificates.js";
import { startLocalOperationsCenter } from "../src/local-oc/index.js";

/** A cluster c1 whose application config trusts the test's client certificate; `incus` talks to its own listener. */
async function withCluster(
  fn: (incus: OperationsCenterClient, oc: Awaited<ReturnType<typeof startLocalOperationsCenter>>, api: OperationsCenterClient) => Promise<void>,
): Promise<void> {
  const oc = await startLocalOperationsCenter({ servers: 4, createDelayMs: 1 });
  const dir = mkdtempSync(path.join(tmpdir(), "local-oc-incus-"));
  const { dir: configDir } = await oc.writeClientConfig(dir);
  const api = OperationsCenterClient.fromEnvironment({ env: { OPERATIONS_CENTER_CONF: configDir } });
  const client = {
    clientCertificate: readFileSync(path.join(configDir, "client.crt"), "utf8"),
    clientKey: readFileSync(path.join(configDir, "client.key"), "utf8"),
  };
  let incus: OperationsCenterClient | undefined;
  try {
    await api.createCluster({
      name: "c1",
      connection_url: "https://192.0.2.11:8443",
      server_names: ["server01", "server02", "server03"],
      server_type: "incus",
      application_seed_config: { certificates: [{ type: "client", name: "test", certificate: client.clientCertificate }] },
    } as never);
    const endpoint = oc.incusEndpoint("c1")!;
    incus = new OperationsCenterClient({ url: endpoint.url, serverCertificate: endpoint.certificate, ...client, retries: 0 });
    await fn(incus, oc, api);
  } finally {
    await incus?.close();
    await api.close();
    await oc.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const failure = async (promise: Promise<unknown>): Promise<OperationsCenterError> => {
  try {
    await promise;
  } catch (error) {
    if (error instanceof OperationsCenterError) return error;
    throw error;
  }
  throw new Error("expected a failure");
};

test("members carry automatic and assigned roles; Incus's member rules and codes apply", async () => {
  await withCluster(async (api) => {
    const base = "/1.0/cluster/members";
    const first = (await api.request("GET", `${base}/server01`)).metadata as { roles: string[]; groups: string[]; failure_domain: string };
    assert.deepEqual(first.roles, ["database-leader", "database"]);
    assert.deepEqual(first.groups, ["default"]);
    const put = { roles: ["database", "event-hub"], failure_domain: "rack1", description: "", config: {}, groups: ["default"] };
    await api.request("PUT", `${base}/server01`, { body: put });
    assert.deepEqual(((await api.request("GET", `${base}/server01`)).metadata as { roles: string[] }).roles, ["event-hub", "database-leader", "database"]);
    assert.equal((await failure(api.request("PUT", `${base}/server01`, { body: { ...put, roles: ["event-hub"] } }))).status, 400);
    assert.equal((await failure(api.request("PUT", `${base}/server01`, { body: { ...put, groups: [] } }))).status, 400);
    assert.equal((await failure(api.request("PUT", `${base}/server01`, { body: { ...put, roles: ["database", "bogus"] } }))).status, 500);
    assert.equal((await failure(api.request("PUT", `${base}/server01`, { body: { ...put, config: { "scheduler.instance": "never" } } }))).status, 500);
    assert.equal((await failure(api.request("PUT", `${base}/server01`, { body: put, ifMatch: "stale" }))).status, 412);
  });
});

test("evacuation through Incus is an operation and shows in Operations Center; the reverse shows in Incus", async () => {
  await withCluster(async (incus, oc, api) => {
    const reply = await incus.request("POST", "/1.0/cluster/members/server03/state", { body: { action: "evacuate", mode: "stop" } });
    assert.equal(reply.status, 202);
    const id = (reply.metadata as { id: string }).id;
    const done = (await incus.request("GET", `/1.0/operations/${id}/wait`, { query: { timeout: "5" } })).metadata as { status_code: number };
    assert.equal(done.status_code, 200);
    assert.equal(oc.snapshot().servers.find((s) => s.name === "server03")!.in_maintenance, 2);
    // Incus checks the state inside the operation, which runs again: the member ends evacuated.
    const again = await incus.request("POST", "/1.0/cluster/members/server03/state", { body: { action: "evacuate" } });
    assert.equal(again.status, 202);
    await api.request("POST", "/1.0/provisioning/servers/server03/system/:restore");
    assert.equal(((await incus.request("GET", "/1.0/cluster/members/server03")).metadata as { status: string }).status, "Online");
  });
});

test("server config: validation with Incus's messages, defaults omitted, PATCH merges", async () => {
  await withCluster(async (api) => {
    const bad = await failure(api.request("PATCH", "/1.0", { body: { config: { "cluster.max_voters": "4" } } }));
    assert.equal(bad.status, 400);
    assert.match(bad.serverMessage, /^cannot set 'cluster.max_voters' to '4': Value must be an odd number/);
    await api.request("PATCH", "/1.0", { body: { config: { "cluster.max_voters": "5", "cluster.max_standby": "2" } } });
    const config = ((await api.request("GET", "/1.0")).metadata as { config: Record<string, string> }).config;
    assert.deepEqual(config, { "cluster.max_voters": "5" });
    const scriptlet = await failure(api.request("PATCH", "/1.0", { body: { config: { "instances.placement.scriptlet": "x = 1\n" } } }));
    assert.match(scriptlet.serverMessage, /instance_placement" is required/);
  });
});

test("groups: default rules, members, only empty groups are deleted (500 otherwise, as Incus)", async () => {
  await withCluster(async (api) => {
    const groups = "/1.0/cluster/groups";
    assert.equal((await failure(api.request("DELETE", `${groups}/default`))).status, 403);
    const created = await api.request("POST", groups, { body: { name: "gpu", description: "", members: ["server02"], config: {} } });
    assert.equal(created.status, 201);
    assert.equal((await failure(api.request("POST", groups, { body: { name: "gpu" } }))).status, 409);
    assert.equal((await failure(api.request("DELETE", `${groups}/gpu`))).status, 500);
    assert.equal((await failure(api.request("POST", groups, { body: { name: "x", config: { "limits.cpu": "1" } } }))).status, 400);
    await api.request("PUT", `${groups}/gpu`, { body: { description: "", members: [], config: {} } });
    await api.request("DELETE", `${groups}/gpu`);
  });
});

test("only a certificate the cluster trusts is let in: one from the application config's certificates, not one only OC trusts", async () => {
  await withCluster(async (_incus, oc, api) => {
    const pair = await createSelfSignedCertificate({ commonName: "incus admin", usage: "client" });
    const adminOf = (cluster: string) => {
      const endpoint = oc.incusEndpoint(cluster)!;
      return new OperationsCenterClient({
        url: endpoint.url,
        serverCertificate: endpoint.certificate,
        clientCertificate: pair.certificate,
        clientKey: pair.key,
        retries: 0,
      });
    };
    oc.trustClientCertificate(pair.certificate);
    const c1 = adminOf("c1");
    try {
      assert.equal((await failure(c1.request("GET", "/1.0/cluster/members"))).status, 403, "OC's trust does not reach the cluster");
      await api.createCluster({
        name: "c2",
        connection_url: "https://192.0.2.14:8443",
        server_names: ["server04"],
        server_type: "incus",
        application_seed_config: { certificates: [{ type: "client", name: "admin", certificate: pair.certificate }] },
      } as never);
      const c2 = adminOf("c2");
      try {
        assert.equal((await c2.request("GET", "/1.0/cluster/members")).status, 200);
      } finally {
        await c2.close();
      }
      assert.equal((await failure(c1.request("GET", "/1.0/cluster/members"))).status, 403, "trust is per cluster");
    } finally {
      await c1.close();
    }
  });
});
