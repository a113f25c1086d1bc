// oc-cdktf plan-summary on plans of the real terraform binary against the local Operations
// Center, run as the documented pipeline: terraform plan -out plan.bin && terraform show -json
// plan.bin | oc-cdktf plan-summary -. Each test starts its own local OC and stack.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { test, type TestContext } from "node:test";
import { startE2E, type E2E } from "./e2e/harness.js";
import { runPipeline, synthReview, type CliResult, type EdgeConfig, type ReviewConfig } from "./e2e/review-scenario.js";
import { FIXTURES } from "./e2e/scenario.js";

const SEED = path.join(FIXTURES, "seed.yaml");

const FULL_EDGE: EdgeConfig = { vlanTags: [100, 200], nvmePort: 8009, application: true, kernel: true, logging: true };

interface Review {
  e2e: E2E;
  synth(config: ReviewConfig): void;
}

async function started(t: TestContext, config: ReviewConfig): Promise<Review> {
  const e2e = await startE2E({ seed: SEED });
  t.after(() => e2e.close());
  const synth = (c: ReviewConfig): void => {
    e2e.stackDir = synthReview(path.join(e2e.workdir, "cdktf.out"), c);
  };
  synth(config);
  const init = await e2e.tf("init", "-input=false");
  assert.equal(init.code, 0, init.stderr);
  return { e2e, synth };
}

const TERRAFORM_ENV = { CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1" };

/** The pull-request step: plan to a file, then the summary of its JSON. */
function summary(e2e: E2E, args: string): Promise<CliResult> {
  return runPipeline(`terraform plan -input=false -no-color -out=plan.bin >/dev/null && terraform show -json plan.bin | $OC_CDKTF plan-summary - ${args}`, {
    cwd: e2e.stackDir,
    env: { ...e2e.env, ...TERRAFORM_ENV },
  });
}

/** The operations of one group of the text format: destructive ones keep their "! ". */
function groupLines(out: string, title: RegExp): string[] {
  const block = out.split("\n\n").find((b) => title.test(b.split("\n")[0]!));
  assert.ok(block !== undefined, `no group ${title} in:\n${out}`);
  return block
    .split("\n")
    .filter((l) => /^ {2}[-!] /.test(l))
    .map((l) => l.slice(2).replace(/^- /, ""));
}

test("create: the template, then the cluster from it on its servers and each bulk operation on all members; nothing destructive", async (t) => {
  const { e2e } = await started(t, {
    edge: FULL_EDGE,
    labs: [{ name: "lab", servers: ["server04", "server05", "server06"], deletionPolicy: "factory-reset" }],
  });
  const result = await summary(e2e, "--format text --fail-on destructive");
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const out = result.stdout;
  assert.match(out.split("\n")[0]!, /^Operations Center plan: 2 clusters \(2 to create\), 1 template \(1 to create\) · 0 destructive operations$/);
  assert.deepEqual(groupLines(out, /^template edge/), ["template edge: create (variables LVM_ENABLED, NVME_ADDRESS, TITLE)"]);
  const edge = groupLines(out, /^cluster edge-1 \(create\)/);
  assert.deepEqual([...edge].sort(), [
    "NVMe target tcp 192.0.2.150:8009: added (all 3 members)",
    "VLAN eth0: +100, +200 (all 3 members)",
    "application debug: installed (all 3 members)",
    "cluster edge-1: create from template edge on server01, server02, server03",
    "kernel: config with blacklist_modules (all 3 members)",
    "logging: remote syslog to 192.0.2.9:514 (udp) (all 3 members)",
  ]);
  // In apply order: what refers to the cluster comes after its creation, what it depends on before.
  const created = edge.indexOf("cluster edge-1: create from template edge on server01, server02, server03");
  assert.ok(created < edge.indexOf("NVMe target tcp 192.0.2.150:8009: added (all 3 members)"), out);
  const synthesized = JSON.parse(readFileSync(path.join(e2e.stackDir, "cdk.tf.json"), "utf8")) as {
    resource: { operationscenter_cluster: { edge: { depends_on?: string[] } } };
  };
  const dependsOn = synthesized.resource.operationscenter_cluster.edge.depends_on ?? [];
  const vlan = edge.indexOf("VLAN eth0: +100, +200 (all 3 members)");
  assert.equal(vlan < created, dependsOn.includes("operationscenter_cluster_vlan_tags.edge_vlan_tags_eth0"), out);
  assert.deepEqual(groupLines(out, /^cluster lab/), ["cluster lab: create on server04, server05, server06"]);
  assert.ok(out.indexOf("template edge (create)") < out.indexOf("cluster edge-1 (create)"), "the template comes first");

  await e2e.applyOk();
  const clean = await summary(e2e, "--format text");
  assert.equal(clean.code, 0);
  // Drift may be listed (the application resource records its members on the next refresh), changes not.
  assert.match(clean.stdout, /^Operations Center plan: no changes to clusters or templates · 0 destructive operations/);
  assert.doesNotMatch(clean.stdout, /^cluster /m);
});

test("in-place settings, members added and removed, VLAN changes, a target replaced, an application and the kernel config dropped", async (t) => {
  const { e2e, synth } = await started(t, { edge: FULL_EDGE });
  await e2e.applyOk();
  synth({
    edge: {
      ...FULL_EDGE,
      servers: ["server01", "server03", "server04"],
      description: "Edge one",
      properties: { team: "net" },
      vlanTags: [100, 300],
      nvmePort: 4420,
      application: false,
      kernel: false,
    },
  });
  const result = await summary(e2e, "--format text --fail-on destructive");
  assert.equal(result.code, 3, result.stdout + result.stderr);
  const out = result.stdout;
  assert.match(out, /· 3 destructive operations/);
  assert.match(out, /^! 1 server will be FACTORY-RESET \(disks and configuration wiped; it must register again\): server02$/m);
  const lines = groupLines(out, /^cluster edge-1 \(change, 3 destructive operations\)/);
  for (const expected of [
    "! members: -server02 (evacuated, then FACTORY-RESET)",
    "members: +server04 (joins, services config copied from a member)",
    'description: null → "Edge one"',
    'properties: +team="net"',
    "VLAN eth0: +300, -200 (all 3 members); tags 100, 300 set on joining server04",
    "! NVMe target tcp 192.0.2.150:8009: port 8009 → 4420: REMOVED, then added again (all 3 members)",
    "kernel: reset to defaults (all 3 members)",
    "logging: config set on joining server04",
  ]) {
    assert.ok(lines.includes(expected), `missing "${expected}" in:\n${out}`);
  }
  assert.ok(
    lines.some((l) => /^! application debug: REMOVED from (every member|server01, server02, server03) \(through each member's IncusOS endpoint\)$/.test(l)),
    out,
  );
  // Removals run first (Terraform destroys dependents before changing what they depend on).
  assert.ok(lines.indexOf("kernel: reset to defaults (all 3 members)") < lines.indexOf("! members: -server02 (evacuated, then FACTORY-RESET)"), out);

  const markdown = await summary(e2e, "");
  assert.equal(markdown.code, 0);
  assert.match(markdown.stdout, /^### ⚠️ Operations Center plan: 1 cluster \(1 to change\)\n\n\*\*3 destructive operations( · [^*]+)?\*\*/);
  assert.match(markdown.stdout, /\| ⚠️ \| members: -server02 \(evacuated, then FACTORY-RESET\) \|/);
  assert.match(markdown.stdout, /<details><summary>Attribute details: cluster edge-1<\/summary>\n\n```diff\n/);
  // The VLAN details show each member's tags, as the operation line reads.
  assert.match(markdown.stdout, /~ server01: 100, 200 → 100, 300\n- server02 \(no longer a member\)\n~ server03: 100, 200 → 100, 300\n\+ server04: 100, 300\n/);
});

test("destroy with each deletion policy: retain calls nothing, forget deletes the record, factory-reset wipes every member", async (t) => {
  const labs = [
    { name: "lab-retain", servers: ["server01"], deletionPolicy: "retain" as const },
    { name: "lab-forget", servers: ["server02"], deletionPolicy: "forget" as const },
    { name: "lab-reset", servers: ["server03", "server04", "server05"], deletionPolicy: "factory-reset" as const },
  ];
  const { e2e, synth } = await started(t, { labs });
  await e2e.applyOk();
  synth({});
  const result = await summary(e2e, "--format text --fail-on destructive");
  assert.equal(result.code, 3, result.stdout + result.stderr);
  const out = result.stdout;
  assert.match(out, /^Operations Center plan: 3 clusters \(3 to destroy\) · 2 destructive operations$/m);
  assert.match(out, /^! 3 servers will be FACTORY-RESET .*: server03, server04, server05$/m);
  assert.deepEqual(groupLines(out, /^cluster lab-retain/), [
    "cluster lab-retain: removed from Terraform only (policy retain): nothing changes in Operations Center",
  ]);
  assert.deepEqual(groupLines(out, /^cluster lab-forget/), [
    "! cluster lab-forget: destroyed with policy forget: its record is deleted from Operations Center; its members (server02) keep running as a cluster",
  ]);
  assert.deepEqual(groupLines(out, /^cluster lab-reset/), [
    "! cluster lab-reset: destroyed with policy factory-reset: ALL 3 MEMBERS WILL BE FACTORY-RESET (server03, server04, server05)",
  ]);
});

test("a creation-only change fails the plan: the summary of terraform plan -json says why and exits 1", async (t) => {
  const { e2e, synth } = await started(t, { labs: [{ name: "lab", servers: ["server04"], deletionPolicy: "factory-reset" }] });
  await e2e.applyOk();
  synth({ labs: [{ name: "lab", servers: ["server04"], deletionPolicy: "factory-reset", servicesConfig: { lvm: { enabled: false } } }] });
  const result = await runPipeline("terraform plan -input=false -json -out=plan.bin | $OC_CDKTF plan-summary - --format text --fail-on destructive", {
    cwd: e2e.stackDir,
    env: { ...e2e.env, ...TERRAFORM_ENV },
  });
  assert.equal(result.code, 1, result.stdout + result.stderr);
  assert.match(result.stdout, /^Operations Center plan FAILED: 1 error; nothing can be applied$/m);
  // A CDKTF app: the error names the props as the code writes them.
  assert.match(
    result.stdout,
    /^Error \(operationscenter_cluster\.lab\): servicesConfig\.lvm changed, but Operations Center uses servicesConfig only when it creates a cluster$/m,
  );
  assert.match(result.stdout, /allowRecreate: true/);
});
