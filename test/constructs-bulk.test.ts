// Synth-time behaviour of the bulk-operation constructs: the L1 resources they synthesize, VLAN
// tags of several constructs merged per cluster and interface, the cluster referenced (ordering
// and servers), the add* helpers on Cluster, and the synth errors naming both construct paths.
import assert from "node:assert/strict";
import { test } from "node:test";
import { TerraformStack, Testing } from "cdktf";
import {
  Cluster,
  ClusterApplication,
  ClusterIscsiTarget,
  ClusterKernelConfig,
  ClusterNvmeTarget,
  ClusterVlanTags,
  OperationsCenter,
} from "../constructs/index.js";

type Resources = Record<string, Record<string, Record<string, unknown>>>;

function synth(build: (stack: TerraformStack, cluster: Cluster) => void): Resources {
  const app = Testing.app();
  const stack = new TerraformStack(app, "s");
  new OperationsCenter(stack, "oc");
  const cluster = new Cluster(stack, "prod", { name: "prod", servers: ["server01", "server02"] });
  build(stack, cluster);
  return (JSON.parse(Testing.synth(stack)) as { resource: Resources }).resource;
}

test("every bulk construct sits on its L1 resource with the cluster's name and servers", () => {
  const resources = synth((stack, cluster) => {
    new ClusterVlanTags(stack, "uplink", { cluster, interfaceName: "eth0", vlanTags: [200, 100] });
    new ClusterIscsiTarget(stack, "san", { cluster, target: "iqn.2004-10.org.example:san1", address: "192.0.2.50" });
    cluster.addNvmeTarget("tcp", "192.0.2.100");
    cluster.addMultipathTarget("0x5000c500a1b2c3d4");
    cluster.addApplication("debug");
    cluster.addKernelConfig({ blacklist_modules: ["nouveau"] });
    cluster.addLoggingConfig({ syslog: { address: "192.0.2.9:514", protocol: "tcp" } });
  });
  const vlan = resources.operationscenter_cluster_vlan_tags!.prod_vlan_tags_eth0!;
  assert.deepEqual(vlan.vlan_tags, [100, 200]);
  // VLAN tags and applications name the cluster and its servers literally and the cluster
  // depends on them: Operations Center admits a server only once it has them.
  assert.equal(vlan.cluster, "prod");
  assert.deepEqual(vlan.servers, ["server01", "server02"]);
  assert.deepEqual(resources.operationscenter_cluster!.prod!.depends_on, [
    "operationscenter_cluster_vlan_tags.prod_vlan_tags_eth0",
    "operationscenter_cluster_application.prod_application-debug",
  ]);
  assert.equal(
    resources.operationscenter_cluster_application!["prod_application-debug"]!.cluster,
    "prod",
    "an application too must be on a server before it joins",
  );
  assert.equal(resources.operationscenter_cluster_iscsi_target!.san!.cluster, "${operationscenter_cluster.prod.name}");
  assert.equal(resources.operationscenter_cluster_iscsi_target!.san!.servers, "${tolist(operationscenter_cluster.prod.servers)}");
  assert.equal(resources.operationscenter_cluster_iscsi_target!.san!.port, 3260);
  assert.equal(resources.operationscenter_cluster_nvme_target!["prod_nvme-tcp-192_0_2_100-default"]!.port, 8009);
  assert.ok(resources.operationscenter_cluster_multipath_target);
  assert.equal(resources.operationscenter_cluster_application!["prod_application-debug"]!.name, "debug");
  assert.equal(resources.operationscenter_cluster_kernel_config!["prod_kernel-config"]!.config, '{"blacklist_modules":["nouveau"]}');
  assert.match(String(resources.operationscenter_cluster_logging_config!["prod_logging-config"]!.config), /"address":"192.0.2.9:514"/);
});

test("tags of several constructs on one interface merge into one resource; another interface gets its own", () => {
  const resources = synth((stack, cluster) => {
    new ClusterVlanTags(stack, "storage", { cluster, interfaceName: "eth0", vlanTags: [300] });
    new ClusterVlanTags(stack, "tenants", { cluster, interfaceName: "eth0", vlanTags: [100, 200] });
    cluster.addVlanTags("bond0", [42]);
  });
  assert.deepEqual(Object.keys(resources.operationscenter_cluster_vlan_tags!).sort(), ["prod_vlan_tags_bond0", "prod_vlan_tags_eth0"]);
  assert.deepEqual(resources.operationscenter_cluster_vlan_tags!.prod_vlan_tags_eth0!.vlan_tags, [100, 200, 300]);
});

test("duplicates are synth errors naming both construct paths; bad props name the construct and field", () => {
  assert.throws(
    () =>
      synth((stack, cluster) => {
        new ClusterVlanTags(stack, "a", { cluster, interfaceName: "eth0", vlanTags: [100] });
        new ClusterVlanTags(stack, "b", { cluster, interfaceName: "eth0", vlanTags: [200, 100] });
      }),
    /ClusterVlanTags 's\/b': VLAN tag 100 on "eth0" of cluster "prod" is already declared by 's\/a'/,
  );
  assert.throws(
    () =>
      synth((stack, cluster) => {
        new ClusterNvmeTarget(stack, "a", { cluster, transport: "tcp", address: "192.0.2.1" });
        cluster.addNvmeTarget("tcp", "192.0.2.1", 8009);
      }),
    /ClusterNvmeTarget 's\/prod\/nvme-tcp-192_0_2_1-8009': NVMe target tcp 192.0.2.1:8009 on cluster "prod" is already declared by 's\/a'/,
  );
  assert.throws(
    () =>
      synth((stack, cluster) => {
        new ClusterKernelConfig(stack, "k1", { cluster, config: {} });
        new ClusterKernelConfig(stack, "k2", { cluster, config: { blacklist_modules: ["x"] } });
      }),
    /ClusterKernelConfig 's\/k2': the kernel config of cluster "prod" is already declared by 's\/k1'/,
  );
  assert.throws(
    () => synth((stack, cluster) => void new ClusterApplication(stack, "app", { cluster, name: "incus" as "debug" })),
    /ClusterApplication 's\/app': name: "incus" is a primary application/,
  );
  assert.throws(
    () => synth((stack, cluster) => void new ClusterVlanTags(stack, "v", { cluster, interfaceName: "eth0", vlanTags: [4095] })),
    /ClusterVlanTags 's\/v': vlanTags: .*4094/,
  );
  assert.throws(
    () => synth((_, cluster) => void cluster.addKernelConfig({ pci: { passthrough: [{ vendor_id: "0x10de", product_id: "1eb8" }] } })),
    /config\.pci\.passthrough\.0\.vendor_id/,
  );
});
