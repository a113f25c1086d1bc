import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createInterface } from "node:readline";
import * as grpc from "@grpc/grpc-js";
import { selfSignedCertificate, toPem } from "../src/provider/plugin/tls/certificate.js";
import { decode, encode } from "../src/provider/plugin/wire/protobuf.js";
import * as wire from "../src/provider/plugin/wire/tfplugin6.js";

const entry = join(dirname(fileURLToPath(import.meta.url)), "fixtures", "plugin", "main.js");
const COOKIE = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";

interface Started {
  readonly child: ChildProcess;
  readonly line: string;
  readonly exit: Promise<number | null>;
  readonly stderr: () => string;
}

function start(env: Record<string, string>): Promise<Started> {
  const child = spawn(process.execPath, [entry], { env: { PATH: process.env["PATH"] ?? "", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once("line", (line) => resolve({ child, line, exit, stderr: () => stderr }));
    void exit.then((code) => reject(new Error(`plugin exited (${code}) before the handshake: ${stderr}`)));
  });
}

function unary(client: grpc.Client, path: string, request: Uint8Array): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    client.makeUnaryRequest(
      path,
      (message: Uint8Array) => Buffer.from(message),
      (bytes: Buffer) => bytes,
      request,
      (error, response) => (error ? reject(error) : resolve(response!)),
    ),
  );
}

const clientCertificate = selfSignedCertificate("test client");

function mtlsClient(socketPath: string, serverCertificateDer: Buffer, identity = clientCertificate): grpc.Client {
  const credentials = grpc.credentials.createSsl(
    Buffer.from(toPem("CERTIFICATE", serverCertificateDer)),
    Buffer.from(identity.privateKeyPem),
    Buffer.from(identity.certificatePem),
  );
  return new grpc.Client(`unix://${socketPath}`, credentials, { "grpc.ssl_target_name_override": "localhost" });
}

test("handshake with AutoMTLS: one stdout line, schema over mTLS, Shutdown exits 0 and removes the socket", async () => {
  const plugin = await start({ TF_PLUGIN_MAGIC_COOKIE: COOKIE, PLUGIN_PROTOCOL_VERSIONS: "5,6", PLUGIN_CLIENT_CERT: clientCertificate.certificatePem });
  const fields = plugin.line.split("|");
  assert.equal(fields.length, 6);
  const [core, protocol, network, socketPath, kind, certificate] = fields as [string, string, string, string, string, string];
  assert.deepEqual([core, protocol, network, kind], ["1", "6", "unix", "grpc"]);
  assert.doesNotMatch(certificate, /=/);
  const der = Buffer.from(certificate, "base64");

  const client = mtlsClient(socketPath, der);
  const schema = decode(wire.GetProviderSchemaResponse, await unary(client, "/tfplugin6.Provider/GetProviderSchema", new Uint8Array(0)));
  assert.deepEqual([...schema.resource_schemas.keys()], ["toy_note"]);
  assert.deepEqual([...schema.data_source_schemas.keys()], ["toy_echo"]);
  assert.equal(schema.server_capabilities?.plan_destroy, true);
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
  assert.equal(existsSync(dirname(socketPath)), false);
});

test("a client without PLUGIN_CLIENT_CERT's certificate is refused", async () => {
  const plugin = await start({ TF_PLUGIN_MAGIC_COOKIE: COOKIE, PLUGIN_CLIENT_CERT: clientCertificate.certificatePem });
  const [, , , socketPath, , certificate] = plugin.line.split("|") as [string, string, string, string, string, string];
  const stranger = mtlsClient(socketPath, Buffer.from(certificate, "base64"), selfSignedCertificate("stranger"));
  await assert.rejects(unary(stranger, "/tfplugin6.Provider/GetProviderSchema", new Uint8Array(0)), { code: grpc.status.UNAVAILABLE });
  stranger.close();
  plugin.child.kill("SIGTERM");
  assert.equal(await plugin.exit, 0);
});

test("without PLUGIN_CLIENT_CERT it serves plaintext; SIGTERM exits 0", async () => {
  const plugin = await start({ TF_PLUGIN_MAGIC_COOKIE: COOKIE });
  const [, , , socketPath, , certificate] = plugin.line.split("|") as [string, string, string, string, string, string];
  assert.equal(certificate, "");
  const client = new grpc.Client(`unix://${socketPath}`, grpc.credentials.createInsecure());
  const metadata = decode(wire.GetMetadataResponse, await unary(client, "/tfplugin6.Provider/GetMetadata", new Uint8Array(0)));
  assert.deepEqual(metadata.resources, [{ type_name: "toy_note" }]);
  client.close();
  plugin.child.kill("SIGTERM");
  assert.equal(await plugin.exit, 0);
  assert.equal(existsSync(dirname(socketPath)), false);
});

test("started by hand (no magic cookie) it explains itself and exits 1", async () => {
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
