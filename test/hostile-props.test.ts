// Props and attributes that the server or Terraform would read otherwise than the user meant:
// literal strings that Terraform would evaluate, names no request can reach, and values plan
// passed but Operations Center refuses. Each is refused (or escaped) at synth and at plan alike.
import assert from "node:assert/strict";
import { test } from "node:test";
import { TerraformVariable } from "cdktf";
import { Cluster, ClusterTemplate, OperationsCenter } from "../constructs/index.js";
import { isGoDuration } from "../src/config/go-duration.js";
import { goUrlParseProblem } from "../src/config/go-url.js";
import type { ObjectValue } from "../src/provider/plugin/types.js";
import { clusterTemplateResource } from "../src/provider/resources/cluster-template.js";
import { clusterVlanTagsResource } from "../src/provider/resources/cluster-vlan-tags.js";
import { synth } from "./fixtures/constructs/synth.js";
import { clusterPost, startHarness } from "./fixtures/local-oc/helpers.js";
import { capabilities, config as clusterConfig, resource as clusterResource } from "./fixtures/provider/cluster.js";

const FILE = '${file("/etc/hostname")}';
const ESCAPED = '$${file("/etc/hostname")}';

const errorsOf = (diagnostics: readonly { severity: string; summary: string }[]) => diagnostics.filter((d) => d.severity === "error").map((d) => d.summary);

test("every literal string prop is escaped in cdk.tf.json: servers, the joining servers of bulk constructs, configDir, url, remote, the import id", () => {
  const out = synth(
    (s) => {
      new OperationsCenter(s, "oc", { configDir: `/etc/oc/${FILE}`, url: `https://oc.example.net/${FILE}`, remote: `r${FILE}` });
      const owner = new TerraformVariable(s, "member", { type: "string" });
      const a = new Cluster(s, "a", { name: "a", servers: [FILE, owner.stringValue] });
      a.importFrom(`a${FILE}`);
      a.addVlanTags("eth0", [100]);
      a.addApplication("gpu-support");
    },
    { oc: false },
  );
  const cluster = out.json.resource.operationscenter_cluster!.a!;
  assert.deepEqual(cluster.servers, [ESCAPED, "${var.member}"]);
  assert.deepEqual(out.json.resource.operationscenter_cluster_vlan_tags!.a_vlan_tags_eth0!.servers, [ESCAPED, "${var.member}"]);
  assert.deepEqual(out.json.resource.operationscenter_cluster_application!["a_application-gpu-support"]!.servers, [ESCAPED, "${var.member}"]);
  assert.deepEqual(out.json.provider!.operationscenter, [
    { config_dir: `/etc/oc/${ESCAPED}`, url: `https://oc.example.net/${ESCAPED}`, remote: `r${ESCAPED}`, configuration_language: "cdktf" },
  ]);
  assert.equal(out.json.import![0]!.id, `a${ESCAPED}`);
  assert.ok(!out.text.replaceAll(ESCAPED, "").includes(FILE), "an unescaped ${file(...)} is left in cdk.tf.json");
});

test('the names "." and ".." are refused at synth and at plan, for clusters and templates', async () => {
  for (const name of [".", ".."]) {
    const message = `the cluster name must not be "${name}": no request could reach it (URL paths drop "." and ".." segments); choose another name`;
    assert.throws(() => synth((s) => new Cluster(s, "a", { name, servers: ["server01"] })), new Error(`Cluster 's/a': name: ${message}.`));
    assert.deepEqual(errorsOf(await clusterResource.validate!({ config: clusterConfig({ name }), capabilities })), [message]);
    assert.throws(
      () => synth((s) => new ClusterTemplate(s, "t", { name, servicesConfig: {}, applicationConfig: {}, variables: {} })),
      /^Error: ClusterTemplate 's\/t': name: the cluster template name must not be "\.{1,2}"/,
    );
    const template: ObjectValue = { id: null, name, description: null, services_config: "{}", application_config: "{}", variables: {} };
    assert.deepEqual(errorsOf(clusterTemplateResource.validate!({ config: template, capabilities }) as { severity: string; summary: string }[]), [
      `name: the cluster template name must not be "${name}": no request could reach it (URL paths drop "." and ".." segments); choose another name`,
    ]);
  }
});

test("a connection URL Go's url.Parse refuses fails synth and plan with Operations Center's reason", async () => {
  const url = "https://alpha.example.test:8443/%{x}";
  const diagnostics = await clusterResource.validate!({ config: clusterConfig({ connection_url: url }), capabilities });
  assert.deepEqual(errorsOf(diagnostics), [`connection_url "${url}" is refused by Operations Center: invalid URL escape "%{x"`]);
  assert.throws(
    () => synth((s) => new Cluster(s, "a", { name: "a", servers: ["server01"], connectionUrl: url })),
    new Error(
      `Cluster 's/a': connectionUrl "${url}" is refused by Operations Center: invalid URL escape "%{x"; percent-encode what is not plain (e.g. "%7B" for "{"), or give the URL users reach the cluster at, such as "https://cluster.example.com:8443".`,
    ),
  );
});

test("the local Operations Center refuses a connection URL as Go's url.Parse does, with OC's message", async () => {
  const h = await startHarness({ servers: 2 });
  try {
    const refused = await h.call(
      "POST",
      "/1.0/provisioning/clusters",
      clusterPost("alpha", ["server01"], { connection_url: "https://alpha.example.test/%{x}" }),
    );
    assert.equal(refused.status, 400);
    assert.equal(
      refused.json!.error,
      'Failed creating cluster: Invalid cluster, connection URL is not valid: parse "https://alpha.example.test/%{x}": invalid URL escape "%{x"',
    );
    // The query is kept as written: Go accepts it, and so does the local OC.
    const accepted = await h.call(
      "POST",
      "/1.0/provisioning/clusters",
      clusterPost("beta", ["server02"], { connection_url: "https://beta.example.test/?q=%{" }),
    );
    assert.equal(accepted.status, 201, accepted.text);
  } finally {
    await h.close();
  }
});

test("goUrlParseProblem refuses what net/url.Parse refuses, and nothing else", () => {
  const cases: [string, string | undefined][] = [
    ["https://alpha.example.test:8443", undefined],
    ["", undefined],
    ["https://a.example/?q=%{", undefined], // Go keeps the query as written
    ["https://caf%C3%A9.example/", undefined],
    ["https://[fe80::1%25eth0]:8443/", undefined],
    ["mailto:a%{", undefined], // opaque
    ["https://a.example/%{x", 'invalid URL escape "%{x"'],
    ["https://a.example/#%zz", 'invalid URL escape "%zz"'],
    ["https://a b.example/", 'invalid character " " in host name'],
    ["https://a.example:80x/", 'invalid port ":80x" after host'],
    ["https://%41.example/", 'invalid URL escape "%41"'],
    ["https://[::1/", "missing ']' in host"],
    ["https://us^er@a.example/", "net/url: invalid userinfo"],
    ["https://a.example/\u0000", "net/url: invalid control character in URL"],
    ["https://a.example/\t", "net/url: invalid control character in URL"],
    [":8443", "missing protocol scheme"],
    ["1a:b/c", "first path segment in URL cannot contain colon"],
  ];
  assert.deepEqual(
    cases.map(([url]) => [url, goUrlParseProblem(url)]),
    cases,
  );
});

test("post_restore_delay is checked as Go's time.ParseDuration reads it, overflow included", async () => {
  const accepted = [
    "0",
    "-0",
    "+0",
    "15m",
    "1h30m",
    "1.5s",
    ".5m",
    "1.s",
    "300ms",
    "2µs",
    "2μs",
    "2us",
    "-1h",
    "2562047h",
    "9223372036854775807ns",
    "-9223372036854775808ns",
  ];
  const refused = ["", "-", "15", "1h2", "1hh", ".s", "1d", "+-1s", "1 h", "2562048h", "9223372036854775808ns", "99999999999999999999s"];
  assert.deepEqual(
    accepted.filter((d) => !isGoDuration(d)),
    [],
  );
  assert.deepEqual(
    refused.filter((d) => isGoDuration(d)),
    [],
  );
  const diagnostics = await clusterResource.validate!({
    config: clusterConfig({ rolling_restart: { post_restore_delay: "2562048h", restore_mode: null } }),
    capabilities,
  });
  assert.deepEqual(errorsOf(diagnostics), ['post_restore_delay "2562048h" is not a Go duration; write it like "30s", "5m" or "1h30m"']);
});

test("an interface name no interface can have (a control character, more than 13 bytes) fails the plan", async () => {
  const config = (name: string): ObjectValue => ({ id: null, cluster: "alpha", interface_name: name, vlan_tags: [100], servers: null, vlan_tags_all: null });
  assert.deepEqual(errorsOf(await clusterVlanTagsResource.validate!({ config: config("eth\u00000"), capabilities })), [
    'interface_name: "eth\\u00000" contains the control character U+0000; no interface can have that name',
  ]);
  assert.deepEqual(errorsOf(await clusterVlanTagsResource.validate!({ config: config("ethé123456789"), capabilities })), [
    'interface_name: "ethé123456789" is 14 bytes long; IncusOS allows at most 13',
  ]);
  assert.deepEqual(errorsOf(await clusterVlanTagsResource.validate!({ config: config("uplink0"), capabilities })), []);
});
