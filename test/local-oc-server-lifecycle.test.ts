// A server's system actions :reboot, :poweroff and :update: Operations Center's lifecycle guard
// (refused while the server's cluster updates or reboots, unless ?force=true), :update's ready
// check, and the 500 of a server OC cannot reach.
import assert from "node:assert/strict";
import { test } from "node:test";
import { z } from "zod";
import { metadataOf, serverOf, startHarness, type Harness } from "./fixtures/local-oc/helpers.js";
import { instanceSeed } from "./fixtures/local-oc/instances.js";

const S = "/1.0/provisioning/servers";
const C = "/1.0/provisioning/clusters";

async function withHarness(seed: Record<string, unknown>, fn: (h: Harness) => Promise<void>): Promise<void> {
  const h = await startHarness({ seed });
  try {
    await fn(h);
  } finally {
    await h.close();
  }
}

const status = async (h: Harness, name: string): Promise<[string, string | undefined]> => {
  const server = serverOf(await h.call("GET", `${S}/${name}`));
  return [server.server_status, server.server_status_detail];
};

test(":reboot, :poweroff and :update are refused with 400 while a cluster rolling reboot runs, and accepted with ?force=true", () =>
  // The run is stepped only on demand here, so it stays in progress.
  withHarness(instanceSeed(undefined), async (h) => {
    assert.equal((await h.call("POST", `${C}/c1/:reboot`)).status, 200);
    for (const [verb, body] of [
      ["reboot", undefined],
      ["poweroff", undefined],
      ["update", {}],
    ] as const) {
      const refused = await h.call("POST", `${S}/server02/system/:${verb}`, body);
      assert.equal(refused.status, 400, verb);
      assert.equal(
        refused.json!.error,
        `Failed to ${verb} server "server02": Lifecycle operation for server "server02" currently not permitted: Operation not permitted`,
      );
    }
    assert.deepEqual(await status(h, "server02"), ["ready", ""], "nothing changed");
    assert.equal((await h.call("POST", `${S}/server02/system/:update?force=true`, {})).status, 200);
    assert.equal((await h.call("POST", `${S}/server02/system/:reboot?force=1`)).status, 200);
    assert.deepEqual(await status(h, "server02"), ["offline", "rebooting"]);
    assert.equal((await h.call("POST", `${S}/server02/system/:poweroff?force=true`)).status, 200, "a rebooting server answers again");
    assert.deepEqual(await status(h, "server02"), ["offline", "shut down"]);
    assert.equal((await h.call("POST", `${S}/server04/system/:reboot`)).status, 200, "a server outside the cluster is not guarded");
  }));

test(":update of a server that is not ready is 400, even with ?force=true; the body is decoded first", () =>
  withHarness({ servers: [{ name: "server01", status: "pending" }] }, async (h) => {
    for (const query of ["", "?force=true"]) {
      const refused = await h.call("POST", `${S}/server01/system/:update${query}`, {});
      assert.equal(refused.status, 400);
      assert.equal(refused.json!.error, 'Failed to update server "server01": Server is not ready: Operation not permitted');
    }
    const empty = await h.call("POST", `${S}/server01/system/:update`);
    assert.equal(empty.status, 400);
    assert.equal(empty.json!.error, "Bad Request: Request decoding: EOF");
  }));

test(":reboot and :poweroff have no ready check: a pending server is rebooted, an offline one answers 500 (OC cannot reach it)", () =>
  withHarness({ servers: [{ name: "server01", status: "pending" }, { name: "server02" }] }, async (h) => {
    assert.equal((await h.call("POST", `${S}/server01/system/:reboot`)).status, 200);
    assert.equal((await h.call("POST", `${S}/server02/system/:poweroff`)).status, 200);
    for (const verb of ["reboot", "poweroff"]) {
      const unreachable = await h.call("POST", `${S}/server02/system/:${verb}`);
      assert.equal(unreachable.status, 500, verb);
      assert.match(
        unreachable.json!.error,
        new RegExp(`^Failed to ${verb} server "server02": Failed to ${verb} server "server02" by name: Post "https://[^"]+/os/1\\.0/system/:${verb}": `),
      );
    }
    assert.deepEqual(await status(h, "server02"), ["offline", "shut down"]);
  }));

test(":update forces IncusOS' update config and updates the OS only with os.trigger_update; the server is updating until a poll sees no update needed", () =>
  withHarness({ servers: [{ name: "server01" }] }, async (h) => {
    const model = h.oc.saveSnapshot();
    model.servers[0]!.needs_update = true;
    h.oc.restoreSnapshot(model);
    const update = z.looseObject({
      config: z.looseObject({ auto_reboot: z.boolean(), check_frequency: z.string(), channel: z.string() }),
      state: z.looseObject({ status: z.string(), needs_reboot: z.boolean() }),
    });
    const systemUpdate = async () => metadataOf(await h.call("GET", `${S}/server01/system/update`), update);

    assert.equal((await h.call("POST", `${S}/server01/system/:update`, { os: { name: "IncusOS", trigger_update: false } })).status, 200);
    assert.deepEqual(await status(h, "server01"), ["ready", "updating"]);
    const forced = await systemUpdate();
    assert.equal(forced.config.auto_reboot, false);
    assert.equal(forced.config.check_frequency, "never");
    assert.equal(forced.config.channel, serverOf(await h.call("GET", `${S}/server01`)).channel);
    assert.equal(forced.state.status, "Update available", "no update without trigger_update");

    assert.equal((await h.call("POST", `${S}/server01/system/:update`, { os: { name: "IncusOS", trigger_update: true } })).status, 200);
    assert.deepEqual(await status(h, "server01"), ["ready", ""], "the poll sees no update needed");
    assert.equal((await systemUpdate()).state.needs_reboot, true);
  }));

test(":update decodes its body as api.ServerUpdatePost, with Go's error text", () =>
  withHarness({ servers: [{ name: "server01" }] }, async (h) => {
    const bad = await h.call("POST", `${S}/server01/system/:update`, { os: true });
    assert.equal(bad.status, 400);
    assert.equal(
      bad.json!.error,
      "Bad Request: Request decoding: json: cannot unmarshal bool into Go struct field ServerUpdatePost.os of type api.ServerUpdateApplication",
    );
    assert.deepEqual(await status(h, "server01"), ["ready", ""]);
  }));

test(":reboot leaves the server offline / rebooting until a poll finds it back", () =>
  withHarness({ servers: [{ name: "server01" }] }, async (h) => {
    assert.equal((await h.call("POST", `${S}/server01/system/:reboot`)).status, 200);
    assert.deepEqual(await status(h, "server01"), ["offline", "rebooting"]);
    assert.deepEqual((await h.call("POST", "/local-oc/poll", {})).json!.metadata, ["server01"]);
    assert.deepEqual(await status(h, "server01"), ["ready", ""]);
  }));
