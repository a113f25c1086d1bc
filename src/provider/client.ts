// What the provider's configure hands every resource and data source: the Operations Center
// client, the keyed digest that stands in for secrets in state, and the knobs of long waits.
import { createHmac, createPrivateKey, hkdfSync } from "node:crypto";
import type { OperationsCenterClient } from "../client/client.js";
import type { TransportOptions } from "../client/transport.js";
import type { ConfigurationLanguage } from "../config/configuration-language.js";
import { DEFAULT_EVACUATION_TIMEOUT_SECONDS } from "../config/cluster.js";
import { DEFAULT_MAX_PARALLEL_READS } from "../config/parallel-reads.js";
import { DiagnosticError } from "./plugin/types.js";

export interface ProviderClient {
  readonly api: OperationsCenterClient;
  /**
   * Keyed one-way digest, `hmac-sha256:<hex>`, of a value for one purpose (e.g.
   * "cluster.secrets"). The key never leaves the provider, so a digest in state or plan does not
   * let anyone test guesses of a secret offline.
   */
  readonly digest: (purpose: string, value: string) => string;
  /** Identifies the digest key without revealing it; stored beside digests so a key change is told apart from a value change. */
  readonly digestKeyId: string;
  /** The working directory Terraform runs in (the stack dir): journals live under its .terraform/. */
  readonly workDir: string;
  /** How long a member may take to evacuate before a removal gives up. */
  readonly evacuationTimeoutMs: number;
  /** How often the evacuation state is polled; also how often a server that should become ready again is. */
  readonly evacuationPollMs: number;
  /** How long a server may stay pending after the provider changed it through Operations Center (see resources/server-ready.ts). */
  readonly serverReadyTimeoutMs: number;
  /** How long a re-create waits for factory-reset members to register again (a reinstall). */
  readonly reregistrationTimeoutMs: number;
  /** How the configuration is written, for naming attributes in messages (configuration-language.ts). */
  readonly language: ConfigurationLanguage;
  /** How many members one resource reads at once (the provider block's max_parallel_reads). */
  readonly maxParallelReads: number;
  /** Retry settings and the mutation gate, for the other clients the provider makes (a cluster's Incus API). */
  readonly transport: TransportOptions;
}

/** Environment variable holding an explicit digest key (any text). */
const DIGEST_KEY_ENV = "OC_CDKTF_DIGEST_KEY";

// Fixed labels: changing one changes every digest and key id, which shows as a change in plans.
const KEY_LABEL = "oc-cdktf.io/digest-key/v1";
const KEY_ID_LABEL = "oc-cdktf.io/digest-key-id/v1";

/** Where the digest key comes from, in order: OC_CDKTF_DIGEST_KEY, the client private key, the token. */
interface DigestKeySource {
  readonly env?: NodeJS.ProcessEnv;
  /** PEM private key of the client certificate. */
  readonly clientKey?: string;
  readonly token?: string;
}

/** The HMAC key, or undefined when there is no material to derive one from. */
export function deriveDigestKey(source: DigestKeySource): Buffer | undefined {
  const explicit = source.env?.[DIGEST_KEY_ENV];
  let material: Buffer | undefined;
  if (explicit !== undefined && explicit !== "") material = Buffer.from(explicit, "utf8");
  else if (source.clientKey !== undefined && source.clientKey !== "") {
    // The DER form, so the same key written with other line breaks or headers derives the same.
    material = createPrivateKey(source.clientKey).export({ format: "der", type: "pkcs8" });
  } else if (source.token !== undefined && source.token !== "") material = Buffer.from(source.token, "utf8");
  if (material === undefined) return undefined;
  return Buffer.from(hkdfSync("sha256", material, Buffer.alloc(0), KEY_LABEL, 32));
}

interface ProviderClientOptions {
  readonly api: OperationsCenterClient;
  /** From deriveDigestKey; undefined makes every digest call fail with advice. */
  readonly digestKey: Buffer | undefined;
  readonly workDir?: string;
  readonly evacuationTimeoutMs?: number;
  readonly evacuationPollMs?: number;
  readonly serverReadyTimeoutMs?: number;
  readonly reregistrationTimeoutMs?: number;
  readonly language?: ConfigurationLanguage;
  readonly maxParallelReads?: number;
  readonly transport?: TransportOptions;
}

export const DEFAULT_EVACUATION_TIMEOUT_MS = DEFAULT_EVACUATION_TIMEOUT_SECONDS * 1000;
const DEFAULT_EVACUATION_POLL_MS = 2_000;
// Operations Center polls pending servers once a minute; two rounds and some slack.
const DEFAULT_SERVER_READY_TIMEOUT_MS = 150_000;
// A factory reset reinstalls IncusOS from the install media: minutes, not seconds.
const DEFAULT_REREGISTRATION_TIMEOUT_MS = 1_800_000;

export function createProviderClient(options: ProviderClientOptions): ProviderClient {
  const key = options.digestKey;
  const digest = (purpose: string, value: string): string => {
    if (key === undefined) {
      throw new DiagnosticError({
        severity: "error",
        summary: "No key for secret digests",
        detail:
          `The provider records secrets only as keyed digests and derives the key from the client certificate's key or the token; ` +
          `neither is configured. Set ${DIGEST_KEY_ENV} to a long random value (keep it stable: a new key shows every digest as changed).`,
      });
    }
    return `hmac-sha256:${createHmac("sha256", key).update(purpose).update("\0").update(value).digest("hex")}`;
  };
  const digestKeyId = key === undefined ? "" : createHmac("sha256", key).update(KEY_ID_LABEL).digest("hex").slice(0, 16);
  return {
    api: options.api,
    digest,
    digestKeyId,
    workDir: options.workDir ?? process.cwd(),
    evacuationTimeoutMs: options.evacuationTimeoutMs ?? DEFAULT_EVACUATION_TIMEOUT_MS,
    evacuationPollMs: options.evacuationPollMs ?? DEFAULT_EVACUATION_POLL_MS,
    serverReadyTimeoutMs: options.serverReadyTimeoutMs ?? DEFAULT_SERVER_READY_TIMEOUT_MS,
    reregistrationTimeoutMs: options.reregistrationTimeoutMs ?? DEFAULT_REREGISTRATION_TIMEOUT_MS,
    language: options.language ?? "hcl",
    maxParallelReads: options.maxParallelReads ?? DEFAULT_MAX_PARALLEL_READS,
    transport: options.transport ?? {},
  };
}
