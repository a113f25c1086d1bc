// Retries: GETs are repeated after connection loss and 5xx; mutations only when the request
// provably did not reach the server, the server said it did not handle it (503/429), or a
// replay is harmless (a PUT with If-Match, a server's :evacuate / :restore). Refused or reset
// connections are retried for a time budget, as while Operations Center restarts.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { ServerResponse } from "node:http";
import { OperationsCenterClient, OperationsCenterError, type ClientOptions, type RequestEvent } from "../src/client/index.js";
import type { KeyPair } from "../src/local-oc/certificates.js";
import { closedPort, sendError, sendSync, serverCertificate, startTestServer, type TestServer } from "./fixtures/client/server.js";

const CLUSTER_PUT = {
  connection_url: "",
  channel: "stable",
  description: "",
  properties: {},
  config: { rolling_restart: { post_restore_delay: "", restore_mode: "" } },
};
const TEMPLATE_PUT = { description: "", service_config_template: "", application_config_template: "", variables: {} };
const TEMPLATE_POST = { name: "t", ...TEMPLATE_PUT };
const created = { status: 201, headers: { location: "/1.0/provisioning/clusters/c" } };

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
  /** A client for a port nothing listens on; `onEvent` runs after each attempt is recorded. */
  const refusedClient = async (events: RequestEvent[], options: Partial<ClientOptions>, onEvent: (port: number) => void = () => {}) => {
    const port = await closedPort();
    const client = new OperationsCenterClient({
      url: `https://127.0.0.1:${port}`,
      serverCertificate: serverPair.certificate,
      retryBaseDelayMs: 1,
      onRequest: (event) => {
        events.push(event);
        onEvent(port);
      },
      ...options,
    });
    clients.push(client);
    return { client, port };
  };
  /** The first request's connection is dropped once the request was read; later ones get `answer`. */
  const dropFirstThen = (answer: (response: ServerResponse) => void) => {
    let calls = 0;
    server.setHandler((_request, response, raw) => {
      calls++;
      if (calls === 1) raw.socket.destroy();
      else answer(response);
    });
  };
  const assertRefused = (error: unknown): OperationsCenterError => {
    assert.ok(error instanceof OperationsCenterError);
    assert.equal(error.status, 0);
    assert.equal(error.code, "ECONNREFUSED");
    assert.equal(error.mayHaveBeenProcessed, false);
    return error;
  };

  it("retries a GET whose connection was dropped: the second connection answers", async () => {
    reset();
    dropFirstThen((response) => sendSync(response, []));
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
    const error = await client.createCluster({ name: "c", connection_url: "https://x", server_names: ["s1"], server_type: "incus" }).then(
      () => assert.fail("expected a failure"),
      (e: unknown) => e,
    );
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
    await client.createClusterTemplate(TEMPLATE_POST);
    assert.equal(server.requests.length, 2);
    assert.equal(server.requests[0]?.body, server.requests[1]?.body);
    assert.deepEqual(
      events.map((event) => event.status),
      [503, 201],
    );
  });

  it("does not retry a POST that failed with 500", async () => {
    reset();
    server.setHandler((_request, response) => sendError(response, 500, 'Failed to bulk update cluster "c": boom'));
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
    assert.deepEqual(
      events.map((event) => event.attempt),
      [1, 2, 3],
    );
  });

  it("a 500 on a GET is retried at most 4 times, however many attempts are allowed", async () => {
    reset();
    server.setHandler((_request, response) => sendError(response, 500, "database is locked"));
    const client = newClient([], { retries: 20 });
    await assert.rejects(client.listServers(), (error: unknown) => error instanceof OperationsCenterError && error.attempts === 5);
    assert.equal(server.requests.length, 5);
  });

  it("a 503 is retried until the attempts are used up, and no longer than the retry budget", async () => {
    reset();
    server.setHandler((_request, response) => sendError(response, 503, "Service Unavailable"));
    await assert.rejects(newClient([], { retries: 6 }).listServers(), (error: unknown) => error instanceof OperationsCenterError && error.attempts === 7);
    assert.equal(server.requests.length, 7);
    reset();
    // A zero budget leaves no time to wait: the first failure is the last.
    await assert.rejects(
      newClient([], { retries: 6, retryBudgetMs: 0 }).listServers(),
      (error: unknown) => error instanceof OperationsCenterError && error.attempts === 1,
    );
    assert.equal(server.requests.length, 1);
  });

  it("the mutation gate refuses a change before it is sent; reads still go", async () => {
    reset();
    server.setHandler((_request, response) => sendSync(response, []));
    let reason: string | undefined;
    const client = newClient([], { mutationGate: () => reason });
    await client.listClusters();
    reason = "the provider is stopping";
    await client.listClusters();
    await assert.rejects(client.createClusterTemplate(TEMPLATE_POST), (error: unknown) => {
      assert.ok(error instanceof OperationsCenterError);
      assert.equal(error.status, 0);
      assert.equal(error.mayHaveBeenProcessed, false);
      assert.equal(error.message, "POST /1.0/provisioning/cluster-templates failed: not sent: the provider is stopping");
      return true;
    });
    assert.deepEqual(
      server.requests.map((request) => request.method),
      ["GET", "GET"],
    );
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

  it("with connectRetryBudgetMs 0, a refused connection is retried up to `retries` times, even for a POST", async () => {
    const events: RequestEvent[] = [];
    const { client, port } = await refusedClient(events, { retries: 2, connectRetryBudgetMs: 0 });
    await assert.rejects(client.resyncClusterInventory("c"), (error: unknown) => {
      assert.equal(
        assertRefused(error).message,
        `POST /1.0/provisioning/clusters/c/:resync-inventory failed: cannot connect to https://127.0.0.1:${port} (ECONNREFUSED) (after 3 attempts)`,
      );
      return true;
    });
    assert.deepEqual(
      events.map((event) => [event.attempt, event.status]),
      [
        [1, 0],
        [2, 0],
        [3, 0],
      ],
    );
  });

  it("a reply that takes longer than timeoutMs: GET is retried, PUT is reported as possibly processed", async () => {
    reset();
    server.setHandler(() => {
      // Never answer.
    });
    const events: RequestEvent[] = [];
    const client = newClient(events, { timeoutMs: 150, retries: 1 });
    await assert.rejects(
      client.getCluster("slow"),
      /failed: no reply from https:\/\/127\.0\.0\.1:\d+ within 150 ms \(UND_ERR_HEADERS_TIMEOUT\) \(after 2 attempts\)$/,
    );
    assert.equal(server.requests.length, 2);
    reset();
    await assert.rejects(client.updateCluster("slow", CLUSTER_PUT), (error: unknown) => {
      assert.ok(error instanceof OperationsCenterError);
      assert.equal(error.mayHaveBeenProcessed, true);
      assert.match(error.message, /within 150 ms \(UND_ERR_HEADERS_TIMEOUT\); the request may have been processed/);
      return true;
    });
    assert.equal(server.requests.length, 1);
  });

  it("never resends :add-servers, :remove-servers or :bulk-update whose request was sent", async () => {
    server.setHandler((_request, _response, raw) => {
      raw.socket.destroy();
    });
    const client = newClient([]);
    const calls: Array<[string, () => Promise<void>]> = [
      ["/1.0/provisioning/clusters/c/:add-servers", () => client.addClusterServers("c", { server_names: ["s2"] })],
      ["/1.0/provisioning/clusters/c/:remove-servers", () => client.removeClusterServers("c", ["s2"])],
      ["/1.0/provisioning/clusters/c/:bulk-update", () => client.bulkUpdateCluster("c", "add_application", { name: "debug" })],
    ];
    for (const [path, call] of calls) {
      reset();
      await assert.rejects(call(), (error: unknown) => {
        assert.ok(error instanceof OperationsCenterError, path);
        assert.equal(error.mayHaveBeenProcessed, true, path);
        assert.equal(error.attempts, 1, path);
        return true;
      });
      assert.deepEqual(
        server.requests.map((request) => request.url),
        [path],
      );
    }
  });

  it("resends a PUT with If-Match whose connection was dropped; without If-Match it is not resent", async () => {
    reset();
    dropFirstThen((response) => sendSync(response, null, created));
    const events: RequestEvent[] = [];
    const client = newClient(events);
    await client.updateCluster("c", CLUSTER_PUT, { ifMatch: "abc" });
    assert.deepEqual(
      server.requests.map((request) => [request.method, request.headers["if-match"]]),
      [
        ["PUT", '"abc"'],
        ["PUT", '"abc"'],
      ],
    );
    assert.equal(server.requests[0]?.body, server.requests[1]?.body);
    assert.deepEqual(
      events.map((event) => [event.attempt, event.status, event.subject]),
      [
        [1, 0, "c"],
        [2, 201, "c"],
      ],
    );

    reset();
    server.setHandler((_request, _response, raw) => {
      raw.socket.destroy();
    });
    await assert.rejects(client.updateCluster("c", CLUSTER_PUT), (error: unknown) => {
      assert.ok(error instanceof OperationsCenterError);
      assert.equal(error.attempts, 1);
      assert.equal(error.mayHaveBeenProcessed, true);
      return true;
    });
    assert.equal(server.requests.length, 1);
  });

  it("a resent If-Match PUT that gets 412 is a precondition failure after a retry", async () => {
    reset();
    // The first PUT landed (the ETag moved) but its reply was lost.
    dropFirstThen((response) => sendError(response, 412, `Precondition Failed: ETag doesn't match: "new" vs "abc"`));
    const client = newClient([]);
    await assert.rejects(client.updateClusterTemplate("t", TEMPLATE_PUT, { ifMatch: "abc" }), (error: unknown) => {
      assert.ok(error instanceof OperationsCenterError);
      assert.equal(error.status, 412);
      assert.equal(error.isPreconditionFailed, true, "callers that re-read on 412 still do");
      assert.equal(error.isPreconditionFailedAfterRetry, true);
      assert.equal(error.replayed, true);
      assert.equal(error.mayHaveBeenProcessed, true);
      assert.equal(error.attempts, 2);
      assert.equal(
        error.message,
        `PUT /1.0/provisioning/cluster-templates/t failed: 412 Precondition Failed: ETag doesn't match: "new" vs "abc"; ` +
          "this was a resend after a lost reply, and the lost attempt may itself have applied the change: " +
          "re-read the object and compare before writing again (after 2 attempts)",
      );
      return true;
    });
    assert.equal(server.requests.length, 2);
  });

  it("a 412 on the first attempt is a plain precondition failure", async () => {
    reset();
    server.setHandler((_request, response) => sendError(response, 412, `Precondition Failed: ETag doesn't match: "new" vs "abc"`));
    const client = newClient([]);
    await assert.rejects(client.updateCluster("c", CLUSTER_PUT, { ifMatch: "abc" }), (error: unknown) => {
      assert.ok(error instanceof OperationsCenterError);
      assert.equal(error.isPreconditionFailed, true);
      assert.equal(error.isPreconditionFailedAfterRetry, false);
      assert.equal(error.replayed, false);
      assert.equal(error.mayHaveBeenProcessed, false);
      return true;
    });
    assert.equal(server.requests.length, 1);
  });

  it("resends a server's :evacuate and :restore whose connection was dropped", async () => {
    for (const [action, call] of [
      [":evacuate", (client: OperationsCenterClient) => client.evacuateServer("s1")],
      [":restore", (client: OperationsCenterClient) => client.restoreServer("s1")],
    ] as const) {
      reset();
      dropFirstThen((response) => sendSync(response, null));
      const events: RequestEvent[] = [];
      await call(newClient(events));
      assert.deepEqual(
        server.requests.map((request) => request.url),
        [`/1.0/provisioning/servers/s1/system/${action}`, `/1.0/provisioning/servers/s1/system/${action}`],
      );
      assert.deepEqual(
        events.map((event) => [event.attempt, event.status, event.subject]),
        [
          [1, 0, "s1"],
          [2, 200, "s1"],
        ],
      );
    }
  });

  it("keeps reconnecting while the server is down and succeeds when it is back, without using up `retries`", async () => {
    const events: RequestEvent[] = [];
    let restarted: Promise<TestServer> | undefined;
    const { client, port } = await refusedClient(events, { retries: 0, connectRetryBudgetMs: 60_000 }, (port) => {
      // The server comes back after three refused connections.
      if (events.length === 3) restarted = startTestServer(serverPair, (_request, response) => sendSync(response, null, created), port);
    });
    try {
      await client.createCluster({ name: "c", connection_url: "https://x", server_names: ["s1"], server_type: "incus" });
    } finally {
      await (await restarted)?.close();
    }
    const back = await restarted;
    assert.ok(back);
    assert.equal(back.requests.length, 1, "the create reached the server once");
    assert.ok(events.length >= 4);
    assert.deepEqual(
      events.map((event) => event.attempt),
      events.map((_event, index) => index + 1),
    );
    for (const event of events.slice(0, -1)) {
      assert.equal(event.status, 0);
      assert.equal(event.error, `cannot connect to https://127.0.0.1:${port} (ECONNREFUSED)`);
    }
    assert.equal(events.at(-1)?.status, 201);
    assert.equal(events.at(-1)?.subject, "c");
  });

  it("reconnects after connections reset before any byte was sent", async () => {
    reset();
    server.setHandler((_request, response) => sendSync(response, null, { status: 201, headers: { location: "/1.0/provisioning/cluster-templates/t" } }));
    server.resetConnections(3);
    const events: RequestEvent[] = [];
    const client = newClient(events, { retries: 0, connectRetryBudgetMs: 60_000 });
    await client.createClusterTemplate(TEMPLATE_POST);
    assert.equal(server.requests.length, 1);
    assert.deepEqual(
      events.map((event) => [event.attempt, event.status]),
      [
        [1, 0],
        [2, 0],
        [3, 0],
        [4, 201],
      ],
    );
    assert.match(events[0]?.error ?? "", /^cannot connect to https:\/\/127\.0\.0\.1:\d+ \(ECONNRESET\)$/);
  });

  it("gives up reconnecting when the budget is spent, saying where it tried, for how long and what to check", async () => {
    const events: RequestEvent[] = [];
    const { client, port } = await refusedClient(events, { retries: 0, connectRetryBudgetMs: 200, retryBaseDelayMs: 5 });
    await assert.rejects(client.resyncClusterInventory("c"), (caught: unknown) => {
      const error = assertRefused(caught);
      assert.ok(error.attempts >= 2, "a refused connection is always tried again");
      assert.equal(error.attempts, events.length);
      assert.match(
        error.message,
        new RegExp(
          `^POST /1\\.0/provisioning/clusters/c/:resync-inventory failed: cannot connect to https://127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\) ` +
            `after retrying for \\d+\\.\\d s: check that Operations Center is running and listening there, and that the address is right ` +
            `\\(the remote's url in config\\.yml, or OPERATIONS_CENTER_URL\\) \\(after ${error.attempts} attempts\\)$`,
        ),
      );
      return true;
    });
  });

  it("reports the member, cluster or template a call touches as the event's subject", async () => {
    reset();
    server.setHandler((_request, response) => sendSync(response, []));
    const events: RequestEvent[] = [];
    const client = newClient(events);
    await client.evacuateServer("s1");
    await client.listServers({ cluster: "c" });
    await client.resyncClusterInventory("c");
    await client.deleteClusterTemplate("t");
    await client.listClusters();
    await client.request("GET", "/1.0/provisioning/servers/s2/os/1.0", { subject: "s2" });
    // Every IncusOS proxy write names the member it touches.
    await client.incusOS.putService("s3", "ceph", {});
    await client.incusOS.putSystemConfig("s4", "kernel", {});
    await client.incusOS.putNetwork("s5", { config: {} });
    await client.incusOS.installApplication("s6", "gpu-support");
    await client.incusOS.removeApplication("s7", "gpu-support");
    assert.deepEqual(
      events.map((event) => event.subject),
      ["s1", "c", "c", "t", undefined, "s2", "s3", "s4", "s5", "s6", "s7"],
    );
  });

  it("limits the requests in flight to maxConcurrency", async () => {
    reset();
    const total = 7;
    let inFlight = 0;
    let peak = 0;
    let held: Array<() => void> = [];
    // Each request is held until two are in flight (or it is the last): a client that sent more
    // at once would show them all in flight, and no timing decides the outcome.
    server.setHandler(async (_request, response) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise<void>((resolve) => {
        held.push(resolve);
        if (inFlight >= 2 || server.requests.length === total) {
          for (const release of held) release();
          held = [];
        }
      });
      inFlight--;
      sendSync(response, []);
    });
    const client = newClient([], { maxConcurrency: 2 });
    await Promise.all(Array.from({ length: total }, () => client.listClusters()));
    assert.equal(server.requests.length, total);
    assert.equal(peak, 2);
  });
});
