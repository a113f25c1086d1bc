// End to end, with the real terraform binary, against a local Operations Center that behaves as
// the real one where the provider used to rely on it not doing so: OC's stored copy of each
// server is refreshed only by polls, a network PUT leaves the server pending, the join check
// compares stored application lists and VLAN lists in order, and a member that keeps instances
// or custom volumes after an auto evacuation cannot be removed. Each test asserts the servers'
// state and the exact changing calls.
import assert from "node:assert/strict";
import * as path from "node:path";
import { test } from "node:test";
import { startE2E, type E2E } from "./e2e/harness.js";
import { bulkSeed } from "./e2e/bulk-scenario.js";
import { CLUSTER, synthFidelityScenario, type FidelityScenarioConfig } from "./e2e/fidelity-scenario.js";

const MEMBERS = ["server01", "server02", "server03"];
const SERVERS = "/1.0/provisioning/servers";
const BULK = `POST /1.0/provisioning/clusters/${CLUSTER}/:bulk-update`;

interface Stack {
  e2e: E2E;
  synth(config: FidelityScenarioConfig): void;
  /** The tags IncusOS runs on eth0, in its order. */
  tags(server: string): number[];
  /** Changing requests of the last apply, the local OC's control requests left out. */
  changes(): string[];
}

async function withStack(base: FidelityScenarioConfig, fn: (s: Stack) => Promise<void>): Promise<void> {
  // No self-update poll: OC's stored copy changes only through :resync, a bulk action's prepare or
  // a network PUT, so what the provider reads does not depend on how long terraform takes.
  const e2e = await startE2E({ seed: bulkSeed(), selfUpdatePollDelayMs: 2 ** 31 });
  const server = (name: string) => e2e.oc.snapshot().servers.find((s) => s.name === name)!;
  const s: Stack = {
    e2e,
    synth(config) {
      e2e.stackDir = synthFidelityScenario(path.join(e2e.workdir, "cdktf.out"), config);
    },
    tags: (name) => [...((server(name).incusos.network.interfaces ?? []).find((d) => d.name === "eth0")?.vlan_tags ?? [])],
    changes: () => e2e.changes().filter((c) => !c.includes(" /local-oc/")),
  };
  try {
    s.synth(base);
    await e2e.initAndApply();
    await fn(s);
  } finally {
    await e2e.close();
  }
}

function assertConsistent(output: string): void {
  assert.doesNotMatch(output, /inconsistent result/i, output);
}

test("a VLAN change on an existing resource applies in one run: the members are read live, not from OC's stored copy", () =>
  withStack({ servers: MEMBERS, tags: [100] }, async (s) => {
    s.synth({ servers: MEMBERS, tags: [100, 200] });
    const output = await s.e2e.applyOk();
    assertConsistent(output);
    assert.deepEqual(s.changes(), [BULK]);
    for (const server of MEMBERS) assert.deepEqual(s.tags(server), [100, 200]);
    // OC's stored copy does not know yet: the bulk action never writes it.
    const stored = await s.e2e.client.getServerNetwork("server03");
    assert.deepEqual(stored.config!.interfaces!.find((d) => d.name === "eth0")!.vlan_tags, [100]);
    assert.deepEqual(await s.e2e.planChanges(), {}, "the next plan has nothing to do");
  }));

test("[300], then [100, 300] with a server joining, in one apply: server04 gets the members' order and joins", () =>
  withStack({ servers: MEMBERS, tags: [300] }, async (s) => {
    s.synth({ servers: [...MEMBERS, "server04"], tags: [100, 300] });
    const output = await s.e2e.applyOk();
    assertConsistent(output);
    assert.deepEqual(s.changes(), [
      BULK,
      `PUT ${SERVERS}/server04/system/network`,
      `POST ${SERVERS}/server04/:resync`,
      `PUT /1.0/provisioning/clusters/${CLUSTER}`,
      `POST /1.0/provisioning/clusters/${CLUSTER}/:add-servers`,
    ]);
    for (const server of [...MEMBERS, "server04"]) assert.deepEqual(s.tags(server), [300, 100], server);
    const joined = e2eServer(s.e2e, "server04");
    assert.equal(joined.cluster, CLUSTER);
    assert.equal(joined.status, "ready");
    assert.deepEqual(await s.e2e.planChanges(), {});
  }));

test("an application declared while a server joins, in one apply: the stored application lists are re-polled before the join", () =>
  withStack({ servers: MEMBERS, tags: [100] }, async (s) => {
    s.synth({ servers: [...MEMBERS, "server04"], tags: [100], application: "incus-ceph" });
    const output = await s.e2e.applyOk();
    assertConsistent(output);
    const expected = [
      BULK,
      `POST ${SERVERS}/server04/os/1.0/applications`,
      ...[...MEMBERS, "server04"].map((name) => `POST ${SERVERS}/${name}/:resync`),
      `PUT ${SERVERS}/server04/system/network`,
      `POST ${SERVERS}/server04/:resync`,
      `PUT /1.0/provisioning/clusters/${CLUSTER}`,
      `POST /1.0/provisioning/clusters/${CLUSTER}/:add-servers`,
    ];
    // The VLAN and application resources run in either order; the cluster runs after both.
    const changes = s.changes();
    assert.deepEqual([...changes].sort(), [...expected].sort());
    assert.deepEqual(changes.slice(-2), expected.slice(-2));
    for (const server of [...MEMBERS, "server04"]) {
      assert.ok(
        e2eServer(s.e2e, server).incusos.applications.some((a) => a.name === "incus-ceph"),
        server,
      );
      assert.deepEqual(s.tags(server), [100], server);
    }
    assert.equal(e2eServer(s.e2e, "server04").cluster, CLUSTER);
    assert.deepEqual(await s.e2e.planChanges(), {});
  }));

test("removing a member that keeps an instance and a custom volume after an auto evacuation fails at plan, naming them; nothing is changed", () =>
  withStack({ servers: MEMBERS, tags: [100] }, async (s) => {
    await s.e2e.client.request("POST", "/local-oc/instances", { body: { name: "db", location: "server03", config: { "cluster.evacuate": "stop" } } });
    await s.e2e.client.request("POST", "/local-oc/storage-volumes", { body: { name: "data", location: "server03" } });
    s.synth({ servers: ["server01", "server02"], tags: [100] });
    const plan = await s.e2e.plan();
    assert.notEqual(plan.code, 0);
    assert.match(plan.output, /Operations Center will refuse to remove server03 from cluster "edge"/);
    assert.match(plan.output, /instance default\/db stays on server03 \(cluster\.evacuate is stop\)/);
    assert.match(plan.output, /custom volume default\/data on pool "local" stays on server03/);
    const applied = await s.e2e.apply();
    assert.notEqual(applied.code, 0);
    assert.match(applied.output, /Operations Center will refuse to remove server03/);
    assert.deepEqual(s.changes(), []);
    const member = e2eServer(s.e2e, "server03");
    assert.equal(member.cluster, CLUSTER);
    assert.equal(member.in_maintenance, 0, "not evacuated: its instance still runs");
  }));

function e2eServer(e2e: E2E, name: string) {
  return e2e.oc.snapshot().servers.find((s) => s.name === name)!;
}

test("the provider predicts the removal as the local OC decides it: a host-path disk or a local volume is refused at plan; a root disk on the local pool moves and the member is removed", () =>
  withStack({ servers: MEMBERS, tags: [100] }, async (s) => {
    const place = (body: Record<string, unknown>) => s.e2e.client.request("POST", "/local-oc/instances", { body: { location: "server03", ...body } });
    await place({ name: "files", devices: { logs: { type: "disk", path: "/var/log/host", source: "/var/log" } } });
    await place({ name: "db", devices: { data: { type: "disk", path: "/srv", pool: "local", source: "data" } } });
    s.synth({ servers: ["server01", "server02"], tags: [100] });
    const plan = await s.e2e.plan();
    assert.notEqual(plan.code, 0);
    // Terraform wraps diagnostics at 80 columns.
    const output = plan.output.replace(/\s+/g, " ");
    assert.match(output, /instance default\/files stays on server03 \(disk "logs" is the host path \/var\/log\)/);
    assert.match(output, /instance default\/db stays on server03 \(disk "data" is on the zfs pool "local", local to the member\)/);
    assert.equal(e2eServer(s.e2e, "server03").in_maintenance, 0, "not evacuated by the refused plan");

    await s.e2e.client.request("DELETE", "/local-oc/instances/edge/default/files");
    await s.e2e.client.request("DELETE", "/local-oc/instances/edge/default/db");
    await place({ name: "plain", devices: { eth0: { type: "nic", network: "incusbr0" } } });
    await s.e2e.applyOk();
    const members = s.e2e.oc
      .snapshot()
      .servers.filter((x) => x.cluster === CLUSTER)
      .map((x) => x.name);
    assert.deepEqual(members, ["server01", "server02"], "server03 left the cluster (and was factory reset)");
    const listed = (await s.e2e.client.request("GET", "/local-oc/instances")).metadata as Array<{ name: string; location: string; status: string }>;
    assert.deepEqual(
      listed.map((i) => [i.name, ["server01", "server02"].includes(i.location), i.status]),
      [["plain", true, "Running"]],
      "plain moved to a remaining member and runs there",
    );
  }));
