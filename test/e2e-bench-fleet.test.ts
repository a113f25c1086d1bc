// The fleet builder of `npm run bench` (test/bench/fleet.ts), with the real terraform binary: the
// fleet it builds without creating it plans no change and no drift, reads what a created fleet's
// plan reads (2 + 7 x members a cluster, as provider-read-cache checks for a created one), and its
// check refuses a state that does not match the local OC.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import { buildFleet, checkNoChange } from "./bench/fleet.js";
import { terraformEnv, withoutLocalSettings } from "./bench/terraform.js";
import { clusterName, minimalReads, serverName, type Fleet } from "./e2e/fleet-scenario.js";

const FLEET: Fleet = { clusters: 3, members: 3 };
const TIMEOUT_MS = 120_000;

type State = { resources: { type: string; name: string; instances: { attributes: Record<string, unknown> }[] }[] };

test("the bench's fleet of 3 clusters x 3 members with every bulk kind, built from a one-cluster template: no change, no drift, the fewest reads; a state that differs is refused", async () => {
  const work = mkdtempSync(path.join(tmpdir(), "oc-cdktf-bench-fleet-"));
  const env = withoutLocalSettings(process.env);
  const built = await buildFleet(work, FLEET, { env: terraformEnv(work, env), createDelayMs: 5, planTimeoutMs: TIMEOUT_MS });
  try {
    const clusters = built.oc.snapshot().clusters;
    assert.deepEqual(
      clusters.map((c) => [c.name, c.status, c.members]),
      Array.from({ length: FLEET.clusters }, (_, c) => [clusterName(c), "ready", Array.from({ length: FLEET.members }, (_, m) => serverName(c, m))]),
    );
    const stateFile = path.join(built.stackDir, "terraform.tfstate");
    const state = JSON.parse(readFileSync(stateFile, "utf8")) as State;
    assert.equal(state.resources.length, 8 * FLEET.clusters);

    // The check ran one plan; the next reads what a created fleet's plan reads, and writes nothing.
    built.oc.clearRequests();
    await checkNoChange(built.stackDir, built.env, TIMEOUT_MS);
    assert.equal(built.oc.requests.filter((r) => r.method === "GET").length, minimalReads(FLEET.clusters, FLEET.members));
    assert.deepEqual(
      built.oc.requests.filter((r) => r.method !== "GET"),
      [],
    );

    // A state without the last cluster's kernel config: the plan creates it.
    const kernel = `${clusterName(2)}-kernel`;
    writeFileSync(stateFile, JSON.stringify({ ...state, resources: state.resources.filter((r) => r.name !== kernel) }));
    await assert.rejects(checkNoChange(built.stackDir, built.env, TIMEOUT_MS), /has changes/);

    // A cluster's certificate that is not the local OC's: no action, but the refresh changes state.
    const cluster = state.resources.find((r) => r.type === "operationscenter_cluster" && r.name === clusterName(1))!;
    const other = state.resources.find((r) => r.type === "operationscenter_cluster" && r.name === clusterName(0))!;
    cluster.instances[0]!.attributes.certificate = other.instances[0]!.attributes.certificate;
    writeFileSync(stateFile, JSON.stringify(state));
    await assert.rejects(checkNoChange(built.stackDir, built.env, TIMEOUT_MS), new RegExp(`drift operationscenter_cluster\\.${clusterName(1)}`));
  } finally {
    await built.oc.close();
    rmSync(work, { recursive: true, force: true });
  }
});
