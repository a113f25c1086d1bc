// operationscenter_cluster in the refresh plan of a destroy: a cluster an interrupted create of
// this resource left (not in state) makes the destroy fail, naming it, when its deletion policy
// would remove it; any other plan only warns that the apply adopts it. The plan writes nothing.
// Validate stops a destroy on this machine's create journal, and, through the provider block's
// client, on a cluster of this adoption key that still carries the unsaved mark.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { test } from "node:test";
import { UNKNOWN, type Diagnostic, type PlanResult } from "../src/provider/plugin/types.js";
import type { TerraformCommand } from "../src/provider/plugin/terraform-command.js";
import { journalFile } from "../src/provider/resources/cluster/journal.js";
import { DESTROY, NOT_DESTROY } from "./fixtures/provider/commands.js";
import type { ProviderClient } from "../src/provider/client.js";
import { capabilities, config, proposedOf, resource, summaries, withCluster, type ClusterHarness, type Converged } from "./fixtures/provider/cluster.js";

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

// A create with an adoption key marks the cluster oc-cdktf.io/unsaved from its POST until it
// hands the cluster to Terraform. In a destroy, validate reads it through the validated provider
// block's client: a fresh checkout (no journal) with an empty state gets no other provider call.
const UNSAVED = "oc-cdktf.io/unsaved";
const UNSAVED_LEFTOVER = 'Cluster "alpha" exists from an interrupted apply of this configuration and may not be in state, so this destroy cannot remove it';
const KEYED = { adoption_key: "stack/a", deletion_policy: "forget" };

/** The resource's validate with the client configure would make, as the plugin layer passes it. */
function validateConnected(
  t: ClusterHarness,
  values: Parameters<typeof config>[0],
  command: TerraformCommand | undefined,
  connect?: () => Promise<ProviderClient>,
) {
  return resource.validate!({
    config: config(values),
    capabilities,
    connect: connect ?? (() => Promise.resolve(t.client)),
    ...(command === undefined ? {} : { terraformCommand: () => command }),
  });
}

/** "alpha" created with this configuration, its unsaved mark left: the removing PUT failed, as a kill right after the POST leaves it. */
async function unsavedLeftover(t: ClusterHarness, values: Parameters<typeof config>[0]): Promise<Converged> {
  t.h.oc.setFaults({ next: [{ method: "PUT", path: "/1.0/provisioning/clusters/alpha", fault: "error" }] });
  const created = await t.converge(null, config(values));
  t.h.oc.setFaults({});
  assert.deepEqual(summaries(created.diagnostics, "error"), []);
  assert.deepEqual(summaries(created.diagnostics, "warning"), [`Cluster "alpha" is in state, but its ${UNSAVED} mark could not be removed`]);
  assert.equal(t.live("alpha")?.properties[UNSAVED], "true");
  rmSync(journalFile(t.workDir, "alpha"), { force: true });
  await t.calls();
  return created;
}

test("a create with an adoption key marks the cluster unsaved in its POST and removes the mark before answering; without a key, no mark", () =>
  withCluster(async (t) => {
    const created = await t.converge(null, config(KEYED));
    assert.deepEqual(summaries(created.diagnostics, "error"), []);
    const writes = (await t.requests()).filter((r) => r.method !== "GET");
    assert.deepEqual(
      writes.map((r) => `${r.method} ${r.path}`),
      ["POST /1.0/provisioning/clusters", "PUT /1.0/provisioning/clusters/alpha"],
    );
    const posted = writes[0]!.body as { properties: Record<string, string> };
    assert.equal(posted.properties[UNSAVED], "true");
    const put = writes[1]!.body as { properties: Record<string, string> };
    assert.deepEqual(put.properties, Object.fromEntries(Object.entries(posted.properties).filter(([key]) => key !== UNSAVED)), "the PUT changes nothing else");
    assert.equal(t.live("alpha")?.properties[UNSAVED], undefined);
    assert.equal((created.state!.properties_all as Record<string, string>)[UNSAVED], undefined);

    const plain = await t.converge(null, config({ name: "beta", servers: ["server03"], deletion_policy: "forget" }));
    assert.deepEqual(summaries(plain.diagnostics, "error"), []);
    const plainWrites = (await t.requests()).filter((r) => r.method !== "GET");
    assert.deepEqual(
      plainWrites.map((r) => `${r.method} ${r.path}`),
      ["POST /1.0/provisioning/clusters"],
    );
    assert.equal((plainWrites[0]!.body as { properties: Record<string, string> }).properties[UNSAVED], undefined);
  }));

test("in a destroy without a journal, validate stops on a cluster of this adoption key still marked unsaved, with one GET; the next apply removes the mark", () =>
  withCluster(async (t) => {
    const created = await unsavedLeftover(t, KEYED);

    const [diagnostic, ...more] = await validateConnected(t, KEYED, DESTROY);
    assert.equal(diagnostic?.summary, UNSAVED_LEFTOVER);
    assert.deepEqual(more, []);
    assert.deepEqual(diagnostic.path, ["name"]);
    assert.match(
      diagnostic.detail!,
      /Nothing was changed\. Run terraform apply \(it adopts the cluster into state without creating it, and removes the mark\), then terraform destroy \(by its deletion_policy "forget"\)/,
    );
    assert.deepEqual(await t.calls({ all: true }), ["GET /1.0/provisioning/clusters/alpha 200"], "one read, no write");

    // No read outside a destroy, with deletion policy retain, or for another adoption key's resource.
    for (const command of NOT_DESTROY) assert.deepEqual(await validateConnected(t, KEYED, command), [], JSON.stringify(command));
    assert.deepEqual(await validateConnected(t, { adoption_key: "stack/a" }, DESTROY), [], "retain");
    assert.deepEqual(await t.calls({ all: true }), []);
    assert.deepEqual(await validateConnected(t, { ...KEYED, adoption_key: "other-stack/a" }, DESTROY), []);

    // In state (the create warned): the next apply's plan shows the mark going, and its PUT removes it.
    const state = await t.refresh(created.state!, created.private);
    assert.equal((state!.properties_all as Record<string, string>)[UNSAVED], "true");
    await t.calls();
    const updated = await t.converge(state, config(KEYED), created.private);
    assert.deepEqual(summaries(updated.diagnostics, "error"), []);
    assert.equal((updated.plan.planned!.properties_all as Record<string, string>)[UNSAVED], undefined, "the plan shows the mark going");
    assert.deepEqual(await t.calls(), ["PUT /1.0/provisioning/clusters/alpha 201"]);
    assert.equal(t.live("alpha")?.properties[UNSAVED], undefined);
    assert.deepEqual(await validateConnected(t, KEYED, DESTROY), []);
  }));

test("a fresh checkout's apply adopts a cluster still marked unsaved and removes the mark; a destroy then goes through validate", () =>
  withCluster(async (t) => {
    await unsavedLeftover(t, KEYED);
    const adopted = await t.converge(null, config(KEYED));
    assert.deepEqual(summaries(adopted.diagnostics, "error"), []);
    assert.deepEqual(summaries(adopted.diagnostics, "warning"), [ADOPTS]);
    assert.deepEqual(await t.calls(), ["PUT /1.0/provisioning/clusters/alpha 201"], "adopted, not created again");
    assert.equal(t.live("alpha")?.properties[UNSAVED], undefined);
    assert.deepEqual(await validateConnected(t, KEYED, DESTROY), []);
  }));

test("in a destroy, validate that cannot read the cluster, or cannot know its name, warns that it could not check, naming why", () =>
  withCluster(async (t) => {
    const unknownUrl = () => Promise.reject(new Error("The provider block's url is not known until apply"));
    const diagnostics = await validateConnected(t, KEYED, DESTROY, unknownUrl);
    assert.deepEqual(summaries(diagnostics, "error"), []);
    assert.deepEqual(summaries(diagnostics, "warning"), ['Cannot check whether an interrupted apply left cluster "alpha" outside state']);
    assert.match(
      diagnostics[0]!.detail!,
      /^The provider block's url is not known until apply\nWith an empty state, terraform destroy sees no such cluster otherwise; oc-cdktf leftovers lists it\.$/,
    );

    // Terraform validates with every variable unknown: a name from one cannot be looked up.
    const fromVariable = await validateConnected(t, { ...KEYED, name: UNKNOWN }, DESTROY);
    assert.deepEqual(summaries(fromVariable, "warning"), ["Cannot check whether an interrupted apply left cluster (name not known) outside state"]);
    assert.match(fromVariable[0]!.detail!, /^Its name or adoption_key comes from a value not known at validation \(a variable\)\./);
    assert.deepEqual(await validateConnected(t, { deletion_policy: "forget", name: UNKNOWN }, DESTROY), [], "no adoption_key: nothing to check");
    assert.deepEqual(await t.calls({ all: true }), [], "no read");
  }));
