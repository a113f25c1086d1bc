// The client against an in-test HTTPS server: envelope parsing, errors, 201 + Location, ETag and
// If-Match, URL encoding, the os/ proxy, and the typed calls' requests.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { OperationsCenterClient, OperationsCenterError } from "../src/client/index.js";
import { certificateFingerprint, type KeyPair } from "../src/local-oc/certificates.js";
import {
  clientCertificate,
  notFound,
  sendError,
  sendSync,
  serverCertificate,
  startTestServer,
  type RecordedRequest,
  type TestServer,
} from "./fixtures/client/server.js";

const cluster = {
  name: "prod",
  connection_url: "https://192.0.2.10:8443",
  certificate: "",
  fingerprint: "",
  status: "ready",
  update_status: { needs_update: null, needs_reboot: null, in_maintenance: null, in_progress_status: { in_progress: "" } },
  channel: "stable",
  description: "production",
  properties: { team: "infra" },
  config: { rolling_restart: { post_restore_delay: "", restore_mode: "" } },
  last_updated: "2026-08-20T10:00:00Z",
};

describe("OperationsCenterClient API calls", () => {
  let serverPair: KeyPair;
  let clientPair: KeyPair;
  let server: TestServer;
  let client: OperationsCenterClient;

  before(async () => {
    serverPair = await serverCertificate();
    clientPair = await clientCertificate();
    server = await startTestServer(serverPair);
    client = new OperationsCenterClient({
      url: server.url,
      serverCertificate: serverPair.certificate,
      clientCertificate: clientPair.certificate,
      clientKey: clientPair.key,
      retries: 0,
    });
  });
  after(async () => {
    await client.close();
    await server.close();
  });

  const last = (): RecordedRequest => {
    const request = server.requests.at(-1);
    assert.ok(request, "the server received a request");
    return request;
  };

  it("GET /1.0 parses the envelope's metadata", async () => {
    server.setHandler((_request, response) =>
      sendSync(response, { api_status: "devel", api_version: "1.0", auth: "tls", auth_methods: ["oidc", "tls"], server_version: "0.3.1" }),
    );
    const info = await client.getServerInfo();
    assert.equal(info.auth, "tls");
    assert.equal(info.api_version, "1.0");
    assert.equal(info.server_version, "0.3.1");
    assert.deepEqual(info.auth_methods, ["oidc", "tls"]);
    assert.equal(last().method, "GET");
    assert.equal(last().url, "/1.0");
    assert.equal(last().headers.accept, "application/json");
  });

  it("201 + Location from POST /clusters is success, and the body is JSON with Content-Type", async () => {
    server.setHandler((_request, response) => sendSync(response, null, { status: 201, headers: { location: "/1.0/provisioning/clusters/prod" } }));
    await client.createCluster({ name: "prod", connection_url: "https://192.0.2.10:8443", server_names: ["s1", "s2"], server_type: "incus" });
    assert.equal(last().method, "POST");
    assert.equal(last().url, "/1.0/provisioning/clusters");
    assert.equal(last().headers["content-type"], "application/json");
    assert.deepEqual(JSON.parse(last().body), {
      name: "prod",
      connection_url: "https://192.0.2.10:8443",
      server_names: ["s1", "s2"],
      server_type: "incus",
    });

    const raw = await client.request("POST", "/1.0/provisioning/clusters", { body: { name: "x" } });
    assert.equal(raw.status, 201);
    assert.equal(raw.location, "/1.0/provisioning/clusters/prod");
    assert.equal(raw.metadata, null);
  });

  it("returns the ETag of a GET and sends it back as If-Match on PUT", async () => {
    const etag = '"3f1c0a9be0c1d7e2f5a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2"';
    server.setHandler((request, response) => {
      if (request.method === "GET") sendSync(response, cluster, { headers: { etag } });
      else sendSync(response, null, { status: 201, headers: { location: "/1.0/provisioning/clusters/prod" } });
    });
    const got = await client.getCluster("prod");
    assert.equal(got.etag, etag);
    assert.equal(got.cluster.name, "prod");
    assert.deepEqual(got.cluster.properties, { team: "infra" });

    const put = {
      connection_url: got.cluster.connection_url,
      channel: got.cluster.channel,
      description: "changed",
      properties: got.cluster.properties,
      config: got.cluster.config,
    };
    await client.updateCluster("prod", put, { ifMatch: got.etag });
    assert.equal(last().method, "PUT");
    assert.equal(last().url, "/1.0/provisioning/clusters/prod");
    assert.equal(last().headers["if-match"], etag);
    assert.equal(JSON.parse(last().body).description, "changed");

    // A bare ETag is quoted; no ifMatch means no header.
    await client.updateCluster("prod", put, { ifMatch: "abc" });
    assert.equal(last().headers["if-match"], '"abc"');
    await client.updateCluster("prod", put);
    assert.equal(last().headers["if-match"], undefined);
  });

  it("412 on a stale ETag is an OperationsCenterError with isPreconditionFailed", async () => {
    server.setHandler((_request, response) => sendError(response, 412, "Precondition Failed: ETag doesn't match: aaa vs bbb"));
    await assert.rejects(client.renameCluster("prod", "prod2", { ifMatch: '"bbb"' }), (error: unknown) => {
      assert.ok(error instanceof OperationsCenterError);
      assert.equal(error.status, 412);
      assert.equal(error.errorCode, 412);
      assert.equal(error.isPreconditionFailed, true);
      assert.equal(error.message, "POST /1.0/provisioning/clusters/prod failed: 412 Precondition Failed: ETag doesn't match: aaa vs bbb");
      return true;
    });
    assert.deepEqual(JSON.parse(last().body), { name: "prod2" });
    assert.equal(last().headers["if-match"], '"bbb"');
  });

  it("an error envelope becomes an OperationsCenterError that reads well", async () => {
    server.setHandler((_request, response) => sendError(response, 400, 'Cluster with name "a" already exists: Operation not permitted'));
    const error = await client.createCluster({ name: "a", connection_url: "https://x", server_names: ["s1"], server_type: "incus" }).then(
      () => assert.fail("expected a failure"),
      (e: unknown) => e,
    );
    assert.ok(error instanceof OperationsCenterError);
    assert.ok(error instanceof Error);
    assert.equal(error.name, "OperationsCenterError");
    assert.equal(error.status, 400);
    assert.equal(error.errorCode, 400);
    assert.equal(error.serverMessage, 'Cluster with name "a" already exists: Operation not permitted');
    assert.equal(error.method, "POST");
    assert.equal(error.path, "/1.0/provisioning/clusters");
    assert.equal(error.isNotFound, false);
    assert.equal(error.mayHaveBeenProcessed, false);
    assert.equal(error.message, 'POST /1.0/provisioning/clusters failed: 400 Cluster with name "a" already exists: Operation not permitted');
    assert.match(String(error.stack), /^OperationsCenterError: POST/);
  });

  it("404 envelope: get* throws isNotFound, find* returns undefined", async () => {
    server.setHandler((_request, response) => sendError(response, 404, 'Failed to get cluster "x" by name: Not found'));
    await assert.rejects(client.getCluster("x"), (error: unknown) => {
      assert.ok(error instanceof OperationsCenterError);
      assert.equal(error.isNotFound, true);
      assert.equal(error.message, 'GET /1.0/provisioning/clusters/x failed: 404 Failed to get cluster "x" by name: Not found');
      return true;
    });
    assert.equal(await client.findCluster("x"), undefined);
    assert.equal(await client.findServer("x"), undefined);
    assert.equal(await client.findClusterTemplate("x"), undefined);
  });

  it("Go's plain-text 404 and 405 bodies are errors with that text; find* does not mistake a wrong route for absence", async () => {
    server.setHandler(notFound);
    const error404 = await client.getCluster("x").then(
      () => assert.fail("expected a failure"),
      (e: unknown) => e,
    );
    assert.ok(error404 instanceof OperationsCenterError);
    assert.equal(error404.status, 404);
    assert.equal(error404.errorCode, 0);
    assert.equal(error404.serverMessage, "404 page not found");
    assert.match(error404.message, /^GET \/1\.0\/provisioning\/clusters\/x failed: 404 page not found \(the server has no such route/);
    await assert.rejects(client.findCluster("x"), OperationsCenterError);

    server.setHandler((_request, response) => {
      response.writeHead(405, { "content-type": "text/plain; charset=utf-8", allow: "GET" });
      response.end("Method Not Allowed\n");
    });
    await assert.rejects(client.deleteClusterTemplate("t"), (error: unknown) => {
      assert.ok(error instanceof OperationsCenterError);
      assert.equal(error.status, 405);
      assert.equal(error.serverMessage, "Method Not Allowed");
      assert.equal(error.message, "DELETE /1.0/provisioning/cluster-templates/t failed: 405 Method Not Allowed");
      return true;
    });
  });

  it("success needs both a 2xx status and error_code 0; a 2xx without an envelope is an error", async () => {
    server.setHandler((_request, response) => {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ type: "error", status: "", status_code: 0, operation: "", error_code: 500, error: "boom", metadata: null }));
    });
    await assert.rejects(client.resyncClusterInventory("prod"), (error: unknown) => {
      assert.ok(error instanceof OperationsCenterError);
      assert.equal(error.status, 200);
      assert.equal(error.errorCode, 500);
      assert.equal(error.serverMessage, "boom");
      return true;
    });

    server.setHandler((_request, response) => {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ type: "sync", metadata: [] }));
    });
    await assert.rejects(
      client.listClusters(),
      /GET \/1\.0\/provisioning\/clusters\?recursion=1 failed: 200 reply is not an Operations Center envelope \(bad or missing: status, status_code, operation, error_code, error\)/,
    );

    server.setHandler((_request, response) => {
      response.writeHead(200, { "content-type": "text/html" });
      response.end("<html>proxy login</html>");
    });
    await assert.rejects(client.getServerInfo(), /failed: 200 with a non-JSON body \(expected a JSON envelope\): <html>proxy login<\/html>/);
  });

  it("metadata that does not fit the schema is an OperationsCenterError naming the field", async () => {
    server.setHandler((_request, response) => sendSync(response, [{ name: "prod" }]));
    await assert.rejects(client.listClusters(), (error: unknown) => {
      assert.ok(error instanceof OperationsCenterError);
      assert.match(error.message, /unexpected reply metadata .*0\.status: /);
      return true;
    });
  });

  it("encodes names in paths and filter expressions in queries", async () => {
    server.setHandler((request, response) => {
      if (request.url.startsWith("/1.0/provisioning/servers")) sendSync(response, []);
      else sendSync(response, [cluster]);
    });
    await client.listClusters({ filter: 'status == "ready" && name matches "^p"' });
    assert.equal(last().url, "/1.0/provisioning/clusters?recursion=1&filter=status%20%3D%3D%20%22ready%22%20%26%26%20name%20matches%20%22%5Ep%22");
    await client.listServers({ cluster: "prod", filter: "cluster == nil" });
    assert.equal(last().url, "/1.0/provisioning/servers?recursion=1&cluster=prod&filter=cluster%20%3D%3D%20nil");

    server.setHandler((_request, response) => sendSync(response, cluster, { headers: { etag: '"e"' } }));
    await client.getCluster("a b#c?d");
    assert.equal(last().url, "/1.0/provisioning/clusters/a%20b%23c%3Fd");
  });

  it("listClusterNames and incusOS.listApplications return decoded names from URL lists", async () => {
    server.setHandler((request, response) => {
      if (request.url.includes("/os/1.0/applications")) {
        // IncusOS replies through the os/ proxy in the Incus envelope form.
        response.writeHead(200, { "content-type": "application/json" });
        response.end(JSON.stringify({ type: "sync", status: "Success", status_code: 200, metadata: ["/1.0/applications/incus", "/1.0/applications/debug"] }));
      } else {
        sendSync(response, ["/1.0/provisioning/clusters/prod", "/1.0/provisioning/clusters/a%20b"]);
      }
    });
    assert.deepEqual(await client.listClusterNames({ filter: 'name != "x"' }), ["prod", "a b"]);
    assert.equal(last().url, "/1.0/provisioning/clusters?filter=name%20!%3D%20%22x%22");
    assert.deepEqual(await client.incusOS.listApplications("server01"), ["incus", "debug"]);
    assert.equal(last().url, "/1.0/provisioning/servers/server01/os/1.0/applications");
  });

  it("reads IncusOS objects through the per-server os/ proxy, and its errors", async () => {
    server.setHandler((request, response) => {
      if (request.url.endsWith("/services/linstor")) {
        response.writeHead(404, { "content-type": "application/json" });
        response.end(JSON.stringify({ type: "error", error: "service not supported", error_code: 404, metadata: null }));
        return;
      }
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ type: "sync", status: "Success", status_code: 200, metadata: { config: { targets: [] }, state: {} } }));
    });
    const iscsi = await client.incusOS.getService("server01", "iscsi");
    assert.deepEqual(iscsi.config, { targets: [] });
    assert.equal(last().url, "/1.0/provisioning/servers/server01/os/1.0/services/iscsi");
    await client.incusOS.getSystemConfig("server01", "kernel");
    assert.equal(last().url, "/1.0/provisioning/servers/server01/os/1.0/system/kernel");
    await client.incusOS.getSystemConfig("server01", "logging");
    assert.equal(last().url, "/1.0/provisioning/servers/server01/os/1.0/system/logging");
    await assert.rejects(client.incusOS.getService("server01", "linstor"), (error: unknown) => {
      assert.ok(error instanceof OperationsCenterError);
      assert.equal(error.isNotFound, true);
      assert.equal(error.serverMessage, "service not supported");
      return true;
    });
  });

  it("sends the cluster actions to the documented routes", async () => {
    server.setHandler((_request, response) => sendSync(response, {}));
    await client.deleteCluster("prod", { mode: "force" });
    assert.equal(last().method, "DELETE");
    assert.equal(last().url, "/1.0/provisioning/clusters/prod?mode=force");
    assert.equal(last().headers["content-type"], undefined);

    await client.addClusterServers("prod", { server_names: ["s3"], skip_post_join_operations: false, copy_services_config: true });
    assert.equal(last().url, "/1.0/provisioning/clusters/prod/:add-servers");
    assert.deepEqual(JSON.parse(last().body), { server_names: ["s3"], skip_post_join_operations: false, copy_services_config: true });

    await client.removeClusterServers("prod", ["s3"]);
    assert.equal(last().url, "/1.0/provisioning/clusters/prod/:remove-servers");
    assert.deepEqual(JSON.parse(last().body), { server_names: ["s3"] });

    await client.bulkUpdateCluster("prod", "add_network_interface_vlan_tags", { interface_name: "eth0", vlan_tags: [100] });
    assert.equal(last().url, "/1.0/provisioning/clusters/prod/:bulk-update");
    assert.deepEqual(JSON.parse(last().body), { action: "add_network_interface_vlan_tags", arguments: { interface_name: "eth0", vlan_tags: [100] } });

    await client.resyncClusterInventory("prod");
    assert.equal(last().url, "/1.0/provisioning/clusters/prod/:resync-inventory");
    assert.equal(last().method, "POST");
    assert.equal(last().body, "");

    await client.evacuateServer("s1");
    assert.equal(last().url, "/1.0/provisioning/servers/s1/system/:evacuate");
    await client.restoreServer("s1");
    assert.equal(last().url, "/1.0/provisioning/servers/s1/system/:restore");
  });

  it("refuses a delete mode the server would silently turn into normal, and null bulk arguments, without sending", async () => {
    const before = server.requests.length;
    await assert.rejects(
      client.deleteCluster("prod", { mode: "forced" as never }),
      /DELETE \/1\.0\/provisioning\/clusters\/prod failed: invalid delete mode "forced" \(expected normal, force, factory-reset/,
    );
    await assert.rejects(
      client.bulkUpdateCluster("prod", "update_system_kernel", null),
      /POST \/1\.0\/provisioning\/clusters\/prod\/:bulk-update failed: not sent: update_system_kernel needs arguments/,
    );
    assert.equal(server.requests.length, before);
  });

  it("cluster templates: list, get with ETag, create, update with If-Match, rename, delete", async () => {
    const template = {
      name: "tpl",
      description: "d",
      service_config_template: "lvm:\n  enabled: @LVM@\n",
      application_config_template: "",
      variables: { LVM: { description: "enable lvm", default: "true" } },
      last_updated: "2026-08-20T10:00:00Z",
    };
    server.setHandler((request, response) => {
      if (request.method === "GET" && request.url.includes("recursion=1")) sendSync(response, [template]);
      else if (request.method === "GET") sendSync(response, template, { headers: { etag: '"t1"' } });
      else if (request.method === "DELETE") sendSync(response, {});
      else sendSync(response, null, { status: 201, headers: { location: "/1.0/provisioning/cluster-templates/tpl" } });
    });
    const list = await client.listClusterTemplates();
    assert.equal(list[0]?.variables.LVM?.default, "true");
    assert.equal(last().url, "/1.0/provisioning/cluster-templates?recursion=1");
    const got = await client.getClusterTemplate("tpl");
    assert.equal(got.etag, '"t1"');
    const { name: _name, last_updated: _updated, ...put } = template;
    await client.createClusterTemplate({ name: "tpl", ...put });
    assert.equal(last().url, "/1.0/provisioning/cluster-templates");
    await client.updateClusterTemplate("tpl", put, { ifMatch: got.etag });
    assert.equal(last().method, "PUT");
    assert.equal(last().headers["if-match"], '"t1"');
    await client.renameClusterTemplate("tpl", "tpl2");
    assert.deepEqual(JSON.parse(last().body), { name: "tpl2" });
    await client.deleteClusterTemplate("tpl2");
    assert.equal(last().method, "DELETE");
    assert.equal(last().url, "/1.0/provisioning/cluster-templates/tpl2");
  });

  it("servers: list with recursion, get with ETag, system network", async () => {
    const server01 = {
      name: "server01",
      connection_url: "https://192.0.2.21:8443",
      cluster: null,
      server_type: "incus",
      server_status: "ready",
      server_status_detail: "",
      os_data: { network: { config: { interfaces: [{ name: "eth0", vlan_tags: [100] }] }, state: {} } },
    };
    server.setHandler((request, response) => {
      if (request.url.endsWith("/system/network")) sendSync(response, server01.os_data.network);
      else if (request.url.includes("recursion=1")) sendSync(response, [server01]);
      else sendSync(response, server01, { headers: { etag: '"s1"' } });
    });
    const servers = await client.listServers();
    assert.equal(servers.length, 1);
    assert.equal(servers[0]?.cluster, "");
    const got = await client.getServer("server01");
    assert.equal(got.etag, '"s1"');
    assert.equal((await client.findServer("server01"))?.name, "server01");
    const network = await client.getServerNetwork("server01");
    assert.deepEqual(network.config?.interfaces?.[0]?.vlan_tags, [100]);
    assert.equal(last().url, "/1.0/provisioning/servers/server01/system/network");
  });

  it("401 explains which client fingerprint the server must trust", async () => {
    server.setHandler((_request, response) => sendError(response, 401, "unauthorized"));
    await assert.rejects(client.listServers(), (error: unknown) => {
      assert.ok(error instanceof OperationsCenterError);
      assert.equal(error.status, 401);
      assert.equal(error.isAuthError, true);
      assert.match(
        error.message,
        new RegExp(`failed: 401 unauthorized \\(this client presents certificate ${certificateFingerprint(clientPair.certificate)}; the server must trust it`),
      );
      return true;
    });
  });
});
