// Unit, no server: the secret classification of src/config/: which leaves are secret, the
// public/secret split and its merge, the check for secrets in public values, scrubbing of messages.
import assert from "node:assert/strict";
import { test } from "node:test";
import { redactApplicationConfig, redactServicesConfig } from "../src/config/index.js";
import { mergeSecrets, publicSecretProblems, scrubSecrets, secretPaths, secretValues, splitSecrets } from "../src/config/secrets.js";

const services = {
  tailscale: { enabled: true, login_server: "https://hs.example.test", auth_key: "tskey-auth-SECRET" },
  ceph: { enabled: true, clusters: { ceph: { fsid: "f", monitors: ["10.0.0.1"], keyrings: { admin: { key: "QUJD" } } } } },
  lvm: { enabled: false },
};

const application = {
  config: { "core.trust_password": "hunter2", "user.ui.title": "Lab" },
  networks: [
    { name: "br0", config: { "ipv4.address": "auto" } },
    { name: "ovn0", config: { "network.ovn.client_key": "K" } },
  ],
  profiles: [{ name: "default", devices: { eth0: { type: "nic", "secret.token": "T" } } }],
};

test("secretPaths names every secret leaf of a services config, wrapped services included", () => {
  assert.deepEqual(secretPaths("services", services), ["tailscale.auth_key", "ceph.clusters.ceph.keyrings.admin.key"]);
  assert.deepEqual(secretPaths("services", { netbird: { config: { enabled: true, setup_key: "S" } } }), ["netbird.config.setup_key"]);
  assert.deepEqual(secretPaths("services", { tailscale: { enabled: true, auth_key: "" } }), [], "an empty secret reveals nothing");
});

test("secretPaths finds credential config keys of a preseed at every level", () => {
  assert.deepEqual(secretPaths("application", application), [
    'config["core.trust_password"]',
    'networks[1].config["network.ovn.client_key"]',
    'profiles[0].devices.eth0["secret.token"]',
  ]);
});

test("a config key that names its value, such as user.api_token_value, is secret; an ordinary key is not", () => {
  assert.deepEqual(secretPaths("application", { config: { "user.api_token_value": "t0k3n", "user.ui.title": "Lab", "user.keyboard": "us" } }), [
    'config["user.api_token_value"]',
  ]);
});

test("splitSecrets and mergeSecrets: the public part holds no secret, the merge restores the original", () => {
  for (const [kind, value] of [
    ["services", services],
    ["application", application],
  ] as const) {
    const { public: pub, secrets } = splitSecrets(kind, value);
    assert.deepEqual(secretPaths(kind, pub), []);
    assert.deepEqual(mergeSecrets(pub, secrets), value);
  }
  const { public: pub, secrets } = splitSecrets("application", application);
  assert.deepEqual(secrets, {
    config: { "core.trust_password": "hunter2" },
    networks: [null, { config: { "network.ovn.client_key": "K" } }],
    profiles: [{ devices: { eth0: { "secret.token": "T" } } }],
  });
  assert.deepEqual((pub as { config: unknown }).config, { "user.ui.title": "Lab" });
});

test("publicSecretProblems tells to move each secret to the write-only attribute, without its value", () => {
  const problems = publicSecretProblems("services", services, { attribute: "services_config", secretsAttribute: "secrets_wo.services_config" });
  assert.equal(problems.length, 2);
  assert.match(problems[0]!, /^services_config\.tailscale\.auth_key holds a secret.*Move it to secrets_wo\.services_config/);
  for (const p of problems) assert.doesNotMatch(p, /tskey-auth-SECRET|QUJD/);
});

test("secretValues and scrubSecrets remove every secret from a message, also JSON-quoted or shortened", () => {
  const values = secretValues("application", application);
  assert.deepEqual(values.sort(), ["K", "T", "hunter2"].sort());
  const long = `pw"${"x".repeat(80)}`;
  const message = `got "hunter2", then ${JSON.stringify(long.slice(0, 60))}...`;
  const scrubbed = scrubSecrets(message, ["hunter2", long]);
  assert.doesNotMatch(scrubbed, /hunter2|xxxxxxxxxx/);
});

test("the redacting copies for display use the same classification", () => {
  const redacted = redactServicesConfig(services as never) as typeof services;
  assert.match(redacted.tailscale.auth_key, /^sha256:[0-9a-f]{64}$/);
  assert.equal(redacted.tailscale.login_server, "https://hs.example.test");
  const app = redactApplicationConfig(application as never) as unknown as typeof application;
  assert.match(app.config["core.trust_password"], /^sha256:/);
  assert.equal(app.config["user.ui.title"], "Lab");
});
