// The local Operations Center's control endpoints under /local-oc/: health without trust,
// snapshot and restore, reset to the seeded start, and pending registrations completed on request.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { FLEET_SEED } from "./fixtures/local-oc/fleet-seed.js";
import { z } from "zod";
import { clusterOf, metadataOf, namedOf, objectOf, serverOf, testHarness } from "./fixtures/local-oc/helpers.js";

const C = "/1.0/provisioning/clusters";
const S = "/1.0/provisioning/servers";

describe("local OC: health, reset, snapshot and restore", () => {
  // Each test gets its own: they change trust or the whole model.
  const h = testHarness({ seed: FLEET_SEED, reregisterDelayMs: 3_600_000 });

  it("health answers without a client certificate", async () => {
    const r = await h.call("GET", "/local-oc/health", undefined, { auth: false });
    assert.equal(r.status, 200);
    const health = metadataOf(r, z.looseObject({ status: z.string(), servers: z.number() }));
    assert.equal(health.status, "ok");
    assert.equal(health.servers, 4);
    assert.equal((await h.call("GET", "/local-oc/snapshot", undefined, { auth: false })).status, 401);
  });

  it("a snapshot restores the model; an invalid one is refused with its fields and changes nothing", async () => {
    const snapshot = objectOf(await h.call("GET", "/local-oc/snapshot"));
    assert.equal((await h.call("DELETE", `${C}/prod?mode=force`)).status, 200);
    assert.equal((await h.call("GET", `${C}/prod`)).status, 404);
    const broken = await h.call("PUT", "/local-oc/snapshot", { ...snapshot, servers: [{ name: 3 }] });
    assert.equal(broken.status, 400);
    assert.match(broken.json!.error, /^Bad Request: invalid snapshot: servers\.0\.id: .*; servers\.0\.name: /);
    assert.equal((await h.call("GET", `${C}/prod`)).status, 404);
    assert.equal((await h.call("PUT", "/local-oc/snapshot", snapshot)).status, 200);
    assert.equal(clusterOf(await h.call("GET", `${C}/prod`)).status, "ready");
    assert.equal((await h.call("GET", `${S}/server01`)).status, 200);
  });

  it("reset goes back to the seeded start and keeps trust", async () => {
    await h.call("POST", "/1.0/provisioning/cluster-templates", {
      name: "extra",
      description: "",
      service_config_template: "",
      application_config_template: "",
      variables: {},
    });
    await h.call("DELETE", `${C}/prod?mode=factory-reset`);
    assert.deepEqual(
      namedOf(await h.call("GET", "/local-oc/pending-registrations")).map((p) => p.name),
      ["server01", "server02"],
    );
    assert.equal((await h.call("POST", "/local-oc/reset")).status, 200);
    assert.equal((await h.call("GET", "/1.0/provisioning/cluster-templates/extra")).status, 404);
    assert.equal(clusterOf(await h.call("GET", `${C}/prod`)).status, "ready");
    assert.deepEqual((await h.call("GET", "/local-oc/pending-registrations")).json!.metadata, []);
  });

  it("pending registrations complete on request", async () => {
    await h.call("DELETE", `${C}/prod?mode=factory-reset`);
    const r = await h.call("POST", "/local-oc/pending-registrations/:register");
    assert.deepEqual(r.json!.metadata, ["server01", "server02"]);
    assert.equal(serverOf(await h.call("GET", `${S}/server01`)).cluster, "");
  });
});
