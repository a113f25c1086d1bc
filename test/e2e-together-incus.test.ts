// End to end, with the real terraform binary against the local Operations Center and the
// cluster's own Incus listener: the Incus resources living together with their cluster (issue
// 16): a rename kept in place, a cluster deleted outside Terraform, a destroy that follows the
// cluster's deletion policy, only the changed keys sent, the evacuation warned in the plan, and
// members checked against the cluster at synth and at plan. Each test starts its own local OC.
import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { createSelfSignedCertificate } from "../src/local-oc/certificates.js";
import { startE2E, type E2E } from "./e2e/harness.js";
import { bulkSeed } from "./e2e/bulk-scenario.js";
import { CLUSTER, synthIncusScenario, type IncusScenarioConfig } from "./e2e/incus-scenario.js";

const INCUS_TYPES = ["operationscenter_incus_cluster_settings", "operationscenter_incus_cluster_member", "operationscenter_incus_cluster_group"];

interface Stack {
  e2e: E2E;
  synth(config?: IncusScenarioConfig): void;
  /** The mutating calls to any cluster's Incus API since the last apply. */
  incusChanges(): string[];
}

async function withStack(fn: (s: Stack) => Promise<void>): Promise<void> {
  const e2e = await startE2E({ seed: bulkSeed() });
  try {
    const incusDir = await e2e.oc.writeIncusConfig(path.join(e2e.workdir, "incus-config"));
    e2e.env.INCUS_CONF = incusDir;
    const clientCertificate = readFileSync(path.join(incusDir, "client.crt"), "utf8");
    const s: Stack = {
      e2e,
      synth(config = {}) {
        e2e.stackDir = synthIncusScenario(path.join(e2e.workdir, "cdktf.out"), { clientCertificate, ...config });
      },
      incusChanges: () => e2e.changes().filter((c) => / \/incus\//.test(c)),
    };
    s.synth();
    await e2e.initAndApply();
    await fn(s);
  } finally {
    await e2e.close();
  }
}

const incusActions = (plan: Awaited<ReturnType<E2E["plan"]>>) =>
  Object.fromEntries(plan.plan!.resource_changes.filter((rc) => INCUS_TYPES.includes(rc.type)).map((rc) => [rc.address, rc.change.actions.join(",")]));

test("renaming the cluster keeps the Incus settings, members and group in place: an in-place change with no Incus call, and a clean plan after", () =>
  withStack(async (s) => {
    s.synth({ name: "lab-renamed" });
    const plan = await s.e2e.plan();
    assert.equal(plan.code, 0, plan.output);
    for (const [address, actions] of Object.entries(incusActions(plan))) assert.equal(actions, "update", address);
    assert.match(plan.output, /operationscenter_incus_cluster_settings: cluster "lab" -> "lab-renamed" follows the cluster's rename/);
    assert.doesNotMatch(plan.output, /must be replaced/);

    await s.e2e.applyOk();
    assert.deepEqual(s.incusChanges(), [], "no unset, no set");
    assert.ok(s.e2e.oc.snapshot().clusters.some((c) => c.name === "lab-renamed"));
    const group = plan.plan!.resource_changes.find((rc) => rc.type === "operationscenter_incus_cluster_group")!;
    const shown = await s.e2e.tf("state", "show", "-no-color", group.address);
    assert.match(shown.stdout, /id += "lab-renamed\/gpu"/);
    assert.deepEqual(await s.e2e.planChanges(), {});
  }));

test("a cluster deleted outside Terraform: the Incus resources leave the state on refresh and are planned for creation with their cluster, without an error", () =>
  withStack(async (s) => {
    await s.e2e.client.deleteCluster(CLUSTER, { mode: "force" });
    const plan = await s.e2e.plan();
    assert.equal(plan.code, 0, plan.output);
    assert.doesNotMatch(plan.output, /Cannot read the Incus settings/);
    const actions = incusActions(plan);
    assert.equal(Object.keys(actions).length, 5);
    for (const [address, action] of Object.entries(actions)) assert.equal(action, "create", address);
  }));

test("destroy of a cluster with deletionPolicy forget keeps its Incus settings and group: the plan says kept, and the only call is the cluster's DELETE", () =>
  withStack(async (s) => {
    const destroy = await s.e2e.tfChdir("plan", "-destroy", "-no-color", "-input=false");
    assert.equal(destroy.code, 0, destroy.stderr);
    const text = (destroy.stdout + destroy.stderr).replace(/\s+/g, " ");
    assert.match(
      text,
      /operationscenter_incus_cluster_settings: cluster "lab" keeps cluster\.healing_threshold, cluster\.max_voters \(deletion_policy "retain"\)/,
    );
    assert.match(text, /operationscenter_incus_cluster_group: cluster "lab" keeps Incus cluster group "gpu" \(deletion_policy "retain"\)/);
    s.e2e.oc.clearRequests();
    const result = await s.e2e.tfChdir("destroy", "-auto-approve", "-no-color", "-input=false");
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(s.e2e.changes(), [`DELETE /1.0/provisioning/clusters/${CLUSTER}?mode=force`]);
  }));

test("an Incus settings update sends only the key that changed", () =>
  withStack(async (s) => {
    s.synth({ maxVoters: 7 });
    await s.e2e.applyOk();
    const patches = s.e2e.oc.requests.filter((r) => r.method === "PATCH" && r.path === `/incus/${CLUSTER}/1.0`).map((r) => r.body);
    assert.deepEqual(patches, [{ config: { "cluster.max_voters": "7" } }]);
  }));

test("an evacuation is announced in the plan, saying what its mode does to the instances", () =>
  withStack(async (s) => {
    s.synth({ server03: "evacuated" });
    const plan = await s.e2e.plan();
    assert.equal(plan.code, 0, plan.output);
    const text = plan.output.replace(/\s+/g, " ");
    assert.match(text, /operationscenter_incus_cluster_member: member "server03" of cluster "lab" will be evacuated \(mode stop\)/);
    assert.match(text, /every instance is stopped and stays on the member/);
    assert.match(text, /Operations Center refuses every bulk action/);
  }));

test("a group member outside the cluster fails at synth and, for HCL, at plan, before any call", () =>
  withStack(async (s) => {
    assert.throws(
      () => s.synth({ gpuMembers: ["server02", "server09"] }),
      /IncusClusterGroup 'incus\/gpu': members: "server09" is not one of the servers of cluster "lab" \(server01, server02, server03\)/,
    );
    s.synth();
    const file = path.join(s.e2e.stackDir, "cdk.tf.json");
    const stack = JSON.parse(readFileSync(file, "utf8")) as { resource: Record<string, Record<string, Record<string, unknown>>> };
    Object.values(stack.resource["operationscenter_incus_cluster_group"]!)[0]!.members = ["server02", "server09"];
    Object.values(stack.resource["operationscenter_incus_cluster_member"]!)[0]!.member = "server09";
    writeFileSync(file, JSON.stringify(stack));
    s.e2e.oc.clearRequests();
    const plan = await s.e2e.plan();
    assert.notEqual(plan.code, 0);
    const text = plan.output.replace(/\s+/g, " ");
    assert.match(text, /members: "server09" is not a member of cluster "lab"/);
    assert.match(text, /member: "server09" is not a member of cluster "lab"/);
    assert.match(text, /The members of "lab" are: server01, server02, server03/);
    assert.deepEqual(s.e2e.changes(), []);
  }));

test("a cluster created with its ClusterCertificate in one apply: the cluster's outputs carry the new certificate, the next plan shows no change and nothing changed outside Terraform, and a rename makes no certificate call", async () => {
  const e2e = await startE2E({ seed: bulkSeed() });
  try {
    const incusDir = await e2e.oc.writeIncusConfig(path.join(e2e.workdir, "incus-config"));
    e2e.env.INCUS_CONF = incusDir;
    const pair = await createSelfSignedCertificate({ commonName: "lab.example", usage: "server" });
    e2e.env.TF_VAR_cluster_key = pair.key;
    const clientCertificate = readFileSync(path.join(incusDir, "client.crt"), "utf8");
    e2e.stackDir = synthIncusScenario(path.join(e2e.workdir, "cdktf.out"), { clientCertificate, certificate: pair.certificate, incus: false });
    await e2e.initAndApply();
    assert.equal(e2e.oc.snapshot().clusters.find((c) => c.name === CLUSTER)!.certificate, pair.certificate);
    const outputs = JSON.parse((await e2e.tf("output", "-json")).stdout) as Record<string, { value: string }>;
    const fingerprint = new X509Certificate(pair.certificate).fingerprint256.replaceAll(":", "").toLowerCase();
    assert.equal(outputs.cluster_fingerprint!.value, fingerprint);
    assert.equal(outputs.cluster_certificate!.value, pair.certificate);
    const plan = await e2e.plan();
    assert.equal(plan.code, 0, plan.output);
    assert.doesNotMatch(plan.output, /changed outside of Terraform/);
    assert.match(plan.output, /No changes/);

    // The cluster's rename leaves the certificate as it is: no certificate PUT.
    e2e.stackDir = synthIncusScenario(path.join(e2e.workdir, "cdktf.out"), {
      clientCertificate,
      certificate: pair.certificate,
      incus: false,
      name: "lab-renamed",
    });
    await e2e.applyOk();
    assert.deepEqual(
      e2e.changes().filter((c) => c.includes("/certificate")),
      [],
    );
    assert.equal(e2e.oc.snapshot().clusters.find((c) => c.name === "lab-renamed")!.certificate, pair.certificate);
    assert.deepEqual(await e2e.planChanges(), {});
  } finally {
    await e2e.close();
  }
});

test("operationscenter_incus_cluster_members, through Cluster.members(), lists each member as incus cluster list shows it: URL, roles, architecture, failure domain, status, message, groups", () =>
  withStack(async (s) => {
    // A data source is read at plan: the evacuation is applied first.
    s.synth({ server03: "evacuated" });
    await s.e2e.applyOk();
    s.synth({ membersData: true, server03: "evacuated" });
    await s.e2e.applyOk();
    const outputs = JSON.parse((await s.e2e.tf("output", "-json")).stdout) as Record<string, { value: unknown }>;
    assert.deepEqual(outputs.member_names!.value, ["server01", "server02", "server03"]);
    const members = outputs.members!.value as Record<string, unknown>[];
    const server01 = members[0]!;
    assert.equal(server01.name, "server01");
    assert.equal(server01.failure_domain, "rack1");
    assert.ok((server01.roles as string[]).includes("event-hub"));
    assert.equal(server01.architecture, "x86_64");
    assert.match(String(server01.url), /^https:\/\//);
    assert.equal(server01.status, "Online");
    assert.equal(server01.message, "Fully operational");
    assert.deepEqual(members[1]!.groups, ["default", "gpu"]);
    assert.equal(members[2]!.status, "Evacuated");
    assert.equal(outputs.first_member_status!.value, "Online");
    const dataCalls = s.e2e.oc.requests.filter((r) => r.method === "GET" && r.path === `/incus/${CLUSTER}/1.0/cluster/members`);
    assert.ok(dataCalls.length > 0, "read through the cluster's own Incus API");
  }));
