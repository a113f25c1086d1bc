// `oc-cdktf validate` as a user runs it (the built CLI in a child process, no server): the OK
// lines, problems as file:line:column, notes on stderr, and the exit codes 0, 1 and 2.

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe, it } from "node:test";
import { fixture, packageRoot } from "./fixtures/config/fixtures.js";

/** Runs the built CLI from the package root, as a user would: `oc-cdktf validate ...`. */
function validate(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ["dist/src/cli/main.js", "validate", ...args], { cwd: packageRoot, encoding: "utf8" });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("oc-cdktf validate", () => {
  it("prints one OK line and exits 0 for a valid services config", () => {
    assert.deepEqual(validate("--services", fixture("services.seed.yaml")), {
      status: 0,
      stdout: `OK: ${fixture("services.seed.yaml")} (2 services: lvm, nvme)\n`,
      stderr: "",
    });
  });

  it("prints every problem as file:line:column: path: message and exits 1", () => {
    const file = fixture("services.nvme-mistakes.yaml");
    assert.deepEqual(validate("--services", file), {
      status: 1,
      stdout: [
        `${file}:2:12: nvme.enabled: expected true or false, got "yes"; write true or false without quotes`,
        `${file}:4:7: nvme.targets[0].port: missing; expected a TCP port from 1 to 65535 (required for transport "tcp"; 8009 is the discovery port, 4420 the I/O port)`,
        `${file}:5:16: nvme.targets[0].address: expected the target's IP address or host name, got "192.168.1.100:8009"; give the port in its own field, not in the address`,
        `${file}:6:18: nvme.targets[1].transport: expected "tcp" or "fc", got "rdma"`,
        "",
      ].join("\n"),
      stderr: "",
    });
  });

  it("sends notes to stderr", () => {
    const file = fixture("services.system-id.yaml");
    assert.deepEqual(validate("--services", file), {
      status: 0,
      stdout: `OK: ${file} (1 service: lvm)\n`,
      stderr: `note: ${file}: lvm.system_id: Operations Center replaces it with each server's own ID when it enables lvm; the value here is not used\n`,
    });
  });

  it("checks an application config and a bulk action's arguments in one run", () => {
    const application = fixture("application.yaml");
    const args = fixture("bulk/add_iscsi_storage_target.seed.json");
    const result = validate("--application", application, "--bulk", "add_iscsi_storage_target", args);
    assert.equal(result.status, 1);
    assert.equal(
      result.stdout,
      [
        `OK: ${application} (2 sections: config, certificates)`,
        `${args}:2:13: target: expected an iSCSI target name such as "iqn.2004-10.org.example:storage1" (iqn., eui. or naa. form), got ""`,
        `${args}:3:14: address: expected the portal's IP address or host name, got ""`,
        "",
      ].join("\n"),
    );
  });

  it("checks a whole cluster template: rules, values and the rendered configs", () => {
    const variables = fixture("template-variables.yaml");
    const values = fixture("template-values.seed.yaml");
    const services = fixture("services.tmpl.yaml");
    const application = fixture("application.tmpl.yaml");
    const result = validate("--template-variables", variables, "--values", values, "--services-template", services, "--application-template", application);
    assert.deepEqual(result, {
      status: 0,
      stdout:
        `OK: ${variables} (3 variables: SOME_VARIABLE, A_BOOLEAN_VARIABLE, A_NUMERIC_VARIABLE); ` +
        `used by ${services} and ${application}; with ${values} renders to 2 services: lvm, nvme and 1 section: config\n`,
      stderr: "",
    });
  });

  it("reports template rule violations with their positions", () => {
    const variables = fixture("template-variables.yaml");
    const services = fixture("services.seed.yaml");
    const application = fixture("application.tmpl.yaml");
    const result = validate("--template-variables", variables, "--services-template", services, "--application-template", application);
    assert.equal(result.status, 1);
    assert.equal(
      result.stdout,
      [
        `${variables}:4:1: A_BOOLEAN_VARIABLE: variable "A_BOOLEAN_VARIABLE" is defined but not used in the service config template or the application config template; use @A_BOOLEAN_VARIABLE@ in one of them or remove the definition (the server rejects unused variables)`,
        `${variables}:7:1: A_NUMERIC_VARIABLE: variable "A_NUMERIC_VARIABLE" is defined but not used in the service config template or the application config template; use @A_NUMERIC_VARIABLE@ in one of them or remove the definition (the server rejects unused variables)`,
        "",
      ].join("\n"),
    );
  });

  it("exits 2 on a usage error", () => {
    const missing = validate("--values", fixture("template-values.seed.yaml"));
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /^oc-cdktf validate: --values, --services-template and --application-template need --template-variables\n/);
    const action = validate("--bulk", "add_vlan_tags", fixture("bulk/add_application.seed.json"));
    assert.equal(action.status, 2);
    assert.match(action.stderr, /^oc-cdktf validate: unknown bulk action "add_vlan_tags": valid actions are add_network_interface_vlan_tags, /);
    assert.equal(validate().status, 2);
  });
});
