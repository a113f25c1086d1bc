// Pinning a CA-issued leaf certificate: accepted when the server presents exactly that leaf (with
// or without its chain), as the incus and operations-center CLIs accept it; every other
// certificate, and the pinned one once expired, is refused. The certificates are made with the
// openssl CLI (fixtures/client/ca.ts).
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { OperationsCenterClient, OperationsCenterError } from "../src/client/index.js";
import { certificateFingerprint, type KeyPair } from "../src/local-oc/certificates.js";
import { EC_KEY, openssl, testCa } from "./fixtures/client/ca.js";
import { sendSync, startTestServer, type TestServer } from "./fixtures/client/server.js";

const info = { api_status: "devel", api_version: "1.0", auth: "tls", auth_methods: ["tls"], server_version: "0.3.1" };

/** A CA, leaves it issues, and self-signed certificates out of their validity. */
function issue(dir: string) {
  const ca = testCa(dir);
  const run = (...args: string[]) => openssl(dir, ...args);
  // Self-signed, valid until a day before it was made.
  run("req", ...EC_KEY, "-keyout", "expired.key", "-out", "expired.csr", "-subj", "/CN=oc.example.invalid");
  run("x509", "-req", "-in", "expired.csr", "-signkey", "expired.key", "-days", "-1", "-out", "expired.crt");
  // Self-signed, valid only from 2099 on (openssl ca is the CLI's only way to set the start date).
  writeFileSync(
    path.join(dir, "future.cnf"),
    "[ca]\ndefault_ca = d\n[d]\ndatabase = index.txt\nnew_certs_dir = .\nserial = serial\ndefault_md = sha256\npolicy = p\n[p]\ncommonName = supplied\n",
  );
  writeFileSync(path.join(dir, "index.txt"), "");
  writeFileSync(path.join(dir, "serial"), "01\n");
  run("req", ...EC_KEY, "-keyout", "future.key", "-out", "future.csr", "-subj", "/CN=oc.example.invalid");
  run(
    "ca",
    "-batch",
    "-config",
    "future.cnf",
    "-selfsign",
    "-keyfile",
    "future.key",
    "-in",
    "future.csr",
    "-startdate",
    "20991230000000Z",
    "-enddate",
    "20991231000000Z",
    "-out",
    "future.crt",
  );
  return {
    future: { certificate: readFileSync(path.join(dir, "future.crt"), "utf8"), key: readFileSync(path.join(dir, "future.key"), "utf8") },
    expired: { certificate: readFileSync(path.join(dir, "expired.crt"), "utf8"), key: readFileSync(path.join(dir, "expired.key"), "utf8") },
    ca: ca.ca,
    leaf: ca.leaf("leaf", "serverAuth"),
    other: ca.leaf("other", "serverAuth"),
    clientOnly: ca.leaf("client-only", "clientAuth"),
  };
}

describe("pinning a CA-issued leaf", () => {
  let dir: string;
  let certs: ReturnType<typeof issue>;
  const servers: TestServer[] = [];
  const serve = async (pair: KeyPair) => {
    const server = await startTestServer(pair, (_request, response) => sendSync(response, info));
    servers.push(server);
    return server;
  };
  const connect = async (server: TestServer, pin: string) => {
    const client = new OperationsCenterClient({ url: server.url, serverCertificate: pin, retries: 0 });
    try {
      return await client.getServerInfo().then(
        (reply) => reply.auth,
        (error: unknown) => (error instanceof OperationsCenterError ? error.message : String(error)),
      );
    } finally {
      await client.close();
    }
  };

  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), "oc-cdktf-pin-"));
    certs = issue(dir);
  });
  after(async () => {
    await Promise.all(servers.map((s) => s.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  it("accepts the exact leaf, served alone or with its CA", async () => {
    assert.equal(await connect(await serve(certs.leaf), certs.leaf.certificate), "tls");
    assert.equal(await connect(await serve({ certificate: certs.leaf.certificate + certs.ca, key: certs.leaf.key }), certs.leaf.certificate), "tls");
  });

  it("refuses the exact pinned certificate once it has expired, or before it is valid, saying it could not be verified", async () => {
    for (const [pair, reason] of [
      [certs.expired, "CERT_HAS_EXPIRED: the pinned certificate has expired"],
      [certs.future, "CERT_NOT_YET_VALID: the pinned certificate is not yet valid"],
    ] as const) {
      const pinned = certificateFingerprint(pair.certificate);
      assert.match(
        await connect(await serve(pair), pair.certificate),
        new RegExp(`could not be verified against the pinned server certificate ${pinned} \\(${reason}\\)`),
      );
    }
  });

  it("refuses another leaf of the same CA, the CA itself as the pin, and a pinned leaf that is not for server authentication", async () => {
    const server = await serve(certs.other);
    const pinned = certificateFingerprint(certs.leaf.certificate);
    assert.match(
      await connect(server, certs.leaf.certificate),
      new RegExp(`does not match the pinned server certificate ${pinned} \\(ERR_OC_PINNED_CERT_MISMATCH`),
    );
    // The pin names the server's certificate, not an issuer: a pinned CA is refused, as before.
    assert.match(await connect(await serve(certs.leaf), certs.ca), /does not match the pinned server certificate [0-9a-f]{64} \(ERR_OC_PINNED_CERT_MISMATCH/);
    const clientOnly = await serve(certs.clientOnly);
    assert.match(
      await connect(clientOnly, certs.clientOnly.certificate),
      /does not match the pinned server certificate [0-9a-f]{64} \(INVALID_PURPOSE: the pinned certificate is not for server authentication\)/,
    );
  });
});
