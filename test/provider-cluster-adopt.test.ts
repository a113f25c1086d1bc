// operationscenter_cluster after an interrupted apply: the create journal and the created-by
// marker let the next create adopt its own cluster, clean up its own pending leftover, wait for a
// create still running, and refuse anyone else's cluster.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { test } from "node:test";
import { beginCreate, journalFile } from "../src/provider/resources/cluster/journal.js";
import { CLUSTERS, config, resource, summaries, withCluster, type ClusterHarness } from "./fixtures/provider/cluster.js";

function errorsOf(diagnostics: readonly { severity: string; summary: string; detail?: string }[]): string {
  return diagnostics
    .filter((d) => d.severity === "error")
    .map((d) => `${d.summary}\n${d.detail ?? ""}`)
    .join("\n");
}

/** A pid that no process has any more. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ["-e", ""]);
  return child.pid!;
}

/** A journal entry for `name` as an earlier run would have left it, and that run's marker. */
function journal(t: ClusterHarness, name: string, changes: { pid?: number; started_at?: string } = {}): string {
  const entry = beginCreate(t.workDir, name);
  writeFileSync(journalFile(t.workDir, name), JSON.stringify({ ...entry, ...changes }), { mode: 0o600 });
  return entry.create_id;
}

test("adoption: a create whose state was never saved is adopted by the next apply, without a second POST", () =>
  withCluster(async (t) => {
    const first = await t.converge(null, config());
    assert.deepEqual(await t.calls(), [`POST ${CLUSTERS} 201`]);
    // Terraform was killed before it saved that state: the next plan creates again.
    const second = await t.converge(null, config());
    assert.deepEqual(summaries(second.diagnostics, "error"), []);
    assert.deepEqual(await t.calls(), []);
    assert.equal(second.state!.status, "ready");
    assert.deepEqual(second.private, first.private, "the same create id");
  }));

test("adoption refuses a cluster this resource created with other creation inputs", () =>
  withCluster(async (t) => {
    await t.converge(null, config());
    await t.calls();
    const other = await t.converge(null, config({ services_config: JSON.stringify({ lvm: { enabled: true } }) }));
    assert.match(
      errorsOf(other.diagnostics),
      /created by an earlier, interrupted apply of this resource with other creation inputs[\s\S]*services_config\.lvm differ/,
    );
    assert.deepEqual(await t.calls(), []);
  }));

test("a failed create leaves a pending record; the next apply deletes it with mode=normal and creates again", () =>
  withCluster(async (t) => {
    t.h.oc.setFaults({ failMembers: ["server02"] });
    const failed = await t.converge(null, config());
    assert.equal(failed.state, null);
    const message = errorsOf(failed.diagnostics);
    assert.match(message, /^Creating cluster "alpha" failed/);
    assert.match(message, /State left: cluster "alpha" is left pending; the next apply removes that record \(mode=normal\) and creates it again/);
    assert.deepEqual(await t.calls(), [`POST ${CLUSTERS} 500`]);

    t.h.oc.setFaults({});
    const again = await t.converge(null, config());
    assert.deepEqual(summaries(again.diagnostics, "error"), []);
    assert.deepEqual(await t.calls(), [`DELETE ${CLUSTERS}/alpha?mode=normal 200`, `POST ${CLUSTERS} 201`]);
    assert.equal(t.live("alpha")!.status, "ready");
  }));

test("a pending record of this resource whose creating process is gone is deleted and created again", () =>
  withCluster(async (t) => {
    const createId = journal(t, "alpha", { pid: deadPid() });
    t.h.oc.setFaults({ failMembers: ["server02"] });
    await t.other
      .createCluster({
        name: "alpha",
        connection_url: "",
        server_names: ["server01", "server02"],
        server_type: "incus",
        services_config: { lvm: { enabled: false } },
        properties: { "oc-cdktf.io/created-by": createId },
      })
      .catch(() => undefined);
    t.h.oc.setFaults({});
    assert.equal(t.live("alpha")!.status, "pending");
    await t.calls();
    const result = await t.converge(null, config());
    assert.deepEqual(summaries(result.diagnostics, "error"), []);
    assert.deepEqual(await t.calls(), [`DELETE ${CLUSTERS}/alpha?mode=normal 200`, `POST ${CLUSTERS} 201`]);
  }));

test("a pending record of a create still running is waited for, then adopted", () =>
  withCluster(
    async (t) => {
      const createId = journal(t, "alpha");
      const running = t.other.createCluster({
        name: "alpha",
        connection_url: "https://alpha.example.test:8443",
        server_names: ["server01", "server02"],
        server_type: "incus",
        description: "first cluster",
        properties: { team: "storage", "oc-cdktf.io/created-by": createId },
      });
      while (t.live("alpha")?.status !== "pending") await new Promise((resolve) => setImmediate(resolve));
      const result = await t.converge(null, config());
      await running;
      assert.deepEqual(summaries(result.diagnostics, "error"), []);
      assert.equal(result.state!.status, "ready");
      assert.deepEqual(await t.calls(), [`POST ${CLUSTERS} 201`], "only the other run's POST");
      assert.equal(JSON.parse(Buffer.from(result.private).toString()).create_id, createId);
    },
    { createDelayMs: 200 },
  ));

test("a cluster someone else created is refused with the import command; an old journal entry does not count", () =>
  withCluster(async (t) => {
    await t.other.createCluster({ name: "alpha", connection_url: "", server_names: ["server01"], server_type: "incus" });
    await t.calls();
    const refused = await t.converge(null, config());
    const message = errorsOf(refused.diagnostics);
    assert.match(message, /^Cluster "alpha" already exists and was not created by this resource/);
    assert.match(message, /terraform import <this resource's address> alpha/);
    assert.deepEqual(refused.diagnostics.find((d) => d.severity === "error")!.path, ["name"]);
    assert.deepEqual(await t.calls(), []);

    const createId = journal(t, "beta", { started_at: new Date(Date.now() - 8 * 24 * 3600 * 1000).toISOString() });
    await t.other.createCluster({
      name: "beta",
      connection_url: "",
      server_names: ["server03"],
      server_type: "incus",
      properties: { "oc-cdktf.io/created-by": createId },
    });
    const stale = await t.converge(null, config({ name: "beta", servers: ["server03"] }));
    assert.match(errorsOf(stale.diagnostics), /already exists and was not created by this resource/);
    assert.ok(readFileSync(journalFile(t.workDir, "beta"), "utf8").includes(createId));
  }));

test("a cluster gone under its state name is read under its new name: by the created-by marker, or (imported) by its certificate fingerprint", () =>
  withCluster(async (t) => {
    const first = await t.converge(null, config());
    await t.other.renameCluster("alpha", "alpha2");
    const read = await resource.read({ state: first.state!, private: first.private }, t.context);
    assert.equal(read.state!.name, "alpha2");
    assert.equal(read.state!.id, "alpha2");

    const imported = await resource.import!("alpha2", t.context);
    await t.other.renameCluster("alpha2", "alpha3");
    const importedRead = await resource.read({ state: imported.state!, private: imported.private! }, t.context);
    assert.equal(importedRead.state!.name, "alpha3");

    await t.other.deleteCluster("alpha3", { mode: "force" });
    assert.equal((await resource.read({ state: first.state!, private: first.private }, t.context)).state, null, "gone is gone");
  }));

test("with an adoption key, a create interrupted before state was saved is adopted without the journal; another key is refused", () =>
  withCluster(async (t) => {
    const first = await t.converge(null, config({ adoption_key: "stack/a" }));
    assert.deepEqual(summaries(first.diagnostics, "error"), []);
    await t.calls();
    rmSync(journalFile(t.workDir, "alpha"), { force: true });
    const other = await t.converge(null, config({ adoption_key: "other-stack/a" }));
    assert.match(errorsOf(other.diagnostics), /^Cluster "alpha" already exists and was not created by this resource/);
    const again = await t.converge(null, config({ adoption_key: "stack/a" }));
    assert.deepEqual(summaries(again.diagnostics, "error"), []);
    assert.deepEqual(
      summaries(again.plan.diagnostics ?? [], "warning"),
      [`Cluster "alpha" exists already: an earlier, interrupted apply of this resource created it`],
      "the plan shows the adoption",
    );
    assert.deepEqual(await t.calls(), [], "adopted, not created again");
    assert.deepEqual(again.private, first.private, "the same marker");
  }));
