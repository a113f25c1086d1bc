// The plugin layer as a process: the toy provider (test/fixtures/plugin) started the way go-plugin
// starts it, driven over gRPC by the test (no terraform): the handshake line, AutoMTLS, plaintext,
// shutdown, and the message when it is started by hand.

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname } from "node:path";
import * as grpc from "@grpc/grpc-js";
import { COOKIE, entry, mtlsClient, start, unary } from "./fixtures/plugin/harness.js";
import { selfSignedCertificate } from "../src/provider/plugin/tls/certificate.js";
import { toPem } from "../src/x509/certificate.js";
import { decode, encode } from "../src/provider/plugin/wire/protobuf.js";
import * as wire from "../src/provider/plugin/wire/tfplugin6.js";

const clientCertificate = selfSignedCertificate("test client");

test("handshake with AutoMTLS: one stdout line, schema over mTLS, Shutdown exits 0 and removes the socket", { timeout: 30_000 }, async () => {
  const plugin = await start({ TF_PLUGIN_MAGIC_COOKIE: COOKIE, PLUGIN_PROTOCOL_VERSIONS: "5,6", PLUGIN_CLIENT_CERT: clientCertificate.certificatePem });
  const [core, protocol, network, socketPath, kind, certificate] = plugin.handshake;
  assert.deepEqual([core, protocol, network, kind], ["1", "6", "unix", "grpc"]);
  assert.doesNotMatch(certificate, /=/);
  const der = Buffer.from(certificate, "base64");

  const client = mtlsClient(socketPath, der, clientCertificate);
  const schema = decode(wire.GetProviderSchemaResponse, await unary(client, "/tfplugin6.Provider/GetProviderSchema", new Uint8Array(0)));
  assert.deepEqual([...schema.resource_schemas.keys()], ["toy_note"]);
  assert.deepEqual([...schema.data_source_schemas.keys()], ["toy_echo"]);
  assert.equal(schema.server_capabilities?.plan_destroy, true);
  assert.equal(schema.server_capabilities?.get_provider_schema_optional, true);
  const note = schema.resource_schemas.get("toy_note")!;
  assert.equal(note.version, 1);
  const secret = note.block.attributes.find((a) => a.name === "secret")!;
  assert.equal(secret.write_only, true);
  assert.equal(new TextDecoder().decode(secret.type), '"string"');
  assert.deepEqual(
    note.block.block_types.map((b) => [b.type_name, b.nesting]),
    [
      ["owner", wire.NestingMode.single],
      ["rule", wire.NestingMode.list],
    ],
  );

  const health = decode(wire.HealthCheckResponse, await unary(client, "/grpc.health.v1.Health/Check", encode(wire.HealthCheckRequest, { service: "plugin" })));
  assert.equal(health.status, wire.HealthServing);
  await assert.rejects(unary(client, "/plugin.GRPCStdio/StreamStdio", new Uint8Array(0)), { code: grpc.status.UNIMPLEMENTED });

  await unary(client, "/plugin.GRPCController/Shutdown", new Uint8Array(0));
  client.close();
  assert.equal(await plugin.exit, 0);
  assert.equal(plugin.stdout(), `${plugin.handshake.join("|")}\n`);
  assert.equal(existsSync(dirname(socketPath)), false);
});

test("a client without PLUGIN_CLIENT_CERT's certificate is refused", { timeout: 30_000 }, async () => {
  const plugin = await start({ TF_PLUGIN_MAGIC_COOKIE: COOKIE, PLUGIN_CLIENT_CERT: clientCertificate.certificatePem });
  const [, , , socketPath, , certificate] = plugin.handshake;
  const stranger = mtlsClient(socketPath, Buffer.from(certificate, "base64"), selfSignedCertificate("stranger"));
  await assert.rejects(unary(stranger, "/tfplugin6.Provider/GetProviderSchema", new Uint8Array(0)), { code: grpc.status.UNAVAILABLE });
  stranger.close();
  plugin.child.kill("SIGTERM");
  assert.equal(await plugin.exit, 0);
});

test("a client presenting no certificate is refused", { timeout: 30_000 }, async () => {
  const plugin = await start({ TF_PLUGIN_MAGIC_COOKIE: COOKIE, PLUGIN_CLIENT_CERT: clientCertificate.certificatePem });
  const [, , , socketPath, , certificate] = plugin.handshake;
  const anonymous = new grpc.Client(`unix://${socketPath}`, grpc.credentials.createSsl(Buffer.from(toPem("CERTIFICATE", Buffer.from(certificate, "base64")))), {
    "grpc.ssl_target_name_override": "localhost",
  });
  await assert.rejects(unary(anonymous, "/tfplugin6.Provider/GetProviderSchema", new Uint8Array(0)), { code: grpc.status.UNAVAILABLE });
  anonymous.close();
  plugin.child.kill("SIGTERM");
  assert.equal(await plugin.exit, 0);
});

test("without PLUGIN_CLIENT_CERT it serves plaintext; SIGTERM exits 0", { timeout: 30_000 }, async () => {
  const plugin = await start({ TF_PLUGIN_MAGIC_COOKIE: COOKIE });
  const [, , , socketPath, , certificate] = plugin.handshake;
  assert.equal(certificate, "");
  const client = new grpc.Client(`unix://${socketPath}`, grpc.credentials.createInsecure());
  const metadata = decode(wire.GetMetadataResponse, await unary(client, "/tfplugin6.Provider/GetMetadata", new Uint8Array(0)));
  assert.deepEqual(metadata.resources, [{ type_name: "toy_note" }]);
  client.close();
  plugin.child.kill("SIGTERM");
  assert.equal(await plugin.exit, 0);
  assert.equal(existsSync(dirname(socketPath)), false);
});

test("a SIGTERM as soon as the handshake line is read still exits 0 and removes the socket", { timeout: 60_000 }, async () => {
  // Whoever reads the line may signal at once: the handler must be there before the line is.
  for (let run = 0; run < 5; run++) {
    const plugin = await start({ TF_PLUGIN_MAGIC_COOKIE: COOKIE });
    plugin.child.kill("SIGTERM");
    assert.equal(await plugin.exit, 0, `run ${run + 1}: ${plugin.stderr()}`);
    assert.equal(existsSync(dirname(plugin.handshake[3])), false, `run ${run + 1}`);
  }
});

test("started by hand (no magic cookie) it explains itself and exits 1", { timeout: 30_000 }, async () => {
  const child = spawn(process.execPath, [entry], { env: { PATH: process.env["PATH"] ?? "" }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once("close", (exitCode) => resolve(exitCode)));
  assert.equal(code, 1);
  assert.equal(stdout, "");
  assert.match(stderr, /Terraform provider plugin and is not meant to be run by hand/);
  assert.match(stderr, /terraform init/);
});
