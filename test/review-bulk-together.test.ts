// plan-summary on the bulk families where they meet their cluster: a destroy that only forgets
// (deletion_policy retain), an imported resource, a restored VLAN tag whose details must agree
// with the operation line, and a change that follows the cluster's rename.
import assert from "node:assert/strict";
import { test } from "node:test";
import { parsePlanText } from "../src/review/plan-schema.js";
import { summarize, type Summary } from "../src/review/plan-summary.js";

type Json = Record<string, unknown>;

function rc(type: string, name: string, actions: string[], before: Json | null, after: Json | null): Json {
  return { address: `${type}.${name}`, mode: "managed", type, name, change: { actions, before, after, after_unknown: {} } };
}

function summaryOf(changes: Json[]): Summary {
  return summarize(parsePlanText(JSON.stringify({ format_version: "1.2", resource_changes: changes }), "plan"));
}

const operations = (summary: Summary) => summary.groups.flatMap((g) => g.operations);
const lines = (summary: Summary): string[] => operations(summary).map((o) => `${o.destructive ? "! " : ""}${o.text}`);

const MEMBERS = ["s1", "s2", "s3"];

test("destroys with deletion_policy retain read 'kept on the cluster', none destructive; with remove they still announce the removal", () => {
  const kept = { cluster: "lab", servers: MEMBERS, members: MEMBERS, deletion_policy: "retain" };
  const s = summaryOf([
    rc("operationscenter_cluster_application", "debug", ["delete"], { ...kept, name: "debug" }, null),
    rc(
      "operationscenter_cluster_vlan_tags",
      "v",
      ["delete"],
      { ...kept, interface_name: "eth0", vlan_tags: [100, 200], vlan_tags_all: { s1: [100, 200] } },
      null,
    ),
    rc("operationscenter_cluster_kernel_config", "k", ["delete"], { ...kept, config: "{}" }, null),
    rc(
      "operationscenter_cluster_nvme_target",
      "n",
      ["delete"],
      { ...kept, deletion_policy: "remove", transport: "tcp", address: "192.0.2.1", port: 4420 },
      null,
    ),
  ]);
  assert.deepEqual(lines(s).sort(), [
    "! NVMe target tcp 192.0.2.1:4420: REMOVED from s1, s2, s3",
    "VLAN eth0: 100, 200 kept on the cluster: deletion_policy retain",
    "application debug: kept on the cluster: deletion_policy retain",
    "kernel: kept on the cluster: deletion_policy retain",
  ]);
});

test("an imported resource (no servers in its state) declared with the members' servers: nothing is set 'on joining', and servers is no detail", () => {
  const s = summaryOf([
    rc(
      "operationscenter_cluster_vlan_tags",
      "v",
      ["update"],
      { cluster: "lab", interface_name: "eth0", vlan_tags: [100], servers: null, vlan_tags_all: { s1: [100], s2: [100], s3: [100] } },
      { cluster: "lab", interface_name: "eth0", vlan_tags: [100], servers: MEMBERS, vlan_tags_all: { s1: [100], s2: [100], s3: [100] } },
    ),
    rc(
      "operationscenter_cluster_application",
      "a",
      ["update"],
      { cluster: "lab", name: "debug", servers: null, members: MEMBERS },
      { cluster: "lab", name: "debug", servers: MEMBERS, members: MEMBERS },
    ),
  ]);
  assert.deepEqual(lines(s).sort(), ["VLAN eth0: converged on every member", "application debug: converged on every member"]);
  assert.deepEqual(operations(s).find((o) => o.text.startsWith("VLAN"))!.details, []);
});

test("a VLAN tag restored on one member: the details show that member's tags, as the operation line says, not a change of the declared set", () => {
  const s = summaryOf([
    rc(
      "operationscenter_cluster_vlan_tags",
      "v",
      ["update"],
      { cluster: "lab", interface_name: "eth0", vlan_tags: [400], servers: MEMBERS, vlan_tags_all: { s1: [100, 400], s2: [400], s3: [100, 400] } },
      { cluster: "lab", interface_name: "eth0", vlan_tags: [100, 400], servers: MEMBERS, vlan_tags_all: { s1: [100, 400], s2: [100, 400], s3: [100, 400] } },
    ),
  ]);
  const [op] = operations(s);
  assert.equal(op!.text, "VLAN eth0: 100 restored on s2");
  assert.deepEqual(op!.details, ["~ s2: 400 → 100, 400"]);
});

test("a bulk resource whose cluster is renamed says it follows the rename", () => {
  const s = summaryOf([
    rc(
      "operationscenter_cluster_application",
      "a",
      ["update"],
      { cluster: "lab", name: "debug", servers: MEMBERS, members: MEMBERS },
      { cluster: "lab2", name: "debug", servers: MEMBERS, members: MEMBERS },
    ),
    rc(
      "operationscenter_cluster_logging_config",
      "l",
      ["update"],
      { cluster: "lab", config: "{}", servers: MEMBERS, members: MEMBERS },
      { cluster: "lab2", config: "{}", servers: MEMBERS, members: MEMBERS },
    ),
  ]);
  assert.deepEqual(lines(s).sort(), [
    "application debug: converged on every member (follows the cluster's rename from lab)",
    "logging: converged on every member (follows the cluster's rename from lab)",
  ]);
});
