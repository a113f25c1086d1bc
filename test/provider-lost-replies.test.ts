// A change whose reply is lost (the local OC's scripted faults: "drop" closes the connection
// before the request is handled, "lose-reply" handles it and then closes the connection) is read
// back and decided: done, or sent again. Nothing is left half-done, duplicated or failed when the
// read shows what happened. Each fault hits exactly the named request, so nothing depends on timing.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Faults } from "../src/local-oc/index.js";
import type { ObjectValue } from "../src/provider/plugin/types.js";
import { clusterApplicationResource } from "../src/provider/resources/cluster-application.js";
import { clusterKernelConfigResource } from "../src/provider/resources/cluster-kernel-config.js";
import { clusterVlanTagsResource } from "../src/provider/resources/cluster-vlan-tags.js";
import { CLUSTERS, config, summaries, withCluster, type ClusterHarness } from "./fixtures/provider/cluster.js";
import { CLUSTER, errors, withBulk } from "./fixtures/provider/bulk.js";

type Fault = NonNullable<Faults["next"]>[number]["fault"];
const once = (method: string, path: string, fault: Fault): Faults => ({ next: [{ method, path, fault }] });

async function created(t: ClusterHarness): Promise<ObjectValue> {
  const step = await t.converge(null, config());
  assert.deepEqual(summaries(step.diagnostics, "error"), []);
  await t.calls();
  return step.state!;
}

for (const fault of ["lose-reply", "drop"] as const) {
  const sent = fault === "drop" ? 2 : 1;

  test(`cluster create whose POST ${fault === "drop" ? "was dropped unhandled" : "took effect but lost its reply"}: read back, ${fault === "drop" ? "sent again" : "adopted"}; one cluster`, () =>
    withCluster(async (t) => {
      t.h.oc.setFaults(once("POST", CLUSTERS, fault));
      const step = await t.converge(null, config());
      assert.deepEqual(summaries(step.diagnostics, "error"), []);
      assert.equal(step.state?.status, "ready");
      const posts = (await t.calls()).filter((call) => call.startsWith(`POST ${CLUSTERS} `));
      assert.deepEqual(posts, fault === "drop" ? [`POST ${CLUSTERS} 0`, `POST ${CLUSTERS} 201`] : [`POST ${CLUSTERS} 0`]);
      assert.deepEqual(
        t.h.oc.snapshot().clusters.map((c) => [c.name, c.status, c.members]),
        [["alpha", "ready", ["server01", "server02"]]],
      );
    }));

  test(`:add-servers and :remove-servers, ${fault}: the members read back decide; each is ${sent === 1 ? "sent once" : "sent again"}`, () =>
    withCluster(async (t) => {
      const state = await created(t);
      const add = `${CLUSTERS}/alpha/:add-servers`;
      t.h.oc.setFaults(once("POST", add, fault));
      const grown = await t.converge(state, config({ servers: ["server01", "server02", "server03"] }));
      assert.deepEqual(summaries(grown.diagnostics, "error"), []);
      assert.equal((await t.calls()).filter((call) => call.startsWith(`POST ${add}`)).length, sent);
      assert.deepEqual(t.live("alpha")?.members, ["server01", "server02", "server03"]);

      const remove = `${CLUSTERS}/alpha/:remove-servers`;
      t.h.oc.setFaults(once("POST", remove, fault));
      const shrunk = await t.converge(grown.state, config({ servers: ["server01", "server02"] }));
      assert.deepEqual(summaries(shrunk.diagnostics, "error"), []);
      assert.equal((await t.calls()).filter((call) => call.startsWith(`POST ${remove}`)).length, sent);
      assert.deepEqual(t.live("alpha")?.members, ["server01", "server02"]);
    }));

  test(`rename and delete, ${fault}: read back, done or sent again`, () =>
    withCluster(async (t) => {
      const state = await created(t);
      t.h.oc.setFaults(once("POST", `${CLUSTERS}/alpha`, fault));
      const renamed = await t.converge(state, config({ name: "beta", deletion_policy: "forget" }));
      assert.deepEqual(summaries(renamed.diagnostics, "error"), []);
      assert.equal((await t.calls()).filter((call) => call.startsWith(`POST ${CLUSTERS}/alpha `)).length, sent);
      assert.deepEqual(
        t.h.oc.snapshot().clusters.map((c) => c.name),
        ["beta"],
      );

      t.h.oc.setFaults(once("DELETE", `${CLUSTERS}/beta`, fault));
      const gone = await t.converge(renamed.state, null);
      assert.deepEqual(summaries(gone.diagnostics, "error"), []);
      assert.equal((await t.calls()).filter((call) => call.startsWith(`DELETE ${CLUSTERS}/beta`)).length, sent);
      assert.deepEqual(t.h.oc.snapshot().clusters, []);
    }));
}

const BULK = `/1.0/provisioning/clusters/${CLUSTER}/:bulk-update`;
const kernel = (value: unknown): ObjectValue => ({
  id: null,
  cluster: CLUSTER,
  config: JSON.stringify(value),
  servers: null,
  deletion_policy: null,
  members: null,
});
const application = (name: string): ObjectValue => ({ id: null, cluster: CLUSTER, name, servers: null, deletion_policy: null, members: null });

test("a bulk update whose reply was lost after it took effect is not sent again; one dropped unhandled is", () =>
  withBulk(clusterKernelConfigResource, async (t) => {
    const wanted = { blacklist_modules: ["nouveau"] };
    t.h.oc.setFaults(once("POST", BULK, "lose-reply"));
    const step = await t.converge(null, kernel(wanted));
    assert.deepEqual(errors(step.diagnostics), []);
    assert.deepEqual(
      (await t.calls()).map((call) => call.split(" ").slice(0, 3).join(" ")),
      [`POST ${BULK} 0`],
    );
    assert.deepEqual(t.server("server03").incusos.kernel.blacklist_modules, ["nouveau"]);

    t.h.oc.setFaults(once("POST", BULK, "drop"));
    const emptied = await t.converge(step.state, null);
    assert.deepEqual(errors(emptied.diagnostics), []);
    assert.deepEqual(
      (await t.calls()).map((call) => call.split(" ").slice(0, 3).join(" ")),
      [`POST ${BULK} 0`, `POST ${BULK} 200`],
    );
    assert.equal(t.server("server01").incusos.kernel.blacklist_modules, undefined);
  }));

test("add_application, which Operations Center refuses to repeat, whose reply was lost: the members read back show it done", () =>
  withBulk(clusterApplicationResource, async (t) => {
    t.h.oc.setFaults(once("POST", BULK, "lose-reply"));
    const step = await t.converge(null, application("gpu-support"));
    assert.deepEqual(errors(step.diagnostics), []);
    assert.deepEqual(step.state?.members, ["server01", "server02", "server03"]);
    assert.deepEqual(
      (await t.calls()).map((call) => call.split(" ").slice(0, 3).join(" ")),
      [`POST ${BULK} 0`],
    );
  }));

test("every request answered 503 six times: the default attempts (15) ride it out; the old 5 do not", () =>
  withCluster(async (t) => {
    const { OperationsCenterClient } = await import("../src/client/client.js");
    t.h.oc.setFaults({ errorsPerRequest: 6 });
    const patient = OperationsCenterClient.fromEnvironment({ configDir: t.h.configDir, env: {}, overrides: { retryBaseDelayMs: 1 } });
    const old = OperationsCenterClient.fromEnvironment({ configDir: t.h.configDir, env: {}, overrides: { retryBaseDelayMs: 1, retries: 4 } });
    try {
      await assert.rejects(old.listClusters(), /503 Service Unavailable: injected fault \(local-oc\) \(after 5 attempts\)$/);
      await patient.createClusterTemplate({ name: "t", description: "", service_config_template: "", application_config_template: "", variables: {} });
      assert.deepEqual(
        (await patient.listClusterTemplates()).map((template) => template.name),
        ["t"],
      );
    } finally {
      await patient.close();
      await old.close();
    }
  }));

const SERVER04 = "/1.0/provisioning/servers/server04";
const joining = ["server01", "server02", "server03", "server04"];

test("a server about to join: its network PUT and its application install, dropped or with the reply lost, are read back and sent again only when missing", async () => {
  for (const fault of ["drop", "lose-reply"] as const) {
    await withBulk(clusterVlanTagsResource, async (t) => {
      t.h.oc.setFaults(once("PUT", `${SERVER04}/system/network`, fault));
      const step = await t.converge(null, {
        id: null,
        cluster: CLUSTER,
        interface_name: "eth0",
        vlan_tags: [100],
        servers: joining,
        deletion_policy: null,
        vlan_tags_all: null,
      });
      assert.deepEqual(errors(step.diagnostics), []);
      const puts = (await t.calls()).filter((call) => call.startsWith(`PUT ${SERVER04}/system/network`));
      assert.equal(puts.length, fault === "drop" ? 2 : 1, puts.join("\n"));
      assert.deepEqual(t.server("server04").incusos.network.interfaces?.find((i) => i.name === "eth0")?.vlan_tags, [100]);
      assert.equal(t.server("server04").status, "ready");
    });
    await withBulk(clusterApplicationResource, async (t) => {
      t.h.oc.setFaults(once("POST", `${SERVER04}/os/1.0/applications`, fault));
      const step = await t.converge(null, { ...application("gpu-support"), servers: joining });
      assert.deepEqual(errors(step.diagnostics), []);
      assert.equal((await t.calls()).filter((call) => call.startsWith(`POST ${SERVER04}/os/1.0/applications`)).length, fault === "drop" ? 2 : 1);
      assert.equal(t.server("server04").incusos.applications.filter((a) => a.name === "gpu-support").length, 1);
    });
  }
});
