// Writing an Incus cluster group without the 412 real Incus never sends (its group PUT ignores
// If-Match): the group is read right before the PUT and after it; and a member whose only group
// it is, which Incus silently keeps in the group, is handled before any call. A group exactly as
// configured but not in state is adopted by a create and stops a destroy.
import assert from "node:assert/strict";
import { test } from "node:test";
import { incusGroupSchema } from "../src/client/incus-client.js";
import type { TerraformCommand } from "../src/provider/plugin/terraform-command.js";
import { UNKNOWN, type ObjectValue } from "../src/provider/plugin/types.js";
import { incusClusterGroupResource, writtenDifferences } from "../src/provider/resources/incus-cluster-group.js";
import type { OperationsCenterClient } from "../src/client/index.js";
import { capabilities, CLUSTER, errors, type BulkHarness } from "./fixtures/provider/bulk.js";
import { DESTROY } from "./fixtures/provider/commands.js";
import { gpuGroup, withIncusClient, withIncusResource } from "./fixtures/provider/incus.js";

const group = gpuGroup;
// As the local OC's request log names them, and as the cluster's own listener serves them.
const GROUP = `/incus/${CLUSTER}/1.0/cluster/groups/gpu`;
const MEMBER = (name: string) => `/incus/${CLUSTER}/1.0/cluster/members/${name}`;
const onListener = (logged: string) => logged.slice(`/incus/${CLUSTER}`.length);

interface GroupHarness extends BulkHarness {
  /** Someone else using the cluster's Incus API directly. */
  incus: OperationsCenterClient;
}

/** These tests are not about trust: the cluster trusts the clients OC trusts (the local OC's opt-in). */
async function withIncus(fn: (t: GroupHarness) => Promise<void>): Promise<void> {
  await withIncusResource(incusClusterGroupResource, (t) => withIncusClient(t, (incus) => fn({ ...t, incus })));
}

/** Makes `gpu` the member's only group, by hand. */
async function onlyInGpu(t: GroupHarness, member: string): Promise<void> {
  const { metadata, etag } = await t.incus.request("GET", onListener(MEMBER(member)));
  await t.incus.request("PUT", onListener(MEMBER(member)), {
    body: { ...(metadata as object), groups: ["gpu"] },
    ...(etag === undefined ? {} : { ifMatch: etag }),
  });
}

const groupsOf = async (t: GroupHarness, member: string) =>
  ((await t.incus.request("GET", onListener(MEMBER(member)))).metadata as { groups: string[] }).groups;

test("a change made to the group between plan and apply fails the apply, naming it, and is not overwritten", () =>
  withIncus(async (t) => {
    const created = await t.converge(null, group(["server01", "server02"]));
    assert.deepEqual(errors(created.diagnostics), []);
    const { metadata } = await t.incus.request("GET", onListener(GROUP));
    await t.incus.request("PUT", onListener(GROUP), {
      body: { ...(metadata as object), description: "set by hand", members: ["server01", "server02", "server03"] },
    });
    await t.calls();
    await assert.rejects(t.converge(created.state, group(["server02"])), (error: { diagnostics: { summary: string; detail: string }[] }) => {
      assert.equal(error.diagnostics[0]!.summary, 'Incus cluster group "gpu" was changed since it was read for the plan; nothing was written');
      assert.match(error.diagnostics[0]!.detail, /^description is now "set by hand"; members server03 added\. Incus does not check If-Match on a group/);
      return true;
    });
    assert.deepEqual(await t.calls(), [], "no write");
    const live = incusGroupSchema.parse((await t.incus.request("GET", onListener(GROUP))).metadata);
    assert.equal(live.description, "set by hand");
    assert.deepEqual([...live.members].sort(), ["server01", "server02", "server03"]);
  }));

test("removing a member whose only group this is fails before the PUT, saying to give it another group", () =>
  withIncus(async (t) => {
    const created = await t.converge(null, group(["server01", "server02"]));
    await onlyInGpu(t, "server02");
    const refreshed = (await t.refresh(created.state!))!;
    await t.calls();
    await assert.rejects(t.converge(refreshed, group(["server01"])), (error: { diagnostics: { summary: string; detail: string; path?: unknown }[] }) => {
      assert.equal(error.diagnostics[0]!.summary, 'Cannot remove server02 from Incus cluster group "gpu": it is that member\'s only group');
      assert.match(
        error.diagnostics[0]!.detail,
        /would silently leave it in "gpu"\. Give it another group first \(operationscenter_incus_cluster_member\.groups/,
      );
      assert.deepEqual(error.diagnostics[0]!.path, ["members"]);
      return true;
    });
    assert.deepEqual(await t.calls(), [], "no write");
  }));

test("destroy adds a member whose only group it is to default, then empties and deletes the group, with a warning", () =>
  withIncus(async (t) => {
    const created = await t.converge(null, group(["server01", "server02"]));
    await onlyInGpu(t, "server02");
    await t.calls();
    const destroyed = await t.converge(created.state, null);
    assert.deepEqual(errors(destroyed.diagnostics), []);
    assert.deepEqual(
      destroyed.diagnostics.map((d) => `${d.severity}: ${d.summary}`),
      [
        'warning: operationscenter_incus_cluster_group: the destroy deletes Incus cluster group "gpu" of cluster "alpha"',
        'warning: Incus cluster member "server02" was added to the "default" group',
      ],
    );
    assert.deepEqual(await t.calls(), [`PUT ${MEMBER("server02")} 200`, `PUT ${GROUP} 200`, `DELETE ${GROUP} 200`]);
    assert.deepEqual(await groupsOf(t, "server02"), ["default"]);
  }));

test("the read after the write tells a member Incus kept, a concurrent description, and accepts computed CPU flags", () => {
  const live = (members: string[], description = "", config: Record<string, string> = {}) =>
    incusGroupSchema.parse({ name: "gpu", description, members, config });
  const put = { description: "", members: ["server01"], config: { "instances.vm.cpu.x86_64.baseline": "kvm64", "instances.vm.cpu.x86_64.flags": "auto" } };
  assert.deepEqual(
    writtenDifferences(put, live(["server01"], "", { "instances.vm.cpu.x86_64.baseline": "kvm64", "instances.vm.cpu.x86_64.flags": "sse4_2,avx" })),
    [],
  );
  assert.deepEqual(writtenDifferences(put, live(["server01", "server02"], "other", put.config)), ['description is "other"', "members server02 is in it"]);
  assert.deepEqual(writtenDifferences(put, live(["server01"], "", { "user.x": "1" })), ["config differs"]);
});

// Issue 21: an apply killed after the group's POST answered leaves the group outside the state.
const configured = (description: string): ObjectValue => ({ ...group(["server01", "server02"], description), config: { "user.purpose": "gpu" } });
const byHand = (t: GroupHarness, description: string) =>
  t.incus.request("POST", "/1.0/cluster/groups", {
    body: { name: "gpu", description, members: ["server02", "server01"], config: { "user.purpose": "gpu" } },
  });

test("a create finding the group exactly as configured (an interrupted apply's) takes it into state without a write, with a warning", () =>
  withIncus(async (t) => {
    await byHand(t, "GPU servers");
    await t.calls();
    const adopted = await t.converge(null, configured("GPU servers"));
    assert.deepEqual(errors(adopted.diagnostics), []);
    assert.deepEqual(await t.calls(), [], "no POST or PUT");
    assert.deepEqual(adopted.state, { ...configured("GPU servers"), id: `${CLUSTER}/gpu` });
    const warning = adopted.diagnostics.find((d) => d.severity === "warning");
    assert.equal(
      warning?.summary,
      `Incus cluster group "gpu" already existed in cluster "${CLUSTER}" exactly as configured; it was taken into state without a write`,
    );
    assert.match(warning?.detail ?? "", /an earlier apply created it and was interrupted before Terraform recorded it/);
    assert.deepEqual(await t.refresh(adopted.state!), adopted.state, "the refresh finds it as the state says");
  }));

test("a create finding a group of that name that differs in anything refuses it, naming the import, and writes nothing", () =>
  withIncus(async (t) => {
    await byHand(t, "set by hand");
    await t.calls();
    await assert.rejects(t.converge(null, configured("GPU servers")), (error: { diagnostics: { summary: string; detail: string; path?: unknown }[] }) => {
      assert.equal(error.diagnostics[0]!.summary, `Incus cluster group "gpu" already exists in cluster "${CLUSTER}"`);
      assert.match(error.diagnostics[0]!.detail, /^It was not created by this resource\./);
      assert.match(error.diagnostics[0]!.detail, new RegExp(`terraform import <this resource's address> ${CLUSTER}/gpu`));
      assert.deepEqual(error.diagnostics[0]!.path, ["name"]);
      return true;
    });
    assert.deepEqual(await t.calls(), [], "no write");
    const live = incusGroupSchema.parse((await t.incus.request("GET", onListener(GROUP))).metadata);
    assert.equal(live.description, "set by hand");
  }));

test("in a destroy's refresh plan, a group exactly as configured but not in state fails the destroy, naming it; other content, retain or another command say nothing", () =>
  withIncus(async (t) => {
    await byHand(t, "GPU servers");
    await t.calls();
    const planUnder = async (values: ObjectValue, command: TerraformCommand) => {
      const plan = await incusClusterGroupResource.plan(
        { prior: null, proposed: { ...values, id: UNKNOWN }, config: values, priorPrivate: new Uint8Array(), capabilities },
        { ...t.context, terraformCommand: () => command },
      );
      return errors(plan.diagnostics ?? []);
    };
    assert.deepEqual(await planUnder(configured("GPU servers"), DESTROY), [
      `Incus cluster group "gpu" of cluster "${CLUSTER}" exists exactly as configured but is not in state, so this destroy cannot remove it`,
    ]);
    assert.deepEqual(await planUnder(configured("another description"), DESTROY), [], "not this configuration's group");
    assert.deepEqual(await planUnder({ ...configured("GPU servers"), deletion_policy: "retain" }, DESTROY), [], "its destroy would make no call");
    assert.deepEqual(await planUnder(configured("GPU servers"), { known: true, name: "plan", planMode: "normal" }), [], "the apply adopts it");
    assert.deepEqual(await t.calls(), [], "planning writes nothing");
  }));
