// The Incus L2 constructs at synth: what each writes into cdk.tf.json (a reference to the cluster,
// literal strings escaped, the scriptlet read from a .star file), and the checks that fail the
// synth with the construct path and the provider's messages.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { App, Fn, TerraformOutput, TerraformStack } from "cdktf";
import { createSelfSignedCertificate } from "../src/local-oc/certificates.js";
import { Cluster, ClusterCertificate, IncusClusterGroup, IncusClusterMember, IncusClusterSettings, OperationsCenter } from "../constructs/index.js";

type Resources = Record<string, Record<string, Record<string, unknown>>>;

interface Document {
  resource: Resources;
  data?: Resources;
  output?: Record<string, { value: unknown }>;
}

function synth(build: (stack: TerraformStack, cluster: Cluster) => void): Resources {
  return synthDocument(build).resource;
}

function synthDocument(build: (stack: TerraformStack, cluster: Cluster) => void): Document {
  mkdirSync(".e2e", { recursive: true });
  const outdir = mkdtempSync(path.join(path.resolve(".e2e"), "synth-incus-"));
  try {
    const app = new App({ outdir, skipValidation: true });
    const stack = new TerraformStack(app, "s");
    new OperationsCenter(stack, "oc");
    build(stack, new Cluster(stack, "lab", { name: "lab", servers: ["server01", "server02"] }));
    app.synth();
    return JSON.parse(readFileSync(path.join(outdir, "stacks", "s", "cdk.tf.json"), "utf8")) as Document;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

test("each construct writes one L1 resource that references the cluster; strings are literal; a .star file is read", async () => {
  const pair = await createSelfSignedCertificate({ commonName: "lab", usage: "server" });
  mkdirSync(".e2e", { recursive: true });
  const dir = mkdtempSync(path.join(path.resolve(".e2e"), "star-"));
  const star = path.join(dir, "placement.star");
  writeFileSync(star, 'def instance_placement(request, candidate_members):\n    log_info("${not hcl}")\n');
  try {
    const resources = synth((stack, cluster) => {
      new IncusClusterSettings(stack, "settings", {
        cluster,
        config: { "cluster.max_voters": 5, "cluster.join_token_expiry": "1d" },
        placementScriptlet: star,
      });
      new IncusClusterMember(stack, "m1", { cluster, member: "server01", roles: ["event-hub"], failureDomain: "rack1", description: "cost ${x}" });
      new IncusClusterGroup(stack, "gpu", {
        cluster,
        name: "gpu",
        members: ["server02"],
        config: { "user.purpose": "ml" },
        incusAddress: "https://192.0.2.11:8443",
        incusClientCertificate: "incus.crt",
        incusClientKeyFile: "incus.key",
      });
      new ClusterCertificate(stack, "cert", {
        cluster: Cluster.fromClusterName(stack, "other", "lab2"),
        certificate: pair.certificate,
        privateKey: Fn.file("lab.key"),
      });
    });
    const settings = resources["operationscenter_incus_cluster_settings"]!["settings"]!;
    assert.equal(settings.cluster, "${operationscenter_cluster.lab.name}");
    assert.deepEqual(settings.config, { "cluster.max_voters": "5", "cluster.join_token_expiry": "1d" });
    assert.equal(settings.placement_scriptlet, 'def instance_placement(request, candidate_members):\n    log_info("$${not hcl}")\n');
    const m1 = resources["operationscenter_incus_cluster_member"]!["m1"]!;
    assert.deepEqual([m1.member, m1.roles, m1.failure_domain, m1.description], ["server01", ["event-hub"], "rack1", "cost $${x}"]);
    const gpu = resources["operationscenter_incus_cluster_group"]!["gpu"]!;
    assert.deepEqual(
      [gpu.members, gpu.incus_address, gpu.incus_client_certificate, gpu.incus_client_key_file],
      [["server02"], "https://192.0.2.11:8443", "incus.crt", "incus.key"],
    );
    const cert = resources["operationscenter_cluster_certificate"]!["cert"]!;
    assert.equal(cert.cluster, "lab2");
    assert.equal(cert.private_key, '${file("lab.key")}');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("invalid props fail the synth, naming the construct and the rule", () => {
  const fails = (build: (stack: TerraformStack, cluster: Cluster) => void, expected: RegExp) => assert.throws(() => synth(build), expected);
  fails(
    (s, cluster) => new IncusClusterSettings(s, "settings", { cluster, config: { "cluster.max_standby": 6 } }),
    /IncusClusterSettings 's\/settings': config\.cluster\.max_standby: Value must be between 0 and 5 \(got "6"\)/,
  );
  fails(
    (s, cluster) => new IncusClusterSettings(s, "settings", { cluster, config: { "cluster.offline_threshold": 10 } }),
    /cluster\.offline_threshold: Value must be greater than '10'/,
  );
  fails(
    (s, cluster) => new IncusClusterSettings(s, "settings", { cluster, config: { "cluster.images_minimal_replica": 0 } }),
    /images_minimal_replica: Value must be at least 1, or -1/,
  );
  fails(
    (s, cluster) => new IncusClusterSettings(s, "settings", { cluster, placementScriptlet: "missing.star" }),
    /placementScriptlet file missing\.star does not exist/,
  );
  fails(
    (s, cluster) => new IncusClusterMember(s, "m", { cluster, member: "server01", roles: ["database" as never] }),
    /IncusClusterMember 's\/m': roles: "database" is assigned automatically by Incus/,
  );
  fails(
    (s, cluster) => new IncusClusterMember(s, "m", { cluster, member: "server01", schedulerInstance: "sometimes" as never }),
    /schedulerInstance: "sometimes" is not a scheduler\.instance value \(expected all, manual, group\)/,
  );
  fails(
    (s, cluster) => new IncusClusterGroup(s, "g", { cluster, name: "default", members: [] }),
    /IncusClusterGroup 's\/g': name: the "default" group exists in every Incus cluster/,
  );
  fails((s, cluster) => {
    new IncusClusterMember(s, "a", { cluster, member: "server01" });
    new IncusClusterMember(s, "b", { cluster, member: "server01" });
  }, /IncusClusterMember 's\/b': Incus member "server01" of cluster "lab" is already declared by 's\/a'/);
  fails(
    (s, cluster) => new ClusterCertificate(s, "c", { cluster, certificate: "not pem", privateKey: Fn.file("k") }),
    /ClusterCertificate 's\/c': certificate is not a PEM certificate/,
  );
});

test("Cluster.members(): one operationscenter_incus_cluster_members data source per cluster, created on the first call, that references the cluster", () => {
  const doc = synthDocument((stack, cluster) => {
    const members = cluster.members();
    assert.equal(cluster.members(), members, "a second call returns the same construct");
    new TerraformOutput(stack, "names", { value: members.names });
    new TerraformOutput(stack, "first_status", { value: members.field(0, "status") });
    assert.throws(() => cluster.members({ remote: "other" }), /^Error: Cluster 's\/lab': members\(\) was first called with another Incus connection/);
  });
  const sources = Object.entries(doc.data?.operationscenter_incus_cluster_members ?? {});
  assert.equal(sources.length, 1);
  const [id, source] = sources[0]!;
  // The name is a reference: Terraform reads the members after the cluster (and its joins) are applied.
  assert.equal(source.cluster, "${operationscenter_cluster.lab.name}");
  assert.deepEqual(doc.output?.names?.value, `\${data.operationscenter_incus_cluster_members.${id}.names}`);
  assert.deepEqual(doc.output?.first_status?.value, `\${element(data.operationscenter_incus_cluster_members.${id}.members, 0).status}`);
  assert.equal(synthDocument(() => {}).data?.operationscenter_incus_cluster_members, undefined, "no data source without a call");
});

test("Cluster.members() passes the Incus connection props, as literals, to its data source", () => {
  const doc = synthDocument((_stack, cluster) => {
    cluster.members({ incusAddress: "https://192.0.2.11:8443", incusClientCertificate: "incus.crt", incusClientKeyFile: "incus.key" });
  });
  const source = Object.values(doc.data?.operationscenter_incus_cluster_members ?? {})[0]!;
  assert.equal(source.incus_address, "https://192.0.2.11:8443");
  assert.equal(source.incus_client_certificate, "incus.crt");
  assert.equal(source.incus_client_key_file, "incus.key");
});
