// TLS: the pinned certificate is the only one trusted (host name irrelevant), unpinned servers
// must chain to a CA, the client certificate is presented, http:// needs an explicit opt-in.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { OperationsCenterClient, OperationsCenterError, type RequestEvent } from "../src/client/index.js";
import { certificateFingerprint, type KeyPair } from "../src/local-oc/certificates.js";
import { clientCertificate, sendSync, serverCertificate, startPlainServer, startTestServer, type TestServer } from "./fixtures/client/server.js";

const info = { api_status: "devel", api_version: "1.0", auth: "tls", auth_methods: ["tls"], server_version: "0.3.1" };

describe("OperationsCenterClient TLS", () => {
  let serverPair: KeyPair;
  let otherServerPair: KeyPair;
  let clientPair: KeyPair;
  let server: TestServer;

  before(async () => {
    // The server certificate names only a DNS name that is not the address the client dials.
    [serverPair, otherServerPair, clientPair] = await Promise.all([
      serverCertificate({ dnsNames: ["oc.example.invalid"] }),
      serverCertificate({ dnsNames: ["oc.example.invalid"], ipAddresses: ["127.0.0.1"] }),
      clientCertificate(),
    ]);
    server = await startTestServer(serverPair, (_request, response) => sendSync(response, info));
  });
  after(async () => {
    await server.close();
  });

  it("trusts the pinned certificate even though it does not name the dialled address", async () => {
    const client = new OperationsCenterClient({ url: server.url, serverCertificate: serverPair.certificate, retries: 0 });
    try {
      assert.equal((await client.getServerInfo()).auth, "tls");
      assert.equal(client.pinnedFingerprint, certificateFingerprint(serverPair.certificate));
    } finally {
      await client.close();
    }
  });

  it("refuses a server whose certificate is not the pinned one, before sending anything, without retrying", async () => {
    const before = server.requests.length;
    const events: RequestEvent[] = [];
    const client = new OperationsCenterClient({
      url: server.url,
      serverCertificate: otherServerPair.certificate,
      retries: 3,
      retryBaseDelayMs: 1,
      onRequest: (event) => events.push(event),
    });
    try {
      const error = await client.getServerInfo().then(
        () => assert.fail("expected a failure"),
        (e: unknown) => e,
      );
      assert.ok(error instanceof OperationsCenterError);
      assert.equal(error.status, 0);
      assert.equal(error.attempts, 1);
      assert.equal(error.mayHaveBeenProcessed, false);
      const pinned = certificateFingerprint(otherServerPair.certificate);
      assert.match(
        error.message,
        new RegExp(
          `^GET /1\\.0 failed: the TLS certificate of ${server.url.replaceAll(".", "\\.")} does not match the pinned server certificate ${pinned} .*refusing to connect`,
        ),
      );
      assert.equal(events.length, 1);
      assert.equal(server.requests.length, before, "no request reached the server");
    } finally {
      await client.close();
    }
  });

  it("without a pin, a self-signed server certificate is refused with advice to pin it", async () => {
    const before = server.requests.length;
    const client = new OperationsCenterClient({ url: server.url, retries: 2, retryBaseDelayMs: 1 });
    try {
      await assert.rejects(client.getServerInfo(), (error: unknown) => {
        assert.ok(error instanceof OperationsCenterError);
        assert.equal(error.attempts, 1);
        assert.match(
          error.message,
          /^GET \/1\.0 failed: cannot verify the TLS certificate of https:\/\/127\.0\.0\.1:\d+ \(.*\); pin the server's certificate with server_cert/,
        );
        return true;
      });
      assert.equal(server.requests.length, before);
    } finally {
      await client.close();
    }
  });

  it("presents the client certificate: the server sees its fingerprint", async () => {
    const client = new OperationsCenterClient({
      url: server.url,
      serverCertificate: serverPair.certificate,
      clientCertificate: clientPair.certificate,
      clientKey: clientPair.key,
    });
    try {
      await client.getServerInfo();
      assert.equal(server.requests.at(-1)?.clientFingerprint, certificateFingerprint(clientPair.certificate));
      assert.equal(client.clientFingerprint, certificateFingerprint(clientPair.certificate));
    } finally {
      await client.close();
    }

    const anonymous = new OperationsCenterClient({ url: server.url, serverCertificate: serverPair.certificate });
    try {
      await anonymous.getServerInfo();
      assert.equal(server.requests.at(-1)?.clientFingerprint, undefined);
    } finally {
      await anonymous.close();
    }
  });

  it("sends an OIDC token as a bearer Authorization header", async () => {
    const client = new OperationsCenterClient({ url: server.url, serverCertificate: serverPair.certificate, token: "eyJhbGciOi.payload.sig" });
    try {
      await client.getServerInfo();
      assert.equal(server.requests.at(-1)?.headers.authorization, "Bearer eyJhbGciOi.payload.sig");
    } finally {
      await client.close();
    }
  });

  it("rejects a client key that does not belong to the certificate, and a broken pin, at construction", async () => {
    const other = await clientCertificate("someone-else");
    assert.throws(
      () => new OperationsCenterClient({ url: server.url, clientCertificate: clientPair.certificate, clientKey: other.key }),
      /The client key does not belong to the client certificate/,
    );
    assert.throws(() => new OperationsCenterClient({ url: server.url, clientCertificate: clientPair.certificate }), /A client certificate needs its key/);
    assert.throws(
      () => new OperationsCenterClient({ url: server.url, serverCertificate: "-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----\n" }),
      /The pinned server certificate is not a valid PEM certificate/,
    );
  });

  it("refuses http:// unless allowInsecureHttp is set", async () => {
    const plain = await startPlainServer((_request, response) => sendSync(response, { ...info, auth: "untrusted" }));
    try {
      assert.throws(
        () => new OperationsCenterClient({ url: plain.url }),
        /refusing plain http:\/\/ address "http:\/\/127\.0\.0\.1:\d+".*set allowInsecureHttp: true/,
      );
      const client = new OperationsCenterClient({ url: plain.url, allowInsecureHttp: true });
      try {
        assert.equal((await client.getServerInfo()).auth, "untrusted");
        assert.equal(plain.requests.length, 1);
      } finally {
        await client.close();
      }
    } finally {
      await plain.close();
    }
  });

  it("keeps a path prefix of the base URL", async () => {
    const client = new OperationsCenterClient({ url: `${server.url}/oc/`, serverCertificate: serverPair.certificate });
    try {
      assert.equal(client.url, `${server.url}/oc`);
      await client.getServerInfo();
      assert.equal(server.requests.at(-1)?.url, "/oc/1.0");
    } finally {
      await client.close();
    }
  });
});
