// The pure decisions inside the hooks: property merge, creation-input comparison, server checks.
import assert from "node:assert/strict";
import { test } from "node:test";
import { mergeProperties, readBookkeeping, writeBookkeeping } from "../src/hooks/bookkeeping.js";
import { creationChanges } from "../src/hooks/creation.js";
import { checkServers } from "../src/hooks/preflight.js";
import { serverSchema } from "../src/client/api-types.js";
import type { CreationRecord } from "../src/hooks/spec.js";

test("property merge removes what this tool set before, keeps foreign keys, sets declared ones", () => {
  const live = { team: "old", owner: "x", "set-by-hand": "yes", "oc-cdktf.io/owner": "o" };
  assert.deepEqual(mergeProperties(live, { team: "storage" }, ["team", "owner"]), {
    team: "storage",
    "set-by-hand": "yes",
    "oc-cdktf.io/owner": "o",
  });
});

test("bookkeeping round-trips through cluster properties and ignores malformed values", () => {
  const creation: CreationRecord = { server_type: "incus", services_config: { lvm: "sha256:1" }, application_config: {}, template: "", template_values: {} };
  const properties = writeBookkeeping({ owner: "o", deletionPolicy: "forget", creation, members: ["s1"], properties: ["team"] });
  assert.deepEqual(readBookkeeping({ properties }), { owner: "o", deletionPolicy: "forget", creation, members: ["s1"], properties: ["team"] });
  assert.deepEqual(readBookkeeping({ properties: { "oc-cdktf.io/members": "not json", "oc-cdktf.io/deletion-policy": "burn" } }), {
    owner: undefined,
    deletionPolicy: undefined,
    creation: undefined,
    members: undefined,
    properties: undefined,
  });
});

test("creation changes are named down to the top-level key", () => {
  const before: CreationRecord = {
    server_type: "incus",
    services_config: { lvm: "sha256:1", nvme: "sha256:2" },
    application_config: { config: "sha256:3" },
    template: "",
    template_values: {},
  };
  const after: CreationRecord = { ...before, services_config: { lvm: "sha256:1", nvme: "sha256:9", iscsi: "sha256:4" } };
  assert.deepEqual(creationChanges(before, after), ["servicesConfig.iscsi", "servicesConfig.nvme"]);
  assert.deepEqual(creationChanges(before, { ...before, server_type: "incus-lts-7.0" }), ["serverType"]);
  assert.deepEqual(creationChanges(before, before), []);
});

const server = (name: string, extra: Record<string, unknown> = {}) =>
  serverSchema.parse({
    name,
    server_type: "incus",
    server_status: "ready",
    channel: "stable",
    cluster: "",
    version_data: { applications: [{ name: "incus", version: "6.0.1" }], needs_update: false, needs_reboot: false, in_maintenance: 0 },
    os_data: { network: { config: { interfaces: [{ name: "eth0", roles: ["management"], addresses: ["192.0.2.1/24"] }] } } },
    ...extra,
  });

test("server checks list every problem Operations Center would refuse, in server order", () => {
  const servers = [
    server("s1"),
    server("s2", { cluster: "other" }),
    server("s3", { server_status: "offline" }),
    server("s4", { version_data: { applications: [{ name: "incus", version: "6.0.2" }], in_maintenance: 2 } }),
    server("s5", { os_data: { network: { config: { interfaces: [{ name: "eth0", roles: ["instances"] }] } } } }),
  ];
  assert.deepEqual(checkServers(["s1", "s2", "s3", "s4", "s5", "s9", "s1"], servers, { channel: "stable", sameIncus: true }), [
    `server "s2" is already part of cluster "other"`,
    `server "s3" is offline, not ready`,
    `server "s4" is in maintenance (evacuated or evacuating)`,
    `server "s4" runs incus 6.0.2, server "s1" incus 6.0.1: all members need the same Incus version`,
    `server "s5" has no network interface with the cluster or management role and an address`,
    `server "s9" is not registered in Operations Center`,
    `server "s1" is listed twice`,
  ]);
  assert.deepEqual(checkServers(["s1"], servers, { channel: "testing", sameIncus: false }), [
    `server "s1" follows update channel "stable", the cluster "testing"`,
  ]);
});

test("the hook runtime loads neither cdktf nor constructs (every provisioner pays its start-up)", async () => {
  const { execFileSync } = await import("node:child_process");
  const script = `import("./dist/src/cli/hook.js").then(() => {
    const loaded = Object.keys(require("node:module")._cache);
    console.log(JSON.stringify(loaded.filter((f) => /node_modules\\/(cdktf|constructs|@cdktf)\\//.test(f))));
  })`;
  const loaded = JSON.parse(execFileSync(process.execPath, ["-e", script], { encoding: "utf8" })) as string[];
  assert.deepEqual(loaded, []);
  const control = `import("./dist/constructs/index.js").then(() => {
    console.log(Object.keys(require("node:module")._cache).some((f) => f.includes("node_modules/cdktf/")));
  })`;
  assert.equal(execFileSync(process.execPath, ["-e", control], { encoding: "utf8" }).trim(), "true");
});
