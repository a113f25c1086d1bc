// The local Operations Center over raw HTTPS: auth, envelope, Go mux answers, servers, clusters
// (create checks, PUT/rename/ETag, delete modes, add/remove servers), templates and their
// percent-encoded Location, request log.
import { describe, it, before, after, beforeEach, afterEach } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, statSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import yaml from "js-yaml";
import { z } from "zod";
import {
  ENVELOPE_KEYS,
  clusterOf,
  clusterPost,
  clustersOf,
  metadataOf,
  namedOf,
  namesOf,
  networkOf,
  serverOf,
  serversOf,
  startHarness,
  templateOf,
  templatesOf,
  type Harness,
  type Reply,
} from "./fixtures/local-oc/helpers.js";

const here = dirname(fileURLToPath(import.meta.url));
// dist/test -> test/fixtures (the YAML fixture is not compiled)
const SEED = join(here, "..", "..", "test", "fixtures", "local-oc", "seed.yaml");

const C = "/1.0/provisioning/clusters";
const S = "/1.0/provisioning/servers";
const T = "/1.0/provisioning/cluster-templates";

const auth = (reply: Reply) => metadataOf(reply, z.looseObject({ auth: z.string() })).auth;

describe("local OC: authentication, envelope and mux", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ servers: 2 });
  });
  after(() => h.close());

  it("GET /1.0 reports auth untrusted or tls", async () => {
    const anon = await h.call("GET", "/1.0", undefined, { auth: false });
    assert.equal(anon.status, 200);
    assert.deepEqual(Object.keys(anon.json!), ENVELOPE_KEYS);
    assert.equal(auth(anon), "untrusted");
    const trusted = await h.call("GET", "/1.0");
    assert.equal(auth(trusted), "tls");
  });

  it("refuses an untrusted client with the real 401 envelope", async () => {
    const r = await h.call("GET", S, undefined, { auth: false });
    assert.equal(r.status, 401);
    assert.deepEqual(r.json, {
      type: "error",
      status: "",
      status_code: 0,
      operation: "",
      error_code: 401,
      error: "unauthorized",
      metadata: null,
    });
    const control = await h.call("GET", "/local-oc/requests", undefined, { auth: false });
    assert.equal(control.status, 401);
  });

  it("answers unknown routes and wrong methods in plain text like Go's ServeMux", async () => {
    const nf = await h.call("GET", "/1.0/provisioning/nothing");
    assert.equal(nf.status, 404);
    assert.equal(nf.text, "404 page not found\n");
    assert.match(String(nf.headers["content-type"]), /^text\/plain/);
    const na = await h.call("PATCH", `${C}/x`);
    assert.equal(na.status, 405);
    assert.equal(na.text, "Method Not Allowed\n");
    assert.equal(na.headers["allow"], "DELETE, GET, HEAD, POST, PUT");
  });

  it("GET / lists /1.0", async () => {
    const r = await h.call("GET", "/");
    assert.deepEqual(r.json!.metadata, ["/1.0"]);
  });

  it("writes an operations-center CLI configuration directory", async () => {
    const config = yaml.load(readFileSync(join(h.configDir, "config.yml"), "utf8")) as { default_remote: string; remotes: Record<string, unknown> };
    assert.equal(config.default_remote, "local-oc");
    assert.deepEqual(config.remotes["local-oc"], { addr: h.oc.url, auth_type: "tls", server_cert: h.oc.serverCertificate });
    assert.equal(statSync(join(h.configDir, "client.key")).mode & 0o777, 0o600);
    assert.match(readFileSync(join(h.configDir, "client.crt"), "utf8"), /BEGIN CERTIFICATE/);
  });

  it("records every request, including failed ones", async () => {
    h.oc.clearRequests();
    await h.call("GET", `${S}?recursion=1`);
    await h.call("POST", C, { name: "" });
    const log = h.oc.requests;
    assert.equal(log.length, 2);
    assert.deepEqual({ ...log[0], durationMs: 0 }, { method: "GET", path: S, query: { recursion: "1" }, status: 200, durationMs: 0 });
    assert.equal(log[1]!.status, 400);
    assert.deepEqual(log[1]!.body, { name: "" });
    const remote = await h.call("GET", "/local-oc/requests");
    assert.deepEqual(
      metadataOf(remote, z.array(z.looseObject({ status: z.number() })))
        .slice(0, 2)
        .map((e) => e.status),
      [200, 400],
    );
  });
});

describe("local OC: servers", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ seed: SEED });
  });
  after(() => h.close());

  it("lists URLs, objects, and filters", async () => {
    const urls = await h.call("GET", S);
    assert.ok(namesOf(urls).includes(`${S}/node1`));
    const all = await h.call("GET", `${S}?recursion=1`);
    const node4 = serversOf(all).find((s) => s.name === "node4");
    assert.ok(node4);
    assert.equal(node4.server_type, "incus");
    assert.equal(node4.server_status, "ready");
    assert.equal(node4.cluster, "");
    assert.deepEqual(node4.os_data?.network?.config?.interfaces?.[0]?.vlan_tags, [999]);
    assert.equal(node4.connection_url, "https://192.0.2.104:8443");

    const filter = async (expr: string) => serversOf(await h.call("GET", `${S}?recursion=1&filter=${encodeURIComponent(expr)}`)).map((s) => s.name);
    assert.deepEqual(await filter('name == "node2"'), ["node2"]);
    assert.deepEqual(await filter('status == "pending"'), ["pending1"]);
    assert.deepEqual(await filter('type == "migration-manager"'), ["mm1"]);
    assert.deepEqual(await filter('name == "node1" || name == "node3"'), ["node1", "node3"]);
    assert.ok((await filter('cluster == nil && status == "ready"')).includes("node1"));
    assert.deepEqual(await filter('cluster == "nope"'), []);

    const bad = await h.call("GET", `${S}?recursion=1&filter=${encodeURIComponent("name ==")}`);
    assert.equal(bad.status, 400);
    assert.match(bad.json!.error, /^Failed to compile filter expression: /);
    const noEnv = await h.call("GET", `${S}?filter=${encodeURIComponent('status == "ready"')}`);
    assert.equal(noEnv.status, 400, "without recursion the filter only sees name");

    const status = await h.call("GET", `${S}?status=bogus`);
    assert.equal(status.status, 500);
    assert.equal(status.json!.error, "Invalid status");
    const pending = await h.call("GET", `${S}?recursion=1&status=pending`);
    assert.deepEqual(
      serversOf(pending).map((s) => s.name),
      ["pending1"],
    );
  });

  it("gets a server with an ETag, 404 for an unknown one", async () => {
    const r = await h.call("GET", `${S}/node1`);
    assert.equal(r.status, 200);
    assert.match(String(r.headers["etag"]), /^"[0-9a-f]{64}"$/);
    const nf = await h.call("GET", `${S}/ghost`);
    assert.equal(nf.status, 404);
    assert.equal(nf.json!.error, 'Failed to get server "ghost" by name: Not found');
  });

  it("evacuating or restoring an unclustered server is accepted and changes nothing (Incus's operation finds no member)", async () => {
    assert.equal((await h.call("POST", `${S}/node3/system/:evacuate`)).status, 200);
    assert.equal(serverOf(await h.call("GET", `${S}/node3`)).version_data?.in_maintenance, 0);
    assert.equal((await h.call("POST", `${S}/node3/system/:restore`)).status, 200);
    assert.equal(serverOf(await h.call("GET", `${S}/node3`)).version_data?.in_maintenance, 0);
  });

  it("reads and replaces system/network", async () => {
    const net = networkOf(await h.call("GET", `${S}/node2/system/network`));
    net.config!.interfaces![0]!.vlan_tags = [10];
    assert.equal((await h.call("PUT", `${S}/node2/system/network`, net)).status, 200);
    assert.deepEqual(networkOf(await h.call("GET", `${S}/node2/system/network`)).config?.interfaces?.[0]?.vlan_tags, [10]);
    const empty = await h.call("PUT", `${S}/node2/system/network`, { config: {} });
    assert.equal(empty.status, 500);
    assert.match(empty.json!.error, /network configuration has no devices defined$/);
    net.config!.interfaces![0]!.vlan_tags = [];
    await h.call("PUT", `${S}/node2/system/network`, net);
  });
});

describe("local OC: cluster create", () => {
  let h: Harness;
  // Each test gets its own: a create takes servers that another test's create would need.
  beforeEach(async () => {
    h = await startHarness({ seed: SEED });
  });
  afterEach(() => h.close());

  const create = (body: Record<string, unknown>) => h.call("POST", C, body);
  const expectError = async (body: Record<string, unknown>, status: number, error: string) => {
    const r = await create(body);
    assert.equal(r.status, status, r.text);
    assert.equal(r.json!.error, error);
    assert.equal(r.json!.error_code, status);
  };

  it("creates a cluster: 201 + Location, services applied, members set", async () => {
    const r = await create(
      clusterPost("one", ["node1", "node2"], {
        services_config: { lvm: { enabled: true }, iscsi: { config: { enabled: true, targets: [] } } },
        application_seed_config: { config: { "user.ui.title": "one" } },
      }),
    );
    assert.equal(r.status, 201, r.text);
    assert.equal(r.headers["location"], `${C}/one`);
    assert.equal(r.json!.metadata, null);
    const got = await h.call("GET", `${C}/one`);
    assert.equal(clusterOf(got).status, "ready");
    assert.equal(clusterOf(got).channel, "stable");
    assert.match(String(got.headers["etag"]), /^"[0-9a-f]{64}"$/);
    const snap = h.oc.snapshot();
    const node1 = snap.servers.find((s) => s.name === "node1")!;
    assert.equal(node1.cluster, "one");
    assert.deepEqual(node1.incusos.services["lvm"], { enabled: true, system_id: node1.id });
    assert.equal(node1.incusos.services["iscsi"]!["enabled"], true);
    const cluster = snap.clusters.find((c) => c.name === "one")!;
    assert.deepEqual(cluster.application_seed_config, { config: { "user.ui.title": "one" } });
    assert.deepEqual(cluster.members, ["node1", "node2"]);
    const artifacts = await h.call("GET", `${C}/one/artifacts?recursion=1`);
    assert.equal(namedOf(artifacts)[0]?.name, "terraform-configuration");
    const list = await h.call("GET", C);
    assert.deepEqual(list.json!.metadata, [`${C}/one`]);
    const filtered = await h.call("GET", `${C}?recursion=1&filter=${encodeURIComponent('status == "ready"')}`);
    assert.equal(clustersOf(filtered)[0]?.name, "one");
    assert.equal((await h.call("GET", `${C}?filter=${encodeURIComponent('status == "ready"')}`)).status, 400);
  });

  it("rejects every create precondition with OC's code and text", async () => {
    // The cluster whose name and members the duplicate checks below collide with.
    assert.equal((await create(clusterPost("one", ["node1", "node2"]))).status, 201);
    await expectError({ ...clusterPost("", ["node3"]) }, 400, "Failed creating cluster: Invalid cluster, name can not be empty");
    await expectError(clusterPost("a/b", ["node3"]), 400, 'Failed creating cluster: Invalid cluster, name can not contain any of "\\\\/:*?\\"<>|"');
    await expectError(clusterPost("x", []), 400, "Failed creating cluster: Invalid cluster, list of server names can not be empty");
    await expectError(
      clusterPost("x", ["node3"], { config: { rolling_restart: { post_restore_delay: "soon" } } }),
      400,
      "Failed creating cluster: Invalid cluster, cluster config for rolling restart post restore delay needs to be a valid time duration",
    );
    await expectError(
      clusterPost("x", ["node3"], { config: { rolling_restart: { restore_mode: "always" } } }),
      400,
      'Failed creating cluster: Invalid cluster, cluster config for rolling restart restore mode is invalid, only "" and "skip" are supported.',
    );
    await expectError(
      { name: "x", connection_url: "", server_names: ["node3"] },
      400,
      'Failed creating cluster: Invalid cluster definition, server type can not be ""',
    );
    await expectError(
      clusterPost("x", ["node3"], { server_type: "" }),
      400,
      'Failed creating cluster: Invalid cluster definition, server type can not be "unknown"',
    );
    await expectError(clusterPost("x", ["node3"], { server_type: "bogus" }), 400, 'Bad Request: "bogus" is not a valid server type');
    await expectError(clusterPost("x", ["node3"], { status: "bogus" }), 400, 'Bad Request: "bogus" is not a valid server status');
    await expectError(
      clusterPost("x", ["node3"], { application_seed_config: { networks: "nope" } }),
      400,
      "Failed creating cluster: Invalid cluster definition, failed to unmarshal application seed config as Incus local init preseed: json: cannot unmarshal string into Go struct field InitLocalPreseed.networks of type []api.InitNetworksProjectPost",
    );
    await expectError(clusterPost("one", ["node3"]), 400, 'Failed creating cluster: Cluster with name "one" already exists: Operation not permitted');
    await expectError(clusterPost("x", ["ghost"]), 404, 'Failed creating cluster: Failed to get server "ghost" by name: Not found');
    await expectError(clusterPost("x", ["node1"]), 400, 'Failed creating cluster: Server "node1" is already part of cluster "one": Operation not permitted');
    await expectError(
      clusterPost("x", ["pending1"]),
      400,
      'Failed creating cluster: Server "pending1" is not in ready state and can therefore not be used for clustering: Operation not permitted',
    );
    await expectError(
      clusterPost("x", ["testing1"]),
      400,
      'Failed creating cluster: Server "testing1" update channel "testing" does not match channel requested for cluster "x": Operation not permitted',
    );
    await expectError(
      clusterPost("x", ["update1"]),
      400,
      'Failed creating cluster: Server "update1" not ready to be clustered (needs update: true, needs reboot: false, in maintenance: not in maintenance): Operation not permitted',
    );
    await expectError(clusterPost("x", ["mm1"]), 400, 'Failed creating cluster: Server "mm1" does not have application Incus: Operation not permitted');
    await expectError(
      clusterPost("x", ["node3", "newer1"]),
      400,
      'Failed creating cluster: Incus version is not the same on all servers, found "6.0.1" and "6.0.2": Operation not permitted',
    );
    await expectError(
      clusterPost("x", ["node3", "lts1"]),
      400,
      'Failed creating cluster: Incus application is not the same on all servers, found "incus" and "incus-lts-7.0": Operation not permitted',
    );
    await expectError(
      { name: "x", server_names: "node3" },
      400,
      "Bad Request: json: cannot unmarshal string into Go struct field ClusterPost.server_names of type []string",
    );
    const empty = await h.call("POST", C, "", { raw: true });
    assert.equal(empty.json!.error, "Bad Request: EOF");
    assert.equal(namesOf(await h.call("GET", C)).length, 1, "no record for failures before the insert");
  });

  it("leaves the pending record behind on failures after the insert", async () => {
    await expectError(
      clusterPost("typed", ["lts1", "lts2"]),
      400,
      'Failed creating cluster: Server "lts1" has type "incus-lts-7.0" but "incus" was expected: Operation not permitted',
    );
    assert.equal(clusterOf(await h.call("GET", `${C}/typed`)).status, "pending");
    await expectError(
      clusterPost("noobj", ["node3"], { services_config: { lvm: "yes" } }),
      500,
      'Failed creating cluster: Failed to enable OS service "lvm" on "node3": config is not an object',
    );
    await expectError(
      clusterPost("nobool", ["node3"], { services_config: { lvm: { enabled: "yes" } } }),
      500,
      'Failed creating cluster: Failed to enable OS service "lvm" on "node3": "enabled" is not a bool',
    );
    await expectError(
      clusterPost("ceph", ["node3"], { services_config: { ceph: { enabled: true } } }),
      500,
      'Failed creating cluster: Failed to enable OS service "ceph" on "node3": Update OS service "ceph" on "node3" (https://192.0.2.13:8443) failed: not found',
    );
    await expectError(
      clusterPost("noip", ["dhcp1"]),
      500,
      'Failed creating cluster: Failed to determine an IP address for the network interface with "cluster" role',
    );
    for (const name of ["typed", "noobj", "nobool", "ceph", "noip"]) {
      const r = await h.call("GET", `${C}/${name}`);
      assert.equal(clusterOf(r).status, "pending", name);
      // The servers stay unclustered, so the pending leftover can be deleted normally.
      assert.equal((await h.call("DELETE", `${C}/${name}?mode=normal`)).status, 200);
    }
  });

  it("creates from a template (defaults, required values, raw substitution)", async () => {
    const tpl = {
      name: "tpl",
      description: "d",
      service_config_template: "lvm:\n  enabled: @LVM@\n",
      application_config_template: "config:\n  user.ui.title: @TITLE@\n",
      variables: { LVM: { description: "", default: "true" }, TITLE: { description: "required" } },
    };
    assert.equal((await h.call("POST", T, tpl)).status, 201);
    await expectError(
      clusterPost("fromtpl", ["node3"], { cluster_template: "tpl" }),
      400,
      'Failed creating cluster from template "tpl": Failed to apply cluster template variables on service config of "tpl": No value provided for variable "TITLE", which is required, since it has no default value defined',
    );
    await expectError(
      clusterPost("fromtpl", ["node3"], { cluster_template: "missing" }),
      404,
      'Failed creating cluster from template "missing": Failed to get cluster template "missing": Not found',
    );
    const yamlError = await create(clusterPost("fromtpl", ["node3"], { cluster_template: "tpl", cluster_template_variable_values: { TITLE: "[unclosed" } }));
    assert.equal(yamlError.status, 400);
    assert.match(yamlError.json!.error, /^Failed creating cluster from template "tpl": Failed to marshal application config of "tpl": yaml: line \d+: /);
    const r = await create(
      clusterPost("fromtpl", ["node3"], {
        cluster_template: "tpl",
        cluster_template_variable_values: { TITLE: 42 },
        services_config: { iscsi: { enabled: true } },
      }),
    );
    assert.equal(r.status, 201, r.text);
    const snap = h.oc.snapshot().clusters.find((c) => c.name === "fromtpl")!;
    assert.deepEqual(snap.services_config, { lvm: { enabled: true } }, "the body's services_config is discarded");
    assert.deepEqual(snap.application_seed_config, { config: { "user.ui.title": 42 } });
    const node3 = h.oc.snapshot().servers.find((s) => s.name === "node3")!;
    assert.equal(node3.incusos.services["lvm"]!["enabled"], true);
    assert.equal(node3.incusos.services["iscsi"], undefined);
  });
});

describe("local OC: cluster PUT, rename, ETag", () => {
  let h: Harness;
  // Each test starts from cluster "c" of server01 and server02 on a local OC of its own.
  beforeEach(async () => {
    h = await startHarness({ servers: 3 });
    await h.call("POST", C, clusterPost("c", ["server01", "server02"]));
  });
  afterEach(() => h.close());

  const put = {
    connection_url: "https://c.example.test",
    channel: "stable",
    description: "d",
    properties: { a: "1" },
    config: { rolling_restart: { post_restore_delay: "15m", restore_mode: "skip" } },
  };

  it("PUT replaces the five fields, 201 + Location; If-Match mismatch is 412", async () => {
    const before = await h.call("GET", `${C}/c`);
    const etag = String(before.headers["etag"]);
    const stale = await h.call("PUT", `${C}/c`, put, { headers: { "If-Match": '"deadbeef"' } });
    assert.equal(stale.status, 412);
    assert.equal(stale.json!.error, `Precondition Failed: ETag doesn't match: ${etag.replaceAll('"', "")} vs deadbeef`);
    const ok = await h.call("PUT", `${C}/c`, put, { headers: { "If-Match": etag } });
    assert.equal(ok.status, 201);
    assert.equal(ok.headers["location"], `${C}/c`);
    const after = await h.call("GET", `${C}/c`);
    assert.notEqual(after.headers["etag"], etag);
    assert.equal(clusterOf(after).description, "d");
    assert.deepEqual(clusterOf(after).config, put.config);
    const partial = await h.call("PUT", `${C}/c`, { description: "only" });
    assert.equal(partial.status, 400);
    assert.equal(partial.json!.error, 'Failed updating cluster "c": Invalid cluster, channel can not be empty');
    const bad = await h.call("PUT", `${C}/c`, { ...put, config: { rolling_restart: { post_restore_delay: "soon", restore_mode: "" } } });
    assert.equal(bad.status, 400);
    const missing = await h.call("PUT", `${C}/ghost`, put);
    assert.equal(missing.status, 404);
    assert.equal(missing.json!.error, 'Failed to get cluster "ghost": Failed to get cluster "ghost" by name: Not found');
  });

  it("the ETag covers the members' maintenance state", async () => {
    const a = (await h.call("GET", `${C}/c`)).headers["etag"];
    await h.call("POST", `${S}/server01/system/:evacuate`);
    const b = await h.call("GET", `${C}/c`);
    assert.notEqual(b.headers["etag"], a);
    assert.deepEqual(clusterOf(b).update_status?.in_maintenance, ["server01"]);
    await h.call("POST", `${S}/server01/system/:restore`);
  });

  it("renames: 201 + new Location, members follow; empty and duplicate names are 400", async () => {
    await h.call("POST", C, clusterPost("other", ["server03"]));
    const dup = await h.call("POST", `${C}/c`, { name: "other" });
    assert.equal(dup.status, 400);
    assert.equal(dup.json!.error, 'Failed renaming cluster "c": Constraint violation');
    const empty = await h.call("POST", `${C}/c`, { name: "" });
    assert.equal(empty.json!.error, 'Failed renaming cluster "c": New Cluster name cannot by empty');
    const stale = await h.call("POST", `${C}/c`, { name: "d" }, { headers: { "If-Match": "nope" } });
    assert.equal(stale.status, 412);
    const ok = await h.call("POST", `${C}/c`, { name: "renamed" });
    assert.equal(ok.status, 201);
    assert.equal(ok.headers["location"], `${C}/renamed`);
    assert.equal(serverOf(await h.call("GET", `${S}/server01`)).cluster, "renamed");
    assert.equal((await h.call("GET", `${C}/c`)).status, 404);
  });

  it("records :update, :reboot and :cancel-operation", async () => {
    const empty = await h.call("POST", `${C}/c/:update`, "", { raw: true });
    assert.equal(empty.json!.error, "Bad Request: EOF");
    assert.equal((await h.call("POST", `${C}/c/:update`, { reboot: true })).status, 200);
    assert.equal(clusterOf(await h.call("GET", `${C}/c`)).update_status?.in_progress_status?.in_progress, "", "nothing to update: no-op");
    assert.equal((await h.call("POST", `${C}/c/:reboot`)).status, 200);
    const st = clusterOf(await h.call("GET", `${C}/c`)).update_status?.in_progress_status;
    assert.equal(st?.in_progress, "rolling reboot");
    assert.deepEqual(st?.pending_reboot, ["server01", "server02"]);
    const again = await h.call("POST", `${C}/c/:reboot`);
    assert.equal(again.status, 400);
    assert.match(again.json!.error, /^Failed to launch cluster wide reboot: .*already has an operation in progress/);
    assert.equal((await h.call("POST", `${C}/c/:cancel-operation`)).status, 200);
    assert.equal(clusterOf(await h.call("GET", `${C}/c`)).update_status?.in_progress_status?.in_progress, "");
    assert.equal((await h.call("POST", `${C}/c/:resync-inventory`)).status, 200);
    assert.equal((await h.call("POST", `${C}/ghost/:resync-inventory`)).status, 404);
  });

  it("updates the certificate after checking the key pair", async () => {
    const bad = await h.call("PUT", `${C}/c/certificate`, { cluster_certificate: "x", cluster_certificate_key: "y" });
    assert.equal(bad.status, 400);
    assert.equal(
      bad.json!.error,
      "Failed to update certificate for cluster: Failed to validate key pair: tls: failed to find any PEM data in certificate input",
    );
    const { createSelfSignedCertificate } = await import("../src/local-oc/certificates.js");
    const pair = await createSelfSignedCertificate({ commonName: "c", usage: "server" });
    const ok = await h.call("PUT", `${C}/c/certificate`, { cluster_certificate: pair.certificate, cluster_certificate_key: pair.key });
    assert.equal(ok.status, 200);
    assert.equal(clusterOf(await h.call("GET", `${C}/c`)).certificate, pair.certificate);
  });

  it("serves artifacts", async () => {
    const list = await h.call("GET", `${C}/c/artifacts`);
    assert.deepEqual(list.json!.metadata, [`${C}/c/artifacts/terraform-configuration`]);
    const one = await h.call("GET", `${C}/c/artifacts/terraform-configuration`);
    assert.equal(metadataOf(one, z.looseObject({ files: z.array(z.looseObject({ name: z.string() })) })).files[0]?.name, "application-seed-config.json");
    const badArchive = await h.call("GET", `${C}/c/artifacts/terraform-configuration?archive=tar`);
    assert.equal(badArchive.json!.error, 'Bad Request: Archive type "tar" not supported');
    const zip = await h.call("GET", `${C}/c/artifacts/terraform-configuration?archive=zip`);
    assert.equal(zip.status, 200);
    assert.equal(zip.headers["content-type"], "application/zip");
    const nofile = await h.call("GET", `${C}/c/artifacts/terraform-configuration/nope`);
    assert.equal(nofile.status, 404);
    assert.equal(nofile.json!.error, 'File "nope" not found in artifact "terraform-configuration" for cluster "c": Not found');
  });
});

// Re-registration after a factory reset happens when a test says so (registerPendingNow), never
// on a timer that could fire between two of its requests.
const NEVER = 3_600_000;

describe("local OC: delete modes", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ servers: 6, reregisterDelayMs: NEVER });
  });
  after(() => h.close());

  it("normal deletes only unknown/pending clusters without servers", async () => {
    await h.call("POST", C, clusterPost("ready", ["server01"]));
    const r = await h.call("DELETE", `${C}/ready`);
    assert.equal(r.status, 400);
    assert.equal(r.json!.error, 'Failed to delete cluster: Delete for cluster in state "ready": Operation not permitted');
    const typo = await h.call("DELETE", `${C}/ready?mode=forse`);
    assert.equal(typo.status, 400, "an unknown mode means normal");
    const nf = await h.call("DELETE", `${C}/ghost`);
    assert.equal(nf.status, 404);
    assert.equal(nf.json!.error, "Failed to delete cluster: Failed to delete cluster: Not found");
  });

  it("force forgets the cluster and its member records (ON DELETE CASCADE)", async () => {
    await h.call("POST", C, clusterPost("forget", ["server02", "server03"]));
    const r = await h.call("DELETE", `${C}/forget?mode=force`);
    assert.equal(r.status, 200);
    assert.deepEqual(r.json!.metadata, {});
    assert.equal((await h.call("GET", `${C}/forget`)).status, 404);
    assert.equal((await h.call("GET", `${S}/server02`)).status, 404);
    assert.equal((await h.call("DELETE", `${C}/forget?mode=force`)).json!.error, "Failed to delete cluster: Not found");
  });

  it("factory-reset resets and unregisters the members, which register again", async () => {
    await h.call("POST", C, clusterPost("wipe", ["server04", "server05"], { services_config: { lvm: { enabled: true } } }));
    const oldId = h.oc.snapshot().servers.find((s) => s.name === "server04")!.id;
    const r = await h.call("DELETE", `${C}/wipe?mode=factory-reset`);
    assert.equal(r.status, 200);
    assert.equal((await h.call("GET", `${C}/wipe`)).status, 404);
    assert.equal((await h.call("GET", `${S}/server04`)).status, 404);
    assert.deepEqual(h.oc.snapshot().pendingRegistrations, ["server04", "server05"]);
    assert.deepEqual(await h.oc.registerPendingNow(), ["server04", "server05"]);
    assert.equal((await h.call("GET", `${S}/server04`)).status, 200);
    const back = h.oc.snapshot().servers.find((s) => s.name === "server04")!;
    assert.equal(back.cluster, null);
    assert.equal(back.status, "ready");
    assert.notEqual(back.id, oldId);
    assert.deepEqual(back.incusos.services, {});
    const none = await h.call("DELETE", `${C}/ghost?mode=factory-reset`);
    assert.equal(none.status, 500);
    assert.equal(none.json!.error, "Cluster not found");
  });
});

describe("local OC: add servers", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ seed: SEED });
    await h.call(
      "POST",
      C,
      clusterPost("c", ["node1", "node2"], {
        services_config: { lvm: { enabled: true }, nvme: { enabled: true, targets: [{ transport: "tcp", address: "192.0.2.50", port: 8009 }] } },
      }),
    );
  });
  after(() => h.close());

  it("refuses inconsistent servers with the reason", async () => {
    const r = await h.call("POST", `${C}/c/:add-servers`, { server_names: ["node4"] });
    assert.equal(r.status, 400);
    assert.equal(
      r.json!.error,
      'Failed adding servers [node4] to cluster "c": Failed to add servers (node4) due to configuration inconsistencies: Network interface and bond names and vlans configuration mismatch, found map[eth0:[]] (node1) and map[eth0:[999]] (node4): Operation not permitted',
    );
    const nvme = await h.call("POST", `${C}/c/:add-servers`, { server_names: ["node3"] });
    assert.equal(nvme.status, 400);
    assert.match(
      nvme.json!.error,
      /due to configuration inconsistencies: NVME configuration mismatch, found \{true \[\{tcp 192\.0\.2\.50 8009\}\]\} \(node1\) and \{false \[\]\} \(node3\): Operation not permitted$/,
    );
    const unknown = await h.call("POST", `${C}/c/:add-servers`, { server_names: ["ghost"] });
    assert.equal(unknown.status, 404);
    assert.equal(
      unknown.json!.error,
      'Failed adding servers [ghost] to cluster "c": Failed to get server "ghost": Failed to get server "ghost" by name: Not found',
    );
    const noCluster = await h.call("POST", `${C}/ghost/:add-servers`, { server_names: ["node3"] });
    assert.equal(noCluster.json!.error, 'Failed adding servers [node3] to cluster "ghost": Failed to get cluster "ghost": Not found');
    const empty = await h.call("POST", `${C}/c/:add-servers`, { server_names: [] });
    assert.equal(empty.json!.error, 'Failed adding servers [] to cluster "c": Empty list of servers provided to join the cluster: Operation not permitted');
    const pending = await h.call("POST", `${C}/c/:add-servers`, { server_names: ["pending1"] });
    assert.equal(pending.status, 400);
  });

  it("copy_services_config copies storage services (lvm system_id recomputed) and joins", async () => {
    const r = await h.call("POST", `${C}/c/:add-servers`, { server_names: ["node3"], copy_services_config: true });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.headers["location"], `${C}/c`);
    const node3 = h.oc.snapshot().servers.find((s) => s.name === "node3")!;
    assert.equal(node3.cluster, "c");
    assert.deepEqual(node3.incusos.services["lvm"], { enabled: true, system_id: node3.id });
    assert.equal((node3.incusos.services["nvme"]!["targets"] as unknown[]).length, 1);
  });
});

describe("local OC: remove servers", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ seed: SEED, reregisterDelayMs: NEVER });
    const c = await h.call("POST", C, clusterPost("c", ["node1", "node2", "node3"]));
    assert.equal(c.status, 201, c.text);
  });
  after(() => h.close());

  it("remove-servers: at least one must remain, members only, evacuated first", async () => {
    const all = await h.call("POST", `${C}/c/:remove-servers`, { server_names: ["node1", "node2", "node3"] });
    assert.equal(all.status, 400);
    assert.equal(
      all.json!.error,
      'Failed to remove servers [node1 node2 node3] from cluster "c": Cluster "c" does not have enough servers for server removal, current cluster size is 3, number of servers to be removed: 3: Operation not permitted',
    );
    const foreign = await h.call("POST", `${C}/c/:remove-servers`, { server_names: ["node4"] });
    assert.equal(foreign.status, 404);
    assert.equal(
      foreign.json!.error,
      'Failed to remove servers [node4] from cluster "c": Server removal failed, server "node4" is not part of the cluster "c": Not found',
    );
    const notEvacuated = await h.call("POST", `${C}/c/:remove-servers`, { server_names: ["node3"] });
    assert.equal(notEvacuated.status, 400);
    assert.equal(
      notEvacuated.json!.error,
      'Failed to remove servers [node3] from cluster "c": Server removal failed, server "node3" is not in state evacuated: Operation not permitted',
    );
    await h.call("POST", `${S}/node3/system/:evacuate`);
    const ok = await h.call("POST", `${C}/c/:remove-servers`, { server_names: ["node3"] });
    assert.equal(ok.status, 201);
    assert.equal((await h.call("GET", `${S}/node3`)).status, 404, "factory reset unregisters it");
    assert.deepEqual(await h.oc.registerPendingNow(), ["node3"]);
    const back = serverOf(await h.call("GET", `${S}/node3`));
    assert.equal(back.cluster, "");
    assert.equal(back.version_data?.in_maintenance, 0);
  });
});

describe("local OC: cluster templates", () => {
  let h: Harness;
  // Each test gets its own: the list a test reads holds only the templates it created.
  beforeEach(async () => {
    h = await startHarness({ servers: 1 });
  });
  afterEach(() => h.close());

  const tpl = (extra: Record<string, unknown> = {}) => ({
    name: "t",
    description: "",
    service_config_template: "lvm:\n  enabled: @A@\n",
    application_config_template: "",
    variables: { A: { description: "", default: "true" } },
    ...extra,
  });

  it("validates variables with OC's texts", async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ name: "" }, "Failed creating cluster config template: Invalid cluster template, name can not be empty"],
      [
        { variables: { A: {}, "b-c": {} }, application_config_template: "@b-c@" },
        'Failed creating cluster config template: Varible "b-c" does not match the expected pattern or contains invalid characters',
      ],
      [{ variables: { A: {}, B: {} } }, 'Failed creating cluster config template: Defined variable "B" is not used in any template'],
      [
        { application_config_template: "x: @C@" },
        'Failed creating cluster config template: Variable "C" used in the application config template is not contained in the variable definitions',
      ],
      [
        { variables: {} },
        'Failed creating cluster config template: Variable "A" used in the service config template is not contained in the variable definitions',
      ],
    ];
    for (const [extra, error] of cases) {
      const r = await h.call("POST", T, tpl(extra));
      assert.equal(r.status, 400, JSON.stringify(extra));
      assert.equal(r.json!.error, error);
    }
    // The regex is unanchored: a@b passes because "@a@" matches.
    const sloppy = await h.call("POST", T, tpl({ name: "sloppy", variables: { A: {}, "a@b": {}, a: {} }, application_config_template: "@a@b@" }));
    assert.equal(sloppy.status, 201, sloppy.text);
  });

  it("creates, gets with ETag, lists, replaces, renames and deletes", async () => {
    const c = await h.call("POST", T, tpl());
    assert.equal(c.status, 201);
    assert.equal(c.headers["location"], `${T}/t`);
    const dup = await h.call("POST", T, tpl());
    assert.equal(dup.status, 400);
    assert.equal(dup.json!.error, "Failed creating cluster config template: Constraint violation");
    const got = await h.call("GET", `${T}/t`);
    assert.equal(templateOf(got).variables?.["A"]?.default, "true");
    const etag = String(got.headers["etag"]);
    assert.deepEqual((await h.call("GET", T)).json!.metadata, [`${T}/t`]);
    assert.equal(templatesOf(await h.call("GET", `${T}?recursion=1`)).length, 1);
    const stale = await h.call("PUT", `${T}/t`, tpl({ description: "x" }), { headers: { "If-Match": '"0"' } });
    assert.equal(stale.status, 412);
    const put = await h.call("PUT", `${T}/t`, tpl({ description: "x" }), { headers: { "If-Match": etag } });
    assert.equal(put.status, 201);
    const badPut = await h.call("PUT", `${T}/t`, tpl({ variables: {} }));
    assert.equal(
      badPut.json!.error,
      'Failed updating cluster config template "t": Variable "A" used in the service config template is not contained in the variable definitions',
    );
    const ren = await h.call("POST", `${T}/t`, { name: "u" });
    assert.equal(ren.status, 201);
    assert.equal(ren.headers["location"], `${T}/u`);
    assert.equal((await h.call("GET", `${T}/t`)).status, 404);
    assert.equal((await h.call("DELETE", `${T}/u`)).status, 200);
    assert.equal((await h.call("DELETE", `${T}/u`)).status, 404);
  });

  it("the Location header percent-encodes names with spaces and non-ASCII characters", async () => {
    const name = "edge rack é";
    const r = await h.call("POST", T, tpl({ name }));
    assert.equal(r.status, 201, r.text);
    assert.equal(r.headers["location"], `${T}/edge%20rack%20%C3%A9`);
    const got = await h.call("GET", String(r.headers["location"]));
    assert.equal(got.status, 200);
    assert.equal(templateOf(got).name, name);
  });
});
