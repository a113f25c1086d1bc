// Unit, no server: secrets never reach the client's debug output (bmc_config.password, keys,
// tokens, Authorization headers).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { OperationsCenterClient, OperationsCenterError, type Server } from "../src/client/index.js";
import { REDACTED, redact, redactString } from "../src/client/redact.js";
import type { KeyPair } from "../src/local-oc/certificates.js";
import { valueAt } from "./fixtures/json.js";
import { clientCertificate, sendSync, serverCertificate, startTestServer, type TestServer } from "./fixtures/client/server.js";

const listing = [
  {
    name: "server01",
    connection_url: "https://192.0.2.21:8443",
    cluster: "",
    server_type: "incus",
    server_status: "ready",
    server_status_detail: "",
    certificate: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
    bmc_config: {
      api_type: "redfish",
      endpoint: "https://10.0.0.21",
      certificate: "",
      auto_pin_certificate: true,
      username: "admin",
      password: "hunter2-bmc-secret",
    },
    os_data: {
      security: { config: { encryption_recovery_keys: ["abcd-efgh"] }, state: { secure_boot_enabled: true } },
      network: {
        config: {
          interfaces: [{ name: "eth0" }],
          proxy: { servers: { corp: { host: "proxy:3128", auth: "basic", username: "u", password: "proxy-secret" } } },
        },
        state: {},
      },
    },
  },
];

describe("redaction", () => {
  let serverPair: KeyPair;
  let clientPair: KeyPair;
  let server: TestServer;

  before(async () => {
    [serverPair, clientPair] = await Promise.all([serverCertificate(), clientCertificate()]);
    server = await startTestServer(serverPair, (request, response) => {
      if (request.method === "DELETE") sendSync(response, {});
      else sendSync(response, listing);
    });
  });
  after(() => server.close());

  it("redacts bmc_config.password (and other secrets) in a server listing, leaving the input untouched", async () => {
    const client = new OperationsCenterClient({ url: server.url, serverCertificate: serverPair.certificate, debug: () => {} });
    let servers: Server[];
    try {
      servers = await client.listServers();
    } finally {
      await client.close();
    }
    const safe = redact(servers);
    assert.equal(safe[0]?.name, "server01");
    assert.equal(valueAt(safe[0], "bmc_config", "password"), REDACTED);
    assert.equal(valueAt(safe[0], "bmc_config", "username"), "admin");
    assert.equal(valueAt(safe[0], "bmc_config", "endpoint"), "https://10.0.0.21");
    assert.equal(valueAt(safe[0], "os_data", "network", "config", "proxy", "servers", "corp", "password"), REDACTED);
    assert.equal(valueAt(safe[0], "os_data", "security", "config", "encryption_recovery_keys"), REDACTED);
    assert.ok(!JSON.stringify(safe).includes("hunter2-bmc-secret"));
    assert.ok(!JSON.stringify(safe).includes("proxy-secret"));
    // The client hands the caller the real data.
    assert.equal(valueAt(servers[0], "bmc_config", "password"), "hunter2-bmc-secret");
  });

  it("debug output (OC_CDKTF_DEBUG) shows requests and replies with secrets redacted", async () => {
    const lines: string[] = [];
    const client = new OperationsCenterClient({
      url: server.url,
      serverCertificate: serverPair.certificate,
      clientCertificate: clientPair.certificate,
      clientKey: clientPair.key,
      token: "oidc-access-token-value",
      debug: (line) => lines.push(line),
    });
    try {
      await client.listServers();
      await client.deleteCluster("prod", { mode: "factory-reset", token: "6f9a1c52-0d55-4f0e-9d3a-6c9f1c1e2b11", tokenSeedName: "seed" });
      await client.request("POST", "/1.0/provisioning/servers/server01", {
        body: { bmc_config: { password: "new-bmc-password" }, client_key: clientPair.key },
      });
    } finally {
      await client.close();
    }
    const output = lines.join("\n");
    assert.match(output, /→ GET \/1\.0\/provisioning\/servers\?recursion=1/);
    assert.match(output, /← GET \/1\.0\/provisioning\/servers\?recursion=1 200 in \d+ ms metadata=\[\{"name":"server01"/);
    assert.match(output, /"password":"<redacted>"/);
    assert.match(output, /DELETE \/1\.0\/provisioning\/clusters\/prod\?mode=factory-reset&token=<redacted>/);
    for (const secret of ["hunter2-bmc-secret", "proxy-secret", "new-bmc-password", "oidc-access-token-value", "6f9a1c52-0d55", "PRIVATE KEY"]) {
      assert.ok(!output.includes(secret), `debug output leaks ${secret}`);
    }
    // The real token did reach the server.
    assert.equal(
      server.requests.find((r) => r.method === "DELETE")?.url,
      "/1.0/provisioning/clusters/prod?mode=factory-reset&token=6f9a1c52-0d55-4f0e-9d3a-6c9f1c1e2b11&tokenSeedName=seed",
    );
  });

  it("error messages and paths carry no query-string secrets", async () => {
    server.setHandler((_request, response) => {
      response.writeHead(500, { "content-type": "application/json" });
      response.end(JSON.stringify({ type: "error", status: "", status_code: 0, operation: "", error_code: 500, error: "Cluster not found", metadata: null }));
    });
    const client = new OperationsCenterClient({ url: server.url, serverCertificate: serverPair.certificate, debug: false });
    try {
      await assert.rejects(client.deleteCluster("empty", { mode: "factory-reset", token: "6f9a1c52-0d55-4f0e-9d3a-6c9f1c1e2b11" }), (error: unknown) => {
        assert.ok(error instanceof OperationsCenterError);
        assert.equal(error.path, "/1.0/provisioning/clusters/empty?mode=factory-reset&token=<redacted>");
        assert.equal(error.message, "DELETE /1.0/provisioning/clusters/empty?mode=factory-reset&token=<redacted> failed: 500 Cluster not found");
        return true;
      });
    } finally {
      await client.close();
    }
  });

  it("redact() covers key material, tokens, Authorization headers and PEM private keys anywhere", () => {
    const input = {
      headers: { Authorization: "Bearer abc.def", "content-type": "application/json" },
      keyPair: {
        certificate: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
        key: "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n",
      },
      clientKey: "x",
      cluster_certificate_key: "y",
      services: { tailscale: { config: { auth_key: "tskey-123", enabled: true } }, netbird: { config: { setup_key: "nb-1" } } },
      secret_value: "s",
      private_key: "p",
      tokens: [{ token: "t" }],
      note: "see -----BEGIN EC PRIVATE KEY-----\nMHcC\n-----END EC PRIVATE KEY----- inline",
      url: "https://h/x?token=abc&mode=normal",
      empty: null,
      count: 3,
    };
    const copy = structuredClone(input);
    const out = redact(input);
    assert.deepEqual(input, copy, "the input is not modified");
    assert.equal(out.headers.Authorization, REDACTED);
    assert.equal(out.headers["content-type"], "application/json");
    assert.equal(out.keyPair.key, REDACTED);
    assert.equal(out.keyPair.certificate, input.keyPair.certificate);
    assert.equal(out.clientKey, REDACTED);
    assert.equal(out.cluster_certificate_key, REDACTED);
    assert.equal(out.services.tailscale.config.auth_key, REDACTED);
    assert.equal(out.services.tailscale.config.enabled, true);
    assert.equal(out.services.netbird.config.setup_key, REDACTED);
    assert.equal(out.secret_value, REDACTED);
    assert.equal(out.private_key, REDACTED);
    assert.equal(out.tokens, REDACTED);
    assert.equal(out.note, "see <redacted> inline");
    assert.equal(out.url, "https://h/x?token=<redacted>&mode=normal");
    assert.equal(out.empty, null);
    assert.equal(out.count, 3);
    assert.equal(redactString("Authorization: Bearer eyJ.abc.def"), "Authorization: Bearer <redacted>");
    const cyclic: Record<string, unknown> = { password: "p" };
    cyclic.self = cyclic;
    assert.deepEqual(redact(cyclic), { password: REDACTED, self: "[circular]" });
  });
});
