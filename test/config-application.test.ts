// Unit: the application config (Incus preseed) rules of src/config/, no server: what it accepts,
// problems at their line and column, Incus's value coercion, notes, and secrets replaced by digests.

import assert from "node:assert/strict";
import { X509Certificate, createHash } from "node:crypto";
import { describe, it } from "node:test";
import {
  applicationConfigNotes,
  applicationConfigSchema,
  checkConfigText,
  formatProblem,
  redactApplicationConfig,
  validateConfigValue,
} from "../src/config/index.js";
import { fixtureText } from "./fixtures/config/fixtures.js";

function check(name: string) {
  return checkConfigText(applicationConfigSchema, fixtureText(name), name);
}

function problemsOf(text: string, file = "application.yaml"): string[] {
  const result = checkConfigText(applicationConfigSchema, text, file);
  return result.ok ? [] : result.problems.map(formatProblem);
}

const sha256 = (value: string) => `sha256:${createHash("sha256").update(value).digest("hex")}`;

describe("application config (Incus preseed)", () => {
  it("accepts the documentation's example once the certificate is a real one", () => {
    const result = check("application.yaml");
    assert.ok(result.ok);
    assert.deepEqual(result.value.config, { "user.ui.title": "My wonderful cluster" });
    const [cert] = result.value.certificates ?? [];
    assert.equal(cert?.type, "client");
    assert.equal(cert?.name, "my-client-cert");
    assert.equal(new X509Certificate(cert?.certificate ?? "").subject, "CN=my-client-cert");
  });

  it("rejects the documentation's placeholder certificate, saying why", () => {
    assert.deepEqual(problemsOf(fixtureText("application.seed.yaml"), "application.seed.yaml"), [
      'application.seed.yaml:8:18: certificates[0].certificate: expected a PEM certificate (-----BEGIN CERTIFICATE----- ... -----END CERTIFICATE-----) or its base64 DER form, got a PEM block that does not parse as a certificate (it holds the placeholder "..." instead of the base64 lines)',
    ]);
  });

  it("reports a list as config value, a misspelled network type and an unknown section", () => {
    assert.deepEqual(problemsOf(fixtureText("application.mistakes.yaml"), "application.mistakes.yaml"), [
      'application.mistakes.yaml:3:14: config["user.tags"]: expected a string, number, true/false or null (Incus stores every config value as a string), got a list',
      'application.mistakes.yaml:6:11: networks[0].type: expected one of "bridge", "macvlan", "sriov", "ovn", "physical", got "brige"; did you mean "bridge"?',
      'application.mistakes.yaml:7:1: storage_pool: unknown section "storage_pool": valid sections are config, networks, storage_pools, storage_volumes, profiles, projects, certificates, cluster_groups, cluster; did you mean "storage_pools"?',
    ]);
  });

  it("reports required fields and enums in a JSON file", () => {
    assert.deepEqual(problemsOf(fixtureText("application.missing.json"), "application.missing.json"), [
      'application.missing.json:2:21: storage_pools[0].driver: missing; expected one of "btrfs", "ceph", "cephfs", "cephobject", "dir", "linstor", "lvm", "lvmcluster", "truenas", "zfs"',
      'application.missing.json:3:30: certificates[0].type: expected one of "client", "server", "metrics", got "admin"',
    ]);
  });

  it("is strict about keys below the top level too", () => {
    assert.deepEqual(problemsOf("profiles:\n  - name: default\n    device:\n      root: {type: disk, path: /, pool: local}\n"), [
      'application.yaml:3:5: profiles[0].device: unknown field "device": valid fields are name, description, config, devices, project; did you mean "devices"?',
    ]);
  });

  it("coerces config values to strings the way Incus does", () => {
    const value = validateConfigValue(
      applicationConfigSchema,
      { config: { a: true, b: 15, c: null, d: 1.5e-7, e: 0.1, f: 1e3, g: 1234567.5, h: "x" } },
      "inline",
    );
    assert.deepEqual(value.config, { a: "true", b: "15", c: "", d: "1.5e-07", e: "0.1", f: "1000", g: "1.2345675e+06", h: "x" });
  });

  it("rejects two networks of the same name in one project", () => {
    assert.deepEqual(problemsOf('networks:\n  - name: incusbr0\n    project: ""\n  - name: incusbr0\n'), [
      'application.yaml:4:11: networks[1].name: duplicate network "incusbr0" (same as networks[0])',
    ]);
  });

  it("notes that Operations Center ignores a cluster section", () => {
    const value = validateConfigValue(applicationConfigSchema, { cluster: { server_name: "server1", enabled: true } }, "inline");
    assert.deepEqual(applicationConfigNotes(value), [
      "cluster: Operations Center forms the cluster itself and reads the application config as InitLocalPreseed, which has no cluster section; it is ignored",
    ]);
  });

  it("replaces certificates, tokens and credential-like config values by their digest", () => {
    const certificate = fixtureText("application.yaml")
      .split("\n")
      .filter((line) => line.startsWith("      "))
      .map((line) => line.slice(6))
      .join("\n");
    const value = validateConfigValue(
      applicationConfigSchema,
      {
        config: { "user.ui.title": "Prod", "loki.auth.password": "hunter2", "oidc.client.secret": "s3", "core.https_address": ":8443" },
        certificates: [
          { type: "client", name: "ops", certificate },
          { type: "client", token: true, trust_token: "tok" },
        ],
        profiles: [{ name: "default", devices: { eth0: { type: "nic", network: "incusbr0" } } }],
        cluster: { enabled: true, cluster_token: "join-token" },
      },
      "inline",
    );
    assert.deepEqual(redactApplicationConfig(value), {
      config: { "user.ui.title": "Prod", "loki.auth.password": sha256("hunter2"), "oidc.client.secret": sha256("s3"), "core.https_address": ":8443" },
      certificates: [
        { type: "client", name: "ops", certificate: sha256(certificate) },
        { type: "client", token: true, trust_token: sha256("tok") },
      ],
      profiles: [{ name: "default", devices: { eth0: { type: "nic", network: "incusbr0" } } }],
      cluster: { enabled: true, cluster_token: sha256("join-token") },
    });
  });
});
