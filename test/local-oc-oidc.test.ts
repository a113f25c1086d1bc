// The local OC as its own OIDC issuer, and OC's authenticator order: a bearer token is checked
// before the client certificate, so a bad one is 401 even with a trusted certificate.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import yaml from "js-yaml";
import { certificateFingerprint } from "../src/local-oc/certificates.js";
import { z } from "zod";
import { metadataOf, rawCall, startHarness, type Harness } from "./fixtures/local-oc/helpers.js";

async function withIssuer(fn: (h: Harness) => Promise<void>): Promise<void> {
  const h = await startHarness({ servers: 1, oidcIssuer: true });
  try {
    await fn(h);
  } finally {
    await h.close();
  }
}

/** What POST /local-oc/oidc/mint answers. */
const mintedTokens = z.looseObject({ access_token: z.string(), refresh_token: z.string(), token_type: z.string(), expires_in: z.number() });

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
/** A call without a client certificate. */
const anonymous = (h: Harness, method: string, path: string, headers: Record<string, string> = {}, body?: string) =>
  rawCall(h.oc.url, h.oc.serverCertificate, method, path, body, { headers, raw: true });
const tokenRequest = (h: Harness, form: Record<string, string>) =>
  anonymous(h, "POST", "/local-oc/oidc/token", { "Content-Type": "application/x-www-form-urlencoded" }, new URLSearchParams(form).toString());

test("the issuer publishes discovery and JWKS, and OC's security.oidc names it", () =>
  withIssuer(async (h) => {
    const issuer = h.oc.oidcIssuer!;
    assert.equal(issuer, `${h.oc.url}/local-oc/oidc`);
    const discovery = await anonymous(h, "GET", "/local-oc/oidc/.well-known/openid-configuration");
    assert.equal(discovery.status, 200);
    const doc = JSON.parse(discovery.text) as Record<string, unknown>;
    assert.equal(doc["issuer"], issuer);
    assert.equal(doc["token_endpoint"], `${issuer}/token`);
    assert.deepEqual(doc["grant_types_supported"], ["refresh_token"]);
    const jwks = JSON.parse((await anonymous(h, "GET", new URL(String(doc["jwks_uri"])).pathname)).text) as { keys: Array<Record<string, string>> };
    assert.deepEqual(
      jwks.keys.map((k) => [k["kty"], k["crv"], k["alg"], k["use"]]),
      [["EC", "P-256", "ES256", "sig"]],
    );
    assert.equal(jwks.keys[0]!["d"], undefined, "no private part");
    const security = metadataOf(await h.call("GET", "/1.0/system/security"), z.looseObject({ oidc: z.record(z.string(), z.string()) }));
    assert.deepEqual(security.oidc, { issuer, client_id: "local-oc", scopes: "", audience: "", claim: "" });
  }));

test("a valid bearer authenticates as oidc without a client certificate; the refresh_token grant gives a new one", () =>
  withIssuer(async (h) => {
    const minted = await h.call("POST", "/local-oc/oidc/mint", { subject: "alice" });
    assert.equal(minted.status, 200);
    const tokens = metadataOf(minted, mintedTokens);
    assert.deepEqual([tokens.token_type, tokens.expires_in], ["Bearer", 300]);
    assert.equal((await anonymous(h, "POST", "/local-oc/oidc/mint", {}, "{}")).status, 401, "minting is for trusted clients");

    assert.equal(JSON.parse((await anonymous(h, "GET", "/1.0")).text).metadata.auth, "untrusted");
    assert.equal(JSON.parse((await anonymous(h, "GET", "/1.0", bearer(tokens.access_token))).text).metadata.auth, "oidc");
    assert.equal((await anonymous(h, "GET", "/1.0/provisioning/servers", bearer(tokens.access_token))).status, 200);

    const refreshed = await tokenRequest(h, { grant_type: "refresh_token", refresh_token: tokens.refresh_token, client_id: "local-oc" });
    assert.equal(refreshed.status, 200);
    const next = JSON.parse(refreshed.text) as { access_token: string; refresh_token: string };
    assert.notEqual(next.access_token, tokens.access_token);
    assert.equal(next.refresh_token, tokens.refresh_token, "the refresh token stays valid");
    assert.equal((await anonymous(h, "GET", "/1.0/provisioning/servers", bearer(next.access_token))).status, 200);

    const unknown = await tokenRequest(h, { grant_type: "refresh_token", refresh_token: "nope" });
    assert.deepEqual([unknown.status, JSON.parse(unknown.text).error], [400, "invalid_grant"]);
    const grant = await tokenRequest(h, { grant_type: "password", username: "alice" });
    assert.deepEqual([grant.status, JSON.parse(grant.text).error], [400, "unsupported_grant_type"]);
  }));

test("an expired, tampered or malformed bearer is 401 even with a trusted client certificate, with OC's OIDC headers", () =>
  withIssuer(async (h) => {
    const expired = h.oc.mintOidcTokens("alice", 0).access_token;
    const valid = h.oc.mintOidcTokens("alice").access_token;
    const [head, payload, signature] = valid.split(".") as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>;
    const tampered = `${head}.${Buffer.from(JSON.stringify({ ...claims, sub: "mallory" })).toString("base64url")}.${signature}`;
    for (const [headers, message] of [
      [bearer(expired), "Failed to authenticate: token has expired"],
      [bearer(tampered), "Failed to authenticate: signature is invalid"],
      [{ Authorization: "Basic YWxpY2U6c2VjcmV0" }, "Failed to authenticate: Bad authorization token, expected a Bearer token"],
    ] as const) {
      for (const path of ["/1.0/provisioning/servers", "/1.0"]) {
        const reply = await h.call("GET", path, undefined, { headers });
        assert.equal(reply.status, 401, `${path} ${message}`);
        assert.equal(reply.json!.error, message);
        assert.equal(reply.headers["x-operationscenter-oidc-issuer"], h.oc.oidcIssuer);
        assert.equal(reply.headers["x-operationscenter-oidc-clientid"], "local-oc");
      }
    }
    assert.equal((await h.call("GET", "/1.0/provisioning/servers")).status, 200, "the certificate alone still works");
    const cookie = await anonymous(h, "GET", "/1.0/provisioning/servers", { Cookie: `oidc_access=${expired}` });
    assert.equal(cookie.status, 401, "the oidc_access cookie counts as a token too");
  }));

test("without OIDC configured, a bearer is ignored and the client certificate decides", async () => {
  const h = await startHarness({ servers: 1 });
  try {
    const reply = await h.call("GET", "/1.0/provisioning/servers", undefined, { headers: bearer("stale") });
    assert.equal(reply.status, 200);
  } finally {
    await h.close();
  }
});

test("the written oidc remote and its token file are as the operations-center CLI keeps them, and the token works", () =>
  withIssuer(async (h) => {
    const dir = join(h.configDir, "oidc-client");
    const before = Date.now();
    const { fingerprint } = await h.oc.writeClientConfig(dir, { auth: "oidc" });
    const config = yaml.load(readFileSync(join(dir, "config.yml"), "utf8")) as {
      default_remote: string;
      remotes: Record<string, { addr: string; auth_type: string; server_cert: string }>;
    };
    assert.equal(config.default_remote, "local-oc");
    assert.deepEqual(config.remotes["local-oc"], { addr: h.oc.url, auth_type: "oidc", server_cert: h.oc.serverCertificate });
    assert.equal(statSync(join(dir, "oidc-tokens")).mode & 0o777, 0o700);
    const file = join(dir, "oidc-tokens", "local-oc.json");
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const context = JSON.parse(readFileSync(file, "utf8")) as { trust_tuple: Record<string, string>; tokens: Record<string, unknown> };
    assert.deepEqual(Object.keys(context), ["trust_tuple", "tokens"]);
    assert.deepEqual(context.trust_tuple, { issuer: h.oc.oidcIssuer, client_id: "local-oc", audience: "" });
    assert.deepEqual(Object.keys(context.tokens), ["access_token", "token_type", "refresh_token", "expiry", "IDTokenClaims", "IDToken"]);
    assert.equal(context.tokens["token_type"], "Bearer");
    const expiry = Date.parse(String(context.tokens["expiry"]));
    assert.ok(expiry >= before + 299_000 && expiry <= Date.now() + 300_000, "expiry is an RFC 3339 time five minutes on");
    assert.ok(!h.oc.snapshot().trustedFingerprints.includes(fingerprint), "the client certificate is not what authenticates");
    assert.equal(certificateFingerprint(readFileSync(join(dir, "client.crt"), "utf8")), fingerprint);
    const reply = await anonymous(h, "GET", "/1.0", bearer(String(context.tokens["access_token"])));
    assert.equal(JSON.parse(reply.text).metadata.auth, "oidc");
    const refreshed = await tokenRequest(h, { grant_type: "refresh_token", refresh_token: String(context.tokens["refresh_token"]) });
    assert.equal(refreshed.status, 200);
  }));

test("tokens never reach the request log or the log lines", async () => {
  const lines: string[] = [];
  const h = await startHarness({ servers: 1, oidcIssuer: true, log: (line) => lines.push(line) });
  try {
    const tokens = metadataOf(await h.call("POST", "/local-oc/oidc/mint", {}), mintedTokens);
    await tokenRequest(h, { grant_type: "refresh_token", refresh_token: tokens.refresh_token });
    await anonymous(h, "GET", "/1.0/provisioning/servers", bearer(tokens.access_token));
    await anonymous(h, "GET", "/1.0/provisioning/servers", bearer(`${tokens.access_token}x`));
    const logged = JSON.stringify((await h.call("GET", "/local-oc/requests")).json) + lines.join("\n");
    assert.ok(lines.some((l) => l.startsWith("POST /local-oc/oidc/token 200")));
    for (const secret of [tokens.access_token, tokens.refresh_token]) assert.ok(!logged.includes(secret));
  } finally {
    await h.close();
  }
});

test("oc-cdktf local-oc refuses --client-auth oidc without --oidc-issuer, saying what to add", async () => {
  const main = join(dirname(fileURLToPath(import.meta.url)), "..", "src", "cli", "main.js");
  const child = spawn(process.execPath, [main, "local-oc", "--client-auth", "oidc", "--write-client-config", "unused"], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  assert.equal(code, 2);
  assert.match(stderr, /--client-auth oidc needs --oidc-issuer/);
});
