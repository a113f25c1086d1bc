// End to end, where the cluster resource meets the rest of the fleet: a re-create through
// allow_recreate under each deletion policy, and a plan after an import. The real terraform
// binary drives the provider against the local Operations Center; each test starts its own.
import assert from "node:assert/strict";
import * as path from "node:path";
import { test, type TestContext } from "node:test";
import { members, startE2E, type E2E } from "./e2e/harness.js";
import { A_SERVICES, FIXTURES, type ScenarioConfig } from "./e2e/scenario.js";
import { valueAt } from "./fixtures/json.js";

const CLUSTERS = "/1.0/provisioning/clusters";
const SEED = path.join(FIXTURES, "seed.yaml");
/** A creation-only change: another NVMe discovery address. */
const CHANGED_SERVICES = { ...A_SERVICES, nvme: { enabled: true, targets: [{ transport: "tcp", address: "192.0.2.101", port: 8009 }] } };

async function applied(t: TestContext, config: ScenarioConfig, options: Parameters<typeof startE2E>[0] = {}): Promise<E2E> {
  const e2e = await startE2E({ seed: SEED, ...options });
  t.after(() => e2e.close());
  e2e.synth(config);
  await e2e.initAndApply();
  return e2e;
}

/** Terraform wraps diagnostics to the terminal width. */
const flat = (text: string): string => text.replace(/[│\s]+/g, " ");

for (const policy of ["forget", "retain"] as const) {
  test(`allow_recreate with deletion_policy "${policy}" is refused at plan, saying why and what works; nothing is called and the cluster stays`, async (t) => {
    const e2e = await applied(t, { a: { deletionPolicy: policy } });
    const before = e2e.oc.snapshot();
    e2e.synth({ a: { deletionPolicy: policy, servicesConfig: CHANGED_SERVICES, allowRecreate: true } });
    e2e.oc.clearRequests();
    const { code, output } = await e2e.plan();
    assert.equal(code, 1, output);
    const text = flat(output);
    // A CDKTF app: the error names the props as the code writes them.
    assert.match(text, new RegExp(`cluster "cluster-a" cannot be re-created with deletionPolicy "${policy}"`));
    assert.match(text, policy === "forget" ? /deletes its members' server records/ : /servers stay its members/);
    assert.match(text, /apply deletionPolicy: "factory-reset" alone first/);
    assert.deepEqual(e2e.changes(), []);
    assert.deepEqual(e2e.oc.snapshot().clusters, before.clusters);
    assert.deepEqual(members(e2e, "cluster-a"), ["server01", "server02", "server03"]);

    // Without allow_recreate the error does not recommend it alone: it names the policy change first.
    e2e.synth({ a: { deletionPolicy: policy, servicesConfig: CHANGED_SERVICES } });
    const plain = await e2e.plan();
    assert.equal(plain.code, 1, plain.output);
    assert.match(flat(plain.output), /re-create the cluster: A re-create works only with deletionPolicy: "factory-reset"/);
  });
}

test('allow_recreate with deletion_policy "factory-reset": the members are reset, the create waits for them to register again, then forms the new cluster', async (t) => {
  // A re-registration that takes a while: the create must wait for it, not fail on "not registered".
  const e2e = await applied(t, { a: {} }, { reregisterDelayMs: 1500 });
  e2e.synth({ a: { servicesConfig: CHANGED_SERVICES, allowRecreate: true } });
  const { code, output, plan } = await e2e.plan();
  assert.equal(code, 0, output);
  assert.deepEqual(plan?.resource_changes.find((c) => c.address === "operationscenter_cluster.a")?.change.actions, ["delete", "create"]);
  assert.match(flat(output), /cluster "cluster-a" will be re-created/);
  assert.match(flat(output), /the create waits for them/);

  const applyOutput = await e2e.applyOk();
  assert.deepEqual(e2e.changes(), [`DELETE ${CLUSTERS}/cluster-a?mode=factory-reset`, `POST ${CLUSTERS}`, `PUT ${CLUSTERS}/cluster-a`], applyOutput);
  const created = e2e.oc.snapshot().clusters.find((c) => c.name === "cluster-a");
  assert.equal(created?.status, "ready");
  assert.deepEqual(members(e2e, "cluster-a"), ["server01", "server02", "server03"]);
  const post = e2e.oc.requests.find((r) => r.method === "POST" && r.path === CLUSTERS);
  assert.deepEqual(valueAt(post?.body, "services_config", "nvme"), CHANGED_SERVICES.nvme);
  assert.deepEqual(await e2e.planChanges(), {});
});

test("a plan after terraform import shows no change of the settings the configuration leaves unset (connection_url, channel, description, rolling_restart)", async (t) => {
  const e2e = await startE2E({ seed: SEED });
  t.after(() => e2e.close());
  await e2e.client.createCluster({
    name: "cluster-a",
    connection_url: "https://cluster-a.example.net:8443",
    server_names: ["server01", "server02", "server03"],
    server_type: "incus",
    description: "made by hand",
    services_config: A_SERVICES,
    application_seed_config: { config: { "user.ui.title": "Cluster A" } },
  });
  // The configuration sets neither description nor channel nor rolling_restart.
  e2e.synth({ a: {} });
  const init = await e2e.tf("init", "-input=false");
  assert.equal(init.code, 0, init.stdout + init.stderr);
  e2e.oc.clearRequests();
  const imported = await e2e.tf("import", "-input=false", "operationscenter_cluster.a", "cluster-a");
  assert.equal(imported.code, 0, imported.stdout + imported.stderr);
  assert.deepEqual(e2e.changes(), []);

  const { code, output, plan } = await e2e.plan();
  assert.equal(code, 0, output);
  assert.doesNotMatch(output, /connection_url\s+=.*-> null|channel\s+=.*-> null|description\s+=.*-> null|- rolling_restart/, output);
  const change = plan!.resource_changes.find((c) => c.address === "operationscenter_cluster.a")!.change;
  const before = change.before as Record<string, unknown>;
  const after = change.after as Record<string, unknown>;
  const changed = Object.keys(after)
    .filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]))
    .sort();
  // Only what the configuration records and Operations Center does not report: the adoption
  // key, the deletion policy, the creation inputs and the digest of the secrets (not compared
  // after an import, as the plan warns).
  assert.deepEqual(changed, ["adoption_key", "application_config", "deletion_policy", "secrets_digest", "server_type", "services_config"], output);
  assert.equal(after.channel, "stable");
  assert.equal(after.description, "made by hand");

  await e2e.applyOk();
  // The scenario's template, and one PUT that records the members this resource now manages
  // (its oc-cdktf.io/members bookkeeping); every setting keeps its live value. The two resources
  // are independent, so Terraform may make the calls in either order.
  assert.deepEqual(e2e.changes().sort(), ["POST /1.0/provisioning/cluster-templates", `PUT ${CLUSTERS}/cluster-a`]);
  const live = await e2e.client.getCluster("cluster-a");
  assert.equal(live.cluster.description, "made by hand");
  assert.equal(live.cluster.channel, "stable");
  assert.equal(live.cluster.connection_url, "https://cluster-a.example.net:8443");
  assert.deepEqual(Object.keys(live.cluster.properties), ["oc-cdktf.io/members"]);
  assert.deepEqual(await e2e.planChanges(), {});
});

test("moving a server from one cluster to another is one apply: cluster A's removal factory-resets it, cluster B's add waits until it registered again", async (t) => {
  const e2e = await applied(t, { a: {}, b: {} }, { reregisterDelayMs: 1500 });
  e2e.synth({ a: { servers: ["server01", "server02"] }, b: { servers: ["server03", "server05", "server06"] } });
  const { code, output } = await e2e.plan();
  assert.equal(code, 0, output);
  assert.match(flat(output), /server03 will be removed from cluster "cluster-a"/);
  assert.match(flat(output), /server03 moves from cluster "cluster-a" to cluster "cluster-b"/);
  assert.match(flat(output), /It joins only after cluster "cluster-a" has removed it in this same apply/);

  const applyOutput = await e2e.applyOk();
  assert.deepEqual(members(e2e, "cluster-a"), ["server01", "server02"]);
  assert.deepEqual(members(e2e, "cluster-b"), ["server03", "server05", "server06"]);
  const changes = e2e.changes();
  assert.deepEqual(
    changes.filter((c) => !c.startsWith("PUT ")),
    ["POST /1.0/provisioning/servers/server03/system/:evacuate", `POST ${CLUSTERS}/cluster-a/:remove-servers`, `POST ${CLUSTERS}/cluster-b/:add-servers`],
    applyOutput,
  );
  assert.deepEqual(e2e.oc.requests.find((r) => r.path.endsWith("cluster-b/:add-servers"))?.body, { server_names: ["server03"], copy_services_config: true });
  assert.deepEqual(await e2e.planChanges(), {});
});
