// End to end, with the real terraform binary against the local Operations Center: a plan error
// names the attribute the way the user wrote the configuration, `allow_recreate = true` in plain
// HCL and `allowRecreate: true` in a CDKTF app (whose OperationsCenter construct sets the provider
// block's configuration_language). Each test starts its own local OC.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { startE2E } from "./e2e/harness.js";
import { writeHcl } from "./e2e/hcl.js";
import { A_SERVICES, FIXTURES } from "./e2e/scenario.js";

/** Terraform wraps diagnostics to the terminal width. */
const flat = (text: string): string => text.replace(/[│\s]+/g, " ");

const hcl = (lvm: boolean) => `
resource "operationscenter_cluster" "lab" {
  name            = "lab"
  servers         = ["server04"]
  services_config = jsonencode({ lvm = { enabled = ${lvm} } })
  deletion_policy = "factory-reset"
}
`;

test("plain HCL: a creation-only change fails the plan naming services_config and allow_recreate = true", async (t) => {
  const e2e = await startE2E({ seed: path.join(FIXTURES, "seed.yaml") });
  t.after(() => e2e.close());
  writeHcl(e2e, hcl(true));
  await e2e.initAndApply();
  writeHcl(e2e, hcl(false));
  e2e.oc.clearRequests();
  const { code, output } = await e2e.plan();
  assert.equal(code, 1, output);
  const text = flat(output);
  assert.match(text, /services_config\.lvm changed, but Operations Center uses services_config only when it creates a cluster/);
  assert.match(text, /set allow_recreate = true \(deletion_policy "factory-reset" runs first/);
  assert.doesNotMatch(text, /allowRecreate|servicesConfig|deletionPolicy/);
  assert.deepEqual(e2e.changes(), []);
});

test("CDKTF: the same change fails the plan naming servicesConfig and allowRecreate: true, as the code writes them", async (t) => {
  const e2e = await startE2E({ seed: path.join(FIXTURES, "seed.yaml") });
  t.after(() => e2e.close());
  const base = { servers: ["server01", "server02", "server03"] };
  e2e.synth({ a: base });
  const provider = (JSON.parse(readFileSync(path.join(e2e.stackDir, "cdk.tf.json"), "utf8")) as { provider: { operationscenter: Record<string, unknown>[] } })
    .provider.operationscenter[0];
  assert.equal(provider?.configuration_language, "cdktf");
  await e2e.initAndApply();
  e2e.synth({ a: { ...base, servicesConfig: { ...A_SERVICES, lvm: { enabled: false } } } });
  e2e.oc.clearRequests();
  const { code, output } = await e2e.plan();
  assert.equal(code, 1, output);
  const text = flat(output);
  assert.match(text, /servicesConfig\.lvm changed, but Operations Center uses servicesConfig only when it creates a cluster/);
  assert.match(text, /set allowRecreate: true \(deletionPolicy "factory-reset" runs first/);
  // (Terraform quotes the configuration's own line, "services_config": …, below the message.)
  assert.doesNotMatch(text, /allow_recreate|services_config\.lvm changed|uses services_config|deletion_policy "/);
  assert.deepEqual(e2e.changes(), []);
});
