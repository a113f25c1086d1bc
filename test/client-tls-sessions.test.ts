// TLS sessions: connections to the same server resume the session of one that was accepted (by the
// pin, or by the CA store without one) instead of each making a full handshake, still presenting
// the client certificate; a connection that cannot resume (the server restarted) is judged by the
// pin again.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer as createNetServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { OperationsCenterClient } from "../src/client/index.js";
import { certificateFingerprint, type KeyPair } from "../src/local-oc/certificates.js";
import { testCa } from "./fixtures/client/ca.js";
import { clientCertificate, sendSync, serverCertificate, startTestServer, type Handler, type TestServer } from "./fixtures/client/server.js";

const info = { api_status: "devel", api_version: "1.0", auth: "tls", auth_methods: ["tls"], server_version: "0.3.1" };

describe("TLS sessions", () => {
  let serverPair: KeyPair;
  let otherServerPair: KeyPair;
  let clientPair: KeyPair;
  const servers: TestServer[] = [];
  const clients: OperationsCenterClient[] = [];
  const pinnedClient = (server: TestServer, maxConcurrency = 8) => {
    const client = new OperationsCenterClient({
      url: server.url,
      serverCertificate: serverPair.certificate,
      clientCertificate: clientPair.certificate,
      clientKey: clientPair.key,
      retries: 0,
      maxConcurrency,
    });
    clients.push(client);
    return client;
  };

  before(async () => {
    [serverPair, otherServerPair, clientPair] = await Promise.all([serverCertificate(), serverCertificate(), clientCertificate()]);
  });
  after(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await Promise.all(servers.map((server) => server.close()));
  });

  /** Every reply waits until all ten requests have arrived (at most 10 s), so each needs its own connection. */
  const heldUntilTen = (): { handler: Handler; release(): void } => {
    const held: (() => void)[] = [];
    const timer = setTimeout(() => release(), 10_000);
    const release = () => {
      clearTimeout(timer);
      for (const reply of held.splice(0)) reply();
    };
    return {
      handler: (_request, response) => {
        held.push(() => sendSync(response, info));
        if (held.length === 10) release();
      },
      release,
    };
  };
  const assertOneFullHandshake = (server: TestServer, clientFingerprint: string | undefined) => {
    assert.equal(server.connections(), 10);
    assert.equal(server.resumedConnections(), 9);
    assert.deepEqual(
      server.requests.map((request) => request.clientFingerprint),
      Array(10).fill(clientFingerprint),
    );
  };

  for (const protocol of ["TLSv1.3", "TLSv1.2"] as const) {
    it(`ten requests at once over ${protocol}: one full handshake, nine connections resume its session, every one with the client certificate`, async () => {
      const held = heldUntilTen();
      const server = await startTestServer(serverPair, held.handler, 0, protocol);
      servers.push(server);
      const client = pinnedClient(server, 10);
      const replies = await Promise.all(Array.from({ length: 10 }, () => client.getServerInfo())).finally(held.release);
      assert.deepEqual(
        replies.map((reply) => reply.auth),
        Array(10).fill("tls"),
      );
      assertOneFullHandshake(server, certificateFingerprint(clientPair.certificate));
    });
  }

  it("without a pin, a server the CA store vouches for: one full handshake for ten requests at once, nine resumed", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "oc-cdktf-sessions-"));
    try {
      const ca = testCa(dir);
      writeFileSync(path.join(dir, "ca.pem"), ca.ca);
      const held = heldUntilTen();
      const server = await startTestServer(ca.leaf("server", "serverAuth", "IP:127.0.0.1"), held.handler);
      servers.push(server);
      // Node.js reads NODE_EXTRA_CA_CERTS at its start, so the client runs in a process of its own.
      const clientModule = fileURLToPath(new URL("../src/client/index.js", import.meta.url));
      const script = `const { OperationsCenterClient } = await import(${JSON.stringify(clientModule)});
const client = new OperationsCenterClient({ url: process.argv[1], retries: 0, maxConcurrency: 10 });
try { console.log(JSON.stringify((await Promise.all(Array.from({ length: 10 }, () => client.getServerInfo()))).map((r) => r.auth))); } finally { await client.close(); }`;
      const output = await new Promise<string>((resolve, reject) =>
        execFile(
          process.execPath,
          ["--input-type=module", "-e", script, server.url],
          { env: { ...process.env, NODE_EXTRA_CA_CERTS: path.join(dir, "ca.pem") }, timeout: 30_000 },
          (error, stdout, stderr) => (error === null ? resolve(stdout) : reject(new Error(`${error.message}\n${stderr}`))),
        ),
      ).finally(held.release);
      assert.deepEqual(JSON.parse(output), Array(10).fill("tls"));
      assertOneFullHandshake(server, undefined);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a server that never finishes the first handshake: once it fails, the other connections are all tried at once, not one after another", async () => {
    // Accepts TCP and never answers: each connection ends with the client's connect timeout.
    const events: string[] = [];
    const closed: Promise<void>[] = [];
    let accepted = 0;
    const silent = createNetServer((socket) => {
      const n = ++accepted;
      events.push(`open ${n}`);
      closed.push(new Promise((resolve) => socket.on("close", () => resolve(void events.push(`close ${n}`)))));
      socket.on("error", () => {});
      // Reading, so that the client's close is seen.
      socket.resume();
    });
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    try {
      const port = (silent.address() as AddressInfo).port;
      const client = new OperationsCenterClient({
        url: `https://127.0.0.1:${port}`,
        serverCertificate: serverPair.certificate,
        retries: 0,
        connectRetryBudgetMs: 0,
        connectTimeoutMs: 200,
        maxConcurrency: 5,
      });
      clients.push(client);
      const results = await Promise.allSettled(Array.from({ length: 5 }, () => client.getServerInfo()));
      assert.deepEqual(
        results.map((result) => result.status),
        Array(5).fill("rejected"),
      );
      // The server sees each connection close once the client has given up on it.
      await Promise.all(closed);
    } finally {
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
    assert.equal(accepted, 5);
    // The first alone; the other four dialled together once it failed, so the third, fourth and
    // fifth were open before the client gave up on the second (one after another, each would have
    // waited for the one before it to time out).
    assert.equal(events[0], "open 1");
    for (const later of ["open 3", "open 4", "open 5"]) assert.ok(events.indexOf(later) < events.indexOf("close 2"), events.join(", "));
  });

  it("a server restarted on the same address with another certificate is refused, though the client holds a session of the first", async () => {
    const first = await startTestServer(serverPair, (_request, response) => sendSync(response, info));
    const client = pinnedClient(first);
    assert.equal((await client.getServerInfo()).auth, "tls");
    const port = first.port;
    await first.close();
    const restarted = await startTestServer(otherServerPair, (_request, response) => sendSync(response, info), port);
    servers.push(restarted);
    await assert.rejects(client.getServerInfo(), /does not match the pinned server certificate [0-9a-f]{64} \(ERR_OC_PINNED_CERT_MISMATCH/);
    assert.equal(restarted.resumedConnections(), 0);
    assert.equal(restarted.requests.length, 0);
  });
});
