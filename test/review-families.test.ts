// The domain words of the resource families on hand-made plan changes that the end-to-end plans
// do not produce: a replaced cluster, a renamed one, exclusive members, a new certificate, a
// changed template text, a repaired target, drift of targets and configs.
import assert from "node:assert/strict";
import { test } from "node:test";
import { parsePlanText } from "../src/review/plan-schema.js";
import { renderSummary, summarize, type Summary } from "../src/review/plan-summary.js";

type Json = Record<string, unknown>;

function rc(type: string, name: string, actions: string[], before: Json | null, after: Json | null, extra: Json = {}, top: Json = {}): Json {
  return { address: `${type}.${name}`, mode: "managed", type, name, change: { actions, before, after, after_unknown: {}, ...extra }, ...top };
}

function summaryOf(changes: Json[], drift: Json[] = []): Summary {
  return summarize(parsePlanText(JSON.stringify({ format_version: "1.2", resource_changes: changes, resource_drift: drift }), "plan"));
}

const lines = (summary: Summary): string[] => summary.groups.flatMap((g) => g.operations.map((o) => `${o.destructive ? "! " : ""}${o.text}`));

const cluster = (extra: Json = {}): Json => ({
  name: "lab",
  servers: ["s1", "s2", "s3"],
  members: ["s1", "s2", "s3"],
  deletion_policy: "factory-reset",
  fingerprint: "aa",
  ...extra,
});

test("a cluster replaced through allow_recreate: its deletion policy runs, then it is created with a new certificate", () => {
  const s = summaryOf([
    rc(
      "operationscenter_cluster",
      "lab",
      ["delete", "create"],
      cluster({ services_config: '{"lvm":{"enabled":true}}' }),
      cluster({ services_config: '{"lvm":{"enabled":false}}', members: null, fingerprint: null }),
      { replace_paths: [["services_config"]] },
      { action_reason: "replace_because_cannot_update" },
    ),
  ]);
  assert.equal(s.groups[0]!.change, "replace");
  assert.deepEqual(lines(s), [
    "! REPLACED (services_config changed): cluster lab: destroyed with policy factory-reset: ALL 3 MEMBERS WILL BE FACTORY-RESET (s1, s2, s3)",
    "then cluster lab: create on s1, s2, s3, with a new cluster certificate",
  ]);
  assert.ok(s.groups[0]!.operations[0]!.details.includes("~ services_config.lvm.enabled: true → false"));
});

test("rename, exclusive members, a changed deletion policy, new secrets and a new certificate", () => {
  const s = summaryOf([
    rc(
      "operationscenter_cluster",
      "lab",
      ["update"],
      cluster({ name: "lab-old", members: ["s1", "s2", "s3", "s9"], deletion_policy: "retain", secrets_digest: "hmac-sha256:1" }),
      cluster({ exclusive_members: true, secrets_digest: "hmac-sha256:2" }),
      { after_unknown: { fingerprint: true } },
    ),
  ]);
  assert.deepEqual(lines(s), [
    "! members: -s9 (not declared, exclusive_members: evacuated, then FACTORY-RESET)",
    "renamed from lab-old to lab",
    "exclusive members: null → true",
    "deletion policy: retain → factory-reset (a later destroy factory-resets every member)",
    "secrets (secrets_wo): changed (sensitive)",
    "! cluster certificate REPLACED: clients that pinned the old one must trust the new one",
  ]);
  assert.deepEqual(s.groups[0]!.operations[0]!.factoryReset, ["s9"]);
});

test("a template text change is counted in lines; a target missing on one member is added there", () => {
  const s = summaryOf([
    rc(
      "operationscenter_cluster_template",
      "t",
      ["update"],
      { name: "edge", services_config: "a: 1\nb: 2\n" },
      { name: "edge", services_config: "a: 1\nb: 3\nc: 4\nd: 5\ne: 6\n" },
    ),
    rc(
      "operationscenter_cluster_iscsi_target",
      "i",
      ["update"],
      { cluster: "lab", target: "iqn.2004-10.org.example:st1", address: "192.0.2.5", port: 3260, members: ["s1", "s3"], servers: ["s1", "s2", "s3"] },
      { cluster: "lab", target: "iqn.2004-10.org.example:st1", address: "192.0.2.5", port: 3260, members: ["s1", "s2", "s3"], servers: ["s1", "s2", "s3"] },
    ),
  ]);
  assert.deepEqual(lines(s), [
    "services config template changed (+4 −1 lines)",
    "iSCSI target iqn.2004-10.org.example:st1 at 192.0.2.5:3260: added on s2 (missing there)",
  ]);
  assert.deepEqual(
    s.groups.map((g) => `${g.kind} ${g.name}`),
    ["template edge", "cluster lab"],
  );
});

test("drift of a target, a logging config, a template and a deleted cluster reads in domain words", () => {
  const s = summaryOf(
    [],
    [
      rc(
        "operationscenter_cluster_multipath_target",
        "m",
        ["update"],
        { cluster: "lab", wwn: "0x5000c500a1b2c3d4", members: ["s1", "s2"] },
        { cluster: "lab", wwn: "0x5000c500a1b2c3d4", members: ["s1"] },
      ),
      rc(
        "operationscenter_cluster_logging_config",
        "l",
        ["update"],
        { cluster: "lab", config: '{"syslog":{"address":"192.0.2.9:514"}}', members: ["s1", "s2"] },
        { cluster: "lab", config: '{"syslog":{"address":"192.0.2.10:514"}}', members: ["s1"] },
      ),
      rc("operationscenter_cluster_template", "t", ["update"], { name: "edge", description: "Edge" }, { name: "edge", description: "changed" }),
      rc("operationscenter_cluster", "gone", ["delete"], cluster({ name: "gone" }), null),
    ],
  );
  assert.deepEqual(
    s.drift.map((d) => d.text),
    [
      "multipath WWN 0x5000c500a1b2c3d4 missing on s2 of lab: the apply adds it back",
      'logging config of lab edited outside Terraform on s2 (~ config.syslog.address: "192.0.2.9:514" → "192.0.2.10:514"): the apply replaces it',
      'edited outside Terraform: template edge: description: "Edge" → "changed"',
      "cluster gone was deleted outside Terraform (the plan creates it again)",
    ],
  );
  assert.deepEqual(s.groups, []);
  assert.match(
    renderSummary(s, { format: "text", maxChars: 65_000 }),
    /^Operations Center plan: no changes to clusters or templates · 0 destructive operations · 4 drift items/,
  );
});

test("a tainted target is removed, then added again; a cluster dropped from for_each says so", () => {
  const target = { cluster: "lab", transport: "tcp", address: "192.0.2.1", port: 8009, members: ["s1", "s2", "s3"], servers: ["s1", "s2", "s3"] };
  const s = summaryOf([
    rc(
      "operationscenter_cluster_nvme_target",
      "n",
      ["delete", "create"],
      target,
      { ...target, members: null },
      {},
      { action_reason: "replace_because_tainted" },
    ),
    rc(
      "operationscenter_cluster",
      "lab2",
      ["delete"],
      cluster({ name: "lab2", deletion_policy: "forget" }),
      null,
      {},
      { action_reason: "delete_because_each_key" },
    ),
  ]);
  assert.deepEqual(lines(s), [
    "! NVMe target tcp 192.0.2.1:8009 (tainted): REMOVED, then added again (all 3 members)",
    "! no longer in for_each: cluster lab2: destroyed with policy forget: its record is deleted from Operations Center; its members (s1, s2, s3) keep running as a cluster",
  ]);
});

test("Incus: an evacuation is destructive, a restore is not; the placement scriptlet is counted in lines; a certificate write is destructive", () => {
  const member = (state: string | null, extra: Json = {}): Json => ({
    cluster: "lab",
    member: "server03",
    state,
    roles: ["event-hub"],
    groups: ["default"],
    ...extra,
  });
  const s = summaryOf([
    rc("operationscenter_incus_cluster_member", "m3", ["update"], member(null), member("evacuated", { roles: ["event-hub", "ovn-chassis"] })),
    rc("operationscenter_incus_cluster_member", "m1", ["update"], member("evacuated", { member: "server01" }), member("online", { member: "server01" })),
    rc(
      "operationscenter_incus_cluster_settings",
      "settings",
      ["update"],
      { cluster: "lab", config: { "cluster.max_voters": "3" }, placement_scriptlet: "a\nb\nc\n" },
      { cluster: "lab", config: { "cluster.max_voters": "5" }, placement_scriptlet: "a\nB\nc\nd\ne\nf\n" },
    ),
    rc("operationscenter_cluster_certificate", "cert", ["create"], null, { cluster: "lab", certificate: "-----BEGIN CERTIFICATE-----" }),
  ]);
  assert.deepEqual(lines(s), [
    "! Incus: server03 EVACUATED (instances that can migrate move to other members, the others are stopped)",
    "Incus: server03: roles: +ovn-chassis",
    "Incus: server01 restored",
    'Incus settings: cluster.max_voters="5"',
    "placement scriptlet changed (+4 −1 lines)",
    "! cluster_certificate cert: certificate REPLACED (clients that pinned the old one must trust the new one)",
  ]);
});

test("Incus with its cluster: a certificate destroy makes no call, retained settings and groups are kept, a rename is followed in place, and drift says what changed (keys old → new, roles -/+); foreign Incus keys are oc-cdktf drift's (e2e-incus)", () => {
  const settings = (extra: Json = {}): Json => ({
    cluster: "lab",
    config: { "cluster.max_voters": "5", "cluster.healing_threshold": "30" },
    placement_scriptlet: null,
    deletion_policy: "retain",
    ...extra,
  });
  const group = (extra: Json = {}): Json => ({ cluster: "lab", name: "gpu", members: ["server02"], deletion_policy: "retain", ...extra });
  const s = summaryOf(
    [
      rc("operationscenter_cluster_certificate", "cert", ["delete"], { cluster: "lab", certificate: "PEM", private_key_digest: "d" }, null),
      rc(
        "operationscenter_cluster_certificate",
        "renamed",
        ["update"],
        { cluster: "lab", certificate: "PEM", private_key_digest: "d" },
        { cluster: "lab2", certificate: "PEM", private_key_digest: "d" },
      ),
      rc("operationscenter_incus_cluster_settings", "kept", ["delete"], settings(), null),
      rc("operationscenter_incus_cluster_settings", "unset", ["delete"], settings({ deletion_policy: "remove" }), null),
      rc("operationscenter_incus_cluster_group", "gpu", ["delete"], group(), null),
      rc("operationscenter_incus_cluster_group", "gpu2", ["update"], group({ name: "gpu2" }), group({ name: "gpu2", cluster: "lab2" })),
    ],
    [
      rc(
        "operationscenter_incus_cluster_settings",
        "s",
        ["update"],
        settings(),
        settings({ config: { "cluster.max_voters": "3", "cluster.healing_threshold": "30" } }),
      ),
      rc(
        "operationscenter_incus_cluster_member",
        "m",
        ["update"],
        { cluster: "lab", member: "server01", roles: ["event-hub", "ovn-chassis"] },
        { cluster: "lab", member: "server01", roles: ["ovn-chassis"] },
      ),
    ],
  );
  assert.deepEqual(lines(s), [
    "cluster_certificate cert: no longer managed; the cluster keeps its certificate (no call)",
    "Incus settings: kept as they are (deletion_policy retain; no call): cluster.healing_threshold, cluster.max_voters",
    "Incus settings: unset cluster.healing_threshold, cluster.max_voters",
    "Incus group gpu: kept as it is (deletion_policy retain; no call)",
    'cluster_certificate renamed: follows the cluster\'s rename "lab" → "lab2" (no call)',
    "Incus group gpu2: follows the cluster's rename lab → lab2 (no call)",
  ]);
  assert.deepEqual(
    s.drift.map((d) => d.text),
    [
      'edited outside Terraform: config.cluster.max_voters: "5" → "3" of Incus settings of lab',
      "edited outside Terraform: roles -event-hub of Incus member server01 of lab",
    ],
  );
});
