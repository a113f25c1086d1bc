// The Operations Center provider: its block, how configure finds the Operations Center and the
// credentials, and the resources and data sources it serves.
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import type { OperationsCenterClient } from "../client/client.js";
import type { TransportOptions } from "../client/transport.js";
import { RETRY_DEFAULTS } from "../client/retry-policy.js";
import { RETRY_LIMITS, retrySettingProblems, type RetrySettings } from "../config/retry-settings.js";
import { ENV, type ResolvedRemote, resolveRemote } from "../client/remote.js";
import { DEFAULT_EVACUATION_TIMEOUT_SECONDS, evacuationTimeoutProblem } from "../config/cluster.js";
import { logCalls } from "./calls.js";
import { CONFIGURATION_LANGUAGES } from "../config/configuration-language.js";
import {
  DEFAULT_MAX_PARALLEL_READS,
  MAX_PARALLEL_READS_LIMIT,
  maxParallelReadsProblem,
  requestsInFlight,
  TERRAFORM_PARALLELISM,
} from "../config/parallel-reads.js";
import { createProviderClient, deriveDigestKey, DEFAULT_EVACUATION_TIMEOUT_MS, type ProviderClient } from "./client.js";
import { clusterDataSource } from "./data-sources/cluster.js";
import { serversDataSource } from "./data-sources/servers.js";
import { incusClusterMembersDataSource } from "./data-sources/incus-cluster-members.js";
import { DiagnosticError, type Diagnostic, type Lifetime, type ObjectValue, type Provider } from "./plugin/types.js";
import { clusterApplicationResource } from "./resources/cluster-application.js";
import { clusterIscsiTargetResource } from "./resources/cluster-iscsi-target.js";
import { clusterKernelConfigResource } from "./resources/cluster-kernel-config.js";
import { clusterLoggingConfigResource } from "./resources/cluster-logging-config.js";
import { clusterMultipathTargetResource } from "./resources/cluster-multipath-target.js";
import { clusterNvmeTargetResource } from "./resources/cluster-nvme-target.js";
import { clusterTemplateResource } from "./resources/cluster-template.js";
import { clusterVlanTagsResource } from "./resources/cluster-vlan-tags.js";
import { clusterResource } from "./resources/cluster.js";
import { clusterCertificateResource } from "./resources/cluster-certificate.js";
import { incusClusterGroupResource } from "./resources/incus-cluster-group.js";
import { incusClusterMemberResource } from "./resources/incus-cluster-member.js";
import { incusClusterSettingsResource } from "./resources/incus-cluster-settings.js";
import { isUnknown, knownString } from "./resources/values.js";

const PEM_OR_PATH = "PEM text or the path of a PEM file.";

export const providerSchema: Provider<ProviderClient>["schema"] = {
  version: 0,
  block: {
    description:
      "Operations Center, the fleet manager of IncusOS servers. The connection is read in this order: the credential attributes of this block; " +
      `then the environment (${ENV.conf}, ${ENV.remote}, ${ENV.url}, ${ENV.clientCert}, ${ENV.clientKey}, ${ENV.serverCert}, ${ENV.token}), ` +
      "which overrides the remote and config_dir chosen here; then the operations-center CLI configuration (config.yml, client.crt, client.key, and oidc-tokens/<remote>.json for an auth_type oidc remote).",
    attributes: {
      remote: {
        type: "string",
        optional: true,
        description: `Remote of the operations-center CLI config.yml to use (default: its default_remote). ${ENV.remote} overrides it.`,
      },
      config_dir: {
        type: "string",
        optional: true,
        description: `The operations-center CLI configuration directory (default ~/.config/operations-center); relative to the directory Terraform runs in. ${ENV.conf} overrides it.`,
      },
      url: {
        type: "string",
        optional: true,
        description: `Address of Operations Center, e.g. https://192.0.2.100:7443 (default: the remote's addr). ${ENV.url} overrides it.`,
      },
      client_certificate: { type: "string", optional: true, description: `Client certificate for TLS client authentication: ${PEM_OR_PATH}` },
      client_key: { type: "string", optional: true, sensitive: true, description: `Key of the client certificate: ${PEM_OR_PATH}` },
      server_certificate: { type: "string", optional: true, description: `The server certificate to pin (trusted instead of the CA store): ${PEM_OR_PATH}` },
      token: {
        type: "string",
        optional: true,
        sensitive: true,
        description:
          `OIDC bearer token, instead of the token file an auth_type oidc remote keeps (oidc-tokens/<remote>.json, refreshed by the provider as the CLI does). ` +
          `Operations Center checks a bearer token before the client certificate: while one is sent, a trusted certificate is not considered.`,
      },
      allow_http: { type: "bool", optional: true, description: "Permit a plain http:// address (a local test server only). Default false." },
      evacuation_timeout: {
        type: "number",
        optional: true,
        description: `Seconds a member may take to evacuate before its removal gives up. Default ${DEFAULT_EVACUATION_TIMEOUT_SECONDS}.`,
      },
      max_parallel_reads: {
        type: "number",
        optional: true,
        description:
          `How many members one resource reads at once (a whole number from 1 to ${MAX_PARALLEL_READS_LIMIT}; default ${DEFAULT_MAX_PARALLEL_READS}). ` +
          "Against Operations Center every member read is proxied to the IncusOS server, so a cluster's members are read side by side; " +
          `Terraform runs up to -parallelism resources at once (default ${TERRAFORM_PARALLELISM}), so the provider allows ${TERRAFORM_PARALLELISM} times this many requests in flight, ` +
          "and a read that another resource already made in the same command is shared, not sent again.",
      },
      configuration_language: {
        type: "string",
        optional: true,
        description:
          'How the configuration is written: "hcl" (the default) or "cdktf" (set by the OperationsCenter construct). Plan errors name attributes the same way, e.g. allow_recreate = true or allowRecreate: true.',
      },
    },
    blocks: {
      retry: {
        nesting: "single",
        block: {
          description:
            "How hard each request to Operations Center (and to a cluster's Incus API) is retried. Only what is safe to repeat is retried: reads, and " +
            "requests Operations Center answered with 503 or 429 (not handled). A change whose reply was lost (connection dropped, Operations Center " +
            "restarting) is never sent again blindly: the resource reads the object, decides whether the change took effect, and sends it again only if it did not.",
          attributes: {
            max_attempts: {
              type: "number",
              optional: true,
              description: `Attempts of one request, the first included (1 turns retries off). A 5xx other than 503 on a read is retried at most 4 times. Default ${RETRY_DEFAULTS.attempts}; at most ${RETRY_LIMITS.max_attempts}.`,
            },
            max_backoff: {
              type: "number",
              optional: true,
              description: `Seconds, the longest wait between two attempts (exponential backoff with full jitter from 0.2 s; a Retry-After is honoured up to this). Default ${RETRY_DEFAULTS.maxRetryDelayMs / 1000}; at most ${RETRY_LIMITS.max_backoff}.`,
            },
            total_backoff: {
              type: "number",
              optional: true,
              description:
                `Seconds, the most one request spends waiting between its attempts, including waiting for a restarting Operations Center to accept connections again (for which attempts are not counted). ` +
                `Default ${RETRY_DEFAULTS.retryBudgetMs / 1000}, which rides out a burst of failures at a rate of 0.5; at most ${RETRY_LIMITS.total_backoff}.`,
            },
          },
        },
      },
    },
  },
};

/** The retry block's settings as client options (other defaults left to the client). */
function retryOptions(config: ObjectValue): TransportOptions {
  const block = config.retry;
  const {
    max_attempts: attempts,
    max_backoff: maxBackoff,
    total_backoff: total,
  } = block !== null && typeof block === "object" && !Array.isArray(block) ? (block as ObjectValue) : {};
  const totalMs = typeof total === "number" ? total * 1000 : RETRY_DEFAULTS.retryBudgetMs;
  return {
    ...(typeof attempts === "number" ? { retries: attempts - 1 } : {}),
    ...(typeof maxBackoff === "number" ? { maxRetryDelayMs: maxBackoff * 1000 } : {}),
    // Waiting for a restarting Operations Center is bounded by the same total.
    retryBudgetMs: totalMs,
    connectRetryBudgetMs: totalMs,
  };
}

function retryProblems(config: ObjectValue): Diagnostic[] {
  const block = config.retry;
  if (block === null || typeof block !== "object" || Array.isArray(block)) return [];
  const settings: { -readonly [K in keyof RetrySettings]: number } = {};
  for (const name of Object.keys(RETRY_LIMITS) as (keyof RetrySettings)[]) {
    const value = (block as ObjectValue)[name];
    if (typeof value === "number") settings[name] = value;
  }
  return retrySettingProblems(settings).map(({ setting, problem }) => ({
    severity: "error",
    summary: `retry.${setting} ${problem}`,
    path: ["retry", setting],
  }));
}

function providerProblems(config: ObjectValue): Diagnostic[] {
  const out: Diagnostic[] = retryProblems(config);
  const timeout = config.evacuation_timeout;
  const timeoutProblem = typeof timeout === "number" ? evacuationTimeoutProblem("evacuation_timeout", timeout) : undefined;
  if (timeoutProblem !== undefined) out.push({ severity: "error", summary: timeoutProblem, path: ["evacuation_timeout"] });
  const reads = config.max_parallel_reads;
  const readsProblem = typeof reads === "number" ? maxParallelReadsProblem(reads) : undefined;
  if (readsProblem !== undefined) {
    out.push({
      severity: "error",
      summary: `max_parallel_reads ${readsProblem}`,
      detail: `Set it to how many members one resource may read at once (default ${DEFAULT_MAX_PARALLEL_READS}), or leave it out.`,
      path: ["max_parallel_reads"],
    });
  }
  const language = knownString(config.configuration_language);
  if (language !== undefined && !(CONFIGURATION_LANGUAGES as readonly string[]).includes(language)) {
    out.push({
      severity: "error",
      summary: `configuration_language must be one of ${CONFIGURATION_LANGUAGES.map((l) => `"${l}"`).join(", ")}, got "${language}"`,
      path: ["configuration_language"],
    });
  }
  const hasCert = config.client_certificate !== null;
  const hasKey = config.client_key !== null;
  if (hasCert !== hasKey) {
    out.push({
      severity: "error",
      summary: hasCert ? "client_certificate needs client_key" : "client_key needs client_certificate",
      detail: "Give both, or neither (they are then read from the environment or the CLI configuration).",
      path: [hasCert ? "client_key" : "client_certificate"],
    });
  }
  return out;
}

/**
 * The environment resolveRemote reads, with the block folded in: credential attributes win over
 * the environment; the block's selection (url, allow_http) applies only where the environment
 * sets nothing.
 */
function effectiveEnvironment(config: ObjectValue, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...env };
  const credentials: [string, string][] = [
    ["client_certificate", ENV.clientCert],
    ["client_key", ENV.clientKey],
    ["server_certificate", ENV.serverCert],
    ["token", ENV.token],
  ];
  for (const [attribute, variable] of credentials) {
    const value = knownString(config[attribute]);
    if (value !== undefined && value !== "") out[variable] = value;
  }
  const url = knownString(config.url);
  if (url !== undefined && url !== "" && (env[ENV.url] ?? "") === "") out[ENV.url] = url;
  if (config.allow_http === true && (env[ENV.allowHttp] ?? "") === "") out[ENV.allowHttp] = "1";
  return out;
}

/**
 * Builds the provider's client from the block and the environment (exported for tests). The
 * HTTP client (undici) is loaded here, not at start: Terraform starts the provider for schema
 * and validation too, which never call Operations Center.
 */
export async function configureClient(
  config: ObjectValue,
  env: NodeJS.ProcessEnv,
  log: Parameters<Provider<ProviderClient>["configure"]>[1],
  cwd: string = process.cwd(),
  lifetime?: Lifetime,
): Promise<ProviderClient> {
  const problems = providerProblems(config);
  if (problems.some((p) => p.severity === "error")) throw new DiagnosticError(problems);
  const unknown = Object.entries(config)
    .filter(([, value]) => isUnknown(value))
    .map(([key]) => key);
  if (unknown.length > 0) {
    throw new DiagnosticError({
      severity: "error",
      summary: `The provider block's ${unknown.join(", ")} ${unknown.length === 1 ? "is" : "are"} not known until apply`,
      detail: "The provider needs its connection settings at plan time; set them from values known before apply (variables, locals, the environment).",
    });
  }
  const key = knownString(config.client_key);
  if (key !== undefined && key !== "" && !key.includes("-----BEGIN ") && !existsSync(key.startsWith("~/") ? join(homedir(), key.slice(2)) : key)) {
    // Not PEM, so taken as a path, and the client's message would quote that "path": the key itself.
    throw new DiagnosticError({
      severity: "error",
      summary: "client_key is neither PEM text nor the path of an existing file",
      detail: 'Give the key as PEM (-----BEGIN PRIVATE KEY----- ...), e.g. file("client.key"), or the path of the key file.',
      path: ["client_key"],
    });
  }
  const effective = effectiveEnvironment(config, env);
  const blockDir = knownString(config.config_dir);
  const envDir = env[ENV.conf];
  const configDir = envDir !== undefined && envDir !== "" ? envDir : blockDir !== undefined && blockDir !== "" ? resolve(cwd, blockDir) : undefined;
  const remoteName = knownString(config.remote);
  const maxParallelReads = typeof config.max_parallel_reads === "number" ? config.max_parallel_reads : DEFAULT_MAX_PARALLEL_READS;
  // Every client this provider makes (Operations Center, and each cluster's Incus API) retries
  // as the block says and starts no change once Terraform is gone or has asked it to stop.
  const transport: TransportOptions = {
    ...retryOptions(config),
    ...(lifetime === undefined ? {} : { mutationGate: () => stoppingReason(lifetime) }),
  };
  const { CachedReadsClient } = await import("../client/cached-client.js");
  let client: OperationsCenterClient;
  let remote: ResolvedRemote;
  try {
    remote = resolveRemote({
      env: effective,
      ...(configDir === undefined ? {} : { configDir }),
      ...(remoteName === undefined || remoteName === "" ? {} : { remote: remoteName }),
    });
    client = CachedReadsClient.fromRemote(remote, { onRequest: logCalls(log), maxConcurrency: requestsInFlight(maxParallelReads), ...transport });
  } catch (error) {
    throw new DiagnosticError({
      severity: "error",
      summary: "Cannot configure the Operations Center provider",
      detail: error instanceof Error ? error.message : String(error),
    });
  }
  const seconds = typeof config.evacuation_timeout === "number" ? config.evacuation_timeout : DEFAULT_EVACUATION_TIMEOUT_MS / 1000;
  return createProviderClient({
    api: client,
    digestKey: deriveDigestKey({
      env,
      ...(remote.clientKey === undefined ? {} : { clientKey: remote.clientKey }),
      ...(remote.token === undefined ? {} : { token: remote.token }),
    }),
    workDir: cwd,
    evacuationTimeoutMs: seconds * 1000,
    language: knownString(config.configuration_language) === "cdktf" ? "cdktf" : "hcl",
    maxParallelReads,
    transport,
  });
}

function stoppingReason(lifetime: Lifetime): string | undefined {
  const reason = lifetime.stopping();
  return reason === undefined ? undefined : `the provider is stopping (${reason}), so Terraform could not record the change`;
}

export const provider: Provider<ProviderClient> = {
  schema: providerSchema,
  resources: [
    clusterResource,
    clusterTemplateResource,
    clusterVlanTagsResource,
    clusterIscsiTargetResource,
    clusterNvmeTargetResource,
    clusterMultipathTargetResource,
    clusterApplicationResource,
    clusterKernelConfigResource,
    clusterLoggingConfigResource,
    incusClusterSettingsResource,
    incusClusterMemberResource,
    incusClusterGroupResource,
    clusterCertificateResource,
  ],
  dataSources: [serversDataSource, clusterDataSource, incusClusterMembersDataSource],
  validate({ config }) {
    return providerProblems(config);
  },
  async configure(request, log, lifetime) {
    return configureClient(request.config, process.env, log, process.cwd(), lifetime);
  },
  async close(client) {
    await client.api.close();
  },
};
