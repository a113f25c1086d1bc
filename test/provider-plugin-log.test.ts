// The provider writes log lines only at the level Terraform asks for (TF_LOG_PROVIDER, else
// TF_LOG); with neither set, Terraform discards them, so none is written.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import { COOKIE, start, unary } from "./fixtures/plugin/harness.js";
import { toyProvider } from "./fixtures/plugin/toy.js";
import { toMsgpack } from "../src/provider/plugin/cty/codec.js";
import { impliedType } from "../src/provider/plugin/cty/block.js";
import { hclogLogger, logLevelFrom } from "../src/provider/plugin/log.js";
import { decode, encode } from "../src/provider/plugin/wire/protobuf.js";
import * as wire from "../src/provider/plugin/wire/tfplugin6.js";

test("the level comes from TF_LOG_PROVIDER, else TF_LOG; unset or OFF writes nothing, and a value that is no level means TRACE", () => {
  assert.equal(logLevelFrom({}), "off");
  assert.equal(logLevelFrom({ TF_LOG: "off" }), "off");
  assert.equal(logLevelFrom({ TF_LOG: "INFO" }), "info");
  assert.equal(logLevelFrom({ TF_LOG: "trace", TF_LOG_PROVIDER: "warn" }), "warn");
  assert.equal(logLevelFrom({ TF_LOG_PROVIDER: "ERROR" }), "warn");
  assert.equal(logLevelFrom({ TF_LOG: "JSON" }), "debug");
  assert.equal(logLevelFrom({ TF_LOG: "DEBUG" }), "debug");
  assert.equal(logLevelFrom({ TF_LOG: "yes please" }), "debug");
});

test("a logger drops the lines below its level", () => {
  const lines: string[] = [];
  const log = hclogLogger("provider.x", (line) => lines.push(line), "info");
  log.debug("hidden");
  log.info("shown", { n: 1 });
  log.warn("also shown");
  assert.deepEqual(
    lines.map((line) => [JSON.parse(line)["@level"], JSON.parse(line)["@message"]]),
    [
      ["info", "shown"],
      ["warn", "also shown"],
    ],
  );
  const none: string[] = [];
  const off = hclogLogger(undefined, (line) => none.push(line), "off");
  off.warn("nothing");
  assert.deepEqual(none, []);
});

/** Starts the toy, configures it (which logs at INFO), shuts it down; returns its stderr. */
async function configuredStderr(env: Record<string, string>): Promise<string> {
  const store = await mkdtemp(join(tmpdir(), "plugin-log-"));
  try {
    const plugin = await start({ TF_PLUGIN_MAGIC_COOKIE: COOKIE, ...env });
    const client = new grpc.Client(`unix://${plugin.handshake[3]}`, grpc.credentials.createInsecure());
    try {
      const config = { msgpack: toMsgpack({ store_dir: store, create_barrier: null }, impliedType(toyProvider.schema.block)), json: new Uint8Array(0) };
      const configured = decode(
        wire.DiagnosticsField1,
        await unary(client, "/tfplugin6.Provider/ConfigureProvider", encode(wire.ConfigureProviderRequest, { terraform_version: "1.11.4", config })),
      );
      assert.deepEqual(configured.diagnostics, []);
      await unary(client, "/plugin.GRPCController/Shutdown", new Uint8Array(0));
    } finally {
      client.close();
    }
    assert.equal(await plugin.exit, 0);
    return plugin.stderr();
  } finally {
    await rm(store, { recursive: true, force: true });
  }
}

test("a provider process started without TF_LOG writes no log line; with TF_LOG_PROVIDER=INFO it writes info and not debug", { timeout: 30_000 }, async () => {
  // The toy's own close message goes to stderr directly, past the logger; only hclog lines count.
  const logLines = (stderr: string): string[] => stderr.split("\n").filter((line) => line.startsWith("{"));
  assert.deepEqual(logLines(await configuredStderr({})), []);
  const levels = logLines(await configuredStderr({ TF_LOG_PROVIDER: "INFO" })).map((line) => [JSON.parse(line)["@level"], JSON.parse(line)["@message"]]);
  assert.ok(
    levels.some(([level, message]) => level === "info" && /toy provider configured/.test(message)),
    JSON.stringify(levels),
  );
  assert.ok(
    levels.every(([level]) => level !== "debug"),
    JSON.stringify(levels),
  );
});
