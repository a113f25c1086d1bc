// End to end: the real terraform binary applies the scenario app against the local Operations
// Center; every step asserts Operations Center's state and the exact calls the hooks made.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { startE2E, type E2E } from "./e2e/harness.js";
import { A_SECRET, A_SERVICES, FIXTURES, synthScenario, type ScenarioConfig } from "./e2e/scenario.js";

const CLUSTERS = "/1.0/provisioning/clusters";
let e2e: E2E;
let outdir: string;
let stackDir: string;

const base: ScenarioConfig = {
  a: { servers: ["server01", "server02", "server03"], servicesConfig: A_SERVICES, deletionPolicy: "factory-reset" },
  b: { deletionPolicy: "forget" },
};

async function synth(config: ScenarioConfig) {
  stackDir = synthScenario(outdir, config);
}

async function apply(): Promise<{ code: number; output: string }> {
  e2e.oc.clearRequests();
  const result = await e2e.tf(stackDir, "apply", "-input=false", "-auto-approve");
  return { code: result.code, output: result.stdout + result.stderr };
}

async function applyOk(): Promise<string> {
  const { code, output } = await apply();
  assert.equal(code, 0, `terraform apply failed:\n${output}`);
  return output;
}

function members(cluster: string): string[] {
  return e2e.oc
    .snapshot()
    .servers.filter((s) => s.cluster === cluster)
    .map((s) => s.name)
    .sort();
}

function clusterState(name: string) {
  return e2e.oc.snapshot().clusters.find((c) => c.name === name);
}

before(async () => {
  e2e = await startE2E({ seed: path.join(FIXTURES, "seed.yaml") });
  outdir = path.join(e2e.workdir, "cdktf.out");
});
after(async () => {
  await e2e?.close();
});

test("1. apply creates the template, cluster A one-off and cluster B from the template", async () => {
  await synth(base);
  const init = await e2e.tf(stackDir, "init", "-input=false");
  assert.equal(init.code, 0, init.stdout + init.stderr);
  const output = await applyOk();
  assert.match(output, /oc-cdktf: \[1\/1\] cluster-a: create one-off on server01, server02, server03 \.\.\. ok/);

  const state = e2e.oc.snapshot();
  assert.equal(clusterState("cluster-a")?.status, "ready");
  assert.equal(clusterState("cluster-b")?.status, "ready");
  assert.deepEqual(members("cluster-a"), ["server01", "server02", "server03"]);
  assert.deepEqual(members("cluster-b"), ["server05", "server06"]);
  assert.deepEqual(clusterState("cluster-b")?.application_seed_config, { config: { "user.ui.title": "Cluster B" } });
  for (const name of ["server05", "server06"]) {
    assert.deepEqual(state.servers.find((s) => s.name === name)?.incusos.services.nvme, {
      enabled: true,
      targets: [{ transport: "tcp", address: "192.0.2.200", port: 8009 }],
    });
  }
  assert.deepEqual(
    e2e.changes().sort(),
    [`POST ${CLUSTERS}`, `POST ${CLUSTERS}`, "POST /1.0/provisioning/cluster-templates"].sort(),
  );
  // The secret reached Operations Center, and nothing Terraform keeps or prints.
  const post = e2e.oc.requests.find((r) => r.method === "POST" && (r.body as { name?: string }).name === "cluster-a");
  assert.equal((post?.body as { services_config: { tailscale: { auth_key: string } } }).services_config.tailscale.auth_key, A_SECRET);
  assert.ok(!output.includes(A_SECRET), "the secret is in the apply output");
  assert.ok(!readFileSync(path.join(stackDir, "terraform.tfstate"), "utf8").includes(A_SECRET), "the secret is in the state");
  assert.ok(!readFileSync(path.join(stackDir, "cdk.tf.json"), "utf8").includes(A_SECRET), "the secret is in cdk.tf.json");
});

test("2. a plan with nothing changed has no changes", async () => {
  await synth(base);
  assert.deepEqual(await e2e.plan(stackDir), {});
});

test("3. a description and property change replaces only A's settings and makes one PUT", async () => {
  const live = await e2e.client.getCluster("cluster-a");
  await e2e.client.updateCluster("cluster-a", {
    connection_url: live.cluster.connection_url,
    channel: live.cluster.channel,
    description: live.cluster.description,
    properties: { ...live.cluster.properties, "set-by-hand": "yes" },
    config: live.cluster.config,
  });
  const config: ScenarioConfig = { ...base, a: { ...base.a, description: "Production A", properties: { team: "storage" } } };
  await synth(config);
  assert.deepEqual(await e2e.plan(stackDir), { "terraform_data.a_settings": ["delete", "create"] });
  // Applied with -chdir from another directory: the hooks still find their specs and the CLI.
  e2e.oc.clearRequests();
  const applied = await e2e.tfChdir(stackDir, "apply", "-input=false", "-auto-approve");
  assert.equal(applied.code, 0, applied.stdout + applied.stderr);
  assert.deepEqual(e2e.changes(), [`PUT ${CLUSTERS}/cluster-a`]);
  const after = await e2e.client.getCluster("cluster-a");
  assert.equal(after.cluster.description, "Production A");
  assert.equal(after.cluster.properties.team, "storage");
  assert.equal(after.cluster.properties["set-by-hand"], "yes");
  assert.equal(after.cluster.status, "ready");
  base.a = config.a;
});

test("4. adding server04 makes one :add-servers; dropping server02 one :remove-servers", async () => {
  await synth({ ...base, a: { ...base.a, servers: ["server01", "server02", "server03", "server04"] } });
  assert.deepEqual(await e2e.plan(stackDir), { "terraform_data.a_members": ["delete", "create"] });
  await applyOk();
  assert.deepEqual(e2e.changes(), [`POST ${CLUSTERS}/cluster-a/:add-servers`, `PUT ${CLUSTERS}/cluster-a`]);
  assert.deepEqual(e2e.oc.requests.find((r) => r.path.endsWith(":add-servers"))?.body, {
    server_names: ["server04"],
    copy_services_config: true,
  });
  assert.deepEqual(members("cluster-a"), ["server01", "server02", "server03", "server04"]);

  base.a = { ...base.a, servers: ["server01", "server03", "server04"] };
  await synth(base);
  await applyOk();
  assert.deepEqual(e2e.changes(), [
    "POST /1.0/provisioning/servers/server02/system/:evacuate",
    `POST ${CLUSTERS}/cluster-a/:remove-servers`,
    `PUT ${CLUSTERS}/cluster-a`,
  ]);
  assert.deepEqual(e2e.oc.requests.find((r) => r.path.endsWith(":remove-servers"))?.body, { server_names: ["server02"] });
  assert.deepEqual(members("cluster-a"), ["server01", "server03", "server04"]);
});

test("5. a services config change fails with the field and the way forward; A is untouched", async () => {
  const before = clusterState("cluster-a");
  const changed = { ...A_SERVICES, nvme: { enabled: true, targets: [{ transport: "tcp", address: "192.0.2.101", port: 8009 }] } };
  await synth({ ...base, a: { ...base.a, servicesConfig: changed } });
  assert.deepEqual(await e2e.plan(stackDir), { "terraform_data.a_creation": ["delete", "create"] });
  const { code, output } = await apply();
  assert.equal(code, 1);
  assert.match(output, /servicesConfig\.nvme changed since cluster "cluster-a" was created/);
  assert.match(output, /bulk operations/);
  assert.deepEqual(e2e.changes(), []);
  assert.deepEqual(clusterState("cluster-a"), before);

  // Reverting the change makes the next apply succeed again.
  await synth(base);
  await applyOk();
  assert.deepEqual(e2e.changes(), []);
});

test("6. removing B from the code applies its deletion policy: retain calls nothing, forget deletes with mode=force", async () => {
  await synth({ ...base, b: { deletionPolicy: "retain" } });
  await applyOk();
  assert.deepEqual(e2e.changes(), [`PUT ${CLUSTERS}/cluster-b`]);

  await synth({ ...base, b: undefined });
  await applyOk();
  assert.deepEqual(e2e.changes(), []);
  assert.equal(clusterState("cluster-b")?.status, "ready");

  await synth(base);
  const readopted = await applyOk();
  assert.match(readopted, /cluster-b: exists \(ready\) and is managed by "e2e": adopted/);
  assert.deepEqual(e2e.changes(), [`PUT ${CLUSTERS}/cluster-b`]);

  await synth({ ...base, b: undefined });
  await applyOk();
  assert.deepEqual(e2e.changes(), [`DELETE ${CLUSTERS}/cluster-b?mode=force`]);
  assert.equal(clusterState("cluster-b"), undefined);
  assert.deepEqual(members("cluster-b"), []);
  base.b = undefined;
});

test("7. a create the server refuses fails with its message; after the fix the pending record is removed first", async () => {
  await synth({ ...base, c: { servers: ["server07", "server08"] } });
  const failed = await apply();
  assert.equal(failed.code, 1);
  assert.match(failed.output, /Server "server07" has type "migration-manager" but "incus" was expected/);
  assert.match(failed.output, /cluster "cluster-c" is left pending; the next apply removes that record before creating it again/);
  assert.deepEqual(e2e.changes(), [`POST ${CLUSTERS}`]);
  assert.equal(clusterState("cluster-c")?.status, "pending");

  base.c = { servers: ["server08"] };
  await synth(base);
  await applyOk();
  assert.deepEqual(e2e.changes(), [`DELETE ${CLUSTERS}/cluster-c?mode=normal`, `POST ${CLUSTERS}`]);
  assert.equal(clusterState("cluster-c")?.status, "ready");
  assert.deepEqual(members("cluster-c"), ["server08"]);
});

test("8. terraform destroy applies each cluster's policy and deletes the template", async () => {
  e2e.oc.clearRequests();
  const destroyed = await e2e.tf(stackDir, "destroy", "-input=false", "-auto-approve");
  assert.equal(destroyed.code, 0, destroyed.stdout + destroyed.stderr);
  assert.deepEqual(
    e2e.changes().sort(),
    [
      `DELETE ${CLUSTERS}/cluster-a?mode=factory-reset`,
      `DELETE ${CLUSTERS}/cluster-c?mode=force`,
      "DELETE /1.0/provisioning/cluster-templates/standard",
    ].sort(),
  );
  assert.deepEqual(e2e.oc.snapshot().clusters, []);
  assert.deepEqual(e2e.oc.snapshot().templates, []);
});
