// The provider against what the real Operations Center does and the local OC's defaults did not
// show: a server it changed stays pending until a poll (:resync), a removal after an `auto`
// evacuation is refused while instances or custom volumes stay, and create needs a
// management-role address. Scripted replies where the local OC cannot produce the answer.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { ServerResponse } from "node:http";
import type { InventoryInstance, InventoryStoragePool, InventoryStorageVolume } from "../src/client/api-types.js";
import { OperationsCenterClient } from "../src/client/client.js";
import type { SeedDocument } from "../src/local-oc/index.js";
import { createProviderClient, type ProviderClient } from "../src/provider/client.js";
import type { Diagnostic } from "../src/provider/plugin/types.js";
import { removalBlockers, staysOnEvacuation } from "../src/provider/resources/cluster/removal.js";
import { resyncUntilReady } from "../src/provider/resources/server-ready.js";
import { sendError, sendSync, serverCertificate, startTestServer, type RecordedRequest, type TestServer } from "./fixtures/client/server.js";
import { capabilities, config, resource, withCluster } from "./fixtures/provider/cluster.js";

const SERVERS = "/1.0/provisioning/servers";

/** server01 with a management-role address; server02 with a cluster-role one only. */
function managementSeed(): SeedDocument {
  const eth0 = (roles: string[], address: string) => ({ name: "eth0", roles, addresses: [address], vlan_tags: [] });
  return {
    servers: [
      { name: "server01", interfaces: [eth0(["management", "cluster"], "192.0.2.11/24")] },
      { name: "server02", interfaces: [eth0(["cluster"], "192.0.2.12/24")] },
    ],
  } as unknown as SeedDocument;
}

function instance(name: string, server: string, devices: Record<string, Record<string, string>>, config: Record<string, string> = {}): InventoryInstance {
  return {
    name,
    cluster: "alpha",
    server,
    project_name: "default",
    object: { type: "container", status: "Running", expanded_config: config, expanded_devices: devices },
  };
}
const root = { root: { type: "disk", path: "/", pool: "local" } };
const pools: InventoryStoragePool[] = [
  { name: "local", cluster: "alpha", object: { driver: "zfs" } },
  { name: "shared", cluster: "alpha", object: { driver: "ceph" } },
];
const drivers = new Map(pools.map((p) => [p.name, p.object.driver]));
function volume(name: string, server: string, type = "custom", pool = "local"): InventoryStorageVolume {
  return { name, type, cluster: "alpha", server, project_name: "default", parent_name: pool };
}

describe("what an auto evacuation leaves on a member (Incus canMigrate)", () => {
  test("a root disk on a local pool migrates; a data disk on a local pool, a host path or a device that cannot migrate keeps the instance", () => {
    assert.equal(staysOnEvacuation(instance("web", "server02", { ...root, eth0: { type: "nic", network: "incusbr0" } }), drivers), undefined);
    assert.equal(
      staysOnEvacuation(instance("db", "server02", { ...root, data: { type: "disk", path: "/srv", pool: "shared", source: "db" } }), drivers),
      undefined,
    );
    assert.match(
      staysOnEvacuation(instance("db", "server02", { ...root, data: { type: "disk", path: "/srv", pool: "local", source: "db" } }), drivers)!,
      /disk "data" is on the zfs pool "local"/,
    );
    assert.match(
      staysOnEvacuation(instance("h", "server02", { ...root, logs: { type: "disk", path: "/logs", source: "/var/log" } }), drivers)!,
      /host path \/var\/log/,
    );
    assert.match(staysOnEvacuation(instance("g", "server02", { ...root, gpu: { type: "gpu" } }), drivers)!, /gpu device "gpu" cannot migrate/);
    assert.match(
      staysOnEvacuation(instance("n", "server02", { ...root, eth0: { type: "nic", nictype: "macvlan", parent: "eth0" } }), drivers)!,
      /nic "eth0" \(macvlan\) is not on a managed network/,
    );
    assert.equal(staysOnEvacuation(instance("c", "server02", { ...root, cfg: { type: "disk", source: "cloud-init:config" } }), drivers), undefined);
  });

  test("cluster.evacuate decides over the devices: stop stays, migrate moves", () => {
    assert.equal(staysOnEvacuation(instance("s", "server02", root, { "cluster.evacuate": "stop" }), drivers), "cluster.evacuate is stop");
    assert.equal(staysOnEvacuation(instance("m", "server02", { ...root, gpu: { type: "gpu" } }, { "cluster.evacuate": "migrate" }), drivers), undefined);
  });

  test("removal blockers: instances that stay, custom volumes other than Operations Center's own, images no remaining member holds; only the member's", () => {
    const inventory = {
      images: [
        { name: "alpine", cluster: "alpha", project_name: "default", object: { locations: ["server02"] } },
        { name: "debian", cluster: "alpha", project_name: "default", object: { locations: ["server02", "server03"] } },
      ],
      removed: ["server02"],
      instances: [
        instance("web", "server02", root),
        instance("db", "server02", { ...root, data: { type: "disk", path: "/srv", pool: "local", source: "db" } }),
        instance("other", "server03", { gpu: { type: "gpu" } }),
      ],
      volumes: [
        volume("backups", "server02"),
        volume("images", "server02"),
        volume("logs", "server02"),
        volume("db", "server02"),
        volume("web", "server02", "container"),
        volume("shared-data", "", "custom", "shared"),
      ],
      pools,
    };
    assert.deepEqual(removalBlockers("server02", inventory, false), [
      'instance default/db stays on server02 (disk "data" is on the zfs pool "local", local to the member)',
      'custom volume default/db on pool "local" stays on server02',
      "image default/alpine is only on server02, which is being removed",
    ]);
    assert.deepEqual(removalBlockers("server02", inventory, true).slice(0, 2), [
      "instance default/web stays on server02 (it was not moved when the member was evacuated)",
      "instance default/db stays on server02 (it was not moved when the member was evacuated)",
    ]);
    assert.deepEqual(removalBlockers("server04", inventory, false), []);
  });
});

describe("against a scripted Operations Center", () => {
  let server: TestServer;
  let pem: string;
  const clients: OperationsCenterClient[] = [];
  before(async () => {
    const pair = await serverCertificate();
    pem = pair.certificate;
    server = await startTestServer(pair);
  });
  after(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await server.close();
  });
  const providerClient = (serverReadyTimeoutMs = 10_000): ProviderClient => {
    const api = new OperationsCenterClient({ url: server.url, serverCertificate: pem, retries: 0 });
    clients.push(api);
    return createProviderClient({ api, digestKey: Buffer.alloc(32, 1), evacuationPollMs: 1, serverReadyTimeoutMs });
  };
  const serverDoc = (name: string, status: string, detail = "") => ({ name, server_type: "incus", server_status: status, server_status_detail: detail });
  const calls = () => server.requests.map((r) => `${r.method} ${r.url}`);
  const script = (routes: Record<string, (request: RecordedRequest, response: ServerResponse) => void>) => {
    server.requests.length = 0;
    server.setHandler((request, response) => {
      const route = routes[`${request.method} ${request.url.split("?")[0]}`];
      if (route === undefined) sendError(response, 404, "not found");
      else route(request, response);
    });
  };

  test("a server pending after a network change: :resync until Operations Center's poll succeeds and reports it ready, saying what it waits for", async () => {
    let polls = 0;
    script({
      [`POST ${SERVERS}/server04/:resync`]: (_q, r) =>
        ++polls < 3 ? sendError(r, 500, 'Failed to resync server "server04": still pending: connection refused') : sendSync(r, null),
      [`GET ${SERVERS}/server04`]: (_q, r) => sendSync(r, polls < 3 ? serverDoc("server04", "pending", "re-configuring") : serverDoc("server04", "ready")),
    });
    const lines: string[] = [];
    await resyncUntilReady(providerClient(), { info: (l) => lines.push(l), warn() {}, debug() {} }, "server04", "its VLAN tags were set");
    assert.deepEqual(calls(), [
      `POST ${SERVERS}/server04/:resync`,
      `GET ${SERVERS}/server04`,
      `POST ${SERVERS}/server04/:resync`,
      `GET ${SERVERS}/server04`,
      `POST ${SERVERS}/server04/:resync`,
      `GET ${SERVERS}/server04`,
    ]);
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /server server04 is pending \(re-configuring\) after its VLAN tags were set; waiting until Operations Center reports it ready/);
  });

  test("a server that stays pending: a bounded wait, then an error naming the server, its status and the last poll's failure", async () => {
    script({
      [`POST ${SERVERS}/server04/:resync`]: (_q, r) => sendError(r, 500, "still pending: no route to host"),
      [`GET ${SERVERS}/server04`]: (_q, r) => sendSync(r, serverDoc("server04", "pending", "re-configuring")),
    });
    const silent = { info() {}, warn() {}, debug() {} };
    await assert.rejects(resyncUntilReady(providerClient(5), silent, "server04", "its VLAN tags were set"), (error: Error) => {
      assert.match(error.message, /server "server04" is still pending \(re-configuring\) 0 s after its VLAN tags were set/);
      assert.match(error.message, /admits only ready servers/);
      assert.match(error.message, /still pending: no route to host/);
      return true;
    });
    assert.ok(calls().length <= 2 * 7, `bounded: ${calls().length} calls`);
  });

  test("removing a member that keeps an instance after evacuation fails at plan, naming the member and the instance", async () => {
    script({
      "GET /1.0/inventory/storage_pools": (_q, r) => sendSync(r, pools),
      "GET /1.0/inventory/instances": (q, r) =>
        sendSync(
          r,
          new URL(q.url, "https://x").searchParams.get("server") === "server02"
            ? [instance("db", "server02", { ...root, data: { type: "disk", path: "/srv", pool: "local", source: "db" } })]
            : [],
        ),
      "GET /1.0/inventory/storage_volumes": (_q, r) => sendSync(r, []),
      "GET /1.0/inventory/images": (_q, r) => sendSync(r, []),
      [`GET ${SERVERS}/server02`]: (_q, r) => sendSync(r, serverDoc("server02", "ready")),
    });
    const prior = {
      ...config({ servers: ["server01", "server02", "server03"] }),
      id: "alpha",
      members: ["server01", "server02", "server03"],
      status: "ready",
      properties_all: {},
    };
    const proposed = { ...prior, servers: ["server01", "server03"] };
    const plan = await resource.plan(
      { prior, proposed, config: config({ servers: ["server01", "server03"] }), priorPrivate: new Uint8Array(), capabilities },
      { client: providerClient(), log: { info() {}, warn() {}, debug() {} }, signal: new AbortController().signal },
    );
    const errors = (plan.diagnostics ?? []).filter((d: Diagnostic) => d.severity === "error");
    assert.equal(errors.length, 1);
    assert.equal(errors[0]!.summary, 'Operations Center will refuse to remove server02 from cluster "alpha"');
    assert.match(errors[0]!.detail!, /instance default\/db stays on server02 \(disk "data" is on the zfs pool "local"/);
    assert.deepEqual(errors[0]!.path, ["servers"]);
    const warning = (plan.diagnostics ?? []).find((d) => d.severity === "warning")!;
    assert.match(warning.detail!, /mode auto.*instances that cannot .* are stopped/s);
    assert.ok(!warning.detail!.includes("instances move to other members"));
    assert.deepEqual(
      calls().filter((c) => !c.startsWith("GET ")),
      [],
      "plan changes nothing",
    );
  });
});

test("create refuses a server without a management-role address before any change, naming it and the fix", () =>
  withCluster(
    async (t) => {
      await t.calls();
      const result = await t.converge(null, config({ servers: ["server01", "server02"] }));
      const error = result.diagnostics.find((d) => d.severity === "error")!;
      assert.equal(error.summary, 'Operations Center would refuse to create cluster "alpha"');
      assert.match(error.detail!, /server "server02" has no address on a network interface with the management role.*"management" role/s);
      assert.ok(!error.detail!.includes("server01"), error.detail);
      assert.deepEqual(await t.calls(), []);
    },
    { seed: managementSeed() },
  ));
