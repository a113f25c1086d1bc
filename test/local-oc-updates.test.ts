// The local Operations Center's update control loop: :update with and without reboot, :reboot,
// :cancel-operation, and the launches it refuses, stepped one state at a time by the test.
import { describe, it, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { clusterOf, clusterPost, serverOf, testHarness } from "./fixtures/local-oc/helpers.js";

const C = "/1.0/provisioning/clusters";
const S = "/1.0/provisioning/servers";

describe("local OC: the update control loop", () => {
  const h = testHarness({ seed: { servers: [{ name: "a" }, { name: "b" }, { name: "c" }] } });
  beforeEach(async () => {
    assert.equal((await h.call("POST", C, clusterPost("k", ["a", "b"]))).status, 201);
    // A new IncusOS release reached b's channel after the cluster was formed.
    const model = h.oc.saveSnapshot();
    model.servers.find((s) => s.name === "b")!.needs_update = true;
    h.oc.restoreSnapshot(model);
  });

  const status = async () => clusterOf(await h.call("GET", `${C}/k`)).update_status!.in_progress_status!;
  const server = async (name: string) => serverOf(await h.call("GET", `${S}/${name}`));

  it(":update with reboot steps through the update states of the member that needs it", async () => {
    assert.equal((await h.call("POST", `${C}/k/:update`, { reboot: true })).status, 200);
    const launched = await status();
    assert.equal(launched.in_progress, "applying updates with reboot");
    assert.equal(launched.evacuated_before, null);
    assert.ok(!("status_description" in launched), "no progress reported before the first step");
    const seen: Array<string | undefined> = [];
    const states: Array<{ maintenance: number | null | undefined; status: string }> = [];
    while (h.oc.advanceClusterOperations() > 0) {
      seen.push((await status()).status_description);
      const b = await server("b");
      states.push({ maintenance: b.version_data!.in_maintenance, status: b.server_status });
    }
    assert.deepEqual(seen, [
      '[10/18] update pending server "b"',
      '[11/18] updating server "b"',
      '[12/18] evacuation pending server "b"',
      '[13/18] evacuating server "b"',
      '[14/18] in maintenance, reboot pending server "b"',
      '[15/18] in maintenance, rebooting server "b"',
      '[16/18] in maintenance, restore pending server "b"',
      '[17/18] restoring server "b"',
      '[18/18] post restore server "b"',
    ]);
    assert.ok(states.some((s) => s.maintenance === 1) && states.some((s) => s.status === "offline"), JSON.stringify(states));
    const done = await status();
    assert.equal(done.in_progress, "");
    assert.equal(done.pending_reboot, null);
    const b = await server("b");
    assert.equal(b.version_data!.needs_update, false);
    assert.equal(b.version_data!.needs_reboot, false);
    assert.equal(b.version_data!.in_maintenance, 0);
    assert.equal(b.server_status, "ready");
  });

  it(":update without reboot installs the update and leaves the reboot pending", async () => {
    const model = h.oc.saveSnapshot();
    model.servers.find((s) => s.name === "a")!.needs_update = true;
    model.servers.find((s) => s.name === "b")!.needs_update = false;
    h.oc.restoreSnapshot(model);
    assert.equal((await h.call("POST", `${C}/k/:update`, { reboot: false })).status, 200);
    assert.equal((await status()).in_progress, "applying updates");
    const seen: Array<string | undefined> = [];
    while (h.oc.advanceClusterOperations() > 0) seen.push((await status()).status_description);
    assert.deepEqual(seen, ['[3/4] update pending server "a"', '[4/4] updating server "a"']);
    const a = await server("a");
    assert.equal(a.version_data!.needs_update, false);
    assert.equal(a.version_data!.needs_reboot, true);
    assert.equal(a.server_status_detail, "");
  });

  it(":reboot restarts every member in name order and empties pending_reboot as it goes", async () => {
    assert.equal((await h.call("POST", `${C}/k/:reboot`)).status, 200);
    assert.deepEqual((await status()).pending_reboot, ["a", "b"]);
    const pending: string[][] = [];
    while (h.oc.advanceClusterOperations() > 0) pending.push((await status()).pending_reboot ?? []);
    assert.deepEqual(pending.slice(0, 4).at(-1), ["b"], "a's reboot was triggered at its fourth step");
    assert.equal((await status()).in_progress, "");
  });

  it("refuses a launch while a member is evacuating or busy, with OC's reason", async () => {
    const model = h.oc.saveSnapshot();
    const b = model.servers.find((s) => s.name === "b")!;
    b.in_maintenance = 1;
    h.oc.restoreSnapshot(model);
    const evacuating = await h.call("POST", `${C}/k/:reboot`);
    assert.equal(evacuating.status, 400);
    assert.equal(
      evacuating.json!.error,
      `Failed to launch cluster wide reboot: Cluster reboot can not be launched for "k": Server "b" (${b.connection_url}) is in maintenance state "evacuating"`,
    );
    b.in_maintenance = 0;
    b.status_detail = "updating";
    h.oc.restoreSnapshot(model);
    const busy = await h.call("POST", `${C}/k/:reboot`);
    assert.equal(
      busy.json!.error,
      `Failed to launch cluster wide reboot: Cluster reboot can not be launched for "k": Server "b" (${b.connection_url}) is busy (updating)`,
    );
  });

  it(":cancel-operation stops the run where it is", async () => {
    await h.call("POST", `${C}/k/:reboot`);
    h.oc.advanceClusterOperations();
    h.oc.advanceClusterOperations();
    assert.equal((await h.call("POST", `${C}/k/:cancel-operation`)).status, 200);
    assert.equal(h.oc.advanceClusterOperations(), 0);
    assert.equal((await server("a")).version_data!.in_maintenance, 1, "the evacuation under way is not undone");
  });
});
