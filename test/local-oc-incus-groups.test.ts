// Incus quirks of the local OC's per-cluster Incus API: cluster group ETags and deletion, and a
// member state change checked only inside its operation.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { test } from "node:test";
import type { LocalOperationsCenterOptions } from "../src/local-oc/index.js";
import { z } from "zod";
import { clusterPost, metadataOf, startHarness, type Harness, type Reply } from "./fixtures/local-oc/helpers.js";
import { instanceSeedConfig } from "./fixtures/local-oc/instances.js";

const INCUS = "/1.0";
const GROUPS = `${INCUS}/cluster/groups`;
const memberStatus = (reply: Reply) => metadataOf(reply, z.looseObject({ status: z.string() })).status;

async function withCluster(servers: string[], fn: (h: Harness) => Promise<void>, options: LocalOperationsCenterOptions = {}): Promise<void> {
  const h = await startHarness({ servers: 3, ...options });
  try {
    // The cluster's Incus trusts the test client through the application config.
    const created = await h.call("POST", "/1.0/provisioning/clusters", clusterPost("c1", servers, { application_seed_config: instanceSeedConfig(h.cert) }));
    assert.equal(created.status, 201, created.text);
    await fn(h);
  } finally {
    await h.close();
  }
}

const groupBody = { description: "", members: ["server02"], config: {} };

test("a cluster group PUT ignores If-Match: a stale ETag is applied", () =>
  withCluster(["server01", "server02", "server03"], async (h) => {
    assert.equal((await h.incusCall("c1", "POST", GROUPS, { name: "gpu", ...groupBody })).status, 201);
    const put = await h.incusCall("c1", "PUT", `${GROUPS}/gpu`, { ...groupBody, description: "GPUs" }, { headers: { "If-Match": '"stale"' } });
    assert.equal(put.status, 200, put.text);
    assert.equal(metadataOf(await h.incusCall("c1", "GET", `${GROUPS}/gpu`), z.looseObject({ description: z.string() })).description, "GPUs");
  }));

test("a cluster group PATCH checks If-Match against [description, members], so the GET's ETag is refused (412)", () =>
  withCluster(["server01", "server02", "server03"], async (h) => {
    assert.equal((await h.incusCall("c1", "POST", GROUPS, { name: "gpu", ...groupBody })).status, 201);
    const etag = String((await h.incusCall("c1", "GET", `${GROUPS}/gpu`)).headers["etag"]);
    const refused = await h.incusCall("c1", "PATCH", `${GROUPS}/gpu`, { description: "GPUs" }, { headers: { "If-Match": etag } });
    assert.equal(refused.status, 412);
    const own = createHash("sha256")
      .update(JSON.stringify(["", ["server02"]]))
      .digest("hex");
    assert.equal((await h.incusCall("c1", "PATCH", `${GROUPS}/gpu`, { description: "GPUs" }, { headers: { "If-Match": `"${own}"` } })).status, 200);
  }));

test("deleting a cluster group that has members answers 500 with Incus's message", () =>
  withCluster(["server01", "server02", "server03"], async (h) => {
    assert.equal((await h.incusCall("c1", "POST", GROUPS, { name: "gpu", ...groupBody })).status, 201);
    const refused = await h.incusCall("c1", "DELETE", `${GROUPS}/gpu`);
    assert.equal(refused.status, 500);
    assert.equal(refused.json!.error, "Only empty cluster groups can be removed");
  }));

test("renaming or deleting the default group answers 403 with Incus's own messages", () =>
  withCluster(["server01", "server02"], async (h) => {
    const renamed = await h.incusCall("c1", "POST", `${GROUPS}/default`, { name: "other" });
    assert.equal(renamed.status, 403);
    assert.equal(renamed.json!.error, 'The "default" group cannot be renamed');
    const deleted = await h.incusCall("c1", "DELETE", `${GROUPS}/default`);
    assert.equal(deleted.status, 403);
    assert.equal(deleted.json!.error, "The 'default' cluster group cannot be deleted");
  }));

async function memberState(h: Harness, member: string, body: Record<string, unknown>): Promise<{ status_code: number; err: string }> {
  const reply = await h.incusCall("c1", "POST", `${INCUS}/cluster/members/${member}/state`, body);
  assert.equal(reply.status, 202, reply.text);
  const { id } = metadataOf(reply, z.looseObject({ id: z.string() }));
  const operation = z.looseObject({ status_code: z.number(), err: z.string() });
  return metadataOf(await h.incusCall("c1", "GET", `${INCUS}/operations/${id}/wait?timeout=5`), operation);
}

test("evacuating an already evacuated member is accepted: the operation runs again and succeeds", () =>
  withCluster(["server01", "server02", "server03"], async (h) => {
    assert.equal((await memberState(h, "server03", { action: "evacuate" })).status_code, 200);
    assert.equal((await memberState(h, "server03", { action: "evacuate" })).status_code, 200);
    assert.equal(memberStatus(await h.incusCall("c1", "GET", `${INCUS}/cluster/members/server03`)), "Evacuated");
  }));

test("restoring an online member is accepted and it stays Online", () =>
  withCluster(["server01", "server02", "server03"], async (h) => {
    assert.equal((await memberState(h, "server03", { action: "restore" })).status_code, 200);
    assert.equal(memberStatus(await h.incusCall("c1", "GET", `${INCUS}/cluster/members/server03`)), "Online");
  }));

test("a second evacuate while the first one runs fails inside its operation", () =>
  withCluster(
    ["server01", "server02", "server03"],
    async (h) => {
      const first = await h.incusCall("c1", "POST", `${INCUS}/cluster/members/server03/state`, { action: "evacuate" });
      assert.equal(first.status, 202);
      const second = await memberState(h, "server03", { action: "evacuate" });
      assert.equal(second.status_code, 400);
      assert.equal(second.err, "Cluster member is already in requested state");
    },
    { evacuationDelayMs: 3_600_000 },
  ));

test("a single-member cluster refuses a migrate evacuation with Incus's message", () =>
  withCluster(["server01"], async (h) => {
    const refused = await h.incusCall("c1", "POST", `${INCUS}/cluster/members/server01/state`, { action: "evacuate", mode: "migrate" });
    assert.equal(refused.status, 400);
    assert.equal(refused.json!.error, `Can't perform "migrate" evacuation on a single node cluster`);
  }));

test("evacuating through Incus in mode auto moves and stops instances as OC's :evacuate does", () =>
  withCluster(["server01", "server02", "server03"], async (h) => {
    await h.call("POST", "/local-oc/instances", { name: "web1", location: "server01", storage_pool: "remote" });
    // A host-path disk cannot migrate: db1 is stopped in place.
    await h.call("POST", "/local-oc/instances", {
      name: "db1",
      location: "server01",
      devices: { logs: { type: "disk", path: "/var/log/host", source: "/var/log" } },
    });
    assert.equal((await memberState(h, "server01", { action: "evacuate", mode: "auto" })).status_code, 200);
    const instance = z.looseObject({ name: z.string(), location: z.string(), status: z.string() });
    const listed = metadataOf(await h.incusCall("c1", "GET", `${INCUS}/instances?recursion=1`), z.array(instance));
    assert.deepEqual(Object.fromEntries(listed.map((i) => [i.name, [i.location, i.status]])), { web1: ["server02", "Running"], db1: ["server01", "Stopped"] });
  }));
