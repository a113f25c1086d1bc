// operationscenter_cluster in the refresh plan of a destroy: a cluster an interrupted create of
// this resource left (not in state) makes the destroy fail, naming it, when its deletion policy
// would remove it; any other plan only warns that the apply adopts it. The plan writes nothing.
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { test } from "node:test";
import type { PlanResult } from "../src/provider/plugin/types.js";
import type { TerraformCommand } from "../src/provider/plugin/terraform-command.js";
import { journalFile } from "../src/provider/resources/cluster/journal.js";
import { capabilities, config, proposedOf, resource, summaries, withCluster, type ClusterHarness } from "./fixtures/provider/cluster.js";

const DESTROY: TerraformCommand = { known: true, name: "destroy", planMode: "destroy" };
const LEFTOVER = 'Cluster "alpha" exists from an interrupted apply of this configuration but is not in state, so this destroy cannot remove it';
const ADOPTS = 'Cluster "alpha" exists already: an earlier, interrupted apply of this resource created it';

/** Creates "alpha" with this key and forgets its state and journal, as a SIGKILL after the POST does. */
async function leftover(t: ClusterHarness, values: Parameters<typeof config>[0]): Promise<void> {
  const created = await t.converge(null, config(values));
  assert.deepEqual(summaries(created.diagnostics, "error"), []);
  rmSync(journalFile(t.workDir, "alpha"), { force: true });
  await t.calls();
}

/** The create's plan, as the Terraform command `command` sends it. */
function planUnder(t: ClusterHarness, values: Parameters<typeof config>[0], command: TerraformCommand | undefined): Promise<PlanResult> {
  const configured = config(values);
  const context = command === undefined ? t.context : { ...t.context, terraformCommand: () => command };
  return resource.plan({ prior: null, proposed: proposedOf(null, configured), config: configured, priorPrivate: new Uint8Array(), capabilities }, context);
}

test("in a destroy, a leftover of this resource's interrupted create fails the plan with the way out; other plans only warn", () =>
  withCluster(async (t) => {
    const values = { adoption_key: "stack/a", deletion_policy: "factory-reset" };
    await leftover(t, values);

    const destroy = await planUnder(t, values, DESTROY);
    assert.deepEqual(summaries(destroy.diagnostics ?? [], "error"), [LEFTOVER]);
    const detail = destroy.diagnostics![0]!.detail!;
    assert.match(
      detail,
      /deletion_policy "factory-reset": run terraform apply \(it adopts the cluster into state without creating it\), then terraform destroy/,
    );
    assert.match(detail, /terraform import <this resource's address> alpha/);
    assert.deepEqual(destroy.diagnostics![0]!.path, ["name"]);

    for (const command of [
      { known: true, name: "plan", planMode: "normal" },
      { known: true, name: "apply" },
      { known: false, reason: "not Linux" },
      undefined,
    ] as const) {
      const plan = await planUnder(t, values, command);
      assert.deepEqual(summaries(plan.diagnostics ?? [], "error"), [], JSON.stringify(command));
      assert.deepEqual(summaries(plan.diagnostics ?? [], "warning"), [ADOPTS], JSON.stringify(command));
    }
    assert.deepEqual(await t.calls(), [], "planning writes nothing");
  }));

test("in a destroy, a leftover whose deletion policy is retain is left as a destroy leaves it from state: no error", () =>
  withCluster(async (t) => {
    await leftover(t, { adoption_key: "stack/a" });
    const plan = await planUnder(t, { adoption_key: "stack/a" }, DESTROY);
    assert.deepEqual(summaries(plan.diagnostics ?? [], "error"), []);
    assert.deepEqual(summaries(plan.diagnostics ?? [], "warning"), [ADOPTS]);
  }));

test("in a destroy, a cluster of that name this resource did not create is no leftover of it", () =>
  withCluster(async (t) => {
    await leftover(t, { adoption_key: "other-stack/a", deletion_policy: "forget" });
    const plan = await planUnder(t, { adoption_key: "stack/a", deletion_policy: "forget" }, DESTROY);
    assert.deepEqual(plan.diagnostics ?? [], []);
  }));
