// OIDC remotes: the operations-center CLI's token files, refreshed through the issuer's token
// endpoint, written back as the CLI keeps them; and the messages for a refused bearer token.
import { after, before, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { OperationsCenterClient, OperationsCenterError, resolveRemote } from "../src/client/index.js";
import { certificateFingerprint, type KeyPair } from "../src/local-oc/certificates.js";
import { clientCertificate, serverCertificate, startTestServer, type TestServer } from "./fixtures/client/server.js";
import { cliTokenFile, createIssuer, type Issuer } from "./fixtures/client/oidc-issuer.js";

const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString();
const anHourAgo = () => new Date(Date.now() - 3_600_000).toISOString();

describe("OIDC remotes (token files of the operations-center CLI)", () => {
  let server: TestServer;
  let serverPair: KeyPair;
  let clientPair: KeyPair;
  let issuer: Issuer;
  let root: string;
  let configDir: string;
  let tokenFile: string;
  const clients: OperationsCenterClient[] = [];

  before(async () => {
    [serverPair, clientPair] = await Promise.all([serverCertificate(), clientCertificate()]);
    server = await startTestServer(serverPair);
    root = mkdtempSync(join(tmpdir(), "oc-client-oidc-"));
  });
  after(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await server.close();
    rmSync(root, { recursive: true, force: true });
  });
  beforeEach(() => {
    issuer = createIssuer(server.url);
    server.setHandler((request, response) => issuer.handle(request, response));
    server.requests.length = 0;
    configDir = mkdtempSync(join(root, "conf-"));
    const pem = serverPair.certificate
      .trimEnd()
      .split("\n")
      .map((line) => `      ${line}`)
      .join("\n");
    writeFileSync(
      join(configDir, "config.yml"),
      `default_remote: lab\nremotes:\n  lab:\n    addr: ${server.url}\n    auth_type: oidc\n    server_cert: |\n${pem}\n`,
    );
    writeFileSync(join(configDir, "client.crt"), clientPair.certificate);
    writeFileSync(join(configDir, "client.key"), clientPair.key, { mode: 0o600 });
    mkdirSync(join(configDir, "oidc-tokens"), { mode: 0o700 });
    tokenFile = join(configDir, "oidc-tokens", "lab.json");
  });

  function client(env: NodeJS.ProcessEnv = {}): OperationsCenterClient {
    const c = OperationsCenterClient.fromRemote(resolveRemote({ configDir, env }), { retries: 0, connectRetryBudgetMs: 0 });
    clients.push(c);
    return c;
  }
  const bearers = () => server.requests.filter((r) => r.url.startsWith("/1.0")).map((r) => r.headers.authorization);
  const grants = () => server.requests.filter((r) => r.url === "/oidc/token").length;

  it("sends the access token of oidc-tokens/<remote>.json as the bearer, without asking the issuer while it is valid", async () => {
    const pair = issuer.login();
    writeFileSync(tokenFile, cliTokenFile(issuer, pair, inAnHour()), { mode: 0o600 });
    const info = await client().getServerInfo();
    assert.equal(info.auth, "oidc");
    assert.deepEqual(bearers(), [`Bearer ${pair.access}`]);
    assert.equal(grants(), 0);
  });

  it("refreshes an expired access token through the issuer's discovery and token endpoint first, and writes the file back as the CLI keeps it", async () => {
    const pair = issuer.login();
    issuer.expire(pair.access);
    writeFileSync(tokenFile, cliTokenFile(issuer, pair, anHourAgo()), { mode: 0o600 });
    const api = client();
    await Promise.all([api.getServerInfo(), api.listClusterNames().catch(() => undefined), api.getServerInfo()]);
    assert.deepEqual(
      server.requests.filter((r) => !r.url.startsWith("/1.0")).map((r) => `${r.method} ${r.url}`),
      ["GET /.well-known/openid-configuration", "POST /oidc/token"],
      "one refresh for the requests in flight",
    );
    const grant = new URLSearchParams(server.requests.find((r) => r.url === "/oidc/token")!.body);
    assert.deepEqual(Object.fromEntries(grant), { grant_type: "refresh_token", refresh_token: pair.refresh, client_id: issuer.clientId });
    assert.ok(
      bearers().every((b) => b === "Bearer access-2-secret"),
      "every call carries the new token",
    );

    const written = JSON.parse(readFileSync(tokenFile, "utf8"));
    assert.equal(written.tokens.access_token, "access-2-secret");
    assert.equal(written.tokens.refresh_token, "refresh-2-secret", "the rotated refresh token is kept");
    const expiry = Date.parse(written.tokens.expiry);
    assert.ok(expiry > Date.now() + 200_000 && expiry <= Date.now() + 300_000, `expiry ${written.tokens.expiry} is now + expires_in`);
    assert.equal(written.tokens.IDToken, "id-token-kept", "fields the provider does not use are kept");
    assert.deepEqual(written.trust_tuple, { issuer: issuer.url, client_id: issuer.clientId, audience: "" });
    assert.equal(statSync(tokenFile).mode & 0o777, 0o600);
    assert.deepEqual(readdirSync(join(configDir, "oidc-tokens")), ["lab.json"], "no temporary file is left");
  });

  it("after a 401 refreshes the token (expiry unknown, issuer announced by Operations Center) and sends the PUT once more", async () => {
    const pair = issuer.login();
    issuer.expire(pair.access);
    writeFileSync(tokenFile, cliTokenFile(undefined, pair, "0001-01-01T00:00:00Z"), { mode: 0o600 });
    await client().request("PUT", "/1.0/provisioning/clusters/one", { body: { description: "x" } });
    assert.deepEqual(
      server.requests.map((r) => `${r.method} ${r.url} ${r.headers.authorization ?? ""}`),
      [
        `PUT /1.0/provisioning/clusters/one Bearer ${pair.access}`,
        "GET /.well-known/openid-configuration ",
        "POST /oidc/token ",
        "PUT /1.0/provisioning/clusters/one Bearer access-2-secret",
      ],
    );
    const written = JSON.parse(readFileSync(tokenFile, "utf8"));
    assert.equal(written.trust_tuple.issuer, issuer.url, "the issuer Operations Center announced is written back, as the CLI does");
  });

  it("a refresh token the issuer refuses fails the call with the file and the CLI login command, and never shows a token", async () => {
    const pair = issuer.login();
    issuer.expire(pair.access);
    writeFileSync(tokenFile, cliTokenFile(issuer, { access: pair.access, refresh: "refresh-unknown-secret" }, anHourAgo()), { mode: 0o600 });
    const error = await client()
      .getServerInfo()
      .then(
        () => assert.fail("expected a 401"),
        (e: unknown) => e,
      );
    assert.ok(error instanceof OperationsCenterError);
    assert.equal(error.status, 401);
    assert.match(error.message, /the OIDC access token of .*oidc-tokens\/lab\.json was refused and could not be refreshed/);
    assert.match(error.message, /refused the refresh token \(400 invalid_grant: refresh token unknown or used\)/);
    assert.match(error.message, /`operations-center remote switch lab`, then any command such as `operations-center provisioning server list`/);
    assert.doesNotMatch(error.message, /-secret/);
    assert.equal(grants(), 1, "the refusal after the 401 does not ask the issuer again");
  });

  it("an oidc remote without a token file fails at configuration, naming the file and how to log in", () => {
    assert.throws(
      () => resolveRemote({ configDir, env: {} }),
      (e: Error) =>
        e.message ===
        `Remote "lab" uses OIDC (auth_type: oidc) but its token file ${tokenFile} does not exist: log in with the operations-center CLI: ` +
          "`operations-center remote switch lab`, then any command such as `operations-center provisioning server list` runs the OIDC device login and writes the token file. Or set OPERATIONS_CENTER_TOKEN.",
    );
    writeFileSync(tokenFile, JSON.stringify({ trust_tuple: { issuer: "", client_id: "", audience: "" }, tokens: { access_token: "" } }));
    assert.throws(() => resolveRemote({ configDir, env: {} }), /holds no token \(the CLI's login did not finish\)/);
  });

  it("OPERATIONS_CENTER_TOKEN beats the token file; when refused, the message says the certificate was not considered and to unset it", async () => {
    issuer.trustedFingerprints.add(certificateFingerprint(clientPair.certificate));
    const api = client({ OPERATIONS_CENTER_TOKEN: "stale-token-secret" });
    const error = await api.getServerInfo().then(
      () => assert.fail("expected a 401"),
      (e: unknown) => e,
    );
    assert.ok(error instanceof OperationsCenterError);
    assert.equal(error.status, 401);
    assert.match(
      error.message,
      new RegExp(
        `the bearer token from OPERATIONS_CENTER_TOKEN \\(or the provider block's token\\) was refused; Operations Center checks a bearer token before the client certificate, ` +
          `so the client certificate ${certificateFingerprint(clientPair.certificate)} was not considered: unset OPERATIONS_CENTER_TOKEN to authenticate with the certificate`,
      ),
    );
    assert.doesNotMatch(error.message, /stale-token-secret/);
    assert.equal(grants(), 0, "an explicit token is not refreshed");
    // The same certificate without the token is trusted.
    rmSync(join(configDir, "config.yml"));
    const plain = OperationsCenterClient.fromRemote(
      resolveRemote({ configDir, env: { OPERATIONS_CENTER_URL: server.url, OPERATIONS_CENTER_SERVER_CERT: serverPair.certificate } }),
    );
    clients.push(plain);
    assert.equal((await plain.getServerInfo()).auth, "tls");
  });
});
