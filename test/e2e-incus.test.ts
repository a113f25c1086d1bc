// End to end, with the real terraform binary and the provider against an in-process local
// Operations Center that also serves the cluster's Incus API on the cluster's own listener: the
// Incus cluster resources of issue 10. The provider reaches the cluster through the incus CLI
// configuration the local OC keeps (a remote named after the cluster), with the client
// certificate the cluster trusts because the application config lists it. Each test starts its
// own local OC and stack.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { OperationsCenterClient } from "../src/client/index.js";
import { createSelfSignedCertificate } from "../src/local-oc/certificates.js";
import { startE2E, type E2E } from "./e2e/harness.js";
import { applyKilledAfter } from "./e2e/interrupt.js";
import { CLUSTER, SCRIPTLET_V1, SCRIPTLET_V2, synthIncusScenario, type IncusScenarioConfig } from "./e2e/incus-scenario.js";
import { bulkSeed } from "./e2e/bulk-scenario.js";
import { runCli } from "./e2e/review-scenario.js";

const INCUS = `/incus/${CLUSTER}/1.0`;

/** A local OC, and the scenario (`initial`, by default all of it) applied. */
async function withIncusStack(fn: (e2e: E2E, synth: (config: IncusScenarioConfig) => void) => Promise<void>, initial: IncusScenarioConfig = {}): Promise<void> {
  const e2e = await startE2E({ seed: bulkSeed() });
  try {
    const incusDir = await e2e.oc.writeIncusConfig(path.join(e2e.workdir, "incus-config"));
    e2e.env.INCUS_CONF = incusDir;
    const clientCertificate = readFileSync(path.join(incusDir, "client.crt"), "utf8");
    const synth = (config: IncusScenarioConfig) => {
      e2e.stackDir = synthIncusScenario(path.join(e2e.workdir, "cdktf.out"), { clientCertificate, ...config });
    };
    synth(initial);
    await e2e.initAndApply();
    await fn(e2e, synth);
  } finally {
    await e2e.close();
  }
}

/** A request to the cluster's Incus API on its listener, with the client certificate the provider uses. */
async function incusRequest(
  e2e: E2E,
  method: string,
  pathname: string,
  options: { body?: unknown; ifMatch?: string } = {},
): Promise<{ metadata: unknown; etag?: string }> {
  const endpoint = e2e.oc.incusEndpoint(CLUSTER)!;
  const incusDir = e2e.env.INCUS_CONF!;
  const incus = new OperationsCenterClient({
    url: endpoint.url,
    serverCertificate: endpoint.certificate,
    clientCertificate: readFileSync(path.join(incusDir, "client.crt"), "utf8"),
    clientKey: readFileSync(path.join(incusDir, "client.key"), "utf8"),
    retries: 0,
  });
  try {
    return await incus.request(method, pathname, options);
  } finally {
    await incus.close();
  }
}

/** GET on the cluster's Incus API as the provider's client sees it. */
async function incusGet(e2e: E2E, pathname: string): Promise<Record<string, unknown>> {
  return (await incusRequest(e2e, "GET", pathname)).metadata as Record<string, unknown>;
}

test("Incus settings, a member's role and failure domain, a gpu group, scheduler group, evacuation and restore, the scriptlet, drift", async () => {
  await withIncusStack(async (e2e, synth) => {
    const server = (await incusGet(e2e, "/1.0")) as { config: Record<string, string> };
    assert.equal(server.config["cluster.max_voters"], "5");
    assert.equal(server.config["cluster.healing_threshold"], "30");
    const m1 = await incusGet(e2e, "/1.0/cluster/members/server01");
    assert.ok((m1.roles as string[]).includes("event-hub"));
    assert.equal(m1.failure_domain, "rack1");
    const gpu = await incusGet(e2e, "/1.0/cluster/groups/gpu");
    assert.deepEqual(gpu.members, ["server02", "server03"]);
    const m2 = await incusGet(e2e, "/1.0/cluster/members/server02");
    assert.equal((m2.config as Record<string, string>)["scheduler.instance"], "group");
    assert.deepEqual(await e2e.planChanges(), {});

    synth({ server03: "evacuated" });
    await e2e.applyOk();
    const calls = e2e.oc.requests.map((r) => `${r.method} ${r.path}`);
    assert.ok(calls.includes(`POST ${INCUS}/cluster/members/server03/state`));
    assert.ok(calls.some((c) => /^GET \/incus\/lab\/1\.0\/operations\/[^/]+\/wait$/.test(c)));
    assert.equal((await incusGet(e2e, "/1.0/cluster/members/server03")).status, "Evacuated");
    const oc = e2e.oc.snapshot().servers.find((s) => s.name === "server03")!;
    assert.equal(oc.in_maintenance, 2, "Operations Center sees the member evacuated");

    synth({ server03: "online" });
    await e2e.applyOk();
    assert.equal((await incusGet(e2e, "/1.0/cluster/members/server03")).status, "Online");
    assert.equal(e2e.oc.snapshot().servers.find((s) => s.name === "server03")!.in_maintenance, 0);

    synth({ scriptlet: SCRIPTLET_V1 });
    await e2e.applyOk();
    assert.equal(((await incusGet(e2e, "/1.0")) as { config: Record<string, string> }).config["instances.placement.scriptlet"], SCRIPTLET_V1);
    synth({ scriptlet: SCRIPTLET_V2 });
    assert.deepEqual(Object.values(await e2e.planChanges()), [["update"]], "only the settings change, in place");
    await e2e.applyOk();
    assert.equal(((await incusGet(e2e, "/1.0")) as { config: Record<string, string> }).config["instances.placement.scriptlet"], SCRIPTLET_V2);

    // A role removed by hand shows in the next plan.
    const { etag, metadata } = await incusRequest(e2e, "GET", "/1.0/cluster/members/server01");
    const member = metadata as { roles: string[]; failure_domain: string; description: string; config: Record<string, string>; groups: string[] };
    await incusRequest(e2e, "PUT", "/1.0/cluster/members/server01", {
      body: { ...member, roles: member.roles.filter((r) => r !== "event-hub") },
      ...(etag === undefined ? {} : { ifMatch: etag }),
    });
    const { output, plan } = await e2e.plan();
    const change = plan!.resource_changes.find((rc) => rc.address.endsWith("server01"));
    assert.deepEqual(change?.change.actions, ["update"], output);
    assert.match(output, /event-hub/);
  });
});

// Issue 21: terraform is killed right after an Incus write was answered (the local OC's kill point
// holds every later request), so the state never records what the write did.
test("an apply killed right after the group's POST was answered: the next apply adopts the group, unchanged, and the plan is empty", async () => {
  await withIncusStack(
    async (e2e, synth) => {
      synth({});
      const post = { method: "POST", path: `${INCUS}/cluster/groups` };
      await applyKilledAfter(e2e, post.method, post.path);
      assert.deepEqual(
        e2e.oc.requests.filter((r) => r.method === post.method && r.path === post.path).map((r) => r.status),
        [201],
      );
      assert.deepEqual((await incusGet(e2e, "/1.0/cluster/groups/gpu")).members, ["server02", "server03"]);
      assert.ok(!readFileSync(path.join(e2e.stackDir, "terraform.tfstate"), "utf8").includes("operationscenter_incus_cluster_group"), "the state has no group");

      const output = await e2e.applyOk();
      assert.match(output.replace(/\s+/g, " "), /Incus cluster group "gpu" already existed in cluster "lab" exactly as configured/, output);
      assert.deepEqual(e2e.changes(), [], "adopted, not written again");
      const groups = (await incusGet(e2e, "/1.0/cluster/groups")) as unknown as string[];
      assert.deepEqual(
        groups.filter((g) => g.endsWith("/gpu")),
        ["/1.0/cluster/groups/gpu"],
      );
      const state = await e2e.tf("state", "list");
      assert.match(state.stdout, /^operationscenter_incus_cluster_group\./m);
      const plan = await e2e.tf("plan", "-input=false", "-no-color", "-detailed-exitcode");
      assert.equal(plan.code, 0, plan.stdout + plan.stderr);
    },
    { gpu: false },
  );
});

test("an apply killed right after an evacuation's state POST was answered: the next apply starts no second evacuation, and the plan is empty", async () => {
  await withIncusStack(async (e2e, synth) => {
    synth({ server03: "evacuated" });
    const post = { method: "POST", path: `${INCUS}/cluster/members/server03/state` };
    await applyKilledAfter(e2e, post.method, post.path);
    assert.deepEqual(
      e2e.oc.requests.filter((r) => r.method === post.method && r.path === post.path).map((r) => r.status),
      [202],
    );
    assert.equal((await incusGet(e2e, "/1.0/cluster/members/server03")).status, "Evacuated");

    await e2e.applyOk();
    assert.deepEqual(
      e2e.changes().filter((c) => c.includes("/state")),
      [],
      "no second evacuation",
    );
    assert.equal(e2e.oc.snapshot().servers.find((s) => s.name === "server03")!.in_maintenance, 2);
    const plan = await e2e.tf("plan", "-input=false", "-no-color", "-detailed-exitcode");
    assert.equal(plan.code, 0, plan.stdout + plan.stderr);
  });
});

test("the cluster certificate is replaced; its key is in no plan, state, output or request log", async () => {
  await withIncusStack(async (e2e, synth) => {
    const pair = await createSelfSignedCertificate({ commonName: "lab.example", usage: "server" });
    e2e.env.TF_VAR_cluster_key = pair.key;
    synth({ certificate: pair.certificate });
    const { output: planOutput, plan } = await e2e.plan();
    const output = await e2e.applyOk();
    assert.equal(e2e.oc.snapshot().clusters.find((c) => c.name === CLUSTER)!.certificate, pair.certificate);
    const keyBody = pair.key.split("\n")[1]!;
    const state = readFileSync(path.join(e2e.stackDir, "terraform.tfstate"), "utf8");
    for (const [what, text] of [
      ["plan output", planOutput],
      ["plan", JSON.stringify(plan)],
      ["apply output", output],
      ["state", state],
    ] as const) {
      assert.ok(!text.includes(keyBody), `the key is not in the ${what}`);
    }
    assert.match(state, /hmac-sha256:/);
    const logged = await e2e.client.request("GET", "/local-oc/requests");
    assert.ok(!JSON.stringify(logged.metadata).includes(keyBody), "the key is not in the request log");
    assert.deepEqual(await e2e.planChanges(), {});
  });
});

test("invalid values fail at synth and at plan time with clear messages", async () => {
  await withIncusStack(async (e2e) => {
    assert.throws(
      () => synthIncusScenario(path.join(e2e.workdir, "bad.out"), { maxVoters: 4 }),
      /IncusClusterSettings 'incus\/settings': config\.cluster\.max_voters: Value must be an odd number equal to or higher than 3 \(got "4"\)/,
    );
    assert.throws(
      () => synthIncusScenario(path.join(e2e.workdir, "bad.out"), { scriptlet: "def instance_placement(request):\n    while True:\n        pass\n" }),
      /placementScriptlet:1:1: the required function "instance_placement" defines arguments \[request\][\s\S]*placementScriptlet:2:5: while loops are not allowed/,
    );
    // The same rules at plan time, for HCL or L1 use: edit the synthesized stack by hand.
    const file = path.join(e2e.stackDir, "cdk.tf.json");
    const stack = JSON.parse(readFileSync(file, "utf8")) as { resource: Record<string, Record<string, Record<string, unknown>>> };
    const settings = Object.values(stack.resource["operationscenter_incus_cluster_settings"]!)[0]!;
    settings.config = { "cluster.max_voters": "4", "cluster.max_standby": "9", "cluster.offline_threshold": "10", "cluster.images_minimal_replica": "0" };
    settings.placement_scriptlet =
      'log_info("x")\ndef instance_placement(request, candidate_members):\n    return instance_placement(request, candidate_members)\n';
    const member = stack.resource["operationscenter_incus_cluster_member"]!;
    Object.values(member)[0]!.roles = ["database-leader"];
    Object.values(member)[1]!.scheduler_instance = "sometimes";
    writeFileSync(file, JSON.stringify(stack));
    const { code, output } = await e2e.plan();
    assert.notEqual(code, 0);
    for (const expected of [
      /cluster\.max_voters.*odd number/,
      /cluster\.max_standby.*between 0 and 5/,
      /cluster\.offline_threshold.*greater than '10'/,
      /cluster\.images_minimal_replica.*at least 1, or -1/,
      /placement_scriptlet:1:1: log_info\(\) is called at top level/,
      /placement_scriptlet:3:12: recursion is not allowed/,
      /"database-leader" is assigned automatically by Incus/,
      /"sometimes" is not a scheduler\.instance value/,
    ]) {
      assert.match(output.replace(/\s+/g, " "), expected);
    }
  });
});

test("removing the settings unsets exactly their keys; removing member constructs leaves the members as they are", async () => {
  await withIncusStack(async (e2e, synth) => {
    // The cluster's deletion policy is forget, so the settings would keep their keys by default.
    synth({ scriptlet: SCRIPTLET_V1, settingsDeletionPolicy: "remove" });
    await e2e.applyOk();
    await incusRequest(e2e, "PATCH", "/1.0", { body: { config: { "cluster.max_standby": "4" } } });
    synth({ settings: false, members: false });
    await e2e.applyOk();
    const patches = e2e.oc.requests.filter((r) => r.method === "PATCH" && r.path === `/incus/${CLUSTER}/1.0`).map((r) => r.body);
    assert.deepEqual(patches, [{ config: { "cluster.max_voters": "", "cluster.healing_threshold": "", "instances.placement.scriptlet": "" } }]);
    const config = ((await incusGet(e2e, "/1.0")) as { config: Record<string, string> }).config;
    assert.deepEqual(config, { "cluster.max_standby": "4" }, "the key set by hand stays");
    assert.deepEqual(
      e2e.changes().filter((c) => c.includes("/cluster/members")),
      [],
      "no call to any member",
    );
    const m1 = await incusGet(e2e, "/1.0/cluster/members/server01");
    assert.ok((m1.roles as string[]).includes("event-hub"));
    assert.equal(m1.failure_domain, "rack1");
  });
});

test("oc-cdktf drift says what changed in the Incus settings and roles, and lists the Incus keys set on the cluster that the settings do not manage", async () => {
  await withIncusStack(async (e2e) => {
    const clean = await runCli(["drift", e2e.stackDir, "--format", "text"], { env: e2e.env });
    assert.equal(clean.code, 0, clean.stdout + clean.stderr);
    assert.match(clean.stdout, /^ {2}in sync$/m, "the keys the cluster was created with are not foreign");

    await incusRequest(e2e, "PATCH", "/1.0", {
      body: { config: { "cluster.max_voters": "7", "cluster.offline_threshold": "40", "user.deploy_token": "s3cret-value" } },
    });
    const { etag, metadata } = await incusRequest(e2e, "GET", "/1.0/cluster/members/server01");
    const member = metadata as { roles: string[] };
    await incusRequest(e2e, "PUT", "/1.0/cluster/members/server01", {
      body: { ...member, roles: member.roles.filter((r) => r !== "event-hub") },
      ...(etag === undefined ? {} : { ifMatch: etag }),
    });
    const changesBefore = e2e.changes().length;

    const drifted = await runCli(["drift", e2e.stackDir, "--format", "text"], { env: e2e.env });
    assert.equal(drifted.code, 2, drifted.stdout + drifted.stderr);
    const lines = drifted.stdout.split("\n").map((l) => l.trim());
    for (const expected of [
      `edited outside Terraform: config.cluster.max_voters: "5" → "7" of Incus settings of ${CLUSTER}`,
      `edited outside Terraform: roles -event-hub of Incus member server01 of ${CLUSTER}`,
      `Incus key cluster.offline_threshold="40" on ${CLUSTER} is foreign (the settings do not manage it) and left alone`,
      `Incus key user.deploy_token (value not shown) on ${CLUSTER} is foreign (the settings do not manage it) and left alone`,
    ]) {
      assert.ok(lines.includes(expected), `missing "${expected}" in:\n${drifted.stdout}`);
    }
    assert.doesNotMatch(drifted.stdout, /s3cret-value/);
    assert.deepEqual(e2e.changes().slice(changesBefore), [], "drift only reads");
  });
});
