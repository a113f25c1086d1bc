// operationscenter_cluster read, in-place update, rename, members, deletion policies and import,
// against the local Operations Center: exact changing calls and the server's state afterwards.
import assert from "node:assert/strict";
import { test } from "node:test";
import { OperationsCenterClient } from "../src/client/client.js";
import type { ObjectValue } from "../src/provider/plugin/types.js";
import { CLUSTERS, SERVERS, capabilities, config, proposedOf, resource, summaries, withCluster, type ClusterHarness } from "./fixtures/provider/cluster.js";

async function created(t: ClusterHarness, values: Partial<ObjectValue> = {}) {
  const result = await t.converge(null, config(values));
  assert.deepEqual(summaries(result.diagnostics, "error"), []);
  await t.calls();
  return result;
}

test("read is honest: a hand-edited description comes back live, a force-deleted cluster reads as gone", () =>
  withCluster(async (t) => {
    const { state, private: priv } = await created(t);
    const { cluster, etag } = await t.other.getCluster("alpha");
    const { team: _removed, ...withoutTeam } = cluster.properties;
    await t.other.updateCluster(
      "alpha",
      { ...cluster, description: "edited by hand", properties: { ...withoutTeam, foreign: "x" } },
      etag === undefined ? {} : { ifMatch: etag },
    );
    const refreshed = (await t.refresh(state!, priv))!;
    assert.equal(refreshed.description, "edited by hand");
    assert.deepEqual(refreshed.properties, {}, "a managed key deleted by hand is gone, a foreign one is not managed");
    await t.calls();
    const restored = await t.converge(refreshed, config(), priv);
    assert.deepEqual(await t.calls(), [`PUT ${CLUSTERS}/alpha 201`]);
    assert.equal(t.live("alpha")!.properties.team, "storage");
    assert.equal(t.live("alpha")!.description, "first cluster");
    assert.equal(t.live("alpha")!.properties.foreign, "x");
    assert.deepEqual(restored.state!.properties, { team: "storage" });
    assert.equal((refreshed.properties_all as Record<string, string>).foreign, "x");
    assert.equal(refreshed.channel, null, "unmanaged stays null");

    await t.other.deleteCluster("alpha", { mode: "force" });
    assert.equal(await t.refresh(state!, priv), null);
  }));

test("no change, no call: the plan equals the refreshed state", () =>
  withCluster(async (t) => {
    const { state, private: priv } = await created(t);
    const refreshed = (await t.refresh(state!, priv))!;
    const again = await t.converge(refreshed, config(), priv);
    assert.deepEqual(again.plan.planned, refreshed);
    assert.deepEqual(await t.calls(), []);
  }));

test("in-place update: one PUT with If-Match; a foreign property survives, a key no longer declared is removed", () =>
  withCluster(async (t) => {
    const first = await created(t, { properties: { team: "storage", tier: "gold" } });
    const { cluster, etag } = await t.other.getCluster("alpha");
    await t.other.updateCluster("alpha", { ...cluster, properties: { ...cluster.properties, foreign: "kept" } }, etag === undefined ? {} : { ifMatch: etag });
    await t.calls();
    const refreshed = (await t.refresh(first.state!, first.private))!;
    const updated = await t.converge(
      refreshed,
      config({ description: "second", properties: { team: "compute" }, channel: "stable", rolling_restart: { post_restore_delay: "5m", restore_mode: null } }),
      first.private,
    );
    assert.deepEqual(summaries(updated.diagnostics, "error"), []);
    assert.deepEqual(await t.calls(), [`PUT ${CLUSTERS}/alpha 201`]);
    const live = t.live("alpha")!;
    assert.equal(live.description, "second");
    assert.equal(live.properties.team, "compute");
    assert.equal(live.properties.foreign, "kept");
    assert.equal(live.properties.tier, undefined);
    assert.equal(live.config.rolling_restart.post_restore_delay, "5m");
    assert.equal(live.config.rolling_restart.restore_mode, "");
    assert.equal(updated.state!.description, "second");
    assert.equal((updated.state!.properties_all as Record<string, string>).foreign, "kept");
  }));

test("rename is an in-place update: one POST with If-Match to the old name", () =>
  withCluster(async (t) => {
    const first = await created(t);
    const renamed = await t.converge(first.state, config({ name: "beta" }), first.private);
    assert.deepEqual(summaries(renamed.diagnostics, "error"), []);
    assert.equal(renamed.plan.requiresReplace, undefined);
    const requests = await t.requests();
    const mutating = requests.filter((r) => r.method !== "GET");
    assert.deepEqual(
      mutating.map((r) => `${r.method} ${r.path}`),
      [`POST ${CLUSTERS}/alpha`],
    );
    assert.deepEqual(mutating[0]!.body, { name: "beta" });
    assert.equal(t.live("alpha"), undefined);
    assert.deepEqual(t.live("beta")?.members, ["server01", "server02"]);
    assert.equal(renamed.state!.id, "beta");
    assert.equal((await t.refresh(renamed.state!, renamed.private))!.name, "beta");
  }));

test("members: one :add-servers, then evacuation (waited for), one :remove-servers, with a warning at plan time", () =>
  withCluster(
    async (t) => {
      const first = await created(t);
      const changed = await t.converge(first.state, config({ servers: ["server01", "server03"] }), first.private);
      assert.deepEqual(summaries(changed.diagnostics, "error"), []);
      const warning = changed.diagnostics.find((d) => d.severity === "warning")!;
      assert.deepEqual(warning.path, ["servers"]);
      assert.match(warning.summary, /^server02 will be removed from cluster "alpha"/);
      assert.match(warning.detail!, /evacuated.*factory-resets it/s);
      assert.deepEqual(await t.calls(), [
        `PUT ${CLUSTERS}/alpha 201`,
        `POST ${CLUSTERS}/alpha/:add-servers 201`,
        `POST ${SERVERS}/server02/system/:evacuate 200`,
        `POST ${CLUSTERS}/alpha/:remove-servers 201`,
      ]);
      const live = t.live("alpha")!;
      assert.deepEqual(live.members, ["server01", "server03"]);
      assert.equal(live.properties["oc-cdktf.io/members"], '["server01","server03"]');
      assert.deepEqual(changed.state!.members, ["server01", "server03"]);
      assert.deepEqual(changed.state!.servers, ["server01", "server03"]);
    },
    { evacuationDelayMs: 40 },
  ));

test("a member added by someone else is left alone, and removed once exclusive_members is set", () =>
  withCluster(async (t) => {
    const first = await created(t);
    await t.other.addClusterServers("alpha", { server_names: ["server04"] });
    await t.calls();
    const refreshed = (await t.refresh(first.state!, first.private))!;
    assert.deepEqual(refreshed.servers, ["server01", "server02"]);
    assert.deepEqual(refreshed.members, ["server01", "server02", "server04"]);
    const kept = await t.converge(refreshed, config(), first.private);
    assert.deepEqual(await t.calls(), []);
    const exclusive = await t.converge(kept.state, config({ exclusive_members: true }), kept.private);
    assert.match(summaries(exclusive.diagnostics, "warning").join("\n"), /^server04 will be removed/);
    assert.deepEqual(t.live("alpha")!.members, ["server01", "server02"]);
  }));

test("a server added by an apply whose state Terraform never saved is still removed once the code drops it", () =>
  withCluster(async (t) => {
    const first = await created(t);
    // An apply adds server03, and Terraform never saves the state it returns.
    await t.converge(first.state, config({ servers: ["server01", "server02", "server03"] }), first.private);
    assert.deepEqual(t.live("alpha")!.members, ["server01", "server02", "server03"]);
    await t.calls();
    const refreshed = (await t.refresh(first.state!, first.private))!;
    assert.deepEqual(refreshed.servers, ["server01", "server02", "server03"], "the members record claims server03");
    const dropped = await t.converge(refreshed, config(), first.private);
    assert.deepEqual(summaries(dropped.diagnostics, "error"), []);
    assert.ok((await t.calls()).includes(`POST ${CLUSTERS}/alpha/:remove-servers 201`));
    assert.deepEqual(t.live("alpha")!.members, ["server01", "server02"]);
  }));

test("a removal that does not finish evacuating fails with a clear message and says what is left", () =>
  withCluster(
    async (t) => {
      const first = await created(t);
      const result = await t.converge(first.state, config({ servers: ["server01", "server03"] }), first.private);
      const error = result.diagnostics.find((d) => d.severity === "error")!;
      assert.match(error.summary, /^Removing server02 from cluster "alpha" failed/);
      assert.match(error.detail!, /server "server02" is still not evacuated \(in_maintenance 1\).*raise evacuation_timeout/s);
      assert.match(error.detail!, /State left: server03 joined; server02 may be evacuated but is still a member; the next apply continues/);
      assert.equal(result.state!.name, "alpha");
      assert.ok(!(await t.calls()).some((c) => c.includes(":remove-servers")));
    },
    { evacuationDelayMs: 60_000 },
    { evacuationTimeoutMs: 50 },
  ));

test("deletion policies: retain makes no call, forget deletes with mode=force, factory-reset with mode=factory-reset; gone counts as deleted", () =>
  withCluster(async (t) => {
    const retain = await created(t);
    const retained = await t.converge(retain.state, null, retain.private);
    assert.equal(retained.state, null);
    assert.deepEqual(summaries(retained.diagnostics, "warning"), []);
    assert.deepEqual(await t.calls(), []);
    assert.ok(t.live("alpha") !== undefined);
    await t.other.deleteCluster("alpha", { mode: "force" });
    await t.h.oc.registerPendingNow?.();

    const forget = await created(t, { name: "beta", servers: ["server03"], deletion_policy: "forget" });
    const forgotten = await t.converge(forget.state, null, forget.private);
    assert.match(summaries(forgotten.diagnostics, "warning")[0]!, /deletes its record in Operations Center/);
    assert.deepEqual(await t.calls(), [`DELETE ${CLUSTERS}/beta?mode=force 200`]);

    const reset = await created(t, { name: "gamma", servers: ["server05", "server06"], deletion_policy: "factory-reset" });
    const destroyed = await t.converge(reset.state, null, reset.private);
    assert.match(summaries(destroyed.diagnostics, "warning")[0]!, /factory-resets ALL its members/);
    assert.deepEqual(await t.calls(), [`DELETE ${CLUSTERS}/gamma?mode=factory-reset 200`]);
    assert.equal(t.live("gamma"), undefined);

    const again = await t.converge(reset.state, null, reset.private);
    assert.equal(again.state, null);
    assert.deepEqual(summaries(again.diagnostics, "error"), []);
  }));

test("import by name: state from the live cluster without creation inputs; the first plan records them with a warning", () =>
  withCluster(async (t) => {
    await t.other.createCluster({
      name: "alpha",
      connection_url: "https://alpha.example.test:8443",
      server_names: ["server01", "server02"],
      server_type: "incus",
      description: "first cluster",
      properties: { team: "storage" },
    });
    await t.calls();
    const imported = await resource.import!("alpha", t.context);
    assert.equal(imported.state.services_config, null);
    assert.deepEqual(imported.state.servers, ["server01", "server02"]);
    const refreshed = (await t.refresh(imported.state, imported.private))!;
    const first = await t.converge(refreshed, config(), imported.private);
    assert.deepEqual(summaries(first.diagnostics, "error"), []);
    assert.match(summaries(first.diagnostics, "warning").join("\n"), /Creation inputs of the imported cluster "alpha" are not compared/);
    assert.equal(first.state!.services_config, JSON.stringify({ lvm: { enabled: false } }));
    const second = await t.converge((await t.refresh(first.state!, first.private))!, config(), first.private);
    assert.deepEqual(second.diagnostics, []);

    await assert.rejects(resource.import!("nope", t.context), /Cluster "nope" does not exist in Operations Center/);
  }));

test("a PUT that loses a race (412) reads the cluster again and retries once, keeping the other writer's change", () =>
  withCluster(async (t) => {
    const first = await created(t);
    const other = t.other;
    let raced = false;
    // Someone else writes right after this resource read the cluster.
    class RacingClient extends OperationsCenterClient {
      override async getCluster(name: string) {
        const read = await super.getCluster(name);
        if (!raced) {
          raced = true;
          const theirs = await other.getCluster(name);
          await other.updateCluster(
            name,
            { ...theirs.cluster, properties: { ...theirs.cluster.properties, foreign: "raced" } },
            theirs.etag === undefined ? {} : { ifMatch: theirs.etag },
          );
        }
        return read;
      }
    }
    const api = new RacingClient({ url: t.h.oc.url, serverCertificate: t.h.oc.serverCertificate, clientCertificate: t.h.cert, clientKey: t.h.key, retries: 0 });
    const context = { ...t.context, client: { ...t.client, api } };
    try {
      const prior = first.state!;
      const configured = config({ description: "second" });
      const plan = await resource.plan(
        { prior, proposed: proposedOf(prior, configured), config: configured, priorPrivate: first.private, capabilities },
        context,
      );
      const applied = await resource.apply({ prior, planned: plan.planned, config: configured, plannedPrivate: plan.plannedPrivate! }, context);
      assert.deepEqual(applied.diagnostics ?? [], []);
      assert.deepEqual(await t.calls(), [`PUT ${CLUSTERS}/alpha 201`, `PUT ${CLUSTERS}/alpha 412`, `PUT ${CLUSTERS}/alpha 201`]);
      const live = t.live("alpha")!;
      assert.equal(live.description, "second");
      assert.equal(live.properties.foreign, "raced");
    } finally {
      await api.close();
    }
  }));

test("Terraform before 1.11 (no write-only attributes): secrets_wo is planned and kept like a sensitive attribute", () =>
  withCluster(async (t) => {
    const secrets = JSON.stringify({ services_config: { tailscale: { auth_key: "tskey-auth-OLD" } } });
    const configured = config({ services_config: JSON.stringify({ tailscale: { enabled: true } }), secrets_wo: secrets });
    const old = { writeOnlyAttributesAllowed: false, deferralAllowed: false };
    const plan = await resource.plan(
      { prior: null, proposed: proposedOf(null, configured), config: configured, priorPrivate: new Uint8Array(), capabilities: old },
      t.context,
    );
    assert.equal(plan.planned!.secrets_wo, secrets);
    const applied = await resource.apply({ prior: null, planned: plan.planned, config: configured, plannedPrivate: new Uint8Array() }, t.context);
    assert.equal(applied.state!.secrets_wo, secrets);
    assert.equal((await t.refresh(applied.state!, applied.private))!.secrets_wo, secrets);
  }));

test("a failed :add-servers says what is left; the next apply continues from the live state", () =>
  withCluster(async (t) => {
    const first = await created(t, { services_config: JSON.stringify({ lvm: { enabled: false } }) });
    // server03's IncusOS refuses writes: copying the services config to it fails.
    t.h.oc.setFaults({ failMembers: ["server03"] });
    const failed = await t.converge(first.state, config({ servers: ["server01", "server02", "server03"], description: "second" }), first.private);
    const error = failed.diagnostics.find((d) => d.severity === "error")!;
    assert.match(error.summary, /^Adding server03 to cluster "alpha" failed/);
    assert.match(error.detail!, /State left: its settings are updated; no member was removed; the next apply continues/);
    assert.equal(failed.state!.description, "first cluster", "the partial state is the prior one");
    t.h.oc.setFaults({});
    const refreshed = (await t.refresh(failed.state!, failed.private))!;
    assert.equal(refreshed.description, "second");
    const again = await t.converge(refreshed, config({ servers: ["server01", "server02", "server03"], description: "second" }), failed.private);
    assert.deepEqual(summaries(again.diagnostics, "error"), []);
    assert.deepEqual(t.live("alpha")!.members, ["server01", "server02", "server03"]);
  }));

test("a members record that lists a server while it is no member is reconciled by every read: added back by hand later, it is left alone", () =>
  withCluster(async (t) => {
    const first = await created(t);
    // An add interrupted before it ran (or a record an interrupted removal left): server03 is recorded, not a member.
    const { cluster, etag } = await t.other.getCluster("alpha");
    const record = JSON.stringify(["server01", "server02", "server03"]);
    await t.other.updateCluster(
      "alpha",
      { ...cluster, properties: { ...cluster.properties, "oc-cdktf.io/members": record } },
      etag === undefined ? {} : { ifMatch: etag },
    );
    const read = await resource.read({ state: first.state!, private: first.private }, t.context);
    assert.deepEqual(read.state!.servers, ["server01", "server02"]);
    assert.deepEqual(JSON.parse(Buffer.from(read.private!).toString()).stale_members, ["server03"]);

    await t.other.addClusterServers("alpha", { server_names: ["server03"] });
    await t.calls();
    const again = await resource.read({ state: read.state!, private: read.private! }, t.context);
    assert.deepEqual(again.state!.servers, ["server01", "server02"], "not this resource's, though the record lists it");
    const changed = await t.converge(again.state, config({ description: "changed" }), again.private);
    assert.deepEqual(summaries(changed.diagnostics, "warning"), [], "no removal is planned");
    assert.deepEqual(await t.calls(), [`PUT ${CLUSTERS}/alpha 201`]);
    assert.deepEqual(t.live("alpha")!.members, ["server01", "server02", "server03"]);
    assert.equal(t.live("alpha")!.properties["oc-cdktf.io/members"], '["server01","server02"]', "the apply rewrote the record");
    assert.equal(JSON.parse(Buffer.from(changed.private).toString()).stale_members, undefined);
  }));
