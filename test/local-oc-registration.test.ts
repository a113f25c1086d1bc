// Who may talk to the local Operations Center: a server registering with a token and its own
// certificate, tokens and their seeds, channels, trust changed through /1.0/system/security, and
// what the routes answer a client without trust.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createSelfSignedCertificate, certificateFingerprint } from "../src/local-oc/certificates.js";
import { FLEET_SEED, FLEET_TOKEN } from "./fixtures/local-oc/fleet-seed.js";
import { z } from "zod";
import { clusterPost, metadataOf, rawCall, serverOf, suiteHarness, testHarness, type Reply } from "./fixtures/local-oc/helpers.js";

const C = "/1.0/provisioning/clusters";
const S = "/1.0/provisioning/servers";
const TOKENS = "/1.0/provisioning/tokens";

const description = (reply: Reply) => metadataOf(reply, z.looseObject({ description: z.string() })).description;

describe("local OC: tokens and registration", () => {
  const h = suiteHarness({ seed: FLEET_SEED });

  it("a server registers with a token and its own certificate, without being trusted", async () => {
    const machine = await createSelfSignedCertificate({ commonName: "server09", usage: "client" });
    const token = FLEET_TOKEN;
    const register = (name: string) =>
      rawCall(
        h.oc.url,
        h.oc.serverCertificate,
        "POST",
        `${S}?token=${token}`,
        { name, connection_url: "https://192.0.2.19:8443" },
        { cert: machine.certificate, key: machine.key },
      );
    const r = await register("server09");
    assert.equal(r.status, 201, r.text);
    assert.equal(r.headers["location"], `${S}/server09`);
    assert.equal(metadataOf(r, z.looseObject({ certificate: z.string() })).certificate, h.oc.serverCertificate);
    const server = serverOf(await h.call("GET", `${S}/server09`));
    assert.equal(server.certificate, machine.certificate);
    assert.equal(server.server_status, "ready");
    assert.equal(metadataOf(await h.call("GET", `${TOKENS}/${token}`), z.looseObject({ uses_remaining: z.number() })).uses_remaining, 0);
    assert.equal((await register("server10")).status, 404, "the token is used up");
    const bad = await rawCall(h.oc.url, h.oc.serverCertificate, "POST", `${S}?token=nope`, { name: "x" }, { cert: machine.certificate, key: machine.key });
    assert.equal(bad.json!.error, "Bad Request: Invalid token: invalid UUID length: 4");
    const noCert = await h.call("POST", `${S}?token=${token}`, { name: "x" }, { auth: false });
    assert.equal(noCert.json!.error, "Bad Request: No client certificate provided");
    // The registered machine reports a new address with its own certificate.
    const self = await rawCall(
      h.oc.url,
      h.oc.serverCertificate,
      "PUT",
      `${S}/:self`,
      { connection_url: "https://192.0.2.29:8443" },
      { cert: machine.certificate, key: machine.key },
    );
    assert.equal(self.status, 200, self.text);
    assert.equal(serverOf(await h.call("GET", `${S}/server09`)).connection_url, "https://192.0.2.29:8443");
  });

  it("tokens and their seeds are created, shown, replaced and deleted", async () => {
    const expire = new Date(Date.now() + 86_400_000).toISOString();
    const c = await h.call("POST", TOKENS, { uses_remaining: 2, expire_at: expire, description: "rack 5" });
    assert.equal(c.status, 201);
    const path = String(c.headers["location"]);
    assert.equal(description(await h.call("GET", path)), "rack 5");
    const past = await h.call("POST", TOKENS, { uses_remaining: 2, expire_at: "2000-01-01T00:00:00Z" });
    assert.equal(past.json!.error, 'Failed creating token: Validation failed for new token: Value for "expire at" can not be in the past');
    assert.equal(
      (await h.call("POST", `${path}/seeds`, { name: "s1", description: "", public: true, seeds: { install: { force_install: true } } })).status,
      201,
    );
    const seed = metadataOf(
      await h.call("GET", `${path}/seeds/s1`),
      z.looseObject({ seeds: z.looseObject({ install: z.looseObject({ force_install: z.boolean() }) }), public: z.boolean() }),
    );
    assert.equal(seed.seeds.install.force_install, true);
    assert.equal(seed.public, true);
    const anon = await h.call("GET", `${path}/seeds/s1`, undefined, { auth: false });
    assert.equal(anon.status, 200, "a seed is readable without trust");
    assert.equal((await h.call("DELETE", path)).status, 200);
    assert.equal((await h.call("GET", path)).status, 404);
  });

  it("channels: stable exists, others are created and deleted; clusters need an existing one", async () => {
    assert.equal((await h.call("POST", "/1.0/provisioning/channels", { name: "lts", description: "long term" })).status, 201);
    assert.equal(description(await h.call("GET", "/1.0/provisioning/channels/lts")), "long term");
    const inUse = await h.call("DELETE", "/1.0/provisioning/channels/stable");
    assert.equal(inUse.status, 400);
    const unknown = await h.call("POST", C, clusterPost("x", ["server03"], { channel: "nightly" }));
    assert.equal(unknown.status, 400);
    assert.equal((await h.call("DELETE", "/1.0/provisioning/channels/lts")).status, 200);
  });
});

describe("local OC: trust and unauthenticated routes", () => {
  // Each test gets its own: they change trust or the whole model.
  const h = testHarness({ servers: 1 });

  it("PUT /1.0/system/security changes who is trusted", async () => {
    const other = await createSelfSignedCertificate({ commonName: "ci", usage: "client" });
    const asOther = (path: string) => rawCall(h.oc.url, h.oc.serverCertificate, "GET", path, undefined, { cert: other.certificate, key: other.key });
    assert.equal((await asOther(S)).status, 401);
    const security = metadataOf(await h.call("GET", "/1.0/system/security"), z.looseObject({ trusted_tls_client_cert_fingerprints: z.array(z.string()) }));
    const mine = security.trusted_tls_client_cert_fingerprints;
    const put = await h.call("PUT", "/1.0/system/security", {
      ...security,
      trusted_tls_client_cert_fingerprints: [...mine, certificateFingerprint(other.certificate)],
    });
    assert.equal(put.status, 200, put.text);
    assert.equal((await asOther(S)).status, 200);
    assert.equal(metadataOf(await asOther("/1.0"), z.looseObject({ auth: z.string() })).auth, "tls");
    const bad = await h.call("PUT", "/1.0/system/security", { ...security, trusted_tls_client_cert_fingerprints: ["xyz"] });
    assert.equal(bad.status, 400);
    await h.call("PUT", "/1.0/system/security", { ...security, trusted_tls_client_cert_fingerprints: [certificateFingerprint(other.certificate)] });
    assert.equal((await h.call("GET", S)).status, 401, "a client that drops its own fingerprint is locked out");
  });

  it("answers what the real server answers without trust and for the OS view", async () => {
    const oidc = await h.call("GET", "/oidc/login", undefined, { auth: false });
    assert.equal(oidc.status, 404);
    assert.equal(oidc.text, "404 page not found\n");
    assert.equal((await h.call("GET", "/os/1.0", undefined, { auth: false })).status, 401);
    assert.equal((await h.call("GET", "/1.0/provisioning/updates", undefined, { auth: false })).status, 200);
    assert.equal((await h.call("GET", "/1.0/inventory/projects", undefined, { auth: false })).status, 401);
  });
});
