// The plugin layer as a process: the toy provider (test/fixtures/plugin) driven over gRPC by the test
// (no terraform): StopProvider during an apply, and exiting on its own when its parent is killed.

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import { COOKIE, entry, start, unary } from "./fixtures/plugin/harness.js";
import { toyProvider } from "./fixtures/plugin/toy.js";
import { toMsgpack } from "../src/provider/plugin/cty/codec.js";
import { impliedType } from "../src/provider/plugin/cty/block.js";
import { UNKNOWN } from "../src/provider/plugin/types.js";
import type { Block, ObjectValue } from "../src/provider/plugin/types.js";
import { decode, encode } from "../src/provider/plugin/wire/protobuf.js";
import * as wire from "../src/provider/plugin/wire/tfplugin6.js";

const dynamic = (value: ObjectValue | null, block: Block): wire.DynamicValue => ({
  msgpack: value === null ? Uint8Array.of(0xc0) : toMsgpack(value, impliedType(block)),
  json: new Uint8Array(0),
});

const note = toyProvider.resources[0]!;
const blank = Object.fromEntries(Object.keys(note.schema.block.attributes).map((name) => [name, null]));

test("StopProvider aborts the in-flight apply, closes the provider once and exits 0 after answering", { timeout: 30_000 }, async (t) => {
  const store = await mkdtemp(join(tmpdir(), "plugin-stop-"));
  t.after(() => rm(store, { recursive: true, force: true }));
  const plugin = await start({ TF_PLUGIN_MAGIC_COOKIE: COOKIE, TF_LOG_PROVIDER: "DEBUG" });
  const client = new grpc.Client(`unix://${plugin.handshake[3]}`, grpc.credentials.createInsecure());
  t.after(() => client.close());

  const configure = decode(
    wire.DiagnosticsField1,
    await unary(
      client,
      "/tfplugin6.Provider/ConfigureProvider",
      encode(wire.ConfigureProviderRequest, {
        terraform_version: "1.11.4",
        config: dynamic({ store_dir: store, create_barrier: 2 }, toyProvider.schema.block),
      }),
    ),
  );
  assert.deepEqual(configure.diagnostics, []);

  // One create alone waits for a second that never comes, until the stop aborts it.
  const planned = { ...blank, name: "n", id: UNKNOWN, created_at: UNKNOWN, rule: [] };
  const applying = unary(
    client,
    "/tfplugin6.Provider/ApplyResourceChange",
    encode(wire.ChangeRequest, {
      type_name: "toy_note",
      prior_state: dynamic(null, note.schema.block),
      next_state: dynamic(planned, note.schema.block),
      config: dynamic({ ...blank, name: "n", rule: [] }, note.schema.block),
    }),
  );
  await plugin.stderrLine(/toy create waiting for others/);
  const stopped = decode(wire.StopProviderResponse, await unary(client, "/tfplugin6.Provider/StopProvider", new Uint8Array(0)));
  assert.equal(stopped.Error, "");

  const applied = decode(wire.ApplyResourceChangeResponse, await applying);
  assert.deepEqual(
    applied.diagnostics.map((d) => [d.severity, d.summary]),
    [[wire.Severity.error, "create stopped: the provider is stopping"]],
  );
  assert.equal(await plugin.exit, 0);
  assert.equal(plugin.stderr().match(/toy provider closed/g)?.length, 1);
  // The stack of the failed call is logged at DEBUG only (Terraform got the message alone).
  const stackLines = plugin
    .stderr()
    .split("\n")
    .filter((line) => line.includes("\\n    at "));
  assert.ok(stackLines.length > 0);
  for (const line of stackLines) assert.equal((JSON.parse(line) as Record<string, string>)["@level"], "debug");
  assert.doesNotMatch(JSON.stringify(applied.diagnostics), /\n {4}at /);
});

test("a plugin whose terraform was SIGKILLed exits on its own", { timeout: 30_000 }, async (t) => {
  // The shell stands in for terraform: it starts the plugin, says its pid and waits on it.
  const parent = await start({ TF_PLUGIN_MAGIC_COOKIE: COOKIE, TF_LOG_PROVIDER: "DEBUG" }, [
    "/bin/sh",
    "-c",
    `"${process.execPath}" "${entry}" & echo "plugin pid $!" >&2; wait`,
  ]);
  const pid = Number(/plugin pid (\d+)/.exec(await parent.stderrLine(/plugin pid/))![1]);
  t.after(() => {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Already gone, as it should be.
    }
  });
  parent.child.kill("SIGKILL");
  // stdout closes once the orphaned plugin, which shares it, has exited too.
  await parent.exit;
  // (Whether its new parent has reaped it yet is not the plugin's business.)
  assert.match(parent.stderr(), /"reason":"parent process exited"/);
});
