// The Incus cluster resources driven as Terraform drives them, against the local OC's Incus API:
// evacuation through the operation with progress in the log and a timeout, drift of a managed
// role, the group's default rule and destroy, the certificate's write-only key, and how a
// resource that cannot reach its cluster says what to configure.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import { createSelfSignedCertificate } from "../src/local-oc/certificates.js";
import type { ObjectValue } from "../src/provider/plugin/types.js";
import { clusterCertificateResource } from "../src/provider/resources/cluster-certificate.js";
import { incusClusterGroupResource } from "../src/provider/resources/incus-cluster-group.js";
import { incusClusterMemberResource } from "../src/provider/resources/incus-cluster-member.js";
import { incusClusterSettingsResource } from "../src/provider/resources/incus-cluster-settings.js";
import { CLUSTER, capabilities, errors, withBulk, type BulkHarness } from "./fixtures/provider/bulk.js";
import { CONNECTION, incusMember, withIncusClient } from "./fixtures/provider/incus.js";

const member = incusMember;

/** These tests are not about trust: the cluster trusts the clients OC trusts (the opt-in). */
const TRUST_OC_CLIENTS = { incusTrustOperationsCenterClients: true };

/**
 * Runs fn with INCUS_CONF naming the incus CLI configuration the local OC keeps, with a remote per
 * cluster (the provider reads the process environment, as Terraform starts it).
 */
async function withIncusConfig(t: BulkHarness, fn: () => Promise<void>): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), "incus-conf-"));
  const before = process.env.INCUS_CONF;
  await t.h.oc.writeIncusConfig(dir);
  process.env.INCUS_CONF = dir;
  try {
    await fn();
  } finally {
    if (before === undefined) delete process.env.INCUS_CONF;
    else process.env.INCUS_CONF = before;
    rmSync(dir, { recursive: true, force: true });
  }
}

test("evacuation waits on the operation with progress in the log; online restores; a role removed by hand reads as drift", () =>
  withBulk(
    incusClusterMemberResource,
    (t) =>
      withIncusConfig(t, async () => {
        const evacuated = await t.converge(null, member({ state: "evacuated", evacuation_mode: "stop", roles: ["event-hub"] }));
        assert.deepEqual(errors(evacuated.diagnostics), []);
        assert.equal(t.server("server03").in_maintenance, 2);
        assert.ok(t.logLines.some((l) => /evacuate of member "server03" started/.test(l)));
        assert.ok(t.logLines.some((l) => /evacuate of member "server03" done/.test(l)));
        assert.ok(t.logLines.some((l) => /GET \/1\.0\/operations\/[^/]+\/wait\?timeout=\d+: ok 200/.test(l)));
        const calls = await t.calls();
        assert.ok(calls.includes("POST /incus/alpha/1.0/cluster/members/server03/state 202"));

        await withIncusClient(t, async (incus) => {
          const { metadata, etag } = await incus.request("GET", "/1.0/cluster/members/server03");
          const live = metadata as Record<string, unknown> & { roles: string[] };
          await incus.request("PUT", "/1.0/cluster/members/server03", {
            body: { ...live, roles: live.roles.filter((r) => r !== "event-hub") },
            ...(etag === undefined ? {} : { ifMatch: etag }),
          });
        });
        const drifted = (await t.refresh(evacuated.state!))!;
        assert.deepEqual(drifted.roles, []);
        assert.equal(drifted.state, "evacuated");

        const restored = await t.converge(drifted, member({ state: "online", roles: ["event-hub"] }));
        assert.deepEqual(errors(restored.diagnostics), []);
        assert.equal(t.server("server03").in_maintenance, 0);
        assert.deepEqual((await t.refresh(restored.state!))!.roles, ["event-hub"]);

        const gone = await t.converge(restored.state, null);
        assert.deepEqual(errors(gone.diagnostics), []);
        await t.calls();
        assert.deepEqual(await t.calls(), [], "destroy makes no call");
      }),
    TRUST_OC_CLIENTS,
  ));

test("an evacuation already running (an interrupted apply's) reads as evacuating, and the apply waits for it instead of taking it as done", () =>
  withBulk(
    incusClusterMemberResource,
    (t) =>
      withIncusConfig(t, async () => {
        const online = await t.converge(null, member({ state: "online" }));
        assert.deepEqual(errors(online.diagnostics), []);
        await withIncusClient(t, async (incus) => {
          await incus.request("POST", "/1.0/cluster/members/server03/state", { body: { action: "evacuate", mode: "stop" } });
        });
        assert.equal(t.server("server03").in_maintenance, 1, "evacuating");
        const refreshed = (await t.refresh(online.state!))!;
        assert.equal(refreshed.state, "evacuating", "the refresh shows the evacuation as not finished");
        await t.calls();

        const evacuated = await t.converge(refreshed, member({ state: "evacuated", evacuation_mode: "stop" }));
        assert.deepEqual(errors(evacuated.diagnostics), []);
        assert.equal(t.server("server03").in_maintenance, 2, "the apply returned once the member was evacuated");
        assert.deepEqual(
          (await t.calls()).filter((call) => call.includes("/state")),
          [],
          "no second evacuation was started",
        );
        assert.ok(t.logLines.some((l) => /member "server03" is evacuating; waiting for it to finish/.test(l)));
        assert.equal((await t.refresh(evacuated.state!))!.state, "evacuated");
      }),
    { evacuationDelayMs: 1500, ...TRUST_OC_CLIENTS },
  ));

test("an evacuation that outlasts evacuation_timeout fails naming the operation and the setting", () =>
  withBulk(
    incusClusterMemberResource,
    (t) =>
      withIncusConfig(t, async () => {
        const context = { ...t.context, client: { ...t.context.client, evacuationTimeoutMs: 1000 } };
        const planned = (
          await incusClusterMemberResource.plan(
            { prior: null, proposed: member({ state: "evacuated" }), config: member({ state: "evacuated" }), priorPrivate: new Uint8Array(), capabilities },
            context,
          )
        ).planned;
        await assert.rejects(
          incusClusterMemberResource.apply({ prior: null, planned, config: member({ state: "evacuated" }), plannedPrivate: new Uint8Array() }, context),
          (error: { diagnostics: { summary: string; detail: string }[] }) => {
            assert.equal(error.diagnostics[0]!.summary, 'The evacuate of Incus cluster member "server03" did not finish within 1 s');
            assert.match(error.diagnostics[0]!.detail, /^Operation [0-9a-f-]+ is still running\. Raise evacuation_timeout/);
            return true;
          },
        );
        assert.equal(t.server("server03").in_maintenance, 1, "still evacuating");
      }),
    { evacuationDelayMs: 600_000, ...TRUST_OC_CLIENTS },
  ));

test("settings and members are refused at plan with Incus's rules, naming the attribute", async () => {
  const validate = (resource: typeof incusClusterSettingsResource, config: ObjectValue) =>
    resource.validate!({ config, capabilities }) as ReturnType<NonNullable<typeof resource.validate>>;
  const settings = await validate(incusClusterSettingsResource, {
    id: null,
    cluster: CLUSTER,
    ...CONNECTION,
    config: { "cluster.max_voters": "4", "cluster.bogus": "1" },
    placement_scriptlet: null,
  });
  assert.deepEqual(
    settings.map((d) => d.summary),
    [
      'config["cluster.max_voters"]: Value must be an odd number equal to or higher than 3 (got "4")',
      'config["cluster.bogus"]: not a cluster-wide key (expected one of cluster.offline_threshold, cluster.healing_threshold, cluster.images_minimal_replica, cluster.max_voters, cluster.max_standby, cluster.join_token_expiry, cluster.rebalance.batch, cluster.rebalance.cooldown, cluster.rebalance.interval, cluster.rebalance.threshold)',
    ],
  );
  assert.deepEqual(settings[0]!.path, ["config", { key: "cluster.max_voters" }]);
  const members = await validate(incusClusterMemberResource, member({ roles: ["database"], groups: [], evacuation_mode: "stop" }));
  assert.deepEqual(
    members.map((d) => d.path),
    [["roles"], ["groups"], ["evacuation_mode"]],
  );
  assert.match(members[0]!.summary, /"database" is assigned automatically by Incus/);
  const group = await validate(incusClusterGroupResource, {
    id: null,
    cluster: CLUSTER,
    ...CONNECTION,
    name: "default",
    description: null,
    members: [],
    config: { "limits.cpu": "2" },
  });
  assert.match(group[0]!.summary, /the "default" group exists in every Incus cluster/);
  assert.match(group[1]!.summary, /Invalid cluster group configuration key "limits.cpu"/);
});

test("a group is created, updated in place, and emptied then deleted on destroy", () =>
  withBulk(
    incusClusterGroupResource,
    (t) =>
      withIncusConfig(t, async () => {
        const group = (members: string[]): ObjectValue => ({
          id: null,
          cluster: CLUSTER,
          ...CONNECTION,
          name: "gpu",
          description: null,
          members,
          config: null,
        });
        const created = await t.converge(null, group(["server01", "server02"]));
        assert.deepEqual(errors(created.diagnostics), []);
        assert.equal(created.state!.id, "alpha/gpu");
        const updated = await t.converge(created.state, group(["server02"]));
        assert.deepEqual((await t.refresh(updated.state!))!.members, ["server02"]);
        await t.calls();
        await t.converge(updated.state, null);
        assert.deepEqual(await t.calls(), ["PUT /incus/alpha/1.0/cluster/groups/gpu 200", "DELETE /incus/alpha/1.0/cluster/groups/gpu 200"]);
      }),
    TRUST_OC_CLIENTS,
  ));

test("the certificate's key is write-only: never in plan or state, a keyed digest tells a new key; a wrong key is refused without quoting it", () =>
  withBulk(clusterCertificateResource, async (t) => {
    const first = await createSelfSignedCertificate({ commonName: "alpha.example", usage: "server" });
    const second = await createSelfSignedCertificate({ commonName: "alpha.example", usage: "server" });
    const config = (pair: { certificate: string; key: string }): ObjectValue => ({
      id: null,
      cluster: CLUSTER,
      certificate: pair.certificate,
      private_key: pair.key,
      private_key_digest: null,
      fingerprint: null,
    });
    const step = await t.converge(null, config(first));
    assert.deepEqual(errors(step.diagnostics), []);
    assert.equal(step.plan.planned!.private_key, null);
    assert.equal(step.state!.private_key, null);
    assert.match(String(step.state!.private_key_digest), /^hmac-sha256:[0-9a-f]{64}$/);
    assert.equal(t.h.oc.snapshot().clusters.find((c) => c.name === CLUSTER)!.certificate, first.certificate);
    const same = await clusterCertificateResource.plan(
      {
        prior: step.state,
        proposed: { ...config(first), private_key: null, private_key_digest: step.state!.private_key_digest!, fingerprint: step.state!.fingerprint! },
        config: config(first),
        priorPrivate: new Uint8Array(),
        capabilities,
      },
      t.context,
    );
    assert.deepEqual(same.planned, step.state);
    const replaced = await t.converge(step.state, config(second));
    assert.notEqual(replaced.state!.private_key_digest, step.state!.private_key_digest);

    const mismatched = await clusterCertificateResource.validate!({ config: { ...config(first), private_key: second.key }, capabilities });
    assert.deepEqual(
      mismatched.map((d) => d.summary),
      ["private_key: does not belong to certificate"],
    );
    const keyBody = second.key.split("\n")[1]!;
    assert.ok(!JSON.stringify(mismatched).includes(keyBody));
    const oldTerraform = await clusterCertificateResource.validate!({
      config: config(first),
      capabilities: { ...capabilities, writeOnlyAttributesAllowed: false },
    });
    assert.match(oldTerraform[0]!.summary, /needs Terraform 1\.11/);
    const logged = await t.h.call("GET", "/local-oc/requests");
    assert.ok(!JSON.stringify(logged.json).includes(keyBody));
  }));

test("without an incus remote or client certificate, the error says how to reach the cluster", () =>
  withBulk(incusClusterSettingsResource, async (t) => {
    const dir = mkdtempSync(path.join(tmpdir(), "incus-empty-"));
    const before = process.env.INCUS_CONF;
    process.env.INCUS_CONF = dir;
    try {
      const diagnostic = async (values: ObjectValue) => {
        try {
          await t.converge(null, values);
        } catch (error) {
          return (error as { diagnostics: { summary: string; detail?: string }[] }).diagnostics[0]!;
        }
        throw new Error("expected the apply to fail");
      };
      const none = await diagnostic({ id: null, cluster: CLUSTER, ...CONNECTION, config: { "cluster.max_voters": "5" }, placement_scriptlet: null });
      assert.equal(none.summary, 'No client certificate for the Incus API of cluster "alpha"');
      assert.match(none.detail!, /has no client\.crt \/ client\.key\. Give incus_client_certificate and incus_client_key_file, or add a remote named "alpha"/);
      const named = await diagnostic({ id: null, cluster: CLUSTER, ...CONNECTION, remote: "elsewhere", config: null, placement_scriptlet: null });
      assert.match(named.summary, /^Remote "elsewhere" is not in .*config\.yml$/);
    } finally {
      if (before === undefined) delete process.env.INCUS_CONF;
      else process.env.INCUS_CONF = before;
      rmSync(dir, { recursive: true, force: true });
    }
  }));

test("import: a member by CLUSTER/MEMBER with what it has, a group by CLUSTER/NAME; a bad id says the format", () =>
  withBulk(
    incusClusterGroupResource,
    (t) =>
      withIncusConfig(t, async () => {
        await withIncusClient(t, (incus) =>
          incus.request("POST", "/1.0/cluster/groups", { body: { name: "gpu", description: "GPUs", members: ["server02"], config: {} } }).then(() => undefined),
        );
        const group = await incusClusterGroupResource.import!("alpha/gpu", t.context);
        assert.deepEqual(group.state, {
          id: "alpha/gpu",
          cluster: CLUSTER,
          ...CONNECTION,
          name: "gpu",
          description: "GPUs",
          members: ["server02"],
          config: null,
          deletion_policy: null,
        });
        const imported = await incusClusterMemberResource.import!("alpha/server02", t.context);
        assert.deepEqual(
          imported.state,
          member({
            id: "alpha/server02",
            member: "server02",
            roles: [],
            failure_domain: "default",
            description: "",
            scheduler_instance: "all",
            groups: ["default", "gpu"],
            state: "online",
          }),
        );
        await assert.rejects(incusClusterMemberResource.import!("server02", t.context), /the id must be CLUSTER\/MEMBER/);
        await assert.rejects(incusClusterGroupResource.import!("alpha/none", t.context), /Cluster "alpha" has no Incus cluster group "none"/);
      }),
    TRUST_OC_CLIENTS,
  ));

test("explicit connection attributes: the address, a certificate file and a key file reach the cluster; the key is only ever a path", () =>
  withBulk(
    incusClusterSettingsResource,
    async (t) => {
      const explicit = {
        ...CONNECTION,
        incus_address: t.h.oc.incusEndpoint(CLUSTER)!.url,
        incus_client_certificate: path.join(t.h.configDir, "client.crt"),
        incus_client_key_file: path.join(t.h.configDir, "client.key"),
        incus_server_certificate: t.h.oc.incusEndpoint(CLUSTER)!.certificate,
      };
      const settings = (values: ObjectValue): ObjectValue => ({
        id: null,
        cluster: CLUSTER,
        ...explicit,
        config: { "cluster.max_standby": "4" },
        placement_scriptlet: null,
        ...values,
      });
      const step = await t.converge(null, settings({}));
      assert.deepEqual(errors(step.diagnostics), []);
      assert.deepEqual(await t.calls(), ["PATCH /incus/alpha/1.0 200"]);
      const problems = await incusClusterSettingsResource.validate!({ config: settings({ incus_client_key_file: t.h.key }), capabilities });
      assert.deepEqual(
        problems.map((d) => d.summary),
        ["incus_client_key_file must be the path of the key file, not the key"],
      );
      assert.ok(!JSON.stringify(problems).includes(t.h.key.split("\n")[1]!));
      const half = await incusClusterSettingsResource.validate!({ config: settings({ incus_client_key_file: null }), capabilities });
      assert.match(half[0]!.summary, /^incus_client_key_file is needed too/);
    },
    TRUST_OC_CLIENTS,
  ));
