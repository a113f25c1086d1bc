// The bulk constructs' deletion_policy at synth: from their cluster's deletion policy (retain and
// forget keep the cluster running, so its configuration stays; factory-reset removes it), remove
// for a cluster this app does not manage, the construct's prop over both, and one policy per
// merged VLAN resource.
import assert from "node:assert/strict";
import { test } from "node:test";
import { TerraformStack, Testing } from "cdktf";
import {
  Cluster,
  ClusterApplication,
  ClusterKernelConfig,
  ClusterVlanTags,
  OperationsCenter,
  type DeletionPolicy,
  type ICluster,
} from "../constructs/index.js";

type Resources = Record<string, Record<string, Record<string, unknown>>>;

function synth(build: (stack: TerraformStack) => ICluster, extra?: (stack: TerraformStack, cluster: ICluster) => void): Resources {
  const app = Testing.app();
  const stack = new TerraformStack(app, "s");
  new OperationsCenter(stack, "oc");
  const cluster = build(stack);
  new ClusterApplication(stack, "debug", { cluster, name: "debug" });
  new ClusterKernelConfig(stack, "kernel", { cluster, config: { blacklist_modules: ["nouveau"] }, deletionPolicy: "remove" });
  new ClusterVlanTags(stack, "uplink", { cluster, interfaceName: "eth0", vlanTags: [100] });
  extra?.(stack, cluster);
  return (JSON.parse(Testing.synth(stack)) as { resource: Resources }).resource;
}

const managed = (deletionPolicy?: DeletionPolicy) => (stack: TerraformStack) =>
  new Cluster(stack, "prod", { name: "prod", servers: ["server01"], ...(deletionPolicy === undefined ? {} : { deletionPolicy }) });

test("deletion_policy follows the cluster: retain (the default) and forget give retain, factory-reset gives remove; the prop wins", () => {
  for (const [policy, expected] of [
    [undefined, "retain"],
    ["retain", "retain"],
    ["forget", "retain"],
    ["factory-reset", "remove"],
  ] as const) {
    const resources = synth(managed(policy));
    assert.equal(resources.operationscenter_cluster_application!.debug!.deletion_policy, expected, String(policy));
    assert.equal(resources.operationscenter_cluster_vlan_tags!.prod_vlan_tags_eth0!.deletion_policy, expected, String(policy));
    assert.equal(resources.operationscenter_cluster_kernel_config!.kernel!.deletion_policy, "remove", "the prop overrides");
  }
  assert.equal(
    new Cluster(new TerraformStack(Testing.app(), "t"), "c", { name: "c", servers: ["server01"], deletionPolicy: "forget" }).deletionPolicy,
    "forget",
  );
});

test("a cluster this app does not manage (fromClusterName) has no deletion policy: its bulk constructs remove what they applied", () => {
  const resources = synth((stack) => Cluster.fromClusterName(stack, "prod", "prod"));
  assert.equal(resources.operationscenter_cluster_application!.debug!.deletion_policy, "remove");
  assert.equal(resources.operationscenter_cluster_vlan_tags!.prod_vlan_tags_eth0!.deletion_policy, "remove");
});

test("ClusterVlanTags merged into one resource must agree on deletionPolicy; a bad value names the construct", () => {
  assert.throws(
    () =>
      synth(
        managed("forget"),
        (stack, cluster) => new ClusterVlanTags(stack, "more", { cluster, interfaceName: "eth0", vlanTags: [200], deletionPolicy: "remove" }),
      ),
    /ClusterVlanTags 's\/more': deletionPolicy "remove" differs from "retain" of 's\/uplink'/,
  );
  assert.throws(
    () => synth(managed(), (stack, cluster) => new ClusterApplication(stack, "gpu", { cluster, name: "gpu-support", deletionPolicy: "keep" as never })),
    /ClusterApplication 's\/gpu': deletionPolicy "keep" is not one of "remove", "retain"\./,
  );
});
