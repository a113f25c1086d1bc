// TLS sessions with a pinned certificate: connections to the same server resume the session of one
// the pin accepted instead of each making a full handshake, still presenting the client
// certificate; a connection that cannot resume (the server restarted) is judged by the pin again.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { OperationsCenterClient } from "../src/client/index.js";
import { certificateFingerprint, type KeyPair } from "../src/local-oc/certificates.js";
import { clientCertificate, sendSync, serverCertificate, startTestServer, type TestServer } from "./fixtures/client/server.js";

const info = { api_status: "devel", api_version: "1.0", auth: "tls", auth_methods: ["tls"], server_version: "0.3.1" };

describe("TLS sessions of a pinned server", () => {
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

  for (const protocol of ["TLSv1.3", "TLSv1.2"] as const) {
    it(`ten requests at once over ${protocol}: one full handshake, nine connections resume its session, every one with the client certificate`, async () => {
      // Every reply waits until all ten requests have arrived (at most 10 s), so each needs its own connection.
      const held: (() => void)[] = [];
      const server = await startTestServer(
        serverPair,
        (_request, response) => {
          held.push(() => sendSync(response, info));
          if (held.length === 10) for (const reply of held) reply();
        },
        0,
        protocol,
      );
      servers.push(server);
      const release = setTimeout(() => {
        for (const reply of held.splice(0)) reply();
      }, 10_000);
      const client = pinnedClient(server, 10);
      const replies = await Promise.all(Array.from({ length: 10 }, () => client.getServerInfo()));
      clearTimeout(release);
      assert.deepEqual(
        replies.map((reply) => reply.auth),
        Array(10).fill("tls"),
      );
      assert.equal(server.connections(), 10);
      assert.equal(server.resumedConnections(), 9);
      assert.deepEqual(
        server.requests.map((request) => request.clientFingerprint),
        Array(10).fill(certificateFingerprint(clientPair.certificate)),
      );
    });
  }

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
