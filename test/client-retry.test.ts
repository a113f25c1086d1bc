// Retries: GETs are repeated after connection loss and 5xx; mutations only when the request
// provably did not reach the server or the server said it did not handle it (503/429).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { OperationsCenterClient, OperationsCenterError, type ClientOptions, type RequestEvent } from "../src/client/index.js";
import type { KeyPair } from "../src/local-oc/certificates.js";
import { closedPort, sendError, sendSync, serverCertificate, startTestServer, type TestServer } from "./fixtures/client/server.js";

describe("OperationsCenterClient retries", () => {
  let serverPair: KeyPair;
  let server: TestServer;
  const clients: OperationsCenterClient[] = [];

  before(async () => {
    serverPair = await serverCertificate();
    server = await startTestServer(serverPair);
  });
  after(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await server.close();
  });

  const newClient = (events: RequestEvent[], options: Partial<ClientOptions> = {}) => {
    const client = new OperationsCenterClient({
      url: server.url,
      serverCertificate: serverPair.certificate,
      retries: 3,
      retryBaseDelayMs: 5,
      onRequest: (event) => events.push(event),
      ...options,
    });
    clients.push(client);
    return client;
  };
  const reset = () => {
    server.requests.length = 0;
  };

  it("retries a GET whose connection was dropped: the second connection answers", async () => {
    reset();
    let calls = 0;
    server.setHandler((_request, response, raw) => {
      calls++;
      if (calls === 1) {
        raw.socket.destroy();
        return;
      }
      sendSync(response, []);
    });
    const events: RequestEvent[] = [];
    const client = newClient(events);
    assert.deepEqual(await client.listClusters(), []);
    assert.equal(server.requests.length, 2);
    assert.notEqual(server.requests[0]?.connection, server.requests[1]?.connection, "the retry used a new connection");
    assert.deepEqual(
      events.map((event) => [event.attempt, event.status]),
      [
        [1, 0],
        [2, 200],
      ],
    );
    assert.match(events[0]?.error ?? "", /connection to https:\/\/127\.0\.0\.1:\d+ was lost/);
  });

  it("never repeats a POST whose request was sent before the connection dropped", async () => {
    reset();
    server.setHandler((_request, _response, raw) => {
      // The whole body has been read (the request was delivered), then the connection dies.
      raw.socket.destroy();
    });
    const events: RequestEvent[] = [];
    const client = newClient(events);
    const error = await client
      .createCluster({ name: "c", connection_url: "https://x", server_names: ["s1"], server_type: "incus" })
      .then(() => assert.fail("expected a failure"), (e: unknown) => e);
    assert.ok(error instanceof OperationsCenterError);
    assert.equal(server.requests.length, 1, "exactly one attempt reached the server");
    assert.equal(JSON.parse(server.requests[0]?.body ?? "{}").name, "c");
    assert.equal(events.length, 1);
    assert.equal(error.status, 0);
    assert.equal(error.attempts, 1);
    assert.equal(error.mayHaveBeenProcessed, true);
    assert.match(
      error.message,
      /^POST \/1\.0\/provisioning\/clusters failed: the connection to https:\/\/127\.0\.0\.1:\d+ was lost after the request was sent \(.*\); the request may have been processed: check the current state before retrying$/,
    );
  });

  it("retries a POST on 503 (the server did not handle it)", async () => {
    reset();
    let calls = 0;
    server.setHandler((_request, response) => {
      calls++;
      if (calls === 1) sendError(response, 503, "Service Unavailable: daemon starting up", { "retry-after": "0" });
      else sendSync(response, null, { status: 201, headers: { location: "/1.0/provisioning/cluster-templates/t" } });
    });
    const events: RequestEvent[] = [];
    const client = newClient(events);
    await client.createClusterTemplate({ name: "t", description: "", service_config_template: "", application_config_template: "", variables: {} });
    assert.equal(server.requests.length, 2);
    assert.equal(server.requests[0]?.body, server.requests[1]?.body);
    assert.deepEqual(events.map((event) => event.status), [503, 201]);
  });

  it("does not retry a POST that failed with 500", async () => {
    reset();
    server.setHandler((_request, response) => sendError(response, 500, "Failed to bulk update cluster \"c\": boom"));
    const events: RequestEvent[] = [];
    const client = newClient(events);
    await assert.rejects(
      client.bulkUpdateCluster("c", "add_application", { name: "debug" }),
      (error: unknown) => error instanceof OperationsCenterError && error.status === 500 && error.attempts === 1,
    );
    assert.equal(server.requests.length, 1);
  });

  it("retries a GET on 500 until the retries are used up, and says so", async () => {
    reset();
    server.setHandler((_request, response) => sendError(response, 500, "database is locked"));
    const events: RequestEvent[] = [];
    const client = newClient(events, { retries: 2 });
    await assert.rejects(client.listServers(), (error: unknown) => {
      assert.ok(error instanceof OperationsCenterError);
      assert.equal(error.attempts, 3);
      assert.equal(error.message, "GET /1.0/provisioning/servers?recursion=1 failed: 500 database is locked (after 3 attempts)");
      return true;
    });
    assert.equal(server.requests.length, 3);
    assert.deepEqual(events.map((event) => event.attempt), [1, 2, 3]);
  });

  it("does not retry 501, nor 4xx", async () => {
    reset();
    server.setHandler((_request, response) => sendError(response, 501, "Not Implemented"));
    const client = newClient([]);
    await assert.rejects(client.getServerInfo(), /501 Not Implemented$/);
    assert.equal(server.requests.length, 1);
    reset();
    server.setHandler((_request, response) => sendError(response, 400, "Bad Request: invalid filter"));
    await assert.rejects(client.listClusters({ filter: "(" }), /400 Bad Request: invalid filter$/);
    assert.equal(server.requests.length, 1);
  });

  it("retries even a POST when the connection was refused (nothing was sent)", async () => {
    const port = await closedPort();
    const events: RequestEvent[] = [];
    const client = new OperationsCenterClient({
      url: `https://127.0.0.1:${port}`,
      serverCertificate: serverPair.certificate,
      retries: 2,
      retryBaseDelayMs: 1,
      onRequest: (event) => events.push(event),
    });
    clients.push(client);
    await assert.rejects(client.resyncClusterInventory("c"), (error: unknown) => {
      assert.ok(error instanceof OperationsCenterError);
      assert.equal(error.status, 0);
      assert.equal(error.code, "ECONNREFUSED");
      assert.equal(error.mayHaveBeenProcessed, false);
      assert.equal(
        error.message,
        `POST /1.0/provisioning/clusters/c/:resync-inventory failed: cannot connect to https://127.0.0.1:${port} (ECONNREFUSED) (after 3 attempts)`,
      );
      return true;
    });
    assert.deepEqual(events.map((event) => [event.attempt, event.status]), [
      [1, 0],
      [2, 0],
      [3, 0],
    ]);
  });

  it("a reply that takes longer than timeoutMs: GET is retried, PUT is reported as possibly processed", async () => {
    reset();
    server.setHandler(() => {
      // Never answer.
    });
    const events: RequestEvent[] = [];
    const client = newClient(events, { timeoutMs: 150, retries: 1 });
    await assert.rejects(client.getCluster("slow"), /failed: no reply from https:\/\/127\.0\.0\.1:\d+ within 150 ms \(UND_ERR_HEADERS_TIMEOUT\) \(after 2 attempts\)$/);
    assert.equal(server.requests.length, 2);
    reset();
    await assert.rejects(
      client.updateCluster("slow", { connection_url: "", channel: "stable", description: "", properties: {}, config: { rolling_restart: { post_restore_delay: "", restore_mode: "" } } }),
      (error: unknown) => {
        assert.ok(error instanceof OperationsCenterError);
        assert.equal(error.mayHaveBeenProcessed, true);
        assert.match(error.message, /within 150 ms \(UND_ERR_HEADERS_TIMEOUT\); the request may have been processed/);
        return true;
      },
    );
    assert.equal(server.requests.length, 1);
  });

  it("limits the requests in flight to maxConcurrency", async () => {
    reset();
    let inFlight = 0;
    let peak = 0;
    server.setHandler(async (_request, response) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 30));
      inFlight--;
      sendSync(response, []);
    });
    const client = newClient([], { maxConcurrency: 2 });
    await Promise.all(Array.from({ length: 7 }, () => client.listClusters()));
    assert.equal(server.requests.length, 7);
    assert.equal(peak, 2);
  });
});
