// The local OC's models run without HTTP: a test builds a Context over an in-memory Store and
// calls them directly, and they check, change and mark state as the routes would have them do.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Context } from "../src/local-oc/context.js";
import { createCluster, deleteCluster, getCluster, renameCluster, type ClusterCreate } from "../src/local-oc/cluster-model.js";
import { applyTemplate, createTemplate } from "../src/local-oc/cluster-template-model.js";
import { OCError } from "../src/local-oc/errors.js";
import { STATE_FORMAT, seedServerSchema, type PersistedState } from "../src/local-oc/persisted.js";
import { emptyModel, ensureChannels } from "../src/local-oc/seeding.js";
import { Store } from "../src/local-oc/state.js";

interface ModelContext {
  ctx: Context;
  statePath: string;
  /** Waits for the state file, cancels what the model scheduled and removes the file. */
  close(): Promise<void>;
}

/** A Context over a fresh Store with a state file, holding the given (ready) servers. */
async function modelContext(servers: string[]): Promise<ModelContext> {
  const dir = mkdtempSync(join(tmpdir(), "local-oc-models-"));
  const statePath = join(dir, "state.json");
  const data: PersistedState = { format: STATE_FORMAT, tls: { certificate: "unused", key: "unused" }, trusted_fingerprints: [] as string[], ...emptyModel() };
  ensureChannels(data);
  const store = new Store(data, statePath);
  const ctx = new Context(store, { createDelayMs: 0, reregisterDelayMs: 0, evacuationDelayMs: 0, updateStepMs: 0, selfUpdatePollDelayMs: 0 });
  for (const [i, name] of servers.entries()) await ctx.register(seedServerSchema.parse({ name }), i);
  return {
    ctx,
    statePath,
    close: async () => {
      await store.flush();
      ctx.cancelPending();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function create(name: string, servers: string[], extra: Partial<ClusterCreate> = {}): ClusterCreate {
  return {
    name,
    connection_url: `https://${name}.example.test:8443`,
    channel: "",
    description: "",
    properties: {},
    config: { rolling_restart: { post_restore_delay: "", restore_mode: "" } },
    server_names: servers,
    server_type: "incus",
    services_config: {},
    application_seed_config: {},
    cluster_template: "",
    cluster_template_variable_values: {},
    ...extra,
  };
}

describe("local OC models without HTTP", () => {
  it("creates a cluster from its servers, marks the change, renames it with its members and refuses a normal delete while it is ready", async () => {
    const m = await modelContext(["server01", "server02"]);
    const ctx = m.ctx;
    try {
      await createCluster(ctx, create("east", ["server01", "server02"]));
      await ctx.store.flush();
      assert.equal(Store.load(m.statePath)?.clusters.find((c) => c.name === "east")?.status, "ready", "create marked its changes: the state file holds them");
      assert.equal(getCluster(ctx, "east").status, "ready");
      assert.equal(getCluster(ctx, "east").channel, "stable", "an empty channel is OC's default");
      assert.deepEqual(
        ctx.store.members("east").map((m) => m.name),
        ["server01", "server02"],
      );

      renameCluster(ctx, getCluster(ctx, "east"), "west");
      assert.deepEqual(
        ctx.store.members("west").map((m) => m.name),
        ["server01", "server02"],
      );
      assert.throws(
        () => getCluster(ctx, "east"),
        (err: unknown) => err instanceof OCError && err.kind === "not-found",
      );

      assert.throws(
        () => deleteCluster(ctx, "west", "normal"),
        (err: unknown) =>
          err instanceof OCError &&
          err.kind === "not-permitted" &&
          err.message === `Failed to delete cluster: Delete for cluster in state "ready": Operation not permitted`,
      );
    } finally {
      await m.close();
    }
  });

  it("refuses a create whose server is already clustered with OC's error, leaving no new cluster", async () => {
    const m = await modelContext(["server01"]);
    const ctx = m.ctx;
    try {
      await createCluster(ctx, create("east", ["server01"]));
      await assert.rejects(
        createCluster(ctx, create("west", ["server01"])),
        (err: unknown) =>
          err instanceof OCError &&
          err.kind === "not-permitted" &&
          err.message === `Failed creating cluster: Server "server01" is already part of cluster "east": Operation not permitted`,
      );
      assert.equal(ctx.store.cluster("west"), undefined);
    } finally {
      await m.close();
    }
  });

  it("applies a template's variables with defaults, as a create from a template does", async () => {
    const m = await modelContext([]);
    const ctx = m.ctx;
    try {
      createTemplate(ctx, "basic", {
        description: "",
        service_config_template: "lvm:\n  enabled: @lvm@\n",
        application_config_template: 'config:\n  core.https_address: "@address@"\n',
        variables: { lvm: { description: "", default: "true" }, address: { description: "", default: "" } },
      });
      assert.deepEqual(applyTemplate(ctx, "basic", { address: ":8443" }), {
        servicesConfig: { lvm: { enabled: true } },
        applicationSeedConfig: { config: { "core.https_address": ":8443" } },
      });
      assert.throws(
        () => applyTemplate(ctx, "basic", {}),
        (err: unknown) => err instanceof OCError && err.kind === "validation" && /No value provided for variable "address"/.test(err.message),
      );
    } finally {
      await m.close();
    }
  });
});
