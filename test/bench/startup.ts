// 1. provider_start_vs_node: spawn to handshake line of the provider entry, started the way
// Terraform starts it (magic cookie, protocol 6, AutoMTLS client certificate), against spawn to
// exit of `node -e ''`; and where a provider process spends its time before it can answer the
// first call, measured by timestamps in a fresh node process.
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { z } from "zod";
import { selfSignedCertificate } from "../../src/provider/plugin/tls/certificate.js";
import { runOk, timeToExit, timeToFirstLine } from "./processes.js";
import { collect, compare, summarize, type Comparison, type Summary } from "./stats.js";

const MAGIC_COOKIE = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";
const TIMEOUT_MS = 15_000;
/** go-plugin's handshake: core version | app protocol | network | address | protocol | server certificate. */
const HANDSHAKE = /^1\|6\|unix\|[^|]+\|grpc\|[A-Za-z0-9+/]+$/;

export interface StartupResult extends Comparison {
  /** Spawn to handshake minus spawn to exit of bare node: what the provider adds. */
  addedMs: number;
}

export async function benchProviderStart(root: string, runs: number, env: NodeJS.ProcessEnv): Promise<StartupResult> {
  const entry = join(root, "dist", "src", "provider", "main.js");
  const providerEnv: NodeJS.ProcessEnv = {
    ...env,
    TF_PLUGIN_MAGIC_COOKIE: MAGIC_COOKIE,
    PLUGIN_PROTOCOL_VERSIONS: "6",
    // One throwaway certificate, as Terraform generates one per run.
    PLUGIN_CLIENT_CERT: selfSignedCertificate("bench-terraform").certificatePem,
  };
  const options = { cwd: root, timeoutMs: TIMEOUT_MS };
  const handshake = await collect(
    runs,
    async () => {
      const { ms, line } = await timeToFirstLine(process.execPath, [entry], { ...options, env: providerEnv });
      if (!HANDSHAKE.test(line)) throw new Error(`the provider's first stdout line is not a protocol 6 AutoMTLS handshake: ${line.slice(0, 200)}`);
      return ms;
    },
    1,
  );
  const bare = await collect(runs, () => timeToExit(process.execPath, ["-e", ""], { ...options, env }), 1);
  const provider = summarize(handshake);
  const node = summarize(bare);
  return {
    ...compare(provider, node, `spawn of ${entry} to its handshake line (AutoMTLS, then SIGTERM) vs spawn to exit of node -e ''; ${runs} runs each after one warm-up`),
    addedMs: Math.round((provider.median - node.median) * 100) / 100,
  };
}

/** Milliseconds of each step of a provider process, from a fresh node process's own clock. */
export interface ProviderLoad {
  /** Importing the plugin layer main.js starts with (before the handshake line). */
  pluginLayer: Summary;
  /** The AutoMTLS server certificate generated in process (before the handshake line). */
  certificate: Summary;
  /** Importing provider.js (client, zod schemas, undici, js-yaml): after the handshake, before the first answer. */
  provider: Summary;
  /** Of that, the first imports of zod and undici alone. */
  zod: Summary;
  undici: Summary;
  note: string;
}

const stepsSchema = z.object({ pluginLayer: z.number(), certificate: z.number(), zod: z.number(), undici: z.number(), provider: z.number() });

/** The timing script, run with `node --input-type=module -e`; it prints the steps as JSON. */
function loadScript(root: string): string {
  const url = (file: string) => JSON.stringify(pathToFileURL(join(root, "dist", "src", "provider", ...file.split("/"))).href);
  return [
    "let last = performance.now(); const steps = {};",
    "const lap = (name) => { const now = performance.now(); steps[name] = now - last; last = now; };",
    `await import(${url("plugin/serve.js")}); lap("pluginLayer");`,
    `(await import(${url("plugin/tls/certificate.js")})).selfSignedCertificate("bench"); lap("certificate");`,
    `await import("zod"); lap("zod");`,
    `await import("undici"); lap("undici");`,
    `await import(${url("provider.js")}); lap("provider");`,
    "steps.provider += steps.zod + steps.undici;",
    "process.stdout.write(JSON.stringify(steps));",
  ].join("\n");
}

export async function benchProviderLoad(root: string, runs: number, env: NodeJS.ProcessEnv): Promise<ProviderLoad> {
  const script = loadScript(root);
  const samples: Array<z.infer<typeof stepsSchema>> = [];
  for (let run = -1; run < runs; run++) {
    const output = await runOk(process.execPath, ["--input-type=module", "-e", script], { cwd: root, env, timeoutMs: TIMEOUT_MS });
    if (run >= 0) samples.push(stepsSchema.parse(JSON.parse(output)));
  }
  const of = (key: keyof z.infer<typeof stepsSchema>) => summarize(samples.map((s) => s[key]));
  return {
    pluginLayer: of("pluginLayer"),
    certificate: of("certificate"),
    provider: of("provider"),
    zod: of("zod"),
    undici: of("undici"),
    note: `timestamps inside a fresh node process (cwd ${root}), ${runs} runs after one warm-up; Terraform starts a provider process per command phase, so each pays these`,
  };
}
