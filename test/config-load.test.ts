// Unit: reading config files (src/config/), no server: the problem format, YAML and JSON with
// positions (syntax errors, tabs, BOM, anchors, Go's string scalars), and the file and inline loaders.

import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import {
  ConfigError,
  applicationConfigSchema,
  checkConfigText,
  formatProblem,
  loadConfig,
  loadConfigFile,
  parseConfigText,
  servicesConfigSchema,
} from "../src/config/index.js";
import { formatPath } from "../src/config/errors.js";
import { parseYaml } from "../src/config/yaml-positions.js";

function problemsOf(text: string, file = "services.yaml"): string[] {
  const result = checkConfigText(servicesConfigSchema, text, file);
  return result.ok ? [] : result.problems.map(formatProblem);
}

describe("problem format", () => {
  it("leaves out what is unknown", () => {
    assert.equal(formatProblem({ file: "a.yaml", line: 3, column: 7, path: "lvm.enabled", message: "m" }), "a.yaml:3:7: lvm.enabled: m");
    assert.equal(formatProblem({ file: "Cluster 'stack/a' servicesConfig", path: "lvm", message: "m" }), "Cluster 'stack/a' servicesConfig: lvm: m");
    assert.equal(formatProblem({ file: "a.yaml", line: 1, column: 1, path: "", message: "m" }), "a.yaml:1:1: m");
    assert.equal(formatProblem({ path: "x", message: "m" }), "x: m");
  });

  it("quotes keys that are not plain words", () => {
    assert.equal(formatPath(["config", "user.ui.title"]), 'config["user.ui.title"]');
    assert.equal(formatPath(["nvme", "targets", 0, "port"]), "nvme.targets[0].port");
    assert.equal(formatPath(["gpu-support"]), "gpu-support");
  });

  it("puts one problem per line in ConfigError's message", () => {
    const err = new ConfigError([
      { file: "a.yaml", line: 1, column: 1, path: "x", message: "one" },
      { file: "a.yaml", line: 2, column: 1, path: "y", message: "two" },
    ]);
    assert.equal(err.message, "a.yaml:1:1: x: one\na.yaml:2:1: y: two");
    assert.equal(err.problems.length, 2);
  });
});

describe("YAML and JSON with positions", () => {
  it("reports syntax errors at js-yaml's mark", () => {
    assert.deepEqual(problemsOf("lvm:\n  enabled: true\n   bad: [\n"), ["services.yaml:3:7: invalid YAML: bad indentation of a mapping entry"]);
    assert.deepEqual(problemsOf("lvm:\n\tenabled: true\n"), ["services.yaml:2:1: invalid YAML: tab characters must not be used in indentation"]);
    assert.deepEqual(problemsOf("lvm: {enabled: true}\nlvm: {enabled: false}\n"), ["services.yaml:2:1: invalid YAML: duplicated mapping key"]);
    assert.deepEqual(problemsOf("lvm: {enabled: true}\n---\nnvme: {enabled: true}\n"), [
      "services.yaml: invalid YAML: expected a single document in the stream, but found more",
    ]);
  });

  it("reads JSON indented with tabs", () => {
    assert.deepEqual(problemsOf('{\n\t"lvm": {\n\t\t"enabled": 1\n\t}\n}\n', "services.json"), [
      "services.json:3:14: lvm.enabled: expected true or false, got 1",
    ]);
  });

  it("ignores a byte-order mark when counting columns", () => {
    assert.deepEqual(problemsOf("\ufefflvm: {enabled: 1}\n"), ["services.yaml:1:16: lvm.enabled: expected true or false, got 1"]);
  });

  it("points at the key when the value is empty, and at the parent for a missing field", () => {
    assert.deepEqual(problemsOf("nvme:\n  enabled: true\nlvm:\n"), ["services.yaml:3:1: lvm: expected a mapping of lvm settings, got null (an empty value)"]);
    assert.deepEqual(problemsOf("# services\nusbip:\n  targets:\n    - {address: 10.0.0.9}\n"), [
      "services.yaml:2:1: usbip.enabled: missing; expected true or false (IncusOS would take a missing value as false and disable the service)",
      'services.yaml:4:7: usbip.targets[0].bus_id: missing; expected a USB bus ID such as "1-1" or "3-2.4"',
    ]);
  });

  it("follows merge keys and anchors without misplacing anything", () => {
    const text = "storage_pools:\n  - &zfs {name: local, driver: zfs}\n  - <<: *zfs\n    name: remote\n    drivr: ceph\n";
    const result = checkConfigText(applicationConfigSchema, text, "application.yaml");
    assert.ok(!result.ok);
    assert.deepEqual(result.problems.map(formatProblem), [
      'application.yaml:5:5: storage_pools[1].drivr: unknown field "drivr": valid fields are name, driver, config, description; did you mean "driver"?',
    ]);
  });

  it("keeps scalars that Go's yaml keeps as strings", () => {
    const doc = parseYaml("date: 2024-01-01\nhex: 0x10\n", "x.yaml");
    assert.ok(doc.ok);
    assert.deepEqual(doc.value.data, { date: "2024-01-01", hex: 16 });
  });
});

describe("loaders", () => {
  const dir = mkdtempSync(join(tmpdir(), "oc-cdktf-config-"));
  writeFileSync(join(dir, "services.yaml"), "lvm:\n  enabled: true\n");
  writeFileSync(join(dir, "bad.yaml"), "lvm:\n  enabled: maybe\n");

  it("loads a file and names it in problems", () => {
    assert.deepEqual(loadConfigFile(servicesConfigSchema, join(dir, "services.yaml")), { lvm: { enabled: true } });
    assert.throws(
      () => loadConfigFile(servicesConfigSchema, join(dir, "bad.yaml")),
      (err: unknown) => err instanceof ConfigError && err.message === `${join(dir, "bad.yaml")}:2:12: lvm.enabled: expected true or false, got "maybe"`,
    );
    assert.throws(
      () => loadConfigFile(servicesConfigSchema, join(dir, "missing.yaml")),
      (err: unknown) => err instanceof ConfigError && err.message === `${join(dir, "missing.yaml")}: cannot read the file: no such file`,
    );
  });

  it("parses text under a given name", () => {
    assert.throws(
      () => parseConfigText(servicesConfigSchema, "nvme: {enabled: true, targets: [{transport: fc, address: x}]}", "inline.yaml"),
      (err: unknown) =>
        err instanceof ConfigError &&
        err.message === 'inline.yaml:1:58: nvme.targets[0].address: expected a Fibre Channel port as "nn-0x<16 hex digits>:pn-0x<16 hex digits>", got "x"',
    );
  });

  it("takes a path relative to baseDir or an inline object, like --services-config", () => {
    assert.deepEqual(loadConfig(servicesConfigSchema, "services.yaml", { label: "Cluster 'a' servicesConfig", baseDir: dir }), {
      value: { lvm: { enabled: true } },
      file: join(dir, "services.yaml"),
    });
    assert.deepEqual(loadConfig(servicesConfigSchema, { lvm: { enabled: false } }, { label: "Cluster 'a' servicesConfig" }), {
      value: { lvm: { enabled: false } },
    });
    assert.throws(
      () => loadConfig(servicesConfigSchema, { lvm: { enabled: "no" } }, { label: "Cluster 'a' servicesConfig" }),
      (err: unknown) =>
        err instanceof ConfigError &&
        err.message === `Cluster 'a' servicesConfig: lvm.enabled: expected true or false, got "no"; write true or false without quotes`,
    );
    assert.throws(
      () => loadConfig(servicesConfigSchema, "nope.yaml", { label: "Cluster 'a' servicesConfig", baseDir: dir }),
      (err: unknown) =>
        err instanceof ConfigError && err.message === `${join(dir, "nope.yaml")}: cannot read the file given as Cluster 'a' servicesConfig: no such file`,
    );
  });
});
