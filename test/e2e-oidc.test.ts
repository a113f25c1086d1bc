// Terraform with an `auth_type: oidc` remote of the operations-center CLI, against the local OC
// acting as its own OIDC issuer: the provider authenticates with the token file the CLI keeps
// (its client certificate is one OC does not trust), refreshes an expired access token before the
// first call and a refused one after a 401, and writes the refreshed tokens back.
import assert from "node:assert/strict";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { startE2E } from "./e2e/harness.js";
import { FIXTURES } from "./e2e/scenario.js";

const SEED = path.join(FIXTURES, "seed.yaml");

interface TokenFile {
  trust_tuple: Record<string, string>;
  tokens: { access_token: string; refresh_token: string; expiry: string } & Record<string, unknown>;
}

test("an oidc remote: apply refreshes an expired access token first, plan refreshes a refused one after the 401; the token file is written back", async (t) => {
  const e2e = await startE2E({ seed: SEED, oidcIssuer: true });
  t.after(() => e2e.close());
  const dir = path.join(e2e.workdir, "oc-oidc");
  await e2e.oc.writeClientConfig(dir, { auth: "oidc" });
  const file = path.join(dir, "oidc-tokens", "local-oc.json");
  const read = () => JSON.parse(readFileSync(file, "utf8")) as TokenFile;
  /** Puts a token pair the issuer minted already expired into the file, with the expiry given. */
  const dead = (expiry: string) => {
    const minted = e2e.oc.mintOidcTokens("alice", 0);
    const content = read();
    writeFileSync(
      file,
      JSON.stringify({ ...content, tokens: { ...content.tokens, access_token: minted.access_token, refresh_token: minted.refresh_token, expiry } }),
      { mode: 0o600 },
    );
    return minted;
  };
  e2e.env.OPERATIONS_CENTER_CONF = dir;

  const first = dead(new Date(Date.now() - 60_000).toISOString());
  e2e.synth({ a: {} });
  const output = await e2e.initAndApply();
  assert.ok(
    e2e.oc.snapshot().clusters.some((c) => c.name === "cluster-a"),
    "the cluster was created with the bearer token",
  );
  const refreshed = read();
  assert.notEqual(refreshed.tokens.access_token, first.access_token);
  assert.equal(refreshed.tokens.refresh_token, first.refresh_token, "the local issuer keeps refresh tokens valid and sends the same one back");
  assert.ok(Date.parse(refreshed.tokens.expiry) > Date.now(), "a new expiry");
  assert.equal(statSync(file).mode & 0o777, 0o600);
  for (const secret of [first.access_token, first.refresh_token, refreshed.tokens.access_token]) {
    assert.ok(!output.includes(secret), "no token in terraform's output");
  }

  // The file says an hour to go, but the issuer already deems the token expired: OC answers 401.
  const second = dead(new Date(Date.now() + 3_600_000).toISOString());
  e2e.oc.clearRequests();
  const plan = await e2e.tf("plan", "-input=false", "-no-color", "-detailed-exitcode");
  assert.equal(plan.code, 0, `no changes, and no error:\n${plan.stdout}\n${plan.stderr}`);
  const api = e2e.oc.requests.filter((r) => r.path.startsWith("/1.0"));
  const refused = api.filter((r) => r.status === 401);
  assert.ok(refused.length > 0, "the calls carried the refused token first");
  for (const r of refused) {
    assert.ok(
      api.slice(api.indexOf(r)).some((again) => again.method === r.method && again.path === r.path && again.status === 200),
      `${r.method} ${r.path} was sent again and answered`,
    );
  }
  assert.equal(e2e.oc.requests.filter((r) => r.path === "/local-oc/oidc/token").length, 1, "one refresh for the calls in flight");
  assert.notEqual(read().tokens.access_token, second.access_token);
});
