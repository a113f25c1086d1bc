// OC's stored copy of each server's IncusOS data against the live state behind the /os/ proxy:
// what refreshes it (bulk prepare, :resync, the self-update poll after a network change,
// POST /local-oc/poll), the pending state after a network PUT, persistence and snapshots.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startLocalOperationsCenter, type LocalOperationsCenterOptions } from "../src/local-oc/index.js";
import { z } from "zod";
import { metadataOf, namesOf, networkOf, osObjectOf, serverOf, startHarness, type Harness } from "./fixtures/local-oc/helpers.js";

const S = "/1.0/provisioning/servers";
const C = "/1.0/provisioning/clusters";
/** Beyond what a timer holds: OC never gets the self-update notice's poll during a test. */
const NEVER = 3_600_000_000;

async function withCluster(options: LocalOperationsCenterOptions, fn: (h: Harness) => Promise<void>): Promise<void> {
  const h = await startHarness({
    seed: { servers: [{ name: "server01" }, { name: "server02" }, { name: "server03" }], clusters: [{ name: "c", server_names: ["server01", "server02"] }] },
    ...options,
  });
  try {
    await fn(h);
  } finally {
    await h.close();
  }
}

async function storedTags(h: Harness, server: string): Promise<unknown> {
  const r = await h.call("GET", `${S}/${server}/system/network`);
  assert.equal(r.status, 200, r.text);
  return networkOf(r).config!.interfaces![0]!.vlan_tags;
}

async function liveTags(h: Harness, server: string): Promise<unknown> {
  const r = await h.call("GET", `${S}/${server}/os/1.0/system/network`);
  assert.equal(r.status, 200, r.text);
  return networkOf(r).config!.interfaces![0]!.vlan_tags;
}

async function addTags(h: Harness, tags: number[]): Promise<void> {
  const r = await h.call("POST", `${C}/c/:bulk-update`, { action: "add_network_interface_vlan_tags", arguments: { interface_name: "eth0", vlan_tags: tags } });
  assert.equal(r.status, 200, r.text);
}

async function status(h: Harness, server: string): Promise<{ status: string; detail: string | undefined }> {
  const m = serverOf(await h.call("GET", `${S}/${server}`));
  return { status: m.server_status, detail: m.server_status_detail };
}

describe("local OC: OC's stored server data and the live IncusOS state", () => {
  it("GET system/network answers OC's stored copy until a poll, while the os proxy answers live", async () => {
    await withCluster({ selfUpdatePollDelayMs: NEVER }, async (h) => {
      await addTags(h, [100]);
      for (const server of ["server01", "server02"]) {
        assert.equal(await storedTags(h, server), undefined, `${server}: stored copy unchanged`);
        assert.deepEqual(await liveTags(h, server), [100], `${server}: IncusOS has the tags`);
      }
      const doc = serverOf(await h.call("GET", `${S}/server01`));
      assert.equal(doc.os_data!.network!.config!.interfaces![0]!.vlan_tags, undefined, "os_data is the stored copy too");

      const polled = await h.call("POST", "/local-oc/poll", { servers: ["server01"] });
      assert.deepEqual(namesOf(polled), ["server01"]);
      assert.deepEqual(await storedTags(h, "server01"), [100], "the poll refreshed server01");
      assert.equal(await storedTags(h, "server02"), undefined, "server02 was not polled");

      assert.equal((await h.call("POST", `${S}/server02/:resync`)).status, 200);
      assert.deepEqual(await storedTags(h, "server02"), [100], ":resync refreshed server02");
    });
  });

  it("the self-update notice after a network change refreshes the stored copy (a delay of 0: before the answer)", async () => {
    await withCluster({ selfUpdatePollDelayMs: 0 }, async (h) => {
      await addTags(h, [100]);
      assert.deepEqual(await storedTags(h, "server01"), [100]);
    });
    await withCluster({ selfUpdatePollDelayMs: 1 }, async (h) => {
      await addTags(h, [200]);
      const deadline = Date.now() + 5_000;
      while ((await storedTags(h, "server02")) === undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      assert.deepEqual(await storedTags(h, "server02"), [200]);
    });
  });

  it("an application installed through the os proxy stays out of version_data until a poll", async () => {
    await withCluster({ selfUpdatePollDelayMs: NEVER }, async (h) => {
      const apps = async () => serverOf(await h.call("GET", `${S}/server03`)).version_data!.applications!.map((a) => a.name);
      assert.equal((await h.call("POST", `${S}/server03/os/1.0/applications`, { name: "debug" })).status, 200);
      assert.deepEqual(namesOf(await h.call("GET", `${S}/server03/os/1.0/applications`)), ["/1.0/applications/debug", "/1.0/applications/incus"]);
      assert.deepEqual(await apps(), ["incus"]);
      await h.call("POST", "/local-oc/poll");
      assert.deepEqual(await apps(), ["incus", "debug"]);
    });
  });

  it("a bulk add_application installs on the members and leaves version_data as it was until a poll", async () => {
    await withCluster({ selfUpdatePollDelayMs: 0 }, async (h) => {
      const apps = async (server: string) => serverOf(await h.call("GET", `${S}/${server}`)).version_data!.applications!.map((a) => a.name);
      const r = await h.call("POST", `${C}/c/:bulk-update`, { action: "add_application", arguments: { name: "debug" } });
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(namesOf(await h.call("GET", `${S}/server02/os/1.0/applications`)), ["/1.0/applications/debug", "/1.0/applications/incus"]);
      assert.deepEqual(await apps("server02"), ["incus"]);
      await h.call("POST", "/local-oc/poll", { servers: ["server02"] });
      assert.deepEqual(await apps("server02"), ["incus", "debug"]);
    });
  });

  it("PUT system/update polls the server: its stored copy is refreshed", async () => {
    await withCluster({ selfUpdatePollDelayMs: NEVER }, async (h) => {
      assert.equal((await h.call("POST", `${S}/server03/os/1.0/applications`, { name: "debug" })).status, 200);
      const put = await h.call("PUT", `${S}/server03/system/update`, { config: { channel: "stable" } });
      assert.equal(put.status, 200, put.text);
      const apps = serverOf(await h.call("GET", `${S}/server03`)).version_data!.applications!;
      assert.deepEqual(
        apps.map((a) => a.name),
        ["incus", "debug"],
      );
    });
  });

  it("a change through the os proxy leaves the server's ETag as it was; a poll changes it", async () => {
    await withCluster({ selfUpdatePollDelayMs: NEVER }, async (h) => {
      const etag = async () => (await h.call("GET", `${S}/server03`)).headers["etag"];
      const before = await etag();
      assert.equal((await h.call("POST", `${S}/server03/os/1.0/applications`, { name: "debug" })).status, 200);
      assert.equal(await etag(), before);
      await h.call("POST", "/local-oc/poll", { servers: ["server03"] });
      assert.notEqual(await etag(), before);
    });
  });

  it("a bulk action polls the members first: their stored copies are fresh and a pending member is ready again", async () => {
    await withCluster({ selfUpdatePollDelayMs: NEVER }, async (h) => {
      assert.equal((await h.call("POST", `${S}/server01/os/1.0/applications`, { name: "debug" })).status, 200);
      const live = networkOf(await h.call("GET", `${S}/server02/os/1.0/system/network`));
      assert.equal((await h.call("PUT", `${S}/server02/system/network`, { config: live.config })).status, 200);
      assert.deepEqual(await status(h, "server02"), { status: "pending", detail: "re-configuring" });

      const r = await h.call("POST", `${C}/c/:bulk-update`, {
        action: "update_system_logging",
        arguments: { config: { syslog: { address: "192.0.2.9", protocol: "udp", log_format: "rfc5424" } } },
      });
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(await status(h, "server02"), { status: "ready", detail: "" });
      const apps = serverOf(await h.call("GET", `${S}/server01`)).version_data!.applications!;
      assert.ok(
        apps.some((a) => a.name === "debug"),
        "server01's stored applications were refreshed",
      );
    });
  });
});

describe("local OC: pending after a network PUT", () => {
  it("PUT system/network stores the request's network and leaves the server pending / re-configuring until a poll", async () => {
    await withCluster({ selfUpdatePollDelayMs: NEVER }, async (h) => {
      const live = networkOf(await h.call("GET", `${S}/server03/os/1.0/system/network`));
      live.config!.interfaces![0]!.vlan_tags = [30];
      const put = await h.call("PUT", `${S}/server03/system/network`, { config: live.config });
      assert.equal(put.status, 200, put.text);
      assert.deepEqual(await status(h, "server03"), { status: "pending", detail: "re-configuring" });
      assert.deepEqual(await storedTags(h, "server03"), [30], "OC stores what it sent");
      assert.deepEqual(await liveTags(h, "server03"), [30]);

      const join = await h.call("POST", `${C}/c/:add-servers`, { server_names: ["server03"] });
      assert.equal(join.status, 400);
      assert.match(join.json!.error, /Server "server03" is not in ready state and can therefore not be used for clustering: Operation not permitted$/);

      assert.equal((await h.call("POST", `${S}/server03/:resync`)).status, 200);
      assert.deepEqual(await status(h, "server03"), { status: "ready", detail: "" });
    });
  });

  it("the pending poll of POST /local-oc/poll ends a pending re-configuration", async () => {
    await withCluster({ selfUpdatePollDelayMs: NEVER }, async (h) => {
      const live = (await h.call("GET", `${S}/server03/os/1.0/system/network`)).json!.metadata;
      assert.equal((await h.call("PUT", `${S}/server03/system/network`, live)).status, 200);
      assert.equal((await status(h, "server03")).status, "pending");
      assert.deepEqual((await h.call("POST", "/local-oc/poll")).json!.metadata, ["server01", "server02", "server03"]);
      assert.deepEqual(await status(h, "server03"), { status: "ready", detail: "" });
    });
  });

  it("with a self-update delay of 0 the server is ready again before the answer", async () => {
    await withCluster({ selfUpdatePollDelayMs: 0 }, async (h) => {
      const live = (await h.call("GET", `${S}/server03/os/1.0/system/network`)).json!.metadata;
      assert.equal((await h.call("PUT", `${S}/server03/system/network`, live)).status, 200);
      assert.deepEqual(await status(h, "server03"), { status: "ready", detail: "" });
    });
  });

  it("a network config IncusOS refuses leaves the server as it was, with OC's 500", async () => {
    await withCluster({ selfUpdatePollDelayMs: NEVER }, async (h) => {
      const r = await h.call("PUT", `${S}/server03/system/network`, { config: {} });
      assert.equal(r.status, 500);
      assert.equal(
        r.json!.error,
        'Failed to update server network configuration for "server03": Put OS network data to "server03" (https://192.0.2.13:8443) failed: network configuration has no devices defined',
      );
      assert.deepEqual(await status(h, "server03"), { status: "ready", detail: "" });
      assert.equal(networkOf(await h.call("GET", `${S}/server03/system/network`)).config!.interfaces![0]!.name, "eth0");
      const ghost = await h.call("PUT", `${S}/ghost/system/network`, { config: {} });
      assert.equal(ghost.status, 404);
      assert.equal(
        ghost.json!.error,
        'Failed to update server network configuration for "ghost": Failed to get server "ghost": Failed to get server "ghost" by name: Not found',
      );
    });
  });
});

describe("local OC: pending after a storage PUT", () => {
  it("PUT system/storage stores the request's config and leaves the server pending until a poll, even with a self-update delay of 0", async () => {
    await withCluster({ selfUpdatePollDelayMs: 0 }, async (h) => {
      const put = await h.call("PUT", `${S}/server03/system/storage`, { config: { scrub_schedule: "0 5 * * 0" } });
      assert.equal(put.status, 200, put.text);
      assert.deepEqual(await status(h, "server03"), { status: "pending", detail: "re-configuring" });
      assert.equal(osObjectOf(await h.call("GET", `${S}/server03/system/storage`)).config!["scrub_schedule"], "0 5 * * 0");
      assert.equal((await h.call("POST", `${S}/server03/:resync`)).status, 200);
      assert.deepEqual(await status(h, "server03"), { status: "ready", detail: "" });
      const ghost = await h.call("PUT", `${S}/ghost/system/storage`, { config: {} });
      assert.equal(ghost.status, 404);
      assert.equal(
        ghost.json!.error,
        'Failed to update server storage configuration for "ghost": Failed to get server "ghost": Failed to get server "ghost" by name: Not found',
      );
    });
  });
});

describe("local OC: POST /local-oc/poll", () => {
  it("polls the named servers or every one, and refuses unknown names", async () => {
    await withCluster({}, async (h) => {
      assert.deepEqual((await h.call("POST", "/local-oc/poll", { servers: ["server02"] })).json!.metadata, ["server02"]);
      const unknown = await h.call("POST", "/local-oc/poll", { servers: ["ghost"] });
      assert.equal(unknown.status, 400);
      assert.equal(unknown.json!.error, 'Bad Request: servers: unknown server "ghost"');
      assert.equal((await h.call("GET", "/local-oc/poll")).status, 405);
      assert.equal((await h.call("POST", "/local-oc/poll", undefined, { auth: false })).status, 401);
    });
  });
});

describe("local OC: the stored copy across restarts and snapshots", () => {
  it("a state file written before the stored copy existed loads with it equal to the live state", async () => {
    const dir = mkdtempSync(join(tmpdir(), "local-oc-stored-"));
    const statePath = join(dir, "state.json");
    try {
      const first = await startLocalOperationsCenter({ statePath, servers: 1 });
      await first.close();
      const state = JSON.parse(readFileSync(statePath, "utf8")) as {
        servers: Array<{ stored?: unknown; incusos: { network: { interfaces: Array<{ vlan_tags: number[] }> } } }>;
      };
      for (const server of state.servers) {
        delete server.stored;
        server.incusos.network.interfaces[0]!.vlan_tags = [7];
      }
      writeFileSync(statePath, JSON.stringify(state));
      const h = await startHarness({ statePath });
      try {
        assert.deepEqual(await storedTags(h, "server01"), [7]);
      } finally {
        await h.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a snapshot carries both copies: restoring it brings the stale stored copy back", async () => {
    await withCluster({ selfUpdatePollDelayMs: NEVER }, async (h) => {
      await addTags(h, [100]);
      const snapshot = (await h.call("GET", "/local-oc/snapshot")).json!.metadata;
      await h.call("POST", "/local-oc/poll");
      assert.deepEqual(await storedTags(h, "server01"), [100]);
      assert.equal((await h.call("PUT", "/local-oc/snapshot", snapshot)).status, 200);
      assert.equal(await storedTags(h, "server01"), undefined);
      assert.deepEqual(await liveTags(h, "server01"), [100]);
    });
  });
});

describe("local OC: the oc-cdktf local-oc flags", () => {
  const MAIN = join(dirname(fileURLToPath(import.meta.url)), "..", "src", "cli", "main.js");
  const run = (args: string[]) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [MAIN, "local-oc", ...args], { stdio: ["ignore", "pipe", "pipe"] });
      let stdout = "";
      let stderr = "";
      child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
      child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
      child.once("exit", (code) => resolve({ code, stdout, stderr }));
    });

  it("documents --self-update-poll-delay and --unsupported-service-config and refuses bad values", async () => {
    const help = await run(["--help"]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--self-update-poll-delay MS/);
    assert.match(help.stdout, /--unsupported-service-config empty\|error/);
    const delay = await run(["--self-update-poll-delay", "soon"]);
    assert.equal(delay.code, 2);
    assert.match(delay.stderr, /--self-update-poll-delay must be a number between 0 and Infinity, got "soon"/);
    const mode = await run(["--unsupported-service-config", "ignore"]);
    assert.equal(mode.code, 2);
    assert.match(mode.stderr, /--unsupported-service-config must be "empty" or "error", got "ignore"/);
  });
});

describe("local OC: a poll stores the server's connection_url from its management-role address", () => {
  const connectionURL = async (h: Harness): Promise<string> =>
    metadataOf(await h.call("GET", `${S}/server03`), z.looseObject({ connection_url: z.string() })).connection_url;
  const putLive = async (h: Harness, change: (eth0: { roles?: string[] | null; addresses?: string[] | null }) => void): Promise<void> => {
    const live = networkOf(await h.call("GET", `${S}/server03/os/1.0/system/network`)).config!;
    change(live.interfaces![0]!);
    const put = await h.call("PUT", `${S}/server03/os/1.0/system/network`, { config: live });
    assert.equal(put.status, 200, put.text);
  };

  it("an IPv6 management address, preferred over IPv4, becomes the connection_url at the next poll", async () => {
    await withCluster({ selfUpdatePollDelayMs: NEVER }, async (h) => {
      const before = await connectionURL(h);
      assert.match(before, /^https:\/\/192\.0\.2\.\d+:8443$/);
      await putLive(h, (eth0) => eth0.addresses!.push("2001:db8::13/64"));
      assert.equal(await connectionURL(h), before, "not before a poll");
      assert.equal((await h.call("POST", `${S}/server03/:resync`)).status, 200);
      assert.equal(await connectionURL(h), "https://[2001:db8::13]:8443");
    });
  });

  it("without a management-role address :resync answers 500 and the stored copy stays as it was", async () => {
    await withCluster({ selfUpdatePollDelayMs: NEVER }, async (h) => {
      const before = await connectionURL(h);
      const stored = (await h.call("GET", `${S}/server03/system/network`)).json!.metadata;
      await putLive(h, (eth0) => {
        eth0.roles = eth0.roles!.filter((r) => r !== "management");
      });
      const refused = await h.call("POST", `${S}/server03/:resync`);
      assert.equal(refused.status, 500);
      assert.equal(
        refused.json!.error,
        'Failed to resync server "server03": Failed to resync server "server03" by name: Failed to determine an IP address for the network interface with "management" role',
      );
      assert.equal(await connectionURL(h), before);
      assert.deepEqual((await h.call("GET", `${S}/server03/system/network`)).json!.metadata, stored);
    });
  });
});
