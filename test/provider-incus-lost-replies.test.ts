// Issue 21 for the Incus resources: a write to a cluster's Incus API whose reply is lost (the
// local OC's scripted faults on the cluster's listener: "drop" closes the connection before the
// request is handled, "lose-reply" handles it and then closes the connection) is read back and
// decided: done (no second write), or sent again once. Each fault hits exactly the named
// request, so nothing depends on timing.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Faults } from "../src/local-oc/index.js";
import type { ObjectValue } from "../src/provider/plugin/types.js";
import { incusGroupSchema } from "../src/client/incus-client.js";
import { incusClusterGroupResource, lostWriteOutcome } from "../src/provider/resources/incus-cluster-group.js";
import { incusClusterMemberResource } from "../src/provider/resources/incus-cluster-member.js";
import { incusClusterSettingsResource } from "../src/provider/resources/incus-cluster-settings.js";
import { CLUSTER, errors, type BulkHarness } from "./fixtures/provider/bulk.js";
import { CONNECTION, gpuGroup, incusGet, incusMember, incusRequest, withIncusResource } from "./fixtures/provider/incus.js";

type Fault = NonNullable<Faults["next"]>[number]["fault"];
const once = (method: string, path: string, fault: Fault): Faults => ({ next: [{ method, path, fault }] });
const INCUS = `/incus/${CLUSTER}/1.0`;
const FAULTS = ["lose-reply", "drop"] as const;
/** What the write's requests should be: the lost one, and the resend when it was dropped unhandled. */
const expected = (method: string, path: string, fault: Fault, status: number) => [
  `${method} ${path} 0`,
  ...(fault === "drop" ? [`${method} ${path} ${status}`] : []),
];
const named = (calls: string[], method: string, path: string) => calls.filter((call) => call.startsWith(`${method} ${path} `));

const settings = (config: Record<string, string>): ObjectValue => ({
  id: null,
  cluster: CLUSTER,
  ...CONNECTION,
  config,
  placement_scriptlet: null,
  deletion_policy: "remove",
});

for (const fault of FAULTS) {
  test(`settings: a PATCH ${fault === "drop" ? "dropped unhandled is sent again" : "that took effect but lost its reply is not sent again"}; the keys are as configured`, () =>
    withIncusResource(incusClusterSettingsResource, async (t) => {
      t.h.oc.setFaults(once("PATCH", INCUS, fault));
      const step = await t.converge(null, settings({ "cluster.max_voters": "5", "cluster.offline_threshold": "40" }));
      assert.deepEqual(errors(step.diagnostics), []);
      assert.deepEqual(named(await t.calls(), "PATCH", INCUS), expected("PATCH", INCUS, fault, 200));
      const config = (await incusGet(t, "/1.0")).config as Record<string, string>;
      assert.equal(config["cluster.max_voters"], "5");
      assert.equal(config["cluster.offline_threshold"], "40");

      t.h.oc.setFaults(once("PATCH", INCUS, fault));
      const gone = await t.converge(step.state, null);
      assert.deepEqual(errors(gone.diagnostics), []);
      assert.deepEqual(named(await t.calls(), "PATCH", INCUS), expected("PATCH", INCUS, fault, 200));
      assert.deepEqual((await incusGet(t, "/1.0")).config, {});
    }));
}

const MEMBER = `${INCUS}/cluster/members/server03`;
const member = incusMember;

for (const fault of FAULTS) {
  test(`member: a PUT with If-Match, ${fault}: the transport's resend ${fault === "drop" ? "writes it" : "answers 412, and the member read back shows it done"}`, () =>
    withIncusResource(incusClusterMemberResource, async (t) => {
      t.h.oc.setFaults(once("PUT", MEMBER, fault));
      const step = await t.converge(null, member({ roles: ["event-hub"], failure_domain: "rack3", description: "third" }));
      assert.deepEqual(errors(step.diagnostics), []);
      assert.deepEqual(named(await t.calls(), "PUT", MEMBER), [`PUT ${MEMBER} 0`, `PUT ${MEMBER} ${fault === "drop" ? 200 : 412}`]);
      const live = await incusGet(t, "/1.0/cluster/members/server03");
      assert.deepEqual([live.failure_domain, live.description], ["rack3", "third"]);
      assert.ok((live.roles as string[]).includes("event-hub"));
    }));

  test(`member: an evacuation whose state POST ${fault === "drop" ? "was dropped unhandled is started again" : "lost its reply is not started again"}; a restore likewise`, () =>
    withIncusResource(incusClusterMemberResource, async (t) => {
      const STATE = `${MEMBER}/state`;
      t.h.oc.setFaults(once("POST", STATE, fault));
      const evacuated = await t.converge(null, member({ state: "evacuated", evacuation_mode: "stop" }));
      assert.deepEqual(errors(evacuated.diagnostics), []);
      assert.deepEqual(named(await t.calls(), "POST", STATE), expected("POST", STATE, fault, 202));
      assert.equal(t.server("server03").in_maintenance, 2, "evacuated");
      assert.equal((await t.refresh(evacuated.state!))!.state, "evacuated");

      t.h.oc.setFaults(once("POST", STATE, fault));
      const restored = await t.converge(evacuated.state, member({ state: "online" }));
      assert.deepEqual(errors(restored.diagnostics), []);
      assert.deepEqual(named(await t.calls(), "POST", STATE), expected("POST", STATE, fault, 202));
      assert.equal(t.server("server03").in_maintenance, 0, "online");
    }));
}

test("member: an evacuation still running when the lost reply is read back is waited for, not started again", () =>
  withIncusResource(
    incusClusterMemberResource,
    async (t) => {
      const STATE = `${MEMBER}/state`;
      t.h.oc.setFaults(once("POST", STATE, "lose-reply"));
      const evacuated = await t.converge(null, member({ state: "evacuated", evacuation_mode: "stop" }));
      assert.deepEqual(errors(evacuated.diagnostics), []);
      assert.deepEqual(named(await t.calls(), "POST", STATE), [`POST ${STATE} 0`]);
      assert.equal(t.server("server03").in_maintenance, 2, "the apply returned once the member was evacuated");
      assert.ok(t.logLines.some((l) => /member "server03" is evacuating; waiting for it to finish/.test(l)));
    },
    { evacuationDelayMs: 1500 },
  ));

const GROUPS = `${INCUS}/cluster/groups`;
const GROUP = `${GROUPS}/gpu`;
const group = (members: string[], description: string | null = null): ObjectValue => ({ ...gpuGroup(members, description), deletion_policy: null });

/** The group as Incus has it: what the resource writes. */
const gpu = async (t: BulkHarness) => {
  const { description, members, config } = await incusGet(t, "/1.0/cluster/groups/gpu");
  return { description, members, config };
};

for (const fault of FAULTS) {
  test(`group: create POST, PUT and DELETE, ${fault}: each read back, ${fault === "drop" ? "sent again" : "found done"}; one group, as configured`, () =>
    withIncusResource(incusClusterGroupResource, async (t) => {
      t.h.oc.setFaults(once("POST", GROUPS, fault));
      const created = await t.converge(null, group(["server01", "server02"], "GPU"));
      assert.deepEqual(
        created.diagnostics.map((d) => d.summary),
        [],
        "no error, and a create confirmed by its read back is no adoption",
      );
      assert.deepEqual(named(await t.calls(), "POST", GROUPS), expected("POST", GROUPS, fault, 201));
      assert.deepEqual(await gpu(t), { description: "GPU", members: ["server01", "server02"], config: {} });

      t.h.oc.setFaults(once("PUT", GROUP, fault));
      const updated = await t.converge(created.state, group(["server02", "server03"], "GPU servers"));
      assert.deepEqual(errors(updated.diagnostics), []);
      assert.deepEqual(named(await t.calls(), "PUT", GROUP), expected("PUT", GROUP, fault, 200));
      assert.deepEqual(await gpu(t), { description: "GPU servers", members: ["server02", "server03"], config: {} });

      t.h.oc.setFaults(once("DELETE", GROUP, fault));
      const gone = await t.converge(updated.state, null);
      assert.deepEqual(errors(gone.diagnostics), []);
      assert.deepEqual(named(await t.calls(), "DELETE", GROUP), expected("DELETE", GROUP, fault, 200));
      assert.deepEqual((await incusGet(t, "/1.0/cluster/groups")) as unknown as string[], ["/1.0/cluster/groups/default"]);
    }));
}

for (const fault of FAULTS) {
  test(`group destroy, ${fault} on each write: a member whose only group it is goes to default once (its If-Match PUT read back after a 412), then the group is emptied and deleted`, () =>
    withIncusResource(incusClusterGroupResource, async (t) => {
      const created = await t.converge(null, group(["server01", "server02"]));
      assert.deepEqual(errors(created.diagnostics), []);
      const SERVER02 = `${INCUS}/cluster/members/server02`;
      const { metadata, etag } = await incusRequest(t, "GET", "/1.0/cluster/members/server02");
      await incusRequest(t, "PUT", "/1.0/cluster/members/server02", {
        body: { ...(metadata as object), groups: ["gpu"] },
        ...(etag === undefined ? {} : { ifMatch: etag }),
      });
      await t.calls();
      t.h.oc.setFaults({
        next: [
          { method: "PUT", path: SERVER02, fault },
          { method: "PUT", path: GROUP, fault },
          { method: "DELETE", path: GROUP, fault },
        ],
      });
      const gone = await t.converge(created.state, null);
      assert.deepEqual(errors(gone.diagnostics), []);
      assert.ok(gone.diagnostics.some((d) => d.summary === 'Incus cluster member "server02" was added to the "default" group'));
      assert.deepEqual(await t.calls(), [
        `PUT ${SERVER02} 0`,
        `PUT ${SERVER02} ${fault === "drop" ? 200 : 412}`,
        ...expected("PUT", GROUP, fault, 200),
        ...expected("DELETE", GROUP, fault, 200),
      ]);
      assert.deepEqual((await incusGet(t, "/1.0/cluster/members/server02")).groups, ["default"]);
      assert.deepEqual((await incusGet(t, "/1.0/cluster/groups")) as unknown as string[], ["/1.0/cluster/groups/default"]);
    }));
}

test("a group write read back after a lost reply: as written is done, as before is sent again, anything else fails saying what was found", () => {
  const live = (description: string, members: string[]) => ({ group: incusGroupSchema.parse({ name: "gpu", description, members, config: {} }) });
  const put = { description: "GPU", members: ["server01", "server02"], config: {} };
  const before = live("old", ["server01"]).group;
  assert.deepEqual(lostWriteOutcome(put, undefined, live("GPU", ["server02", "server01"])), { done: true });
  assert.deepEqual(lostWriteOutcome(put, undefined, undefined), { done: false });
  assert.deepEqual(lostWriteOutcome(put, before, live("old", ["server01"])), { done: false });
  assert.deepEqual(lostWriteOutcome(put, before, undefined), { done: false, partly: "the group is gone" });
  assert.deepEqual(lostWriteOutcome(put, before, live("by hand", ["server01", "server02"])), {
    done: false,
    partly: 'the group is neither as written nor as it was: description is "by hand"',
  });
});
