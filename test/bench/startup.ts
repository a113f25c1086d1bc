// 1. provider_start_vs_node: spawn to handshake line of the provider entry (PROVIDER_ENTRY),
// started the way Terraform starts it (magic cookie, protocol 6, AutoMTLS client certificate),
// against spawn to exit of `node -e ''`; and, as first_answer, spawn to the answer of a first
// GetProviderSchema over AutoMTLS gRPC, ours against the toy provider of test/fixtures/plugin:
// what a schema-only provider session (Terraform's first of four per apply) costs.
// 1b. code_cache and 1c. executable_vs_launcher: see benchCodeCache and benchExecutable below.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildExecutables } from "../../scripts/executables.js";
import { PROVIDER_ENTRY, terraformPlatform, writeProviderPackage } from "../../src/provider/launcher.js";
import { selfSignedCertificate, type SelfSignedCertificate } from "../../src/provider/plugin/tls/certificate.js";
import { impliedType } from "../../src/provider/plugin/cty/block.js";
import { toMsgpack } from "../../src/provider/plugin/cty/codec.js";
import { decode, encode } from "../../src/provider/plugin/wire/protobuf.js";
import { schemas } from "../../src/provider/schemas.js";
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

/** Milliseconds from spawn to the answers of a session's calls, and to the process's exit. */
interface SessionTimes {
  schema: number;
  /** Only when the session configures the provider. */
  configure?: number;
  exit: number;
}

/**
 * Starts `command` (a provider) and times a session: GetProviderSchema over AutoMTLS, whose answer
 * must carry `resourceType` and no error; with `configure`, then ConfigureProvider with that
 * provider block, which must answer without error (what every plan and apply session does); then
 * GRPCController.Shutdown, as Terraform ends a session, and the wait for the process to exit.
 */
async function timeSession(
  command: readonly string[],
  resourceType: string,
  launch: Launch,
  options: Omit<RunOptions, "env">,
  configure?: Uint8Array,
): Promise<SessionTimes> {
  const started = performance.now();
  const provider = startProcess(command[0]!, command.slice(1), { ...options, env: launch.env });
  const name = command.join(" ");
  let times: Omit<SessionTimes, "exit">;
  try {
    const { socket, certificate } = handshakeOf(name, await provider.firstLine);
    const client = mtlsClient(socket, Buffer.from(certificate, "base64"), launch.identity);
    try {
      const answer = await unary(client, "/tfplugin6.Provider/GetProviderSchema", new Uint8Array(0));
      times = { schema: performance.now() - started };
      const schema = decode(wire.GetProviderSchemaResponse, answer);
      const errors = schema.diagnostics.filter((d) => d.severity === wire.Severity.error);
      if (errors.length > 0 || !schema.resource_schemas.has(resourceType)) {
        throw new Error(`GetProviderSchema of ${name} answered without ${resourceType} or with errors: ${errors.map((d) => d.summary).join("; ")}`);
      }
      if (configure !== undefined) {
        const request = encode(wire.ConfigureProviderRequest, { terraform_version: "1.11.4", config: { msgpack: configure, json: new Uint8Array(0) } });
        const configured = decode(wire.DiagnosticsField1, await unary(client, "/tfplugin6.Provider/ConfigureProvider", request));
        times = { ...times, configure: performance.now() - started };
        if (configured.diagnostics.length > 0)
          throw new Error(`ConfigureProvider of ${name}: ${configured.diagnostics.map((d) => `${d.summary}: ${d.detail}`).join("; ")}`);
      }
      await unary(client, "/plugin.GRPCController/Shutdown", new Uint8Array(0));
    } finally {
      client.close();
    }
  } catch (error) {
    provider.child.kill("SIGKILL");
    throw error;
  } finally {
    await provider.closed;
  }
  return { ...times, exit: performance.now() - started };
}

/** Milliseconds from spawn of `entry` (with node) to the answer of a first GetProviderSchema. */
async function timeToFirstSchema(entry: string, resourceType: string, launch: Launch, options: Omit<RunOptions, "env">): Promise<number> {
  return (await timeSession([process.execPath, entry], resourceType, launch, options)).schema;
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

/** A provider block that configures without a call: an address nothing listens on, and a token. */
function providerBlock(): Uint8Array {
  const block = schemas.provider.block;
  const nulls = Object.fromEntries(Object.keys(block.attributes).map((name) => [name, null]));
  return toMsgpack({ ...nulls, url: "https://127.0.0.1:9", token: "bench-token" }, impliedType(block));
}

/** A new directory as HOME and user cache directory (XDG_CACHE_HOME), for the code cache. */
function cacheHome(): { env: NodeJS.ProcessEnv; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "oc-cdktf-bench-cache-"));
  return { env: { HOME: dir, XDG_CACHE_HOME: dir }, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface CodeCacheResult {
  /** Spawn to the ConfigureProvider answer, cache filled by an earlier start, vs OC_CDKTF_CODE_CACHE=0. */
  warm: Comparison;
  /** The same with an empty cache (a first start), vs off. */
  cold: Comparison;
  /** Spawn to exit after Shutdown, empty cache (the first start writes it at exit), vs off. */
  coldExit: Comparison;
}

/**
 * 1b. code_cache: a plan or apply session's start (spawn of PROVIDER_ENTRY to the answer of
 * ConfigureProvider, after GetProviderSchema) with the V8 code cache of src/provider/code-cache.ts
 * warm, cold (empty: this start writes it when it exits) and off, runs interleaved.
 */
export async function benchCodeCache(root: string, runs: number, env: NodeJS.ProcessEnv): Promise<CodeCacheResult> {
  const options = { cwd: root, timeoutMs: TIMEOUT_MS };
  const block = providerBlock();
  const warmHome = cacheHome();
  const times: Record<"warm" | "cold" | "off", SessionTimes[]> = { warm: [], cold: [], off: [] };
  try {
    const session = (extra: NodeJS.ProcessEnv) =>
      timeSession([process.execPath, PROVIDER_ENTRY], "operationscenter_cluster", terraformLaunch({ ...env, ...extra }), options, block);
    // The warm-up fills the warm cache.
    for (let run = -1; run < runs; run++) {
      const warm = await session(warmHome.env);
      const coldHome = cacheHome();
      let cold: SessionTimes;
      try {
        cold = await session(coldHome.env);
      } finally {
        coldHome.remove();
      }
      const offHome = cacheHome();
      let off: SessionTimes;
      try {
        off = await session({ ...offHome.env, OC_CDKTF_CODE_CACHE: "0" });
      } finally {
        offHome.remove();
      }
      if (run < 0) continue;
      times.warm.push(warm);
      times.cold.push(cold);
      times.off.push(off);
    }
  } finally {
    warmHome.remove();
  }
  const configure = (kind: keyof typeof times) => summarize(times[kind].map((t) => t.configure!));
  const note = `spawn of ${PROVIDER_ENTRY} to the answer of ConfigureProvider (after GetProviderSchema, over AutoMTLS), as a plan or apply session starts`;
  return {
    warm: compare(
      configure("warm"),
      configure("off"),
      `${note}: code cache filled by an earlier start vs OC_CDKTF_CODE_CACHE=0; ${runs} runs each, interleaved, after one warm-up`,
    ),
    cold: compare(configure("cold"), configure("off"), `${note}: empty code cache (a first start) vs OC_CDKTF_CODE_CACHE=0; ${runs} runs each, interleaved`),
    coldExit: compare(
      summarize(times.cold.map((t) => t.exit)),
      summarize(times.off.map((t) => t.exit)),
      `the same sessions to the process's exit after GRPCController.Shutdown (Terraform waits for it): a first start writes the cache as it exits`,
    ),
  };
}

/**
 * 1c. executable_vs_launcher: the single executable (scripts/executables.ts, built here from this
 * Node.js for this platform) against the launcher package (the #!/bin/sh script running node on
 * the bundle), code cache warm for both, each spawned as Terraform spawns it: spawn
 * to the first GetProviderSchema answer, and to the ConfigureProvider answer after it.
 */
export async function benchExecutable(root: string, runs: number, env: NodeJS.ProcessEnv): Promise<{ schema: Comparison; configure: Comparison }> {
  const work = mkdtempSync(join(tmpdir(), "oc-cdktf-bench-executable-"));
  try {
    const platform = terraformPlatform();
    const { packages, missing } = await buildExecutables([platform], join(work, "build"), { binary: process.execPath, platform });
    if (packages.length === 0) throw new Error(`cannot build the ${platform} executable: ${missing.map((m) => m.reason).join("; ")}`);
    const executable = join(work, "executable");
    writeFileSync(executable, packages[0]!.files[0]!.data, { mode: 0o755 });
    const launcher = writeProviderPackage(join(work, "plugins")).path;
    const options = { cwd: root, timeoutMs: TIMEOUT_MS };
    const block = providerBlock();
    const home = cacheHome();
    const times: Record<"executable" | "launcher", SessionTimes[]> = { executable: [], launcher: [] };
    try {
      const launch = terraformLaunch({ ...env, ...home.env });
      for (let run = -1; run < runs; run++) {
        const ours = await timeSession([executable], "operationscenter_cluster", launch, options, block);
        const theirs = await timeSession([launcher], "operationscenter_cluster", launch, options, block);
        if (run < 0) continue;
        times.executable.push(ours);
        times.launcher.push(theirs);
      }
    } finally {
      home.remove();
    }
    const of = (kind: keyof typeof times, step: "schema" | "configure") => summarize(times[kind].map((t) => t[step]!));
    const note = `the ${platform} single executable (Node.js ${process.version}) vs the launcher package (sh + node ${process.version}), code cache warm for both, spawned directly; ${runs} runs each, interleaved, after one warm-up`;
    return {
      schema: compare(of("executable", "schema"), of("launcher", "schema"), `spawn to the first GetProviderSchema answer: ${note}`),
      configure: compare(of("executable", "configure"), of("launcher", "configure"), `spawn to the ConfigureProvider answer after it: ${note}`),
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
