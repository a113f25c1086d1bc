// End to end, with the real terraform binary against the local Operations Center: the seven bulk
// resources living together with their cluster (issue 16): a destroy that follows the cluster's
// deletion policy, a rename kept in place, a cluster deleted outside Terraform, the members
// planned exactly when servers change, and a member in maintenance.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { App, LocalBackend, TerraformStack } from "cdktf";
import { Cluster, ClusterApplication, ClusterKernelConfig, ClusterVlanTags, IncusClusterMember, OperationsCenter } from "../constructs/index.js";
import { test } from "node:test";
import { runPipeline } from "./e2e/review-scenario.js";
import { startE2E, type E2E } from "./e2e/harness.js";
import { CLUSTER, ISCSI, KERNEL, LOGGING, WWN, bulkSeed, synthBulkScenario, type BulkScenarioConfig } from "./e2e/bulk-scenario.js";

const MEMBERS = ["server01", "server02", "server03"];

const BULK_TYPES = [
  "operationscenter_cluster_vlan_tags",
  "operationscenter_cluster_iscsi_target",
  "operationscenter_cluster_nvme_target",
  "operationscenter_cluster_multipath_target",
  "operationscenter_cluster_application",
  "operationscenter_cluster_kernel_config",
  "operationscenter_cluster_logging_config",
];

interface Stack {
  e2e: E2E;
  synth(config?: BulkScenarioConfig): void;
  /** Every mutating call since the last apply that is not the cluster resource's own. */
  bulkChanges(): string[];
  tags(server: string, device: string): number[];
}

async function withStack(base: BulkScenarioConfig, fn: (s: Stack) => Promise<void>): Promise<void> {
  const e2e = await startE2E({ seed: bulkSeed() });
  const server = (name: string) => e2e.oc.snapshot().servers.find((s) => s.name === name)!;
  const s: Stack = {
    e2e,
    synth(config = {}) {
      e2e.stackDir = synthBulkScenario(path.join(e2e.workdir, "cdktf.out"), { ...base, ...config });
    },
    bulkChanges: () => e2e.changes().filter((c) => /:bulk-update|\/os\/1\.0\/|\/system\/network/.test(c)),
    tags(name, device) {
      const network = server(name).incusos.network;
      const found = [...(network.interfaces ?? []), ...(network.bonds ?? [])].find((d) => d.name === device);
      return [...(found?.vlan_tags ?? [])].sort((x, y) => x - y);
    },
  };
  try {
    s.synth();
    await e2e.initAndApply();
    await fn(s);
  } finally {
    await e2e.close();
  }
}

function assertEverythingOnEveryMember(s: Stack, members: readonly string[]): void {
  for (const name of members) {
    const os = s.e2e.oc.snapshot().servers.find((x) => x.name === name)!.incusos;
    assert.deepEqual(s.tags(name, "eth0"), [100, 200], name);
    assert.deepEqual(s.tags(name, "bond0"), [300], name);
    assert.deepEqual(os.services.iscsi!.targets, [{ ...ISCSI, port: 3260 }], name);
    assert.equal((os.services.nvme!.targets as unknown[]).length, 1, name);
    assert.deepEqual(os.services.multipath!.wwns, [WWN], name);
    assert.ok(
      os.applications.some((a) => a.name === "debug"),
      name,
    );
    assert.deepEqual(os.kernel.blacklist_modules, KERNEL.blacklist_modules, name);
    assert.deepEqual(os.logging, LOGGING, name);
  }
}

test("destroy of a cluster with deletionPolicy forget keeps every bulk item on its members: no bulk call, no per-member call, and the plan and plan-summary say kept", () =>
  withStack({ bulkDeletionPolicy: undefined }, async (s) => {
    s.synth({ declared: false });
    const plan = await s.e2e.plan();
    assert.equal(plan.code, 0, plan.output);
    for (const type of BULK_TYPES) {
      const rcs = plan.plan!.resource_changes.filter((rc) => rc.type === type);
      assert.ok(rcs.length > 0, type);
      for (const rc of rcs) {
        assert.deepEqual(rc.change.actions, ["delete"], rc.address);
        assert.equal((rc.change.before as Record<string, unknown>).deletion_policy, "retain", rc.address);
      }
    }
    // No warning announces a removal or a reset that the apply will not make.
    assert.doesNotMatch(plan.output, /will be removed from every member|will be reset to the empty config/);
    const summary = await runPipeline("terraform show -json plan.bin | $OC_CDKTF plan-summary - --format text", { cwd: s.e2e.stackDir, env: s.e2e.env });
    assert.equal(summary.code, 0, summary.stdout + summary.stderr);
    assert.doesNotMatch(summary.stdout, /REMOVED|reset to|VLAN eth0: -/);
    assert.match(summary.stdout, /application debug: kept on the cluster: deletion_policy retain/);
    assert.match(summary.stdout, /VLAN eth0: 100, 200 kept on the cluster: deletion_policy retain/);
    assert.match(summary.stdout, /kernel: kept on the cluster: deletion_policy retain/);

    await s.e2e.applyOk();
    assert.deepEqual(s.bulkChanges(), []);
    // The only call is the cluster's own (forget: its record goes, and with it Operations Center's
    // server records; the servers keep running with everything applied).
    assert.deepEqual(s.e2e.changes(), [`DELETE /1.0/provisioning/clusters/${CLUSTER}?mode=force`]);
  }));

test("a bulk construct dropped from the code of a retained cluster is forgotten; with deletionPolicy remove it is removed", () =>
  withStack({ bulkDeletionPolicy: undefined, deletionPolicy: "retain" }, async (s) => {
    s.synth({ kernel: false });
    await s.e2e.applyOk();
    assert.deepEqual(s.bulkChanges(), []);
    for (const name of MEMBERS)
      assert.deepEqual(s.e2e.oc.snapshot().servers.find((x) => x.name === name)!.incusos.kernel.blacklist_modules, KERNEL.blacklist_modules);

    // deletion_policy itself changes in place, with no call.
    s.synth({ bulkDeletionPolicy: "remove", kernel: false });
    const changes = await s.e2e.planChanges();
    assert.ok(
      Object.values(changes).every((actions) => actions.join() === "update"),
      JSON.stringify(changes),
    );
    await s.e2e.applyOk();
    assert.deepEqual(s.bulkChanges(), []);
    s.synth({ bulkDeletionPolicy: "remove", kernel: false, storageTags: undefined });
    await s.e2e.applyOk();
    assert.deepEqual(s.bulkChanges(), [`POST /1.0/provisioning/clusters/${CLUSTER}/:bulk-update`]);
    for (const name of MEMBERS) assert.deepEqual(s.tags(name, "bond0"), []);
  }));

test("renaming the cluster keeps every bulk item in place: an in-place change that follows the rename, no bulk or per-member call, and a clean plan after", () =>
  withStack({}, async (s) => {
    s.synth({ name: "edge-renamed" });
    const plan = await s.e2e.plan();
    assert.equal(plan.code, 0, plan.output);
    for (const rc of plan.plan!.resource_changes.filter((rc) => BULK_TYPES.includes(rc.type))) {
      assert.deepEqual(rc.change.actions, ["update"], rc.address);
      assert.equal((rc.change.after as Record<string, unknown>).cluster, "edge-renamed");
      assert.deepEqual(rc.change.after_unknown, {}, `${rc.address}: ${JSON.stringify(rc.change.after_unknown)}`);
    }
    assert.match(plan.output, /cluster "edge" -> "edge-renamed" follows the cluster's rename/);
    assert.doesNotMatch(plan.output, /must be replaced|known after apply/);

    await s.e2e.applyOk();
    assert.deepEqual(s.bulkChanges(), []);
    assert.ok(
      s.e2e.changes().every((c) => c.startsWith("PUT /1.0/provisioning/clusters/edge") || c.startsWith("POST /1.0/provisioning/clusters/edge")),
      s.e2e.changes().join("\n"),
    );
    assert.ok(s.e2e.oc.snapshot().clusters.some((c) => c.name === "edge-renamed"));
    assertEverythingOnEveryMember(s, MEMBERS);
    const shown = await s.e2e.tf("state", "show", "operationscenter_cluster_application.debug");
    assert.match(shown.stdout, /id += "edge-renamed\/debug"/);
    assert.deepEqual(await s.e2e.planChanges(), {});
  }));

test("a cluster deleted outside Terraform: every bulk resource leaves the state on refresh and is planned for creation with its cluster, without an error", () =>
  withStack({}, async (s) => {
    await s.e2e.client.deleteCluster(CLUSTER, { mode: "force" });
    const plan = await s.e2e.plan();
    assert.equal(plan.code, 0, plan.output);
    const changes = Object.fromEntries(plan.plan!.resource_changes.map((rc) => [rc.address, rc.change.actions.join(",")]));
    assert.equal(changes["operationscenter_cluster.edge"], "create");
    for (const rc of plan.plan!.resource_changes.filter((rc) => BULK_TYPES.includes(rc.type))) assert.equal(changes[rc.address], "create", rc.address);
  }));

test("servers change: every bulk resource plans its members exactly (the declared servers), not (known after apply), and the apply matches the plan", () =>
  withStack({}, async (s) => {
    s.synth({ servers: [...MEMBERS, "server04"] });
    const plan = await s.e2e.plan();
    assert.equal(plan.code, 0, plan.output);
    const all = [...MEMBERS, "server04"];
    for (const rc of plan.plan!.resource_changes.filter((rc) => BULK_TYPES.includes(rc.type))) {
      const after = rc.change.after as Record<string, unknown>;
      assert.deepEqual(rc.change.after_unknown, {}, `${rc.address}: ${JSON.stringify(rc.change.after_unknown)}`);
      if (rc.type === "operationscenter_cluster_vlan_tags") assert.deepEqual(Object.keys(after.vlan_tags_all as object), all, rc.address);
      else assert.deepEqual(after.members, all, rc.address);
    }
    assert.doesNotMatch(plan.output, /members += \[[^\]]*\] -> \(known after apply\)|vlan_tags_all += \{[^}]*\} -> \(known after apply\)/);
    await s.e2e.applyOk();
    assertEverythingOnEveryMember(s, all);
    assert.deepEqual(await s.e2e.planChanges(), {});
  }));

test("a member evacuated: the plan names it and says member by member; the VLAN, kernel and application changes go through each member's IncusOS endpoint and converge in one apply", () =>
  withStack({}, async (s) => {
    await s.e2e.client.evacuateServer("server03");
    assert.equal(s.e2e.oc.snapshot().servers.find((x) => x.name === "server03")!.in_maintenance, 2);
    s.synth({ tenantTags: [100, 200, 400], nvmePort: 8009 });
    const plan = await s.e2e.plan();
    assert.equal(plan.code, 0, plan.output);
    assert.match(plan.output, /cluster "edge" has members in maintenance: server03 \(evacuated\); the change will be applied member by member/);
    await s.e2e.applyOk();
    const calls = s.bulkChanges();
    assert.ok(!calls.some((c) => c.includes(":bulk-update")), calls.join("\n"));
    assert.deepEqual(
      calls.filter((c) => c.endsWith("/os/1.0/system/network")),
      MEMBERS.map((m) => `PUT /1.0/provisioning/servers/${m}/os/1.0/system/network`),
    );
    for (const name of MEMBERS) {
      assert.deepEqual(s.tags(name, "eth0"), [100, 200, 400], name);
      const nvme = s.e2e.oc.snapshot().servers.find((x) => x.name === name)!.incusos.services.nvme!.targets as { port: number }[];
      assert.deepEqual(
        nvme.map((t) => t.port),
        [8009],
        name,
      );
    }
    assert.deepEqual(await s.e2e.planChanges(), {});

    // Restored: the next change is one bulk action again.
    await s.e2e.client.restoreServer("server03");
    s.synth({ tenantTags: [100, 200], nvmePort: 8009 });
    await s.e2e.applyOk();
    assert.deepEqual(s.bulkChanges(), [`POST /1.0/provisioning/clusters/${CLUSTER}/:bulk-update`]);
    for (const name of MEMBERS) assert.deepEqual(s.tags(name, "eth0"), [100, 200], name);
  }));

/**
 * A cluster whose Incus API trusts the provider's client (its application config lists the
 * certificate), with server03's state declared by an IncusClusterMember, and bulk items.
 */
function synthMaintenance(outdir: string, clientCertificate: string, config: { server03: "online" | "evacuated"; tags: number[]; kernel: string[] }): string {
  const app = new App({ outdir, skipValidation: true });
  const stack = new TerraformStack(app, "maintenance");
  new LocalBackend(stack, { path: "terraform.tfstate" });
  new OperationsCenter(stack, "oc", { evacuationTimeout: 60 });
  const cluster = new Cluster(stack, "edge", {
    name: CLUSTER,
    servers: MEMBERS,
    deletionPolicy: "forget",
    applicationConfig: { certificates: [{ type: "client", name: "terraform", certificate: clientCertificate }] },
  });
  new IncusClusterMember(stack, "server03", { cluster, member: "server03", state: config.server03, evacuationMode: "stop" });
  new ClusterVlanTags(stack, "tenants", { cluster, interfaceName: "eth0", vlanTags: config.tags });
  new ClusterApplication(stack, "debug", { cluster, name: "debug" });
  new ClusterKernelConfig(stack, "kernel", { cluster, config: { blacklist_modules: config.kernel } });
  app.synth();
  return path.join(outdir, "stacks", "maintenance");
}

test("evacuate a member with a bulk change in one apply, then restore it with another bulk change in one apply; the restore's plan names the member in maintenance", async () => {
  const e2e = await startE2E({ seed: bulkSeed() });
  try {
    const incusDir = await e2e.oc.writeIncusConfig(path.join(e2e.workdir, "incus-config"));
    e2e.env.INCUS_CONF = incusDir;
    const certificate = readFileSync(path.join(incusDir, "client.crt"), "utf8");
    const synth = (config: { server03: "online" | "evacuated"; tags: number[]; kernel: string[] }) => {
      e2e.stackDir = synthMaintenance(path.join(e2e.workdir, "cdktf.out"), certificate, config);
    };
    const maintenance = (): number | undefined => e2e.oc.snapshot().servers.find((x) => x.name === "server03")!.in_maintenance;
    const tags = (name: string): number[] =>
      [...(e2e.oc.snapshot().servers.find((x) => x.name === name)!.incusos.network.interfaces ?? []).find((d) => d.name === "eth0")!.vlan_tags!].sort(
        (a, b) => a - b,
      );
    const kernel = (name: string): unknown => e2e.oc.snapshot().servers.find((x) => x.name === name)!.incusos.kernel.blacklist_modules;
    synth({ server03: "online", tags: [100], kernel: ["nouveau"] });
    await e2e.initAndApply();

    // Evacuate + a VLAN and a kernel change: one apply.
    synth({ server03: "evacuated", tags: [100, 200], kernel: ["nouveau", "radeon"] });
    await e2e.applyOk();
    assert.equal(maintenance(), 2);
    for (const name of MEMBERS) {
      assert.deepEqual(tags(name), [100, 200], name);
      assert.deepEqual(kernel(name), ["nouveau", "radeon"], name);
    }
    assert.deepEqual(await e2e.planChanges(), {});

    // Restore + a VLAN change: the plan says member by member (server03 is evacuated until the
    // member resource, which runs after the cluster, restores it); one apply.
    synth({ server03: "online", tags: [100, 300], kernel: ["nouveau", "radeon"] });
    const plan = await e2e.plan();
    assert.equal(plan.code, 0, plan.output);
    assert.match(plan.output, /has members in maintenance: server03 \(evacuated\); the change will be applied member by member/);
    await e2e.applyOk();
    assert.deepEqual(
      e2e.changes().filter((c) => c.includes("/system/network") || c.includes(":bulk-update")),
      MEMBERS.map((m) => `PUT /1.0/provisioning/servers/${m}/os/1.0/system/network`),
    );
    assert.equal(maintenance(), 0);
    for (const name of MEMBERS) assert.deepEqual(tags(name), [100, 300], name);
    assert.deepEqual(await e2e.planChanges(), {});
  } finally {
    await e2e.close();
  }
});
