// End to end: applies interrupted at kill points of the local OC (terraform is killed while the
// provider waits for the answer after a given request), then the next run of terraform. Each
// converges without state surgery or import, and nothing is left behind or removed that this
// configuration did not make.
import assert from "node:assert/strict";
import { readFileSync, rmSync } from "node:fs";
import * as path from "node:path";
import { test, type TestContext } from "node:test";
import { members, startE2E, type E2E } from "./e2e/harness.js";
import { applyKilledAfter } from "./e2e/interrupt.js";
import { FIXTURES, type ScenarioConfig } from "./e2e/scenario.js";

const CLUSTERS = "/1.0/provisioning/clusters";
const SEED = path.join(FIXTURES, "seed.yaml");

/** A local OC, and the stack with its template applied: each test's interrupted apply then holds only the cluster. */
async function started(t: TestContext): Promise<E2E> {
  const e2e = await startE2E({ seed: SEED });
  t.after(() => e2e.close());
  e2e.synth({});
  await e2e.initAndApply();
  return e2e;
}

async function synthAndApply(e2e: E2E, config: ScenarioConfig): Promise<string> {
  e2e.synth(config);
  return e2e.applyOk();
}

function clusterNames(e2e: E2E): string[] {
  return e2e.oc
    .snapshot()
    .clusters.map((c) => c.name)
    .sort();
}

function stateText(e2e: E2E): string {
  return readFileSync(path.join(e2e.stackDir, "terraform.tfstate"), "utf8");
}

test("an apply killed after the rename POST answered: the next apply finds the cluster under its new name and converges", async (t) => {
  const e2e = await started(t);
  await synthAndApply(e2e, { a: {} });
  e2e.synth({ a: { name: "cluster-a2" } });
  await applyKilledAfter(e2e, "POST", `${CLUSTERS}/cluster-a`);
  assert.deepEqual(clusterNames(e2e), ["cluster-a2"]);
  assert.match(stateText(e2e), /"name": "cluster-a"/, "the state still has the old name");

  // The refresh finds it by this resource's created-by marker: the plan shows the rename as done.
  const { code, output, plan } = await e2e.plan();
  assert.equal(code, 0, output);
  assert.deepEqual(
    plan!.resource_changes.filter((c) => c.address === "operationscenter_cluster.a").map((c) => c.change.actions),
    [["no-op"]],
    output,
  );
  await e2e.applyOk();
  assert.deepEqual(e2e.changes(), []);
  assert.deepEqual(clusterNames(e2e), ["cluster-a2"]);
  assert.deepEqual(members(e2e, "cluster-a2"), ["server01", "server02", "server03"]);
  assert.deepEqual(await e2e.planChanges(), {});
});

test("a cluster whose read-back failed after the POST is in state, so terraform destroy removes it by its deletion policy", async (t) => {
  const e2e = await started(t);
  // Two attempts per request: the read-back's 503s fail the apply at once instead of after the
  // default 60 s of backoff (what is asserted does not depend on how many).
  e2e.synth({ a: {}, retry: { maxAttempts: 2 } });
  e2e.oc.setFaults({ after: { method: "POST", path: CLUSTERS, then: "fail" } });
  const applied = await e2e.apply();
  e2e.oc.setFaults({});
  assert.equal(applied.code, 0, applied.output);
  assert.match(applied.output, /Cluster "cluster-a" was created, but reading it back failed/);
  // The mark that the create would have removed before answering is still there: the refresh reads
  // what the read-back missed, and the next apply removes the mark, one PUT.
  const plan = await e2e.plan();
  assert.equal(plan.code, 0, plan.output);
  assert.deepEqual(
    plan.plan!.resource_changes.filter((rc) => !["no-op", "read"].includes(rc.change.actions.join())).map((rc) => [rc.address, rc.change.actions]),
    [["operationscenter_cluster.a", ["update"]]],
  );
  assert.match(plan.output, /- "oc-cdktf\.io\/unsaved"\s+= "true" -> null/);
  e2e.oc.clearRequests();
  await e2e.applyOk();
  assert.deepEqual(e2e.changes(), [`PUT ${CLUSTERS}/cluster-a`]);
  assert.deepEqual(await e2e.planChanges(), {});

  e2e.oc.clearRequests();
  const destroyed = await e2e.destroy();
  assert.equal(destroyed.code, 0, destroyed.output);
  assert.ok(e2e.changes().includes(`DELETE ${CLUSTERS}/cluster-a?mode=factory-reset`), e2e.changes().join("\n"));
  assert.deepEqual(clusterNames(e2e), []);
});

test("a fresh checkout (no .terraform, same state) adopts the cluster an interrupted create left; another configuration of that name is refused", async (t) => {
  const e2e = await started(t);
  e2e.synth({ a: {} });
  await applyKilledAfter(e2e, "POST", CLUSTERS);
  assert.equal(e2e.oc.snapshot().clusters.find((c) => c.name === "cluster-a")?.status, "ready");
  assert.ok(!stateText(e2e).includes('"cluster-a"'), "the state already holds the cluster");

  // A CI runner: the same configuration and state, without .terraform/ (and its create journal).
  rmSync(path.join(e2e.stackDir, ".terraform"), { recursive: true, force: true });
  const init = await e2e.tf("init", "-input=false");
  assert.equal(init.code, 0, init.stdout + init.stderr);
  const planned = await e2e.plan();
  assert.match(planned.output, /Cluster "cluster-a" exists already: an earlier, interrupted apply of this\s+resource created it/);
  await e2e.applyOk();
  assert.deepEqual(e2e.changes(), [`PUT ${CLUSTERS}/cluster-a`], "adopted, not created again: only its unsaved mark removed");
  assert.deepEqual(members(e2e, "cluster-a"), ["server01", "server02", "server03"]);
  assert.deepEqual(await e2e.planChanges(), {});

  // Another configuration (another stack, its own state) that declares the same name.
  e2e.synth({ stack: "other", template: false, a: {} });
  const otherInit = await e2e.tf("init", "-input=false");
  assert.equal(otherInit.code, 0, otherInit.stdout + otherInit.stderr);
  const other = await e2e.apply();
  assert.notEqual(other.code, 0, other.output);
  assert.match(other.output, /Cluster "cluster-a" already exists and was not created by this resource/);
  assert.match(other.output, /terraform import <this resource's address>\s+cluster-a/);
  assert.deepEqual(e2e.changes(), [], "nothing was changed");
});

test("a member removed just before an interruption and later added back by hand is not this configuration's: a change leaves it alone", async (t) => {
  const e2e = await started(t);
  await synthAndApply(e2e, { a: {} });
  e2e.synth({ a: { servers: ["server01", "server02"] } });
  await applyKilledAfter(e2e, "POST", `${CLUSTERS}/cluster-a/:remove-servers`);
  assert.deepEqual(members(e2e, "cluster-a"), ["server01", "server02"]);
  await e2e.applyOk();
  assert.deepEqual(await e2e.planChanges(), {});

  // server03 registers again after its factory reset, and someone adds it by hand.
  await e2e.oc.registerPendingNow();
  await e2e.client.addClusterServers("cluster-a", { server_names: ["server03"], copy_services_config: true });
  assert.deepEqual(members(e2e, "cluster-a"), ["server01", "server02", "server03"]);

  await synthAndApply(e2e, { a: { servers: ["server01", "server02"], description: "changed" } });
  assert.deepEqual(e2e.changes(), [`PUT ${CLUSTERS}/cluster-a`], "no evacuation, removal or factory reset of server03");
  assert.deepEqual(members(e2e, "cluster-a"), ["server01", "server02", "server03"]);
});
