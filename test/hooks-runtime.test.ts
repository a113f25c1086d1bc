// The hook runtime against the local Operations Center, without terraform: each test writes
// hook specs as the constructs would, runs the hook in-process as `oc-cdktf hook <kind>` does, and
// checks what a user observes: the exit code, the printed lines, the exact changing requests
// Operations Center received, and its state afterwards.
import assert from "node:assert/strict";
import { test } from "node:test";
import { writeBookkeeping } from "../src/hooks/bookkeeping.js";
import { digest } from "../src/hooks/digest.js";
import type { CreationSpec, InventorySpec, MembersSpec, SettingsSpec, TemplateSpec } from "../src/hooks/spec.js";
import type { RequestLogEntry } from "../src/local-oc/index.js";
import {
  OWNER,
  SERVICES,
  captureStderr,
  clusterSpec,
  creationRecord,
  startHookHarness,
  type HookHarness,
} from "./fixtures/hooks/harness.js";

const CLUSTERS = "/1.0/provisioning/clusters";
const TEMPLATES = "/1.0/provisioning/cluster-templates";

/** method, path, query and status of a request: what the assertions compare. */
function call(entry: RequestLogEntry): string {
  const query = new URLSearchParams(entry.query).toString();
  return `${entry.method} ${entry.path}${query === "" ? "" : `?${query}`} ${entry.status}`;
}

async function withHarness(fn: (h: HookHarness) => Promise<void>): Promise<void> {
  const h = await startHookHarness();
  try {
    await fn(h);
  } finally {
    await h.close();
  }
}

function cluster(h: HookHarness, name: string) {
  return h.oc.snapshot().clusters.find((c) => c.name === name);
}

/** Creates a cluster the way someone without this tool would (no bookkeeping properties). */
async function createByHand(h: HookHarness, name: string, servers: string[], properties: Record<string, string> = {}) {
  await h.other.createCluster({
    name,
    connection_url: `https://${name}.example.test:8443`,
    server_names: servers,
    server_type: "incus",
    properties,
  });
}

/** Creates a cluster as if an earlier apply of owner `owner` had (bookkeeping properties set). */
async function createOwned(
  h: HookHarness,
  name: string,
  servers: string[],
  options: { owner?: string; policy?: "retain" | "forget" | "factory-reset" } = {},
) {
  await createByHand(
    h,
    name,
    servers,
    writeBookkeeping({
      owner: options.owner ?? OWNER,
      deletionPolicy: options.policy ?? "retain",
      creation: creationRecord({}),
      members: servers,
      properties: [],
    }),
  );
}

const settingsSpec = (name: string, extra: Partial<SettingsSpec> = {}): SettingsSpec => ({
  kind: "settings",
  construct_path: `stack/${name}`,
  owner: OWNER,
  cluster: name,
  properties: { team: "storage" },
  deletion_policy: "retain",
  ...extra,
});

const membersSpec = (name: string, servers: string[]): MembersSpec => ({
  kind: "members",
  construct_path: `stack/${name}`,
  owner: OWNER,
  cluster: name,
  server_names: servers,
  copy_services_config: true,
});

// ---- cluster create hook ------------------------------------------------------------------

test("cluster hook: creates the cluster with one POST that records owner, policy, creation inputs, members and properties", () =>
  withHarness(async (h) => {
    const spec = clusterSpec("alpha", ["server01", "server02"], { properties: { team: "storage", tier: "gold" } });
    const run = await h.run("cluster", spec);
    assert.equal(run.code, 0, run.lines.join("\n"));
    assert.deepEqual(run.lines, [
      "oc-cdktf: alpha: look up cluster ... ok (N ms)",
      "oc-cdktf: servers: list registered servers ... ok (N ms)",
      "oc-cdktf: [1/1] alpha: create one-off on server01, server02 ... ok (N ms)",
    ]);
    assert.deepEqual(run.mutations.map(call), [`POST ${CLUSTERS} 201`]);
    const body = run.mutations[0]!.body as Record<string, unknown>;
    assert.deepEqual(body.properties, {
      team: "storage",
      tier: "gold",
      "oc-cdktf.io/owner": "o",
      "oc-cdktf.io/deletion-policy": "retain",
      "oc-cdktf.io/creation": JSON.stringify(spec.creation),
      "oc-cdktf.io/members": JSON.stringify(["server01", "server02"]),
      "oc-cdktf.io/properties": JSON.stringify(["team", "tier"]),
    });
    assert.deepEqual(body.server_names, ["server01", "server02"]);
    assert.deepEqual(body.services_config, SERVICES);
    assert.equal(body.server_type, "incus");

    const live = cluster(h, "alpha");
    assert.equal(live?.status, "ready");
    assert.deepEqual(live?.members, ["server01", "server02"]);
    assert.equal(live?.properties["oc-cdktf.io/owner"], "o");
    assert.equal(live?.description, "cluster alpha");

    // Applying again adopts the cluster: reads only.
    const again = await h.run("cluster", spec);
    assert.equal(again.code, 0, again.lines.join("\n"));
    assert.deepEqual(again.mutations, []);
    assert.deepEqual(again.lines, [
      "oc-cdktf: alpha: look up cluster ... ok (N ms)",
      'oc-cdktf: alpha: exists (ready) and is managed by "o": adopted, nothing to create',
    ]);
  }));

test("cluster hook: refuses a cluster it did not create, naming the owner property, and changes nothing", () =>
  withHarness(async (h) => {
    await createByHand(h, "theirs", ["server01"], { team: "db" });
    await createOwned(h, "other-stack", ["server02"], { owner: "p" });
    const before = h.oc.snapshot().clusters;

    const run = await h.run("cluster", clusterSpec("theirs", ["server01"]));
    assert.equal(run.code, 1);
    assert.deepEqual(run.mutations, []);
    assert.deepEqual(run.lines.slice(-2), [
      'oc-cdktf: error: stack/theirs: cluster "theirs" exists in Operations Center but has no owner, not "o". ' +
        "Choose another name, or adopt it by setting its property oc-cdktf.io/owner=o " +
        "(operations-center provisioning cluster edit theirs).",
      "oc-cdktf: state: nothing was changed",
    ]);

    const run2 = await h.run("cluster", clusterSpec("other-stack", ["server02"]));
    assert.equal(run2.code, 1);
    assert.deepEqual(run2.mutations, []);
    assert.match(run2.lines.join("\n"), /cluster "other-stack" exists in Operations Center but belongs to owner "p", not "o"/);

    // The content hooks refuse it the same way.
    for (const [kind, spec] of [
      ["members", membersSpec("theirs", ["server01", "server03"])],
      ["settings", settingsSpec("theirs", { properties: {} })],
      ["creation", { kind: "creation", construct_path: "stack/theirs", owner: OWNER, cluster: "theirs", cluster_address: "terraform_data.theirs_cluster", creation: creationRecord() }],
    ] as const) {
      const refused = await h.run(kind, spec);
      assert.equal(refused.code, 1, kind);
      assert.deepEqual(refused.mutations, [], kind);
      assert.match(refused.lines.join("\n"), /has no owner, not "o"\. Choose another name, or adopt it by setting its property oc-cdktf\.io\/owner=o/, kind);
    }
    assert.deepEqual(h.oc.snapshot().clusters, before);
  }));

test("cluster hook: removes the pending record a failed create of this owner left, then creates", () =>
  withHarness(async (h) => {
    const spec = clusterSpec("beta", ["server01", "server02"]);
    // server02's IncusOS refuses writes: the services config step fails after OC inserted the record.
    h.oc.setFaults({ failMembers: ["server02"] });
    const failed = await h.run("cluster", spec);
    assert.equal(failed.code, 1);
    assert.deepEqual(failed.mutations.map(call), [`POST ${CLUSTERS} 500`]);
    assert.equal(failed.lines[2], "oc-cdktf: [1/1] beta: create one-off on server01, server02 ... failed (N ms)");
    assert.match(failed.lines.join("\n"), /error: .*server02/);
    assert.equal(
      failed.lines.at(-1),
      'oc-cdktf: state: cluster "beta" is left pending; the next apply removes that record before creating it again',
    );
    assert.equal(cluster(h, "beta")?.status, "pending");

    h.oc.setFaults({});
    const run = await h.run("cluster", spec);
    assert.equal(run.code, 0, run.lines.join("\n"));
    assert.deepEqual(run.mutations.map(call), [`DELETE ${CLUSTERS}/beta?mode=normal 200`, `POST ${CLUSTERS} 201`]);
    assert.deepEqual(run.lines.slice(2), [
      "oc-cdktf: [1/2] beta: remove the pending record left by a failed create ... ok (N ms)",
      "oc-cdktf: [2/2] beta: create one-off on server01, server02 ... ok (N ms)",
    ]);
    assert.equal(cluster(h, "beta")?.status, "ready");
    assert.deepEqual(cluster(h, "beta")?.members, ["server01", "server02"]);
  }));

test("cluster hook: server problems fail before any change, all listed at once", () =>
  withHarness(async (h) => {
    await createByHand(h, "elsewhere", ["server01"]);
    const before = h.oc.snapshot();
    const run = await h.run("cluster", clusterSpec("gamma", ["server01", "server09", "server02"]));
    assert.equal(run.code, 1);
    assert.deepEqual(run.mutations, []);
    assert.deepEqual(run.lines.slice(2), [
      'oc-cdktf: error: stack/gamma: Operations Center would refuse to create cluster "gamma":\n' +
        '  - server "server01" is already part of cluster "elsewhere"\n' +
        '  - server "server09" is not registered in Operations Center\n' +
        "Fix the cluster's servers (or the servers themselves) and apply again.",
      "oc-cdktf: state: nothing was created",
    ]);
    assert.deepEqual(h.oc.snapshot().clusters, before.clusters);
    assert.deepEqual(h.oc.snapshot().servers, before.servers);
  }));

test("cluster hook: creates from a template with the variable values, without one-off configs", () =>
  withHarness(async (h) => {
    await h.other.createClusterTemplate({
      name: "std",
      description: "",
      service_config_template: "lvm:\n  enabled: @LVM@\n",
      application_config_template: "",
      variables: { LVM: { description: "enable LVM", default: "false" } },
    });
    const values = { LVM: "true" };
    const spec = clusterSpec("tpl", ["server01"], {
      cluster_template: "std",
      cluster_template_variable_values: values,
      creation: { server_type: "incus", services_config: {}, application_config: {}, template: "std", template_values: { LVM: digest("true") } },
    });
    delete spec.services_config;
    delete spec.application_seed_config;
    const run = await h.run("cluster", spec);
    assert.equal(run.code, 0, run.lines.join("\n"));
    assert.deepEqual(run.mutations.map(call), [`POST ${CLUSTERS} 201`]);
    const body = run.mutations[0]!.body as Record<string, unknown>;
    assert.equal(body.cluster_template, "std");
    assert.deepEqual(body.cluster_template_variable_values, values);
    assert.equal(body.services_config, undefined);
    assert.equal(body.application_seed_config, undefined);
    assert.equal(run.lines[2], 'oc-cdktf: [1/1] tpl: create from template "std" on server01 ... ok (N ms)');
    const live = cluster(h, "tpl");
    assert.equal(live?.cluster_template, "std");
    assert.deepEqual(live?.services_config, { lvm: { enabled: true } });
  }));

// ---- creation check hook ------------------------------------------------------------------

test("creation hook: passes when the creation inputs match, and names a changed services config key without changing anything", () =>
  withHarness(async (h) => {
    assert.equal((await h.run("cluster", clusterSpec("delta", ["server01"]))).code, 0);
    const creation = (record = creationRecord()): CreationSpec => ({
      kind: "creation",
      construct_path: "stack/delta",
      owner: OWNER,
      cluster: "delta",
      cluster_address: "terraform_data.delta_cluster",
      creation: record,
    });

    const ok = await h.run("creation", creation());
    assert.equal(ok.code, 0, ok.lines.join("\n"));
    assert.deepEqual(ok.mutations, []);
    assert.deepEqual(ok.lines, [
      "oc-cdktf: delta: read cluster ... ok (N ms)",
      "oc-cdktf: delta: creation inputs match what the cluster was created with",
    ]);

    const changed = await h.run("creation", creation(creationRecord({ lvm: { enabled: true } })));
    assert.equal(changed.code, 1);
    assert.deepEqual(changed.mutations, []);
    const error = changed.lines.find((l) => l.startsWith("oc-cdktf: error: "));
    assert.ok(error, changed.lines.join("\n"));
    assert.match(error, /^oc-cdktf: error: stack\/delta: servicesConfig\.lvm changed since cluster "delta" was created\./);
    assert.match(error, /bulk operations/);
    assert.match(error, /terraform apply -replace=terraform_data\.delta_cluster /);
    assert.equal(changed.lines.at(-1), 'oc-cdktf: state: cluster "delta" is unchanged');

    // The cluster hook reports the same when it finds the cluster on a later apply.
    const adopt = await h.run("cluster", clusterSpec("delta", ["server01"], { creation: creationRecord({ lvm: { enabled: true } }) }));
    assert.equal(adopt.code, 1);
    assert.deepEqual(adopt.mutations, []);
    assert.match(adopt.lines.join("\n"), /servicesConfig\.lvm changed since cluster "delta" was created/);
  }));

// ---- members hook -------------------------------------------------------------------------

test("members hook: adds with one :add-servers, removes with evacuate + one :remove-servers, records members", () =>
  withHarness(async (h) => {
    assert.equal((await h.run("cluster", clusterSpec("eps", ["server01", "server02"]))).code, 0);

    const add = await h.run("members", membersSpec("eps", ["server01", "server02", "server03"]));
    assert.equal(add.code, 0, add.lines.join("\n"));
    assert.deepEqual(add.mutations.map(call), [`POST ${CLUSTERS}/eps/:add-servers 201`, `PUT ${CLUSTERS}/eps 201`]);
    assert.deepEqual(add.mutations[0]!.body, { server_names: ["server03"], copy_services_config: true });
    const recorded = (add.mutations[1]!.body as { properties: Record<string, string> }).properties;
    assert.equal(recorded["oc-cdktf.io/members"], JSON.stringify(["server01", "server02", "server03"]));
    assert.equal(recorded["oc-cdktf.io/owner"], "o");
    assert.equal(recorded.team, "storage");
    assert.deepEqual(add.lines, [
      "oc-cdktf: eps: read cluster ... ok (N ms)",
      "oc-cdktf: servers: list registered servers ... ok (N ms)",
      "oc-cdktf: [1/2] eps: add server03 ... ok (N ms)",
      "oc-cdktf: eps: read cluster ... ok (N ms)",
      "oc-cdktf: [2/2] eps: record members server01, server02, server03 ... ok (N ms)",
    ]);
    assert.deepEqual(cluster(h, "eps")?.members, ["server01", "server02", "server03"]);
    // copy_services_config: the new member got the existing members' services config.
    const servers = h.oc.snapshot().servers;
    const server01 = servers.find((s) => s.name === "server01");
    const server03 = servers.find((s) => s.name === "server03");
    assert.equal(server03?.cluster, "eps");
    assert.ok(server01?.incusos.services.lvm);
    assert.deepEqual(server03?.incusos.services.lvm, server01.incusos.services.lvm);

    const remove = await h.run("members", membersSpec("eps", ["server01", "server02"]));
    assert.equal(remove.code, 0, remove.lines.join("\n"));
    assert.deepEqual(remove.mutations.map(call), [
      "POST /1.0/provisioning/servers/server03/system/:evacuate 200",
      `POST ${CLUSTERS}/eps/:remove-servers 201`,
      `PUT ${CLUSTERS}/eps 201`,
    ]);
    assert.deepEqual(remove.mutations[1]!.body, { server_names: ["server03"] });
    assert.equal(
      (remove.mutations[2]!.body as { properties: Record<string, string> }).properties["oc-cdktf.io/members"],
      JSON.stringify(["server01", "server02"]),
    );
    assert.deepEqual(remove.lines.slice(2), [
      "oc-cdktf: [1/3] server03: evacuate (Operations Center removes only evacuated members) ... ok (N ms)",
      "oc-cdktf: server03: check evacuation ... ok (N ms)",
      "oc-cdktf: [2/3] eps: remove server03 (Operations Center factory-resets them) ... ok (N ms)",
      "oc-cdktf: eps: read cluster ... ok (N ms)",
      "oc-cdktf: [3/3] eps: record members server01, server02 ... ok (N ms)",
    ]);
    assert.deepEqual(cluster(h, "eps")?.members, ["server01", "server02"]);
    assert.equal(cluster(h, "eps")?.properties["oc-cdktf.io/members"], JSON.stringify(["server01", "server02"]));
    // Operations Center factory-reset the removed server: it is no member of anything now.
    assert.notEqual(h.oc.snapshot().servers.find((s) => s.name === "server03")?.cluster, "eps");
  }));

test("members hook: waits while a member is still evacuating, and gives up after OC_CDKTF_EVACUATION_TIMEOUT", async () => {
  const h = await startHookHarness({ evacuationDelayMs: 500 });
  try {
    assert.equal((await h.run("cluster", clusterSpec("slow", ["server01", "server02", "server03"]))).code, 0);
    const remove = await h.run("members", membersSpec("slow", ["server01", "server02"]));
    assert.equal(remove.code, 0, remove.lines.join("\n"));
    assert.deepEqual(remove.lines.slice(2, 5), [
      "oc-cdktf: [1/3] server03: evacuate (Operations Center removes only evacuated members) ... ok (N ms)",
      "oc-cdktf: server03: check evacuation ... ok (N ms)",
      "oc-cdktf: server03: check evacuation ... ok (N ms)",
    ]);
    assert.deepEqual(cluster(h, "slow")?.members, ["server01", "server02"]);
  } finally {
    await h.close();
  }

  const stuck = await startHookHarness({ evacuationDelayMs: 60_000 });
  try {
    assert.equal((await stuck.run("cluster", clusterSpec("stuck", ["server01", "server02", "server03"]))).code, 0);
    const run = await stuck.run("members", membersSpec("stuck", ["server01", "server02"]), { env: { OC_CDKTF_EVACUATION_TIMEOUT: "1" } });
    assert.equal(run.code, 1);
    assert.deepEqual(run.mutations.map(call), ["POST /1.0/provisioning/servers/server03/system/:evacuate 200"]);
    assert.deepEqual(run.lines.slice(-2), [
      'oc-cdktf: error: server "server03" is still not evacuated (in_maintenance 1) after 1 s; check its instances in Incus, or raise OC_CDKTF_EVACUATION_TIMEOUT (seconds)',
      'oc-cdktf: state: server03 may be evacuated but still members of "stuck"',
    ]);
    assert.deepEqual(cluster(stuck, "stuck")?.members, ["server01", "server02", "server03"]);
  } finally {
    await stuck.close();
  }
});

test("members hook: a member added by hand is left alone and reported as drift", () =>
  withHarness(async (h) => {
    assert.equal((await h.run("cluster", clusterSpec("zeta", ["server01", "server02"]))).code, 0);
    await h.other.addClusterServers("zeta", { server_names: ["server04"], copy_services_config: true });

    const run = await h.run("members", membersSpec("zeta", ["server01", "server02"]));
    assert.equal(run.code, 0, run.lines.join("\n"));
    assert.deepEqual(run.mutations, []);
    assert.deepEqual(run.lines, [
      "oc-cdktf: zeta: read cluster ... ok (N ms)",
      "oc-cdktf: servers: list registered servers ... ok (N ms)",
      "oc-cdktf: zeta: drift: member(s) server04 were added outside this stack and are left alone",
      "oc-cdktf: zeta: members are server01, server02, server04: nothing to change",
    ]);
    assert.deepEqual(cluster(h, "zeta")?.members, ["server01", "server02", "server04"]);
  }));

test("members hook: servers Operations Center would refuse fail before any change, all listed", () =>
  withHarness(async (h) => {
    assert.equal((await h.run("cluster", clusterSpec("iota", ["server01"]))).code, 0);
    await createByHand(h, "busy", ["server02"]);
    const run = await h.run("members", membersSpec("iota", ["server01", "server02", "server07"]));
    assert.equal(run.code, 1);
    assert.deepEqual(run.mutations, []);
    assert.deepEqual(run.lines.slice(2), [
      'oc-cdktf: error: stack/iota: Operations Center would refuse to add servers to cluster "iota":\n' +
        '  - server "server02" is already part of cluster "busy"\n' +
        '  - server "server07" is not registered in Operations Center',
      'oc-cdktf: state: cluster "iota" is unchanged',
    ]);
    assert.deepEqual(cluster(h, "iota")?.members, ["server01"]);
  }));

// ---- settings hook ------------------------------------------------------------------------

test("settings hook: one PUT with If-Match; keeps foreign properties, removes the ones it set and dropped; no PUT when equal", () =>
  withHarness(async (h) => {
    const create = clusterSpec("eta", ["server01"], { properties: { team: "storage", tier: "gold" } });
    assert.equal((await h.run("cluster", create)).code, 0);
    // Someone sets a property by hand.
    const { cluster: live } = await h.other.getCluster("eta");
    await h.other.updateCluster("eta", {
      connection_url: live.connection_url,
      channel: live.channel,
      description: live.description,
      properties: { ...live.properties, "set-by-hand": "yes" },
      config: live.config,
    });
    const { etag } = await h.other.getCluster("eta");
    assert.ok(etag);

    const spec = settingsSpec("eta", { properties: { team: "compute" }, description: "new text", deletion_policy: "forget" });
    const { result: run, text: debug } = await captureStderr(() => h.run("settings", spec, { env: { OC_CDKTF_DEBUG: "1" } }));
    assert.equal(run.code, 0, run.lines.join("\n"));
    assert.deepEqual(run.mutations.map(call), [`PUT ${CLUSTERS}/eta 201`]);
    assert.deepEqual(run.lines, ["oc-cdktf: eta: read cluster ... ok (N ms)", "oc-cdktf: eta: update settings ... ok (N ms)"]);
    const putLine = debug.split("\n").find((l) => l.includes(`→ PUT ${CLUSTERS}/eta`));
    assert.ok(putLine, debug);
    assert.ok(putLine.includes(`if-match="${etag.replaceAll('"', "")}"`), putLine);

    const after = cluster(h, "eta");
    assert.equal(after?.description, "new text");
    assert.deepEqual(after?.properties, {
      team: "compute",
      "set-by-hand": "yes",
      "oc-cdktf.io/owner": "o",
      "oc-cdktf.io/deletion-policy": "forget",
      "oc-cdktf.io/creation": JSON.stringify(create.creation),
      "oc-cdktf.io/members": JSON.stringify(["server01"]),
      "oc-cdktf.io/properties": JSON.stringify(["team"]),
    });
    assert.equal(after?.connection_url, create.connection_url);

    const again = await h.run("settings", spec);
    assert.equal(again.code, 0);
    assert.deepEqual(again.mutations, []);
    assert.deepEqual(again.lines, ["oc-cdktf: eta: read cluster ... ok (N ms)", "oc-cdktf: eta: settings are up to date"]);
  }));

test("settings hook: when the cluster changes between its GET and PUT (412), it reads again and keeps the other change", () =>
  withHarness(async (h) => {
    assert.equal((await h.run("cluster", clusterSpec("theta", ["server01"]))).code, 0);
    const { cluster: live } = await h.other.getCluster("theta");
    // Another API user changes the cluster right after the hook's GET.
    const writer = () =>
      h.other.updateCluster("theta", {
        connection_url: live.connection_url,
        channel: live.channel,
        description: "changed meanwhile",
        properties: { ...live.properties, "set-by-hand": "meanwhile" },
        config: live.config,
      });
    const run = await h.runWithWriterBetween(
      `GET ${CLUSTERS}/theta 200`,
      writer,
      "settings",
      settingsSpec("theta", { properties: { team: "compute" } }),
    );
    assert.equal(run.code, 0, run.lines.join("\n"));
    assert.deepEqual(run.requests.map(call), [
      `GET ${CLUSTERS}/theta 200`,
      `PUT ${CLUSTERS}/theta 201`, // the other writer
      `PUT ${CLUSTERS}/theta 412`, // the hook's If-Match no longer matches
      `GET ${CLUSTERS}/theta 200`,
      `PUT ${CLUSTERS}/theta 201`,
    ]);
    assert.deepEqual(run.lines, [
      "oc-cdktf: theta: read cluster ... ok (N ms)",
      "oc-cdktf: theta: update settings ... failed (N ms)",
      "oc-cdktf: theta: changed by someone else meanwhile (412), reading it again",
      "oc-cdktf: theta: read cluster ... ok (N ms)",
      "oc-cdktf: theta: update settings ... ok (N ms)",
    ]);
    const after = cluster(h, "theta");
    assert.equal(after?.properties.team, "compute");
    assert.equal(after?.properties["set-by-hand"], "meanwhile");
    // The spec leaves the description to the server: the other writer's value stays.
    assert.equal(after?.description, "changed meanwhile");
  }));

// ---- cluster destroy hook -----------------------------------------------------------------

test("cluster destroy hook: retain makes no call, forget deletes with mode=force, gone and foreign clusters are left alone", () =>
  withHarness(async (h) => {
    await createOwned(h, "kept", ["server01"], { policy: "retain" });
    await createOwned(h, "dropped", ["server02"], { policy: "forget" });
    await createByHand(h, "foreign", ["server03"]);
    await createOwned(h, "wiped", ["server04", "server05"], { policy: "factory-reset" });

    const retain = await h.run("cluster-destroy", undefined, { cluster: "kept" });
    assert.equal(retain.code, 0, retain.lines.join("\n"));
    assert.deepEqual(retain.mutations, []);
    assert.deepEqual(retain.lines, [
      "oc-cdktf: kept: look up cluster ... ok (N ms)",
      "oc-cdktf: kept: deletion policy is retain: the cluster stays in Operations Center",
    ]);
    assert.ok(cluster(h, "kept"));

    const forget = await h.run("cluster-destroy", undefined, { cluster: "dropped" });
    assert.equal(forget.code, 0, forget.lines.join("\n"));
    assert.deepEqual(forget.mutations.map(call), [`DELETE ${CLUSTERS}/dropped?mode=force 200`]);
    assert.deepEqual(forget.lines, [
      "oc-cdktf: dropped: look up cluster ... ok (N ms)",
      "oc-cdktf: [1/1] dropped: delete (policy forget, mode force) ... ok (N ms)",
    ]);
    assert.equal(cluster(h, "dropped"), undefined);

    const gone = await h.run("cluster-destroy", undefined, { cluster: "dropped" });
    assert.equal(gone.code, 0, gone.lines.join("\n"));
    assert.deepEqual(gone.mutations, []);
    assert.deepEqual(gone.lines, ["oc-cdktf: dropped: look up cluster ... ok (N ms)", "oc-cdktf: dropped: already gone"]);

    const foreign = await h.run("cluster-destroy", undefined, { cluster: "foreign" });
    assert.equal(foreign.code, 0, foreign.lines.join("\n"));
    assert.deepEqual(foreign.mutations, []);
    assert.deepEqual(foreign.lines, [
      "oc-cdktf: foreign: look up cluster ... ok (N ms)",
      'oc-cdktf: foreign: not managed by "o", left alone',
    ]);
    assert.ok(cluster(h, "foreign"));

    const reset = await h.run("cluster-destroy", undefined, { cluster: "wiped" });
    assert.equal(reset.code, 0, reset.lines.join("\n"));
    assert.deepEqual(reset.mutations.map(call), [`DELETE ${CLUSTERS}/wiped?mode=factory-reset 200`]);
    assert.equal(reset.lines[1], "oc-cdktf: [1/1] wiped: delete (policy factory-reset, mode factory-reset) ... ok (N ms)");
    assert.equal(cluster(h, "wiped"), undefined);
  }));

// OC answers DELETE ?mode=factory-reset of a cluster without members with 500 "Cluster not
// found", so a failed create's pending leftover is removed the way the cluster hook removes it.
test(
  "inventory hook: a pending leftover with policy factory-reset is removed with mode=normal",
  () =>
    withHarness(async (h) => {
      h.oc.setFaults({ failMembers: ["server02"] });
      const failed = await h.run("cluster", clusterSpec("left", ["server01", "server02"], { deletion_policy: "factory-reset" }));
      assert.equal(failed.code, 1);
      assert.equal(cluster(h, "left")?.status, "pending");
      h.oc.setFaults({});

      const inventory: InventorySpec = { kind: "inventory", construct_path: "stack/oc", owner: OWNER, clusters: [] };
      const run = await h.run("inventory", inventory);
      assert.equal(run.code, 0, run.lines.join("\n"));
      assert.deepEqual(run.mutations.map(call), [`DELETE ${CLUSTERS}/left?mode=normal 200`]);
      assert.equal(cluster(h, "left"), undefined);
    }),
);

// ---- template hooks -----------------------------------------------------------------------

test("template hook: creates, leaves an equal template alone, replaces differing content with If-Match; destroy deletes and tolerates 404", () =>
  withHarness(async (h) => {
    const spec: TemplateSpec = {
      kind: "template",
      construct_path: "stack/standard",
      template: "standard",
      description: "standard cluster",
      service_config_template: "lvm:\n  enabled: @LVM_ENABLED@\n",
      application_config_template: "config:\n  user.ui.title: @TITLE@\n",
      variables: {
        LVM_ENABLED: { description: "enable LVM", default: "false" },
        TITLE: { description: "UI title", default: "" },
      },
    };
    const create = await h.run("template", spec);
    assert.equal(create.code, 0, create.lines.join("\n"));
    assert.deepEqual(create.mutations.map(call), [`POST ${TEMPLATES} 201`]);
    assert.deepEqual(create.mutations[0]!.body, {
      name: "standard",
      description: spec.description,
      service_config_template: spec.service_config_template,
      application_config_template: spec.application_config_template,
      variables: spec.variables,
    });
    assert.deepEqual(create.lines, [
      "oc-cdktf: standard: look up cluster template ... ok (N ms)",
      "oc-cdktf: [1/1] standard: create cluster template ... ok (N ms)",
    ]);

    const same = await h.run("template", spec);
    assert.equal(same.code, 0);
    assert.deepEqual(same.mutations, []);
    assert.deepEqual(same.lines, [
      "oc-cdktf: standard: look up cluster template ... ok (N ms)",
      "oc-cdktf: standard: cluster template is up to date",
    ]);

    const { etag } = await h.other.getClusterTemplate("standard");
    assert.ok(etag);
    const changed: TemplateSpec = { ...spec, description: "standard cluster, v2" };
    const { result: replace, text: debug } = await captureStderr(() =>
      h.run("template", changed, { env: { OC_CDKTF_DEBUG: "1" } }),
    );
    assert.equal(replace.code, 0, replace.lines.join("\n"));
    assert.deepEqual(replace.mutations.map(call), [`PUT ${TEMPLATES}/standard 201`]);
    assert.deepEqual(replace.lines.slice(1), ["oc-cdktf: [1/1] standard: replace cluster template content ... ok (N ms)"]);
    const putLine = debug.split("\n").find((l) => l.includes(`→ PUT ${TEMPLATES}/standard`));
    assert.ok(putLine?.includes(`if-match="${etag.replaceAll('"', "")}"`), putLine ?? debug);
    assert.equal(h.oc.snapshot().templates.find((t) => t.name === "standard")?.description, "standard cluster, v2");

    const destroy = await h.run("template-destroy", undefined, { template: "standard" });
    assert.equal(destroy.code, 0, destroy.lines.join("\n"));
    assert.deepEqual(destroy.mutations.map(call), [`DELETE ${TEMPLATES}/standard 200`]);
    assert.deepEqual(h.oc.snapshot().templates, []);

    const gone = await h.run("template-destroy", undefined, { template: "standard" });
    assert.equal(gone.code, 0, gone.lines.join("\n"));
    assert.deepEqual(gone.mutations, []);
    assert.deepEqual(gone.requests.map(call), [`GET ${TEMPLATES}/standard 404`]);
    assert.deepEqual(gone.lines, [
      "oc-cdktf: standard: look up cluster template ... ok (N ms)",
      "oc-cdktf: standard: already gone",
    ]);
  }));

test(
  "template destroy hook: a template deleted by someone else between the hook's GET and DELETE counts as already gone",
  () =>
    withHarness(async (h) => {
      await h.other.createClusterTemplate({ name: "t", description: "", service_config_template: "", application_config_template: "", variables: {} });
      const run = await h.runWithWriterBetween(`GET ${TEMPLATES}/t 200`, () => h.other.deleteClusterTemplate("t"), "template-destroy", undefined, {
        template: "t",
      });
      assert.deepEqual(run.requests.map(call), [`GET ${TEMPLATES}/t 200`, `DELETE ${TEMPLATES}/t 200`, `DELETE ${TEMPLATES}/t 404`]);
      assert.equal(run.code, 0, run.lines.join("\n"));
      assert.match(run.lines.at(-1)!, /already gone/);
    }),
);

// ---- inventory hook -----------------------------------------------------------------------

test("inventory hook: applies the recorded policy to this owner's undeclared clusters only", () =>
  withHarness(async (h) => {
    await createOwned(h, "declared", ["server01"], { policy: "forget" });
    await createOwned(h, "removed-forget", ["server02"], { policy: "forget" });
    await createOwned(h, "removed-retain", ["server03"], { policy: "retain" });
    await createOwned(h, "other-owner", ["server04"], { owner: "p", policy: "forget" });
    await createByHand(h, "no-owner", ["server05"]);

    const spec: InventorySpec = { kind: "inventory", construct_path: "stack/oc", owner: OWNER, clusters: ["declared"] };
    const run = await h.run("inventory", spec);
    assert.equal(run.code, 0, run.lines.join("\n"));
    assert.deepEqual(run.mutations.map(call), [`DELETE ${CLUSTERS}/removed-forget?mode=force 200`]);
    assert.deepEqual(run.lines, [
      "oc-cdktf: clusters: list clusters ... ok (N ms)",
      "oc-cdktf: removed-forget: no longer declared in the code",
      "oc-cdktf: [1/1] removed-forget: delete (policy forget, mode force) ... ok (N ms)",
      "oc-cdktf: removed-retain: no longer declared in the code",
      "oc-cdktf: removed-retain: deletion policy is retain: the cluster stays in Operations Center",
    ]);
    assert.deepEqual(
      h.oc.snapshot().clusters.map((c) => c.name).sort(),
      ["declared", "no-owner", "other-owner", "removed-retain"],
    );

    const all: InventorySpec = { ...spec, clusters: ["declared", "removed-retain"] };
    const quiet = await h.run("inventory", all);
    assert.equal(quiet.code, 0);
    assert.deepEqual(quiet.mutations, []);
    assert.deepEqual(quiet.lines, [
      "oc-cdktf: clusters: list clusters ... ok (N ms)",
      'oc-cdktf: inventory: every cluster of "o" is declared in the code',
    ]);
  }));

// ---- usage errors -------------------------------------------------------------------------

test("an unknown hook kind exits 2 without calling Operations Center", () =>
  withHarness(async (h) => {
    const run = await h.run("clusters", undefined);
    assert.equal(run.code, 2);
    assert.deepEqual(run.requests, []);
    assert.deepEqual(run.lines, [
      'oc-cdktf: unknown hook "clusters"; known hooks: cluster, creation, members, settings, template, inventory, cluster-destroy, template-destroy',
    ]);
  }));

test("a missing or mismatched spec file tells to synthesize again", () =>
  withHarness(async (h) => {
    const missing = await h.run("settings", "/nonexistent/cdktf.out/stacks/s/oc-cdktf/a_settings.json");
    assert.equal(missing.code, 1);
    assert.deepEqual(missing.requests, []);
    assert.equal(missing.lines.length, 1);
    assert.match(missing.lines[0]!, /^oc-cdktf: error: cannot read hook spec \/nonexistent\/cdktf\.out\/stacks\/s\/oc-cdktf\/a_settings\.json: /);
    assert.match(missing.lines[0]!, /run cdktf synth again\.$/);

    const wrongKind = await h.run("settings", h.writeSpec("members", membersSpec("x", ["server01"])));
    assert.equal(wrongKind.code, 1);
    assert.deepEqual(wrongKind.requests, []);
    assert.match(wrongKind.lines[0]!, /is not a valid "settings" spec; synthesize again/);

    const noName = await h.run("cluster-destroy", undefined);
    assert.equal(noName.code, 1);
    assert.deepEqual(noName.requests, []);
    assert.deepEqual(noName.lines, ["oc-cdktf: error: OC_CDKTF_CLUSTER is not set; the provisioner sets it"]);
  }));
