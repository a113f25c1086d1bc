// The local Operations Center started from a seed document: the seed's templates, clusters,
// updates, warnings and inventory, realistic server documents, and the errors a bad seed gives.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { certificateFingerprint } from "../src/local-oc/certificates.js";
import { SeedError, startLocalOperationsCenter } from "../src/local-oc/index.js";
import { FLEET_SEED } from "./fixtures/local-oc/fleet-seed.js";
import { z } from "zod";
import { clusterOf, metadataOf, namedOf, namesOf, suiteHarness, type Reply } from "./fixtures/local-oc/helpers.js";

const C = "/1.0/provisioning/clusters";
const S = "/1.0/provisioning/servers";

const versions = (reply: Reply) => metadataOf(reply, z.array(z.looseObject({ version: z.string() }))).map((u) => u.version);

/** What the server document test reads of a server beyond the client's schema. */
const serverDocument = z.looseObject({
  certificate: z.string(),
  fingerprint: z.string(),
  machine_id: z.string(),
  bmc_config: z.looseObject({ endpoint: z.string() }),
  bmc_data: z.looseObject({ server_serial_number: z.string() }),
  hardware_data: z.looseObject({ system: z.looseObject({ serial: z.string() }), cpu: z.looseObject({ total: z.number() }) }),
  os_data: z.looseObject({
    storage: z.looseObject({ state: z.looseObject({ drives: z.array(z.looseObject({ boot: z.boolean() })) }) }),
    security: z.looseObject({ state: z.looseObject({ tpm_status: z.string() }) }),
  }),
});

describe("local OC: seeding and server documents", () => {
  const h = suiteHarness({ seed: FLEET_SEED });

  it("creates the seed's templates and clusters through the API, with stable and the servers' update", async () => {
    const prod = clusterOf(await h.call("GET", `${C}/prod`));
    assert.equal(prod.status, "ready");
    assert.deepEqual(h.oc.snapshot().clusters[0]!.members, ["server01", "server02"]);
    assert.equal((await h.call("GET", "/1.0/provisioning/cluster-templates/edge")).status, 200);
    assert.deepEqual(namesOf(await h.call("GET", "/1.0/provisioning/channels")), ["/1.0/provisioning/channels/stable"]);
    assert.deepEqual(versions(await h.call("GET", "/1.0/provisioning/updates?recursion=1")), ["202608200115"]);
  });

  it("DELETE of the updates removes them all; a refresh fetches again the release the servers run", async () => {
    assert.equal((await h.call("DELETE", "/1.0/provisioning/updates")).status, 200);
    assert.deepEqual(namesOf(await h.call("GET", "/1.0/provisioning/updates")), []);
    const refresh = await h.call("POST", "/1.0/provisioning/updates/:refresh");
    assert.equal(refresh.status, 202);
    assert.equal(refresh.json!.type, "async");
    assert.deepEqual(versions(await h.call("GET", "/1.0/provisioning/updates?recursion=1")), ["202608200115"]);
  });

  it("a server has its certificate, fingerprint, machine ID, BMC and hardware", async () => {
    const s = metadataOf(await h.call("GET", `${S}/server01`), serverDocument);
    assert.match(s.certificate, /^-----BEGIN CERTIFICATE-----/);
    assert.equal(s.fingerprint, certificateFingerprint(s.certificate));
    assert.match(s.machine_id, /^[0-9a-f]{32}$/);
    assert.equal(s.bmc_config.endpoint, "https://192.0.2.201");
    assert.equal(s.bmc_data.server_serial_number, s.hardware_data.system.serial);
    assert.equal(s.hardware_data.cpu.total, 32);
    assert.equal(s.os_data.storage.state.drives[0]?.boot, true);
    assert.equal(s.os_data.security.state.tpm_status, "ok");
  });

  it("the BMC password reaches the API but never the request log", async () => {
    const put = await h.call("PUT", `${S}/server03`, {
      public_connection_url: "",
      description: "",
      properties: {},
      channel: "stable",
      bmc_config: { endpoint: "https://192.0.2.203", username: "root", password: "other-SECRET" },
    });
    assert.equal(put.status, 200, put.text);
    const bmc = z.looseObject({ bmc_config: z.looseObject({ password: z.string() }) });
    assert.equal(metadataOf(await h.call("GET", `${S}/server03`), bmc).bmc_config.password, "other-SECRET");
    const log = await h.call("GET", "/local-oc/requests");
    assert.ok(!log.text.includes("other-SECRET"));
  });

  it("an offline server raises a warning, which can be acknowledged", async () => {
    const warning = z.looseObject({ uuid: z.string(), type: z.string(), status: z.string(), scope: z.looseObject({ entity: z.string() }) });
    const warnings = metadataOf(await h.call("GET", "/1.0/warnings"), z.array(warning));
    assert.equal(warnings.length, 1);
    const offline = warnings[0]!;
    assert.equal(offline.type, "Server unreachable");
    assert.equal(offline.scope.entity, "server04");
    const put = await h.call("PUT", `/1.0/warnings/${offline.uuid}`, { status: "acknowledged" });
    assert.equal(put.status, 201);
    assert.equal(metadataOf(await h.call("GET", `/1.0/warnings/${offline.uuid}`), warning).status, "acknowledged");
    assert.equal((await h.call("PUT", `/1.0/warnings/${offline.uuid}`, { status: "gone" })).status, 400);
  });

  it("inventory is derived from the clusters and filtered by cluster and server", async () => {
    const volumes = namedOf(await h.call("GET", "/1.0/inventory/storage_volumes?recursion=1&server=server02"));
    assert.deepEqual(volumes.map((v) => v.name).sort(), ["backups", "images", "logs"]);
    const network = z.looseObject({ uuid: z.string(), name: z.string(), cluster: z.string(), object: z.looseObject({ type: z.string() }) });
    const networks = metadataOf(await h.call("GET", "/1.0/inventory/networks?recursion=1"), z.array(network));
    assert.deepEqual(
      networks.map((n) => `${n.cluster}/${n.name}`),
      ["prod/uplink"],
    );
    assert.deepEqual(namesOf(await h.call("GET", "/1.0/inventory/projects?cluster=other")), []);
    const one = await h.call("GET", `/1.0/inventory/networks/${networks[0]!.uuid}`);
    assert.equal(metadataOf(one, network).object.type, "physical");
    assert.equal((await h.call("GET", "/1.0/inventory/networks/not-a-uuid")).json!.error, "Bad Request: invalid UUID length: 10");
    const row = z.looseObject({ cluster: z.string(), profiles: z.array(z.unknown()), storage_volumes: z.array(z.unknown()) });
    const query = metadataOf(await h.call("GET", "/1.0/inventory/query?kind=profiles"), z.array(row));
    assert.equal(query[0]?.cluster, "prod");
    assert.equal(query[0]?.profiles.length, 1);
    assert.deepEqual(query[0]?.storage_volumes, []);
  });
});

describe("local OC: seed errors", () => {
  it("a cluster naming an unknown server or template is reported against the seed field", async () => {
    await assert.rejects(
      startLocalOperationsCenter({ seed: { servers: [{ name: "a" }], clusters: [{ name: "k", server_names: ["a", "ghost"], cluster_template: "none" }] } }),
      (err: Error) => {
        assert.ok(err instanceof SeedError);
        assert.match(err.message, /clusters\.0\.server_names\.1: no server "ghost" in servers/);
        assert.match(err.message, /clusters\.0\.cluster_template: no template "none" in templates/);
        return true;
      },
    );
  });

  it("a cluster the create route refuses fails the start with OC's reason", async () => {
    await assert.rejects(
      startLocalOperationsCenter({ seed: { servers: [{ name: "a", status: "pending" }], clusters: [{ name: "k", server_names: ["a"] }] } }),
      /invalid seed document:\n {2}clusters\.0: Failed creating cluster: Server "a" is not in ready state/,
    );
  });
});
