// oc-cdktf drift against the local Operations Center after changes made by hand through the API,
// and the drift section of plan-summary for the same changes (real terraform binary).
import assert from "node:assert/strict";
import * as path from "node:path";
import { test } from "node:test";
import { hasDrift, renderDrift } from "../src/review/summary/drift.js";
import { startE2E } from "./e2e/harness.js";
import { runCli, runPipeline, synthReview } from "./e2e/review-scenario.js";
import { FIXTURES } from "./e2e/scenario.js";

test("drift: in sync after the apply; then each change made by hand is reported in domain words with exit 2", async (t) => {
  const e2e = await startE2E({ seed: path.join(FIXTURES, "seed.yaml") });
  t.after(() => e2e.close());
  const outdir = path.join(e2e.workdir, "cdktf.out");
  e2e.stackDir = synthReview(outdir, {
    edge: { description: "Edge 1", vlanTags: [100, 200], nvmePort: 8009 },
    labs: [{ name: "lab", servers: ["server04", "server05"] }],
  });
  await e2e.initAndApply();

  // The directory above the stacks: every stack below it is examined.
  const clean = await runCli(["drift", outdir], { env: e2e.env });
  assert.equal(clean.code, 0, clean.stdout + clean.stderr);
  assert.match(clean.stdout, /^Drift: in sync \(1 stack\)\n\nstack stacks\/review \(clusters edge-1, lab\):\n {2}in sync\n$/);

  const api = e2e.client;
  const live = await api.getCluster("edge-1");
  await api.updateCluster("edge-1", { ...live.cluster, description: "edited by hand" });
  await api.bulkUpdateCluster("edge-1", "add_network_interface_vlan_tags", { interface_name: "eth0", vlan_tags: [999] });
  // What IncusOS runs: OC's stored copy does not have 999 until its next poll of server02.
  const network = await api.incusOS.getNetwork("server02");
  const eth0 = network.config!.interfaces!.find((d) => d.name === "eth0")!;
  eth0.vlan_tags = (eth0.vlan_tags ?? []).filter((tag) => tag !== 100);
  await api.request("PUT", "/1.0/provisioning/servers/server02/os/1.0/system/network", { body: network });
  await api.bulkUpdateCluster("edge-1", "add_nvme_storage_target", { transport: "tcp", address: "192.0.2.77", port: 8009 });
  await api.addClusterServers("lab", { server_names: ["server06"], copy_services_config: true });
  await api.createCluster({
    name: "rogue",
    connection_url: "https://rogue.example.net:8443",
    server_names: ["server08"],
    server_type: "incus",
    services_config: {},
    application_seed_config: {},
  });

  const drifted = await runCli(["drift", outdir, "--format", "text"], { env: e2e.env });
  assert.equal(drifted.code, 2, drifted.stdout + drifted.stderr);
  const lines = drifted.stdout.split("\n").map((l) => l.trim());
  for (const expected of [
    'edited outside Terraform: description of edge-1 ("Edge 1" → "edited by hand")',
    "VLAN 999 on all 3 members (eth0 of edge-1) is foreign and left alone",
    "VLAN 100 missing on server02 (eth0 of edge-1): the apply adds it back",
    "NVMe target tcp 192.0.2.77:8009 on server01, server02, server03 of edge-1 is foreign (no resource declares it) and left alone",
    "members added to lab by hand: server06",
    "cluster rogue",
  ]) {
    assert.ok(lines.includes(expected), `missing "${expected}" in:\n${drifted.stdout}`);
  }
  assert.match(drifted.stdout, /^clusters in Operations Center at https:\/\/127\.0\.0\.1:\d+ that no stack under .* manages:$/m);
  // The target the template put there at creation is not foreign.
  assert.doesNotMatch(drifted.stdout, /192\.0\.2\.200/);

  const json = await runCli(["drift", e2e.stackDir, "--format", "json"], { env: e2e.env });
  assert.equal(json.code, 2);
  const report = JSON.parse(json.stdout) as { in_sync: boolean; unmanaged: { clusters: string[] }[]; stacks: { stack: string }[] };
  assert.equal(report.in_sync, false);
  assert.deepEqual(
    report.unmanaged.map((u) => u.clusters),
    [["rogue"]],
  );
  assert.deepEqual(
    report.stacks.map((s) => s.stack),
    ["."],
  );

  // The pull-request summary lists the same drift apart from what merging does.
  const summary = await runPipeline(
    "terraform plan -input=false -no-color -out=plan.bin >/dev/null && terraform show -json plan.bin | $OC_CDKTF plan-summary - --format text",
    {
      cwd: e2e.stackDir,
      env: { ...e2e.env, CHECKPOINT_DISABLE: "1" },
    },
  );
  assert.equal(summary.code, 0, summary.stdout + summary.stderr);
  const [changes, drift] = summary.stdout.split("Drift (changed outside Terraform, found by refresh):\n");
  assert.ok(drift !== undefined, summary.stdout);
  assert.match(changes!, /^ {2}- description: "edited by hand" → "Edge 1"$/m);
  assert.match(changes!, /^ {2}- VLAN eth0: 100 restored on server02$/m);
  assert.match(drift, /^ {2}edited outside Terraform: description of edge-1 \("Edge 1" → "edited by hand"\)$/m);
  assert.match(drift, /^ {2}VLAN 999 on all 3 members \(eth0 of edge-1\) is foreign and left alone$/m);
  assert.match(drift, /^ {2}members added to lab by hand: server06$/m);
});

test("drift: a directory without stacks, or no directory at all, is an error (exit 1) that says what to give", async () => {
  const empty = await runCli(["drift", FIXTURES]);
  assert.equal(empty.code, 1);
  assert.match(empty.stderr, /no Terraform stack under .*: run cdktf synth first, or give the stack directory/);
  const missing = await runCli(["drift", "/nonexistent/stacks"]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /is not a directory/);
});

test("drift: a report of thousands of items stays under --max-chars and counts what it left out", () => {
  const items = Array.from({ length: 3000 }, (_, i) => ({
    kind: "cluster" as const,
    name: `site-${i}`,
    address: `operationscenter_cluster.s${i}`,
    text: `edited outside Terraform: description of site-${i} ("a" → "b")`,
  }));
  const report = {
    directory: "cdktf.out",
    stacks: [{ stack: "stacks/sites", items, clusters: [] }],
    unmanaged: [{ url: "https://oc.example.net:7443", clusters: ["rogue"] }],
    errors: [],
  };
  assert.equal(hasDrift(report), true);
  for (const format of ["markdown", "text"] as const) {
    const out = renderDrift(report, format, 5_000);
    assert.ok(out.length <= 5_000, `${format}: ${out.length}`);
    assert.match(out, /Drift: 3001 items changed outside Terraform or unmanaged/);
    assert.match(out, /Left out to stay under 5000 characters: \d+ drift items\. Run oc-cdktf drift --format text locally to see all\./);
    assert.match(out, /cluster rogue/, "the unmanaged cluster is kept before the stack's lines");
  }
});
