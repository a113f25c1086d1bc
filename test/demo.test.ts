// `npm run demo`, run as the demo runs it (in a work directory of its own): each of its four steps
// says what exists in Operations Center, what the reviewer sees, what drift finds and what destroy
// leaves. Its exit code is 0 only when every step did what it says.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { runDemo } from "../examples/demo.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

test("demo: both clusters with bulk operations and Incus settings, a reviewed change, drift made by hand, destroy", async (t) => {
  mkdirSync(path.join(ROOT, ".e2e"), { recursive: true });
  const workdir = mkdtempSync(path.join(ROOT, ".e2e", "demo-"));
  t.after(() => rmSync(workdir, { recursive: true, force: true }));
  let output = "";
  const code = await runDemo({ workdir, write: (text) => (output += text) });
  assert.equal(code, 0, output);
  const [, applied, review, drift, destroyed] = output.split(/\n=== \d\. /);
  assert.ok(destroyed !== undefined, output);

  assert.match(applied!, /^sites: Apply complete! Resources: 5 added, 0 changed, 0 destroyed\.$/m);
  assert.match(applied!, /^lab: Apply complete! Resources: 4 added, 0 changed, 0 destroyed\.$/m);
  assert.match(applied!, /^lab +ready +- +server04,server05,server06$/m);
  assert.match(applied!, /^site1 +ready +site +server01,server02,server03$/m);
  assert.match(applied!, /^server02 +site1 +100,200 +iscsi 192\.0\.2\.50,nvme 192\.0\.2\.100 +incus +nouveau$/m);
  assert.match(applied!, /^server05 +lab +- +- +incus,debug +-$/m);
  assert.match(applied!, /^lab +cluster\.max_voters +3$/m);
  assert.match(applied!, /^lab +member server04 +roles event-hub, failure domain rack1$/m);

  assert.match(review!, /^Operations Center plan: 1 cluster \(1 with bulk changes\) · 0 destructive operations$/m);
  assert.match(review!, /^ {2}- VLAN eth0: \+300 \(all 3 members\)$/m);
  assert.match(review!, /config\.blacklist_modules: \["nouveau"\] → \["nouveau","radeon"\]$/m);
  assert.match(review!, /^sites: Apply complete! Resources: 0 added, 2 changed, 0 destroyed\. \(the reviewed plan file\)$/m);

  assert.match(drift!, /^Drift: 2 items changed outside Terraform or unmanaged$/m);
  assert.match(drift!, /^ {2}edited outside Terraform: description of lab \("Lab, one-off" → "edited by hand"\)$/m);
  assert.match(drift!, /^ {2}VLAN 100 missing on server02 \(eth0 of site1\): the apply adds it back$/m);

  assert.match(destroyed, /^lab: Destroy complete! Resources: 4 destroyed\.$/m);
  assert.match(destroyed, /^sites: Destroy complete! Resources: 5 destroyed\.$/m);
  assert.match(destroyed, /^clusters: none$/m);
  assert.match(destroyed, /^templates: -$/m);
  // The lab's servers registered again after their factory reset, empty; site1's were forgotten.
  assert.match(destroyed, /^server04 +- +- +- +incus +-$/m);
  assert.doesNotMatch(destroyed, /^server01 /m);
  assert.match(destroyed, /^Incus: no cluster$/m);
});
