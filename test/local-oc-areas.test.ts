// The local Operations Center's areas beyond clusters and templates: token registration, trust
// through /1.0/system/security, channels, the update control loop, warnings, inventory, the OS
// view and unauthenticated routes, realistic server documents, seeding, and the LocalStack-style
// control endpoints (health, reset, snapshot/restore).
import { describe, it, before, after, beforeEach, afterEach } from "node:test";
import assert from "node:assert/strict";
import { createSelfSignedCertificate, certificateFingerprint } from "../src/local-oc/certificates.js";
import { SeedError, startLocalOperationsCenter, type SeedDocument } from "../src/local-oc/index.js";
import { clusterPost, rawCall, startHarness, type Harness } from "./fixtures/local-oc/helpers.js";

const C = "/1.0/provisioning/clusters";
const S = "/1.0/provisioning/servers";
const TOKENS = "/1.0/provisioning/tokens";

const SEED: SeedDocument = {
  servers: [
    { name: "server01", bmc: { endpoint: "https://192.0.2.201", username: "admin", password: "bmc-SECRET" } },
    { name: "server02" },
    { name: "server03" },
    { name: "server04", status: "offline" },
  ],
  templates: [{ name: "edge", service_config_template: "lvm:\n  enabled: @LVM@\n", variables: { LVM: { description: "", default: "true" } } }],
  clusters: [{ name: "prod", server_names: ["server01", "server02"], application_seed_config: { networks: [{ name: "uplink", type: "physical", config: {} }] } }],
  tokens: [{ uuid: "5d3b1f4e-1111-4000-8000-00000000abcd", uses_remaining: 1, description: "rack 4" }],
};

describe("local OC: seeding and server documents", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ seed: SEED });
  });
  after(() => h.close());

  it("creates the seed's templates and clusters through the API, with stable and the servers' update", async () => {
    const prod = (await h.call("GET", `${C}/prod`)).json!.metadata;
    assert.equal(prod.status, "ready");
    assert.deepEqual(h.oc.snapshot().clusters[0]!.members, ["server01", "server02"]);
    assert.equal((await h.call("GET", "/1.0/provisioning/cluster-templates/edge")).status, 200);
    assert.deepEqual((await h.call("GET", "/1.0/provisioning/channels")).json!.metadata, ["/1.0/provisioning/channels/stable"]);
    const updates = (await h.call("GET", "/1.0/provisioning/updates?recursion=1")).json!.metadata;
    assert.deepEqual(updates.map((u: { version: string }) => u.version), ["202608200115"]);
  });

  it("DELETE of the updates removes them all; a refresh fetches again the release the servers run", async () => {
    assert.equal((await h.call("DELETE", "/1.0/provisioning/updates")).status, 200);
    assert.deepEqual((await h.call("GET", "/1.0/provisioning/updates")).json!.metadata, []);
    const refresh = await h.call("POST", "/1.0/provisioning/updates/:refresh");
    assert.equal(refresh.status, 202);
    assert.equal(refresh.json!.type, "async");
    const updates = (await h.call("GET", "/1.0/provisioning/updates?recursion=1")).json!.metadata;
    assert.deepEqual(updates.map((u: { version: string }) => u.version), ["202608200115"]);
  });

  it("a server has its certificate, fingerprint, machine ID, BMC and hardware", async () => {
    const s = (await h.call("GET", `${S}/server01`)).json!.metadata;
    assert.match(s.certificate, /^-----BEGIN CERTIFICATE-----/);
    assert.equal(s.fingerprint, certificateFingerprint(s.certificate));
    assert.match(s.machine_id, /^[0-9a-f]{32}$/);
    assert.equal(s.bmc_config.endpoint, "https://192.0.2.201");
    assert.equal(s.bmc_data.server_serial_number, s.hardware_data.system.serial);
    assert.equal(s.hardware_data.cpu.total, 32);
    assert.equal(s.os_data.storage.state.drives[0].boot, true);
    assert.equal(s.os_data.security.state.tpm_status, "ok");
  });

  it("the BMC password reaches the API but never the request log", async () => {
    const put = await h.call("PUT", `${S}/server03`, { public_connection_url: "", description: "", properties: {}, channel: "stable", bmc_config: { endpoint: "https://192.0.2.203", username: "root", password: "other-SECRET" } });
    assert.equal(put.status, 200, put.text);
    assert.equal((await h.call("GET", `${S}/server03`)).json!.metadata.bmc_config.password, "other-SECRET");
    const log = await h.call("GET", "/local-oc/requests");
    assert.ok(!log.text.includes("other-SECRET"));
  });

  it("an offline server raises a warning, which can be acknowledged", async () => {
    const warnings = (await h.call("GET", "/1.0/warnings")).json!.metadata;
    assert.equal(warnings.length, 1);
    assert.equal(warnings[0].type, "Server unreachable");
    assert.equal(warnings[0].scope.entity, "server04");
    const put = await h.call("PUT", `/1.0/warnings/${warnings[0].uuid}`, { status: "acknowledged" });
    assert.equal(put.status, 201);
    assert.equal((await h.call("GET", `/1.0/warnings/${warnings[0].uuid}`)).json!.metadata.status, "acknowledged");
    assert.equal((await h.call("PUT", `/1.0/warnings/${warnings[0].uuid}`, { status: "gone" })).status, 400);
  });

  it("inventory is derived from the clusters and filtered by cluster and server", async () => {
    const volumes = (await h.call("GET", "/1.0/inventory/storage_volumes?recursion=1&server=server02")).json!.metadata;
    assert.deepEqual(volumes.map((v: { name: string }) => v.name).sort(), ["backups", "images", "logs"]);
    const networks = (await h.call("GET", "/1.0/inventory/networks?recursion=1")).json!.metadata;
    assert.deepEqual(networks.map((n: { name: string; cluster: string }) => `${n.cluster}/${n.name}`), ["prod/uplink"]);
    assert.deepEqual((await h.call("GET", "/1.0/inventory/projects?cluster=other")).json!.metadata, []);
    const one = await h.call("GET", `/1.0/inventory/networks/${networks[0].uuid}`);
    assert.equal(one.json!.metadata.object.type, "physical");
    assert.equal((await h.call("GET", "/1.0/inventory/networks/not-a-uuid")).json!.error, "Bad Request: invalid UUID length: 10");
    const query = (await h.call("GET", "/1.0/inventory/query?kind=profiles")).json!.metadata;
    assert.equal(query[0].cluster, "prod");
    assert.equal(query[0].profiles.length, 1);
    assert.deepEqual(query[0].storage_volumes, []);
  });
});

describe("local OC: tokens and registration", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ seed: SEED });
  });
  after(() => h.close());

  it("a server registers with a token and its own certificate, without being trusted", async () => {
    const machine = await createSelfSignedCertificate({ commonName: "server09", usage: "client" });
    const token = "5d3b1f4e-1111-4000-8000-00000000abcd";
    const register = (name: string) =>
      rawCall(h.oc.url, h.oc.serverCertificate, "POST", `${S}?token=${token}`, { name, connection_url: "https://192.0.2.19:8443" }, { cert: machine.certificate, key: machine.key });
    const r = await register("server09");
    assert.equal(r.status, 201, r.text);
    assert.equal(r.headers["location"], `${S}/server09`);
    assert.equal(r.json!.metadata.certificate, h.oc.serverCertificate);
    const server = (await h.call("GET", `${S}/server09`)).json!.metadata;
    assert.equal(server.certificate, machine.certificate);
    assert.equal(server.server_status, "ready");
    assert.equal((await h.call("GET", `${TOKENS}/${token}`)).json!.metadata.uses_remaining, 0);
    assert.equal((await register("server10")).status, 404, "the token is used up");
    const bad = await rawCall(h.oc.url, h.oc.serverCertificate, "POST", `${S}?token=nope`, { name: "x" }, { cert: machine.certificate, key: machine.key });
    assert.equal(bad.json!.error, "Bad Request: Invalid token: invalid UUID length: 4");
    const noCert = await h.call("POST", `${S}?token=${token}`, { name: "x" }, { auth: false });
    assert.equal(noCert.json!.error, "Bad Request: No client certificate provided");
    // The registered machine reports a new address with its own certificate.
    const self = await rawCall(h.oc.url, h.oc.serverCertificate, "PUT", `${S}/:self`, { connection_url: "https://192.0.2.29:8443" }, { cert: machine.certificate, key: machine.key });
    assert.equal(self.status, 200, self.text);
    assert.equal((await h.call("GET", `${S}/server09`)).json!.metadata.connection_url, "https://192.0.2.29:8443");
  });

  it("tokens and their seeds are created, shown, replaced and deleted", async () => {
    const expire = new Date(Date.now() + 86_400_000).toISOString();
    const c = await h.call("POST", TOKENS, { uses_remaining: 2, expire_at: expire, description: "rack 5" });
    assert.equal(c.status, 201);
    const path = String(c.headers["location"]);
    assert.equal((await h.call("GET", path)).json!.metadata.description, "rack 5");
    const past = await h.call("POST", TOKENS, { uses_remaining: 2, expire_at: "2000-01-01T00:00:00Z" });
    assert.equal(past.json!.error, 'Failed creating token: Validation failed for new token: Value for "expire at" can not be in the past');
    assert.equal((await h.call("POST", `${path}/seeds`, { name: "s1", description: "", public: true, seeds: { install: { force_install: true } } })).status, 201);
    const seed = (await h.call("GET", `${path}/seeds/s1`)).json!.metadata;
    assert.equal(seed.seeds.install.force_install, true);
    assert.equal(seed.public, true);
    const anon = await h.call("GET", `${path}/seeds/s1`, undefined, { auth: false });
    assert.equal(anon.status, 200, "a seed is readable without trust");
    assert.equal((await h.call("DELETE", path)).status, 200);
    assert.equal((await h.call("GET", path)).status, 404);
  });

  it("channels: stable exists, others are created and deleted; clusters need an existing one", async () => {
    assert.equal((await h.call("POST", "/1.0/provisioning/channels", { name: "lts", description: "long term" })).status, 201);
    assert.equal((await h.call("GET", "/1.0/provisioning/channels/lts")).json!.metadata.description, "long term");
    const inUse = await h.call("DELETE", "/1.0/provisioning/channels/stable");
    assert.equal(inUse.status, 400);
    const unknown = await h.call("POST", C, clusterPost("x", ["server03"], { channel: "nightly" }));
    assert.equal(unknown.status, 400);
    assert.equal((await h.call("DELETE", "/1.0/provisioning/channels/lts")).status, 200);
  });
});

describe("local OC: trust and unauthenticated routes", () => {
  let h: Harness;
  // Each test gets its own: they change trust or the whole model.
  beforeEach(async () => {
    h = await startHarness({ servers: 1 });
  });
  afterEach(() => h.close());

  it("PUT /1.0/system/security changes who is trusted", async () => {
    const other = await createSelfSignedCertificate({ commonName: "ci", usage: "client" });
    const asOther = (path: string) => rawCall(h.oc.url, h.oc.serverCertificate, "GET", path, undefined, { cert: other.certificate, key: other.key });
    assert.equal((await asOther(S)).status, 401);
    const security = (await h.call("GET", "/1.0/system/security")).json!.metadata;
    const mine = security.trusted_tls_client_cert_fingerprints as string[];
    const put = await h.call("PUT", "/1.0/system/security", { ...security, trusted_tls_client_cert_fingerprints: [...mine, certificateFingerprint(other.certificate)] });
    assert.equal(put.status, 200, put.text);
    assert.equal((await asOther(S)).status, 200);
    assert.equal((await asOther("/1.0")).json!.metadata.auth, "tls");
    const bad = await h.call("PUT", "/1.0/system/security", { ...security, trusted_tls_client_cert_fingerprints: ["xyz"] });
    assert.equal(bad.status, 400);
    await h.call("PUT", "/1.0/system/security", { ...security, trusted_tls_client_cert_fingerprints: [certificateFingerprint(other.certificate)] });
    assert.equal((await h.call("GET", S)).status, 401, "a client that drops its own fingerprint is locked out");
  });

  it("answers what the real server answers without trust and for the OS view", async () => {
    const oidc = await h.call("GET", "/oidc/login", undefined, { auth: false });
    assert.equal(oidc.status, 404);
    assert.equal(oidc.text, "404 page not found\n");
    assert.equal((await h.call("GET", "/os/1.0", undefined, { auth: false })).status, 401);
    assert.equal((await h.call("GET", "/1.0/provisioning/updates", undefined, { auth: false })).status, 200);
    assert.equal((await h.call("GET", "/1.0/inventory/projects", undefined, { auth: false })).status, 401);
  });
});

describe("local OC: the OS view", () => {
  it("answers a JSON 400: Operations Center here does not run on IncusOS", async () => {
    const h = await startHarness({ servers: 1 });
    try {
      const r = await h.call("GET", "/os/1.0/applications");
      assert.equal(r.status, 400);
      assert.equal(r.json!.error, "Bad Request: System isn't running IncusOS");
    } finally {
      await h.close();
    }
  });
});

describe("local OC: the update control loop", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ seed: { servers: [{ name: "a" }, { name: "b" }, { name: "c" }] } });
    assert.equal((await h.call("POST", C, clusterPost("k", ["a", "b"]))).status, 201);
    // A new IncusOS release reached b's channel after the cluster was formed.
    const model = h.oc.saveSnapshot();
    model.servers.find((s) => s.name === "b")!.needs_update = true;
    h.oc.restoreSnapshot(model);
  });
  afterEach(() => h.close());

  const status = async () => (await h.call("GET", `${C}/k`)).json!.metadata.update_status.in_progress_status;
  const server = async (name: string) => (await h.call("GET", `${S}/${name}`)).json!.metadata;

  it(":update with reboot steps through the update states of the member that needs it", async () => {
    assert.equal((await h.call("POST", `${C}/k/:update`, { reboot: true })).status, 200);
    const launched = await status();
    assert.equal(launched.in_progress, "applying updates with reboot");
    assert.equal(launched.evacuated_before, null);
    assert.ok(!("status_description" in launched), "no progress reported before the first step");
    const seen: string[] = [];
    const states: Array<{ maintenance: number; status: string }> = [];
    while (h.oc.advanceClusterOperations() > 0) {
      seen.push((await status()).status_description);
      const b = await server("b");
      states.push({ maintenance: b.version_data.in_maintenance, status: b.server_status });
    }
    assert.deepEqual(seen, [
      '[10/18] update pending server "b"',
      '[11/18] updating server "b"',
      '[12/18] evacuation pending server "b"',
      '[13/18] evacuating server "b"',
      '[14/18] in maintenance, reboot pending server "b"',
      '[15/18] in maintenance, rebooting server "b"',
      '[16/18] in maintenance, restore pending server "b"',
      '[17/18] restoring server "b"',
      '[18/18] post restore server "b"',
    ]);
    assert.ok(states.some((s) => s.maintenance === 1) && states.some((s) => s.status === "offline"), JSON.stringify(states));
    const done = await status();
    assert.equal(done.in_progress, "");
    assert.equal(done.pending_reboot, null);
    const b = await server("b");
    assert.equal(b.version_data.needs_update, false);
    assert.equal(b.version_data.needs_reboot, false);
    assert.equal(b.version_data.in_maintenance, 0);
    assert.equal(b.server_status, "ready");
  });

  it(":update without reboot installs the update and leaves the reboot pending", async () => {
    const model = h.oc.saveSnapshot();
    model.servers.find((s) => s.name === "a")!.needs_update = true;
    model.servers.find((s) => s.name === "b")!.needs_update = false;
    h.oc.restoreSnapshot(model);
    assert.equal((await h.call("POST", `${C}/k/:update`, { reboot: false })).status, 200);
    assert.equal((await status()).in_progress, "applying updates");
    const seen: string[] = [];
    while (h.oc.advanceClusterOperations() > 0) seen.push((await status()).status_description);
    assert.deepEqual(seen, ['[3/4] update pending server "a"', '[4/4] updating server "a"']);
    const a = await server("a");
    assert.equal(a.version_data.needs_update, false);
    assert.equal(a.version_data.needs_reboot, true);
    assert.equal(a.server_status_detail, "");
  });

  it(":reboot restarts every member in name order and empties pending_reboot as it goes", async () => {
    assert.equal((await h.call("POST", `${C}/k/:reboot`)).status, 200);
    assert.deepEqual((await status()).pending_reboot, ["a", "b"]);
    const pending: string[][] = [];
    while (h.oc.advanceClusterOperations() > 0) pending.push((await status()).pending_reboot ?? []);
    assert.deepEqual(pending.slice(0, 4).at(-1), ["b"], "a's reboot was triggered at its fourth step");
    assert.equal((await status()).in_progress, "");
  });

  it("refuses a launch while a member is evacuating or busy, with OC's reason", async () => {
    const model = h.oc.saveSnapshot();
    const b = model.servers.find((s) => s.name === "b")!;
    b.in_maintenance = 1;
    h.oc.restoreSnapshot(model);
    const evacuating = await h.call("POST", `${C}/k/:reboot`);
    assert.equal(evacuating.status, 400);
    assert.equal(evacuating.json!.error, `Failed to launch cluster wide reboot: Cluster reboot can not be launched for "k": Server "b" (${b.connection_url}) is in maintenance state "evacuating"`);
    b.in_maintenance = 0;
    b.status_detail = "updating";
    h.oc.restoreSnapshot(model);
    const busy = await h.call("POST", `${C}/k/:reboot`);
    assert.equal(busy.json!.error, `Failed to launch cluster wide reboot: Cluster reboot can not be launched for "k": Server "b" (${b.connection_url}) is busy (updating)`);
  });

  it(":cancel-operation stops the run where it is", async () => {
    await h.call("POST", `${C}/k/:reboot`);
    h.oc.advanceClusterOperations();
    h.oc.advanceClusterOperations();
    assert.equal((await h.call("POST", `${C}/k/:cancel-operation`)).status, 200);
    assert.equal(h.oc.advanceClusterOperations(), 0);
    assert.equal((await server("a")).version_data.in_maintenance, 1, "the evacuation under way is not undone");
  });
});

describe("local OC: health, reset, snapshot and restore", () => {
  let h: Harness;
  // Each test gets its own: they change trust or the whole model.
  beforeEach(async () => {
    h = await startHarness({ seed: SEED, reregisterDelayMs: 3_600_000 });
  });
  afterEach(() => h.close());

  it("health answers without a client certificate", async () => {
    const r = await h.call("GET", "/local-oc/health", undefined, { auth: false });
    assert.equal(r.status, 200);
    assert.equal(r.json!.metadata.status, "ok");
    assert.equal(r.json!.metadata.servers, 4);
    assert.equal((await h.call("GET", "/local-oc/snapshot", undefined, { auth: false })).status, 401);
  });

  it("a snapshot restores the model; an invalid one is refused with its fields and changes nothing", async () => {
    const snapshot = (await h.call("GET", "/local-oc/snapshot")).json!.metadata;
    assert.equal((await h.call("DELETE", `${C}/prod?mode=force`)).status, 200);
    assert.equal((await h.call("GET", `${C}/prod`)).status, 404);
    const broken = await h.call("PUT", "/local-oc/snapshot", { ...snapshot, servers: [{ name: 3 }] });
    assert.equal(broken.status, 400);
    assert.match(broken.json!.error, /^Bad Request: invalid snapshot: servers\.0\.id: .*; servers\.0\.name: /);
    assert.equal((await h.call("GET", `${C}/prod`)).status, 404);
    assert.equal((await h.call("PUT", "/local-oc/snapshot", snapshot)).status, 200);
    assert.equal((await h.call("GET", `${C}/prod`)).json!.metadata.status, "ready");
    assert.equal((await h.call("GET", `${S}/server01`)).status, 200);
  });

  it("reset goes back to the seeded start and keeps trust", async () => {
    await h.call("POST", "/1.0/provisioning/cluster-templates", { name: "extra", description: "", service_config_template: "", application_config_template: "", variables: {} });
    await h.call("DELETE", `${C}/prod?mode=factory-reset`);
    assert.deepEqual((await h.call("GET", "/local-oc/pending-registrations")).json!.metadata.map((p: { name: string }) => p.name), ["server01", "server02"]);
    assert.equal((await h.call("POST", "/local-oc/reset")).status, 200);
    assert.equal((await h.call("GET", "/1.0/provisioning/cluster-templates/extra")).status, 404);
    assert.equal((await h.call("GET", `${C}/prod`)).json!.metadata.status, "ready");
    assert.deepEqual((await h.call("GET", "/local-oc/pending-registrations")).json!.metadata, []);
  });

  it("pending registrations complete on request", async () => {
    await h.call("DELETE", `${C}/prod?mode=factory-reset`);
    const r = await h.call("POST", "/local-oc/pending-registrations/:register");
    assert.deepEqual(r.json!.metadata, ["server01", "server02"]);
    assert.equal((await h.call("GET", `${S}/server01`)).json!.metadata.cluster, "");
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
