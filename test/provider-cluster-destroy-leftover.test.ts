// operationscenter_cluster in the refresh plan of a destroy: a cluster an interrupted create of
// this resource left (not in state) makes the destroy fail, naming it, when its deletion policy
// would remove it; any other plan only warns that the apply adopts it. The plan writes nothing.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { test } from "node:test";
import { UNKNOWN, type Diagnostic, type PlanResult } from "../src/provider/plugin/types.js";
import type { TerraformCommand } from "../src/provider/plugin/terraform-command.js";
import { journalFile } from "../src/provider/resources/cluster/journal.js";
import { DESTROY, NOT_DESTROY } from "./fixtures/provider/commands.js";
import { capabilities, config, proposedOf, resource, summaries, withCluster, type ClusterHarness } from "./fixtures/provider/cluster.js";

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

    for (const command of NOT_DESTROY) {
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

// With an empty state a destroy asks the provider only to validate (no refresh plan, no
// configure): validate stops on this machine's journal of a create interrupted before Terraform
// got its cluster, without a call.
const MAY_EXIST = 'Cluster "alpha" may exist from an interrupted apply of this configuration without being in state, so this destroy cannot remove it';

/** A journal entry of a create of "alpha" begun by a process that has exited since, as a killed provider leaves it. */
function interruptedCreate(workDir: string): void {
  const journal = new URL("../src/provider/resources/cluster/journal.js", import.meta.url).href;
  const begun = spawnSync(process.execPath, [
    "--input-type=module",
    "-e",
    `(await import(${JSON.stringify(journal)})).beginCreate(process.argv[1], "alpha")`,
    workDir,
  ]);
  assert.equal(begun.status, 0, String(begun.stderr));
}

const errorsOf = (diagnostics: readonly Diagnostic[]): string[] => summaries(diagnostics, "error");

/** The resource's validate in `workDir` (Terraform starts the provider there), as `command` runs it. */
async function validateUnder(workDir: string, values: Parameters<typeof config>[0], command: TerraformCommand | undefined): Promise<readonly Diagnostic[]> {
  const cwd = process.cwd();
  process.chdir(workDir);
  try {
    return await resource.validate!({ config: config(values), capabilities, ...(command === undefined ? {} : { terraformCommand: () => command }) });
  } finally {
    process.chdir(cwd);
  }
}

test("in a destroy, validate stops on a create this machine's journal records as interrupted before Terraform got the cluster; the error names the way out", () =>
  withCluster(async (t) => {
    interruptedCreate(t.workDir);
    assert.deepEqual(errorsOf(await validateUnder(t.workDir, { deletion_policy: "factory-reset" }, DESTROY)), [MAY_EXIST]);
    const [diagnostic, ...more] = await validateUnder(t.workDir, { deletion_policy: UNKNOWN }, DESTROY);
    assert.equal(diagnostic?.summary, MAY_EXIST, "a deletion policy unknown at validate may remove it");
    assert.deepEqual(more, []);
    assert.deepEqual(diagnostic.path, ["name"]);
    assert.match(diagnostic.detail!, /Nothing was changed\. Run oc-cdktf leftovers in this directory to find out/);
    assert.match(diagnostic.detail!, /if it does not, leftovers forgets the record and this destroy goes through\.$/);
    assert.deepEqual(await t.calls(), [], "validate makes no call");
  }));

test("validate says nothing outside a destroy, with deletion policy retain, or once the create's cluster went to Terraform", () =>
  withCluster(async (t) => {
    interruptedCreate(t.workDir);
    for (const command of NOT_DESTROY) {
      assert.deepEqual(errorsOf(await validateUnder(t.workDir, { deletion_policy: "forget" }, command)), [], JSON.stringify(command));
    }
    assert.deepEqual(errorsOf(await validateUnder(t.workDir, {}, DESTROY)), [], "retain (the default) makes no call on destroy");
    assert.deepEqual(errorsOf(await validateUnder(t.workDir, { deletion_policy: "retain" }, DESTROY)), []);

    // The create ran to its end: apply handed the cluster to Terraform.
    const created = await t.converge(null, config({ deletion_policy: "forget" }));
    assert.deepEqual(summaries(created.diagnostics, "error"), []);
    assert.deepEqual(errorsOf(await validateUnder(t.workDir, { deletion_policy: "forget" }, DESTROY)), []);
  }));
