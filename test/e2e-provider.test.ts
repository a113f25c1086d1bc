// End to end: the real terraform binary drives the provider against the local Operations Center.
// Every test starts its own local OC and stack (no test depends on another) and asserts the
// server state and the exact mutating calls the provider made.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { test, type TestContext } from "node:test";
import { members, startE2E, type E2E } from "./e2e/harness.js";
import { killedApply } from "./e2e/interrupt.js";
import { A_BASE, A_SECRET, A_SERVICES, FIXTURES, type ScenarioConfig } from "./e2e/scenario.js";
import { valueAt } from "./fixtures/json.js";

const CLUSTERS = "/1.0/provisioning/clusters";
const SEED = path.join(FIXTURES, "seed.yaml");

/** A local OC and a stack with the scenario applied (template, cluster A one-off, cluster B from the template). */
async function applied(t: TestContext, config: ScenarioConfig = { a: {}, b: {} }, options: Parameters<typeof startE2E>[0] = {}): Promise<E2E> {
  const e2e = await startE2E({ seed: SEED, ...options });
  t.after(() => e2e.close());
  e2e.synth(config);
  await e2e.initAndApply();
  return e2e;
}

function cluster(e2e: E2E, name: string) {
  return e2e.oc.snapshot().clusters.find((c) => c.name === name);
}

function stateText(e2e: E2E): string {
  return readFileSync(path.join(e2e.stackDir, "terraform.tfstate"), "utf8");
}

test("apply creates the template, cluster A one-off and cluster B from the template; the secret stays out", async (t) => {
  const e2e = await startE2E({ seed: SEED });
  t.after(() => e2e.close());
  e2e.synth({ a: {}, b: {} });
  const output = await e2e.initAndApply();
  assert.equal(cluster(e2e, "cluster-a")?.status, "ready");
  assert.equal(cluster(e2e, "cluster-b")?.status, "ready");
  assert.deepEqual(members(e2e, "cluster-a"), ["server01", "server02", "server03"]);
  assert.deepEqual(members(e2e, "cluster-b"), ["server05", "server06"]);
  assert.deepEqual(cluster(e2e, "cluster-b")?.application_seed_config, { config: { "user.ui.title": "Cluster B" } });
  // Each create ends by removing its cluster's unsaved mark, once it is about to hand the cluster to Terraform.
  assert.deepEqual(
    e2e.changes().sort(),
    [`POST ${CLUSTERS}`, `POST ${CLUSTERS}`, "POST /1.0/provisioning/cluster-templates", `PUT ${CLUSTERS}/cluster-a`, `PUT ${CLUSTERS}/cluster-b`].sort(),
  );
  // The secret reached Operations Center, and nothing Terraform keeps or prints.
  const post = e2e.oc.requests.find((r) => r.method === "POST" && (r.body as { name?: string }).name === "cluster-a");
  assert.equal(valueAt(post?.body, "services_config", "tailscale", "auth_key"), A_SECRET);
  assert.ok(!output.includes(A_SECRET), "the secret is in the apply output");
  assert.ok(!stateText(e2e).includes(A_SECRET), "the secret is in the state");
  assert.ok(!readFileSync(path.join(e2e.stackDir, "cdk.tf.json"), "utf8").includes(A_SECRET), "the secret is in cdk.tf.json");
  const shown = await e2e.tf("show", "-json");
  assert.equal(shown.code, 0, shown.stderr);
  assert.ok(!shown.stdout.includes(A_SECRET), "the secret is in terraform show -json");
  const { plan } = await e2e.plan();
  assert.ok(plan !== undefined && !JSON.stringify(plan).includes(A_SECRET), "the secret is in the plan JSON");
  const listed = await e2e.client.request("GET", "/local-oc/requests");
  assert.ok(!JSON.stringify(listed.metadata).includes(A_SECRET), "the secret is in the local OC's request log");
});

test("a plan right after the apply has no changes", async (t) => {
  const e2e = await applied(t);
  assert.deepEqual(await e2e.planChanges(), {});
});

test("a description and property change is one in-place update and one PUT; a property set by hand survives", async (t) => {
  const e2e = await applied(t);
  const live = await e2e.client.getCluster("cluster-a");
  await e2e.client.updateCluster("cluster-a", { ...live.cluster, properties: { ...live.cluster.properties, "set-by-hand": "yes" } });
  e2e.synth({ a: { description: "Production A", properties: { team: "storage" } }, b: {} });
  const { plan, output } = await e2e.plan();
  assert.deepEqual(
    plan?.resource_changes.filter((c) => c.change.actions[0] !== "no-op").map((c) => [c.address, c.change.actions]),
    [["operationscenter_cluster.a", ["update"]]],
    output,
  );
  assert.match(output, /~ description\s+= "" -> "Production A"|\+ description\s+= "Production A"/);
  // Applied with -chdir from another directory: the launcher and the secrets file are still found.
  e2e.oc.clearRequests();
  const result = await e2e.tfChdir("apply", "-input=false", "-auto-approve");
  assert.equal(result.code, 0, result.stdout + result.stderr);
  assert.deepEqual(e2e.changes(), [`PUT ${CLUSTERS}/cluster-a`]);
  const after = await e2e.client.getCluster("cluster-a");
  assert.equal(after.cluster.description, "Production A");
  assert.equal(after.cluster.properties.team, "storage");
  assert.equal(after.cluster.properties["set-by-hand"], "yes");
});

test("adding server04 joins it with one :add-servers; dropping server02 evacuates it, then one :remove-servers", async (t) => {
  const e2e = await applied(t, { a: {} });
  e2e.synth({ a: { servers: ["server01", "server02", "server03", "server04"] } });
  assert.deepEqual(await e2e.planChanges(), { "operationscenter_cluster.a": ["update"] });
  await e2e.applyOk();
  assert.deepEqual(e2e.changes(), [`PUT ${CLUSTERS}/cluster-a`, `POST ${CLUSTERS}/cluster-a/:add-servers`]);
  assert.deepEqual(e2e.oc.requests.find((r) => r.path.endsWith(":add-servers"))?.body, {
    server_names: ["server04"],
    copy_services_config: true,
  });
  assert.deepEqual(members(e2e, "cluster-a"), ["server01", "server02", "server03", "server04"]);

  e2e.synth({ a: { servers: ["server01", "server03", "server04"] } });
  const { output } = await e2e.plan();
  assert.match(output, /server02/);
  assert.match(output, /factory-reset/i);
  await e2e.applyOk();
  // The members record is written first, without the member being removed.
  assert.deepEqual(e2e.changes(), [
    `PUT ${CLUSTERS}/cluster-a`,
    "POST /1.0/provisioning/servers/server02/system/:evacuate",
    `POST ${CLUSTERS}/cluster-a/:remove-servers`,
  ]);
  assert.deepEqual(e2e.oc.requests.find((r) => r.path.endsWith(":remove-servers"))?.body, { server_names: ["server02"] });
  assert.deepEqual(members(e2e, "cluster-a"), ["server01", "server03", "server04"]);
});

test("a creation-only change fails the plan, naming the attribute, the address and the ways forward; nothing is called; reverting it plans no changes", async (t) => {
  const e2e = await applied(t, { a: {} });
  const before = cluster(e2e, "cluster-a");
  const changed = { ...A_SERVICES, nvme: { enabled: true, targets: [{ transport: "tcp", address: "192.0.2.101", port: 8009 }] } };
  e2e.synth({ a: { servicesConfig: changed } });
  e2e.oc.clearRequests();
  const { code, output } = await e2e.plan();
  assert.equal(code, 1, output);
  // Named as the CDKTF code writes them.
  assert.match(output, /servicesConfig\.nvme/);
  assert.match(output, /with operationscenter_cluster\.a/);
  assert.match(output, /allowRecreate/);
  assert.match(output, /bulk/);
  assert.ok(!output.includes(A_SECRET), "the plan error echoes the secret");
  assert.deepEqual(e2e.changes(), []);
  assert.deepEqual(cluster(e2e, "cluster-a"), before);

  // Reverting the change makes the plan clean again.
  e2e.synth({ a: {} });
  assert.deepEqual(await e2e.planChanges(), {});
});

test("removing B from the code applies its deletion policy: retain calls nothing, forget deletes with mode=force", async (t) => {
  const e2e = await applied(t, { b: { deletionPolicy: "retain" } });
  e2e.synth({});
  await e2e.applyOk();
  assert.deepEqual(e2e.changes(), []);
  assert.equal(cluster(e2e, "cluster-b")?.status, "ready");

  const forget = await applied(t, { b: {} });
  forget.synth({});
  await forget.applyOk();
  assert.deepEqual(forget.changes(), [`DELETE ${CLUSTERS}/cluster-b?mode=force`]);
  assert.equal(cluster(forget, "cluster-b"), undefined);
  assert.deepEqual(members(forget, "cluster-b"), []);
});

test("a create the server refuses fails with its message; after the fix the pending record is removed first", async (t) => {
  const e2e = await applied(t, { a: {} });
  e2e.synth({ a: {}, c: { servers: ["server07", "server08"] } });
  const failed = await e2e.apply();
  assert.equal(failed.code, 1);
  // Terraform wraps diagnostics to the terminal width.
  const message = failed.output.replace(/\s+/g, " ");
  assert.match(message, /Server "server07" has type "migration-manager" but "incus" was expected/);
  assert.match(message, /cluster "cluster-c" is left pending; the next apply removes that record \(mode=normal\) and creates it again/);
  assert.deepEqual(e2e.changes(), [`POST ${CLUSTERS}`]);
  assert.equal(cluster(e2e, "cluster-c")?.status, "pending");

  e2e.synth({ a: {}, c: { servers: ["server08"] } });
  await e2e.applyOk();
  assert.deepEqual(e2e.changes(), [`DELETE ${CLUSTERS}/cluster-c?mode=normal`, `POST ${CLUSTERS}`, `PUT ${CLUSTERS}/cluster-c`]);
  assert.equal(cluster(e2e, "cluster-c")?.status, "ready");
  assert.deepEqual(members(e2e, "cluster-c"), ["server08"]);
});

test("terraform destroy applies each cluster's deletion policy and deletes the template", async (t) => {
  const e2e = await applied(t, { a: {}, b: {}, c: { servers: ["server08"] } });
  e2e.oc.clearRequests();
  const destroyed = await e2e.tf("destroy", "-input=false", "-auto-approve");
  assert.equal(destroyed.code, 0, destroyed.stdout + destroyed.stderr);
  assert.match(destroyed.stdout, /factory-reset/i);
  assert.deepEqual(
    e2e.changes().sort(),
    [
      `DELETE ${CLUSTERS}/cluster-a?mode=factory-reset`,
      `DELETE ${CLUSTERS}/cluster-b?mode=force`,
      `DELETE ${CLUSTERS}/cluster-c?mode=force`,
      "DELETE /1.0/provisioning/cluster-templates/standard",
    ].sort(),
  );
  assert.deepEqual(e2e.oc.snapshot().clusters, []);
  assert.deepEqual(e2e.oc.snapshot().templates, []);
});

test("a description and a property edited by hand show as an in-place update; the apply restores them, a foreign property survives", async (t) => {
  const e2e = await applied(t, { a: { description: "Cluster A", properties: { team: "storage" } } });
  const live = await e2e.client.getCluster("cluster-a");
  await e2e.client.updateCluster("cluster-a", {
    ...live.cluster,
    description: "edited by hand",
    properties: { ...live.cluster.properties, team: "someone-else", foreign: "kept" },
  });
  const { plan, output } = await e2e.plan();
  assert.deepEqual(
    plan?.resource_changes.filter((c) => c.change.actions[0] !== "no-op").map((c) => [c.address, c.change.actions]),
    [["operationscenter_cluster.a", ["update"]]],
  );
  assert.match(output, /~ description\s+= "edited by hand" -> "Cluster A"/);
  assert.match(output, /~ "team"\s+= "someone-else" -> "storage"/);
  await e2e.applyOk();
  assert.deepEqual(e2e.changes(), [`PUT ${CLUSTERS}/cluster-a`]);
  const after = await e2e.client.getCluster("cluster-a");
  assert.equal(after.cluster.description, "Cluster A");
  assert.equal(after.cluster.properties.team, "storage");
  assert.equal(after.cluster.properties.foreign, "kept");
  assert.deepEqual(await e2e.planChanges(), {});
});

test("a cluster deleted by hand (mode=force) is planned for creation again", async (t) => {
  const e2e = await applied(t, { a: {} });
  await e2e.client.deleteCluster("cluster-a", { mode: "force" });
  assert.deepEqual(await e2e.planChanges(), { "operationscenter_cluster.a": ["create"] });
});

test("terraform import of a cluster created through the API, then a plan without changes", async (t) => {
  const e2e = await startE2E({ seed: SEED });
  t.after(() => e2e.close());
  await e2e.client.createCluster({
    name: "cluster-a",
    connection_url: A_BASE.connectionUrl!,
    server_names: ["server01", "server02", "server03"],
    server_type: "incus",
    services_config: A_SERVICES,
    application_seed_config: { config: { "user.ui.title": "Cluster A" } },
  });
  e2e.synth({ a: {} });
  const init = await e2e.tf("init", "-input=false");
  assert.equal(init.code, 0, init.stdout + init.stderr);
  e2e.oc.clearRequests();
  const imported = await e2e.tf("import", "-input=false", "operationscenter_cluster.a", "cluster-a");
  assert.equal(imported.code, 0, imported.stdout + imported.stderr);
  assert.deepEqual(e2e.changes(), []);
  const { code, output, plan } = await e2e.plan();
  assert.equal(code, 0, output);
  assert.match(output, /creation inputs/i, "the plan says the creation inputs of an imported cluster are not compared");
  const changes = plan!.resource_changes.filter((c) => c.address === "operationscenter_cluster.a");
  assert.ok(
    changes.every((c) => c.change.actions[0] !== "create" && c.change.actions[0] !== "delete"),
    output,
  );
});

test("a TerraformOutput of cluster.fingerprint equals the server's fingerprint", async (t) => {
  const e2e = await applied(t, { a: {}, outputs: true });
  const out = await e2e.tf("output", "-raw", "a_fingerprint");
  assert.equal(out.code, 0, out.stderr);
  const live = await e2e.client.getCluster("cluster-a");
  assert.ok(live.cluster.fingerprint !== "");
  assert.equal(out.stdout, live.cluster.fingerprint);
});

/** Cluster A synthesized, init, and its create planned to plan.bin; the request log starts empty. */
async function plannedToFile(e2e: E2E): Promise<void> {
  e2e.synth({ a: {} });
  const init = await e2e.tf("init", "-input=false");
  assert.equal(init.code, 0, init.stdout + init.stderr);
  const planned = await e2e.tf("plan", "-input=false", "-out=plan.bin");
  assert.equal(planned.code, 0, planned.stdout + planned.stderr);
  e2e.oc.clearRequests();
}

test("terraform killed with SIGKILL before, during and after the create's POST: the next apply converges", async (t) => {
  // The request log shows a request when it arrives (status 0) and again when answered; with
  // latency injected, each call stays in flight long enough to kill terraform inside it.
  const post = (e2e: E2E) => e2e.oc.requests.find((r) => r.method === "POST" && r.path === CLUSTERS);
  const points: Array<{ name: string; when: (e2e: E2E) => boolean; adopts?: boolean }> = [
    {
      name: "before the POST",
      when: (e2e) => post(e2e) === undefined && e2e.oc.requests.some((r) => r.method === "GET" && r.path === "/1.0/provisioning/servers"),
    },
    { name: "during the POST", when: (e2e) => post(e2e)?.status === 0 },
    { name: "after the POST, before state is saved", when: (e2e) => post(e2e)?.status === 201, adopts: true },
  ];

  for (const point of points) {
    await t.test(point.name, async (st) => {
      const e2e = await startE2E({ seed: SEED, createDelayMs: 800 });
      st.after(() => e2e.close());
      await plannedToFile(e2e);
      e2e.oc.setFaults({ latencyMs: 700 });
      await killedApply(e2e, () => point.when(e2e));
      e2e.oc.setFaults({});
      if (point.adopts === true) {
        assert.equal(cluster(e2e, "cluster-a")?.status, "ready");
        assert.ok(!existsSync(path.join(e2e.stackDir, "terraform.tfstate")) || !stateText(e2e).includes('"cluster-a"'), "the state already holds the cluster");
      }
      await e2e.applyOk();
      // The cluster this stack created before the kill is adopted, not created twice.
      if (point.adopts === true) assert.ok(!e2e.changes().includes(`POST ${CLUSTERS}`), e2e.changes().join("\n"));
      const clusters = e2e.oc.snapshot().clusters;
      assert.deepEqual(
        clusters.map((c) => [c.name, c.status]),
        [["cluster-a", "ready"]],
      );
      assert.deepEqual(members(e2e, "cluster-a"), ["server01", "server02", "server03"]);
      assert.deepEqual(await e2e.planChanges(), {});
    });
  }
});

test("a provider whose terraform was SIGKILLed while it waited on a read sends no create afterwards, and exits", async (t) => {
  const e2e = await startE2E({ seed: SEED });
  t.after(() => e2e.close());
  await plannedToFile(e2e);
  // The create reads each named server before its POST: the local OC holds that read, unanswered,
  // until terraform is dead, then answers it, so the provider goes on from there an orphan.
  const held = { method: "GET", path: "/1.0/provisioning/servers/server01" };
  e2e.oc.setFaults({ hold: [held] });
  const arrived = () => e2e.oc.requests.some((r) => r.method === held.method && r.path === held.path);
  // What terraform asked for before it died (the template, which does not wait on the held read)
  // stands: terraform is killed once that create has been answered, so no change can be in flight.
  const templateAnswered = () => e2e.oc.requests.some((r) => r.method === "POST" && r.path === "/1.0/provisioning/cluster-templates" && r.status !== 0);
  let before = 0;
  const providers = await killedApply(e2e, () => arrived() && templateAnswered(), {
    whenWithinMs: 30_000,
    afterKill: () => {
      before = e2e.oc.requests.length;
      e2e.oc.setFaults({});
    },
    settled: () => true,
  });
  assert.ok(arrived(), "the create's read of server01 never arrived");
  assert.ok(templateAnswered(), "the template's create was never answered");
  assert.ok(providers.length > 0, "terraform runs no provider");
  const after = e2e.oc.requests.slice(before).filter((r) => r.method !== "GET");
  assert.deepEqual(
    after.map((r) => `${r.method} ${r.path}`),
    [],
    "the orphaned provider changed something",
  );
  assert.equal(cluster(e2e, "cluster-a"), undefined);
});

test('a description of ${file("/etc/hostname")} reaches Operations Center literally', async (t) => {
  const description = '${file("/etc/hostname")}';
  const e2e = await applied(t, { a: { description } });
  assert.equal((await e2e.client.getCluster("cluster-a")).cluster.description, description);
  assert.deepEqual(await e2e.planChanges(), {});
});

test("the provider logs one line per API call at INFO, with no secret", async (t) => {
  const e2e = await startE2E({ seed: SEED });
  t.after(() => e2e.close());
  e2e.synth({ a: {} });
  const init = await e2e.tf("init", "-input=false");
  assert.equal(init.code, 0, init.stdout + init.stderr);
  e2e.env.TF_LOG_PROVIDER = "INFO";
  const result = await e2e.tf("apply", "-input=false", "-auto-approve", "-no-color");
  assert.equal(result.code, 0, result.stdout + result.stderr);
  assert.match(result.stderr, /POST \/1\.0\/provisioning\/clusters/);
  assert.ok(!(result.stdout + result.stderr).includes(A_SECRET), "the secret is in the provider log");
});
