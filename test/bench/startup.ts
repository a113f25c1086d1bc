// 1. provider_start_vs_node: spawn to handshake line of the provider entry (PROVIDER_ENTRY),
// started the way Terraform starts it (magic cookie, protocol 6, AutoMTLS client certificate),
// against spawn to exit of `node -e ''`; and, as first_answer, spawn to the answer of a first
// GetProviderSchema over AutoMTLS gRPC, ours against the toy provider of test/fixtures/plugin:
// what a schema-only provider session (Terraform's first of four per apply) costs.
import { PROVIDER_ENTRY } from "../../src/provider/launcher.js";
import { selfSignedCertificate, type SelfSignedCertificate } from "../../src/provider/plugin/tls/certificate.js";
import { decode } from "../../src/provider/plugin/wire/protobuf.js";
import * as wire from "../../src/provider/plugin/wire/tfplugin6.js";
import { COOKIE, entry as TOY_ENTRY, mtlsClient, unary } from "../fixtures/plugin/harness.js";
import { startProcess, timeToExit, timeToFirstLine, type RunOptions } from "./processes.js";
import { collect, compare, summarize, type Comparison } from "./stats.js";

const TIMEOUT_MS = 15_000;
/** go-plugin's handshake: core version | app protocol | network | address | protocol | server certificate. */
const HANDSHAKE = /^1\|6\|unix\|([^|]+)\|grpc\|([A-Za-z0-9+/]+)$/;

export interface StartupResult extends Comparison {
  /** Spawn to handshake minus spawn to exit of bare node: what the provider adds. */
  addedMs: number;
}

/** The environment Terraform gives a provider it starts, with the client identity it holds. */
interface Launch {
  env: NodeJS.ProcessEnv;
  identity: SelfSignedCertificate;
}

function terraformLaunch(env: NodeJS.ProcessEnv): Launch {
  // One throwaway certificate, as Terraform generates one per run.
  const identity = selfSignedCertificate("bench-terraform");
  return { env: { ...env, TF_PLUGIN_MAGIC_COOKIE: COOKIE, PLUGIN_PROTOCOL_VERSIONS: "6", PLUGIN_CLIENT_CERT: identity.certificatePem }, identity };
}

function handshakeOf(entry: string, line: string): { socket: string; certificate: string } {
  const match = HANDSHAKE.exec(line);
  if (match === null) throw new Error(`the first stdout line of ${entry} is not a protocol 6 AutoMTLS handshake: ${line.slice(0, 200)}`);
  return { socket: match[1]!, certificate: match[2]! };
}

export async function benchProviderStart(root: string, runs: number, env: NodeJS.ProcessEnv): Promise<StartupResult> {
  const launch = terraformLaunch(env);
  const options = { cwd: root, timeoutMs: TIMEOUT_MS };
  const handshake = await collect(
    runs,
    async () => {
      const { ms, line } = await timeToFirstLine(process.execPath, [PROVIDER_ENTRY], { ...options, env: launch.env });
      handshakeOf(PROVIDER_ENTRY, line);
      return ms;
    },
    1,
  );
  const bare = await collect(runs, () => timeToExit(process.execPath, ["-e", ""], { ...options, env }), 1);
  const provider = summarize(handshake);
  const node = summarize(bare);
  return {
    ...compare(
      provider,
      node,
      `spawn of ${PROVIDER_ENTRY} to its handshake line (AutoMTLS, then SIGTERM) vs spawn to exit of node -e ''; ${runs} runs each after one warm-up`,
    ),
    addedMs: Math.round((provider.median - node.median) * 100) / 100,
  };
}

/**
 * Milliseconds from spawn of `entry` to the answer of GetProviderSchema over AutoMTLS, which must
 * carry `resourceType` and no error; then GRPCController.Shutdown, as Terraform ends a session.
 */
async function timeToFirstSchema(entry: string, resourceType: string, launch: Launch, options: Omit<RunOptions, "env">): Promise<number> {
  const started = performance.now();
  const provider = startProcess(process.execPath, [entry], { ...options, env: launch.env });
  try {
    const { socket, certificate } = handshakeOf(entry, await provider.firstLine);
    const client = mtlsClient(socket, Buffer.from(certificate, "base64"), launch.identity);
    try {
      const answer = await unary(client, "/tfplugin6.Provider/GetProviderSchema", new Uint8Array(0));
      const ms = performance.now() - started;
      const schema = decode(wire.GetProviderSchemaResponse, answer);
      const errors = schema.diagnostics.filter((d) => d.severity === wire.Severity.error);
      if (errors.length > 0 || !schema.resource_schemas.has(resourceType)) {
        throw new Error(`GetProviderSchema of ${entry} answered without ${resourceType} or with errors: ${errors.map((d) => d.summary).join("; ")}`);
      }
      await unary(client, "/plugin.GRPCController/Shutdown", new Uint8Array(0));
      return ms;
    } finally {
      client.close();
    }
  } catch (error) {
    provider.child.kill("SIGKILL");
    throw error;
  } finally {
    await provider.closed;
  }
}

export async function benchFirstAnswer(root: string, runs: number, env: NodeJS.ProcessEnv): Promise<Comparison> {
  const launch = terraformLaunch(env);
  const options = { cwd: root, timeoutMs: TIMEOUT_MS };
  const ours: number[] = [];
  const toy: number[] = [];
  // One warm-up each, then interleaved, so a machine that gets slower slows both alike.
  for (let run = -1; run < runs; run++) {
    const oursMs = await timeToFirstSchema(PROVIDER_ENTRY, "operationscenter_cluster", launch, options);
    const toyMs = await timeToFirstSchema(TOY_ENTRY, "toy_note", launch, options);
    if (run < 0) continue;
    ours.push(oursMs);
    toy.push(toyMs);
  }
  return compare(
    summarize(ours),
    summarize(toy),
    `spawn of ${PROVIDER_ENTRY} to the answer of a first GetProviderSchema over AutoMTLS gRPC (a schema-only session, the first of the four Terraform starts per apply) ` +
      `vs the same for the toy provider ${TOY_ENTRY} (a minimal Node provider on the same plugin layer); then GRPCController.Shutdown; ${runs} runs each, interleaved, after one warm-up`,
  );
}
