// Unit: the services config rules of src/config/, no server: what it accepts, problems at their line
// (NVMe, OVN, unknown services), notes, and secrets kept out of messages and replaced by digests.

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";
import {
  ConfigError,
  checkConfigText,
  formatProblem,
  redactServicesConfig,
  servicesConfigNotes,
  servicesConfigSchema,
  validateConfigValue,
  type ServicesConfig,
} from "../src/config/index.js";
import { fixtureText } from "./fixtures/config/fixtures.js";

function check(name: string) {
  return checkConfigText(servicesConfigSchema, fixtureText(name), name);
}

function problems(name: string): string[] {
  const result = check(name);
  assert.equal(result.ok, false, `${name} should not validate`);
  return result.ok ? [] : result.problems.map(formatProblem);
}

function problemsOfText(text: string): string[] {
  const result = checkConfigText(servicesConfigSchema, text, "services.yaml");
  return result.ok ? [] : result.problems.map(formatProblem);
}

const sha256 = (value: string) => `sha256:${createHash("sha256").update(value).digest("hex")}`;

describe("services config", () => {
  it("accepts the documentation's example with lvm and nvme", () => {
    const result = check("services.seed.yaml");
    assert.ok(result.ok);
    assert.deepEqual(result.value, {
      lvm: { enabled: true },
      nvme: { enabled: true, targets: [{ transport: "tcp", address: "192.168.1.100", port: 8009 }] },
    });
    assert.deepEqual(servicesConfigNotes(result.value), []);
  });

  it("accepts Operations Center's {config: ...} wrapping and unwraps it", () => {
    const value = validateConfigValue(servicesConfigSchema, { lvm: { config: { enabled: true } }, usbip: { enabled: false } }, "inline");
    assert.deepEqual(value, { lvm: { enabled: true }, usbip: { enabled: false } });
  });

  it("reads an empty file as no services", () => {
    const result = checkConfigText(servicesConfigSchema, "# nothing yet\n", "services.yaml");
    assert.deepEqual(result, { ok: true, value: {} });
  });

  it("rejects an unknown service, suggesting the closest name", () => {
    assert.deepEqual(problems("services.unknown-service.yaml"), [
      'services.unknown-service.yaml:1:1: lvmm: unknown service "lvmm": valid services are ceph, iscsi, linstor, netbird, nvme, multipath, lvm, ovn, tailscale, usbip; did you mean "lvm"?',
    ]);
  });

  it("reports every NVMe mistake at its line: YAML 1.1 boolean, missing TCP port, port in the address, unknown transport", () => {
    assert.deepEqual(problems("services.nvme-mistakes.yaml"), [
      'services.nvme-mistakes.yaml:2:12: nvme.enabled: expected true or false, got "yes"; write true or false without quotes',
      'services.nvme-mistakes.yaml:4:7: nvme.targets[0].port: missing; expected a TCP port from 1 to 65535 (required for transport "tcp"; 8009 is the discovery port, 4420 the I/O port)',
      'services.nvme-mistakes.yaml:5:16: nvme.targets[0].address: expected the target\'s IP address or host name, got "192.168.1.100:8009"; give the port in its own field, not in the address',
      'services.nvme-mistakes.yaml:6:18: nvme.targets[1].transport: expected "tcp" or "fc", got "rdma"',
    ]);
  });

  it("finds a typo inside the {config: ...} wrapping and an upper-case WWN in a JSON file", () => {
    assert.deepEqual(problems("services.wrapped-typo.json"), [
      'services.wrapped-typo.json:5:7: iscsi.config.targts: unknown field "targts": valid fields are enabled, targets; did you mean "targets"?',
      'services.wrapped-typo.json:8:44: multipath.wwns[0]: expected a WWN as in /dev/disk/by-id/wwn-<WWN>: "0x" and 16 or 32 lower-case hex digits, no colons, got "0x5ABCDEF123456001"; did you mean "0x5abcdef123456001"?',
    ]);
  });

  it("requires enabled, since a PUT replaces the whole config", () => {
    assert.deepEqual(problemsOfText("iscsi:\n  targets: []\n"), [
      "services.yaml:1:1: iscsi.enabled: missing; expected true or false (IncusOS would take a missing value as false and disable the service)",
    ]);
  });

  it("requires the OVN database when enabled, and TLS material for an ssl: database", () => {
    assert.deepEqual(problemsOfText("ovn:\n  enabled: true\n"), [
      'services.yaml:1:1: ovn.database: missing; expected the OVN southbound database such as "ssl:10.0.0.1:6642,ssl:10.0.0.2:6642" (required when enabled)',
    ]);
    assert.deepEqual(problemsOfText("ovn:\n  enabled: true\n  database: ssl:10.0.0.1:6642\n"), [
      'services.yaml:1:1: ovn.tls_client_certificate: missing; an "ssl:" database needs the client certificate, its key and the CA certificate',
      'services.yaml:1:1: ovn.tls_client_key: missing; an "ssl:" database needs the client certificate, its key and the CA certificate',
      'services.yaml:1:1: ovn.tls_ca_certificate: missing; an "ssl:" database needs the client certificate, its key and the CA certificate',
    ]);
  });

  it("never shows a secret in a message", () => {
    const key = "-----BEGIN PRIVATE KEY-----\nc2VjcmV0\n-----END PRIVATE KEY-----\n";
    const messages = problemsOfText(JSON.stringify({ ovn: { enabled: true, database: "tcp:10.0.0.1:6642", tls_client_key: key } }));
    assert.deepEqual(messages, [
      "services.yaml:1:72: ovn.tls_client_key: expected a PEM private key (-----BEGIN PRIVATE KEY----- ... -----END PRIVATE KEY-----), got a value that is not (not shown: it is a secret)",
    ]);
    assert.ok(!messages.join("\n").includes("c2VjcmV0"));
  });

  it("labels problems of an inline object", () => {
    assert.throws(
      () =>
        validateConfigValue(servicesConfigSchema, { tailscale: { enabled: true, serve_enabled: true, serve_port: 8443 } }, "Cluster 'stack/a' servicesConfig"),
      (err: unknown) =>
        err instanceof ConfigError &&
        err.message === "Cluster 'stack/a' servicesConfig: tailscale.serve_port: 8443 is the Incus API port on the same server; choose another port",
    );
  });

  it("notes that Operations Center overrides lvm.system_id", () => {
    const result = check("services.system-id.yaml");
    assert.ok(result.ok);
    assert.deepEqual(servicesConfigNotes(result.value), [
      "lvm.system_id: Operations Center replaces it with each server's own ID when it enables lvm; the value here is not used",
    ]);
  });

  it("replaces every secret by its sha256 digest and leaves the rest", () => {
    const config: ServicesConfig = validateConfigValue(
      servicesConfigSchema,
      {
        tailscale: { enabled: true, auth_key: "tskey-auth-abc123", login_server: "https://headscale.example.com" },
        netbird: { enabled: true, setup_key: "A1B2C3D4-0000" },
        ceph: {
          enabled: true,
          clusters: {
            ceph: {
              fsid: "e2c9c5a4-6f0b-4c3c-9d7e-2d1f0e6b9a11",
              monitors: ["10.0.0.1", "10.0.0.2"],
              keyrings: { admin: { key: "AQBvaBFZAAAAABAA9VHgwCg3rWn8fMaX8KL01A==" } },
            },
          },
        },
      },
      "inline",
    );
    assert.deepEqual(redactServicesConfig(config), {
      tailscale: { enabled: true, auth_key: sha256("tskey-auth-abc123"), login_server: "https://headscale.example.com" },
      netbird: { enabled: true, setup_key: sha256("A1B2C3D4-0000") },
      ceph: {
        enabled: true,
        clusters: {
          ceph: {
            fsid: "e2c9c5a4-6f0b-4c3c-9d7e-2d1f0e6b9a11",
            monitors: ["10.0.0.1", "10.0.0.2"],
            keyrings: { admin: { key: sha256("AQBvaBFZAAAAABAA9VHgwCg3rWn8fMaX8KL01A==") } },
          },
        },
      },
    });
    assert.equal(config.tailscale?.auth_key, "tskey-auth-abc123", "the input is not modified");
  });
});
