// A cluster template with only what Operations Center requires of it: in plain HCL (end to end,
// with the real terraform binary against the local Operations Center), variables that leave out
// `default` or `description` and no application config, then imported back and planned with the
// same configuration; in CDKTF, a ClusterTemplate without applicationConfig or variables.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { App, LocalBackend, TerraformStack } from "cdktf";
import { ClusterTemplate, OperationsCenter } from "../constructs/index.js";
import { startE2E } from "./e2e/harness.js";
import { writeHcl } from "./e2e/hcl.js";
import { FIXTURES } from "./e2e/scenario.js";

const TEMPLATE = `
resource "operationscenter_cluster_template" "rack" {
  name            = "rack"
  services_config = "lvm:\\n  enabled: @LVM@\\nntp:\\n  server: \\"@NTP@\\"\\n"
  variables = {
    LVM = { default = "true" }
    NTP = { description = "NTP server" }
  }
}
`;

test("plain HCL: template variables without default or description, no application_config; created as Operations Center fills them, imported back, and planned clean", async (t) => {
  const e2e = await startE2E({ seed: path.join(FIXTURES, "seed.yaml") });
  t.after(() => e2e.close());
  writeHcl(e2e, TEMPLATE);
  await e2e.initAndApply();

  const posted = e2e.oc.requests.filter((r) => r.method === "POST" && r.path === "/1.0/provisioning/cluster-templates").map((r) => r.body);
  assert.deepEqual(posted, [
    {
      name: "rack",
      description: "",
      service_config_template: 'lvm:\n  enabled: @LVM@\nntp:\n  server: "@NTP@"\n',
      application_config_template: "",
      variables: { LVM: { description: "", default: "true" }, NTP: { description: "NTP server", default: "" } },
    },
  ]);
  assert.deepEqual(
    e2e.oc.snapshot().templates.map((x) => x.variables),
    [{ LVM: { description: "", default: "true" }, NTP: { description: "NTP server", default: "" } }],
  );
  assert.deepEqual(await e2e.planChanges(), {});

  // The same configuration over an imported template: nothing to change.
  const removed = await e2e.tf("state", "rm", "operationscenter_cluster_template.rack");
  assert.equal(removed.code, 0, removed.stderr);
  const imported = await e2e.tf("import", "-input=false", "-no-color", "operationscenter_cluster_template.rack", "rack");
  assert.equal(imported.code, 0, imported.stdout + imported.stderr);
  const plan = await e2e.plan();
  assert.equal(plan.code, 0, plan.output);
  assert.match(plan.output, /No changes/);
});

test("CDKTF: a ClusterTemplate needs neither applicationConfig nor variables, as Operations Center does not; it applies and plans clean", async (t) => {
  const e2e = await startE2E({ seed: path.join(FIXTURES, "seed.yaml") });
  t.after(() => e2e.close());
  const app = new App({ outdir: path.join(e2e.workdir, "cdktf.out"), skipValidation: true });
  const stack = new TerraformStack(app, "plain");
  new LocalBackend(stack, { path: "terraform.tfstate" });
  new OperationsCenter(stack, "oc");
  new ClusterTemplate(stack, "plain", { name: "plain", servicesConfig: { lvm: { enabled: true } } });
  app.synth();
  e2e.stackDir = path.join(e2e.workdir, "cdktf.out", "stacks", "plain");
  const synthesized = JSON.parse(readFileSync(path.join(e2e.stackDir, "cdk.tf.json"), "utf8")) as {
    resource: Record<string, Record<string, Record<string, unknown>>>;
  };
  const template = Object.values(synthesized.resource["operationscenter_cluster_template"]!)[0]!;
  assert.equal(template.application_config, undefined);
  assert.deepEqual(template.variables, {});

  await e2e.initAndApply();
  assert.deepEqual(
    e2e.oc.snapshot().templates.map((x) => [x.name, x.application_config_template, x.variables]),
    [["plain", "", {}]],
  );
  assert.deepEqual(await e2e.planChanges(), {});
});
