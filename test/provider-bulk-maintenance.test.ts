// The bulk resources while a member is in maintenance (Operations Center refuses every bulk action
// then): the refusal is recognised, and an evacuation that races the plan still converges, member
// by member, through each member's IncusOS endpoint.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { ObjectValue } from "../src/provider/plugin/types.js";
import { refusedByMaintenance, runBulkAction } from "../src/provider/resources/bulk/run.js";
import { clusterKernelConfigResource } from "../src/provider/resources/cluster-kernel-config.js";
import { CLUSTER, errors, withBulk } from "./fixtures/provider/bulk.js";

const MEMBERS = ["server01", "server02", "server03"];

test("Operations Center's refusal of a bulk action for a member in maintenance is recognised, and names the member", () =>
  withBulk(clusterKernelConfigResource, async (t) => {
    await t.other.evacuateServer("server02");
    const refusal = await runBulkAction(t.other, t.context.log, CLUSTER, "update_system_kernel", { config: {} }, "resetting the kernel config").then(
      () => undefined,
      (error: unknown) => error,
    );
    assert.ok(refusedByMaintenance(refusal), String(refusal));
    assert.match(String((refusal as { diagnostics: { detail: string }[] }).diagnostics[0]!.detail), /server02.*maintenance: "evacuated"/);
  }));

test("an evacuation after the plan: the apply goes member by member through the IncusOS endpoint and converges", () =>
  withBulk(clusterKernelConfigResource, async (t) => {
    const config: ObjectValue = {
      id: null,
      cluster: CLUSTER,
      config: JSON.stringify({ blacklist_modules: ["nouveau"] }),
      servers: null,
      deletion_policy: null,
      members: null,
    };
    const plan = await clusterKernelConfigResource.plan(
      { prior: null, proposed: config, config, priorPrivate: new Uint8Array(), capabilities: { writeOnlyAttributesAllowed: true, deferralAllowed: false } },
      t.context,
    );
    assert.deepEqual(plan.diagnostics ?? [], [], "nothing in maintenance at plan");
    await t.other.evacuateServer("server03");
    await t.calls();
    const applied = await clusterKernelConfigResource.apply({ prior: null, planned: plan.planned, config, plannedPrivate: new Uint8Array() }, t.context);
    assert.deepEqual(errors(applied.diagnostics ?? []), []);
    assert.deepEqual(
      await t.calls(),
      MEMBERS.map((m) => `PUT /1.0/provisioning/servers/${m}/os/1.0/system/kernel 200`),
    );
    for (const m of MEMBERS) assert.deepEqual(t.server(m).incusos.kernel.blacklist_modules, ["nouveau"]);
    assert.ok(
      t.logLines.some((l) => /through the IncusOS endpoint \(Operations Center refuses bulk actions while server03 is in maintenance\)/.test(l)),
      t.logLines.join("\n"),
    );

    // The next plan names the member and the way forward.
    const next: ObjectValue = { ...config, config: JSON.stringify({ blacklist_modules: ["nouveau", "radeon"] }) };
    const replanned = await clusterKernelConfigResource.plan(
      {
        prior: applied.state!,
        proposed: { ...next, id: applied.state!.id!, members: applied.state!.members! },
        config: next,
        priorPrivate: new Uint8Array(),
        capabilities: { writeOnlyAttributesAllowed: true, deferralAllowed: false },
      },
      t.context,
    );
    assert.match(
      (replanned.diagnostics ?? []).map((d) => d.summary).join("\n"),
      /cluster "alpha" has members in maintenance: server03 \(evacuated\); the change will be applied member by member/,
    );
  }));
