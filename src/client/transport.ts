// The REST transport every client of this package stands on: verified TLS (a pinned certificate
// or the CA store), client certificates or OIDC bearer tokens, the response envelope, retries that
// never repeat a mutation the server may already have performed unless a replay is harmless, a
// time budget for reconnecting while the server restarts, a per-client concurrency limit, the
// mutation gate, and error classification. It knows no API paths: the client on top says which
// requests are harmless to replay and which replies may not be the envelope (RouteRules). Its
// advice on refused credentials, pins and unreachable servers names the operations-center CLI
// configuration and environment (remote.ts), for the Incus client as well.
import { type KeyObject, X509Certificate, createPrivateKey } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { createSecureContext, type SecureContextOptions } from "node:tls";
import type { Dispatcher } from "undici";
import { Agent } from "./undici.js";
import { headerValue, parseReply, type RawReply } from "./envelope.js";
import { OperationsCenterError } from "./errors.js";
import { maskApiSecrets } from "../config/redact-request.js";
import { withQuery } from "./path.js";
import { PIN_MISMATCH, fingerprintOf, pinnedConnector } from "./pinning.js";
import { resumingConnector } from "./tls-sessions.js";
import { REDACTED, redact, redactString } from "./redact.js";
import { ENV, envFlag, normalizeBaseUrl } from "./remote.js";
import { defaultTrustStore } from "./trust-store.js";
import { RETRY_DEFAULTS } from "./retry-policy.js";
import { OidcTokens, type BearerSource, type OidcServerHints } from "./oidc.js";

/** One attempt of one request, as reported to ClientOptions.onRequest. */
export interface RequestEvent {
  method: string;
  /** Path with query, secrets in the query redacted. */
  path: string;
  /** HTTP status; 0 when no reply was received. */
  status: number;
  durationMs: number;
  /** 1 for the first attempt, 2 for the first retry, ... */
  attempt: number;
  /** The cluster, server or template the call touches (RequestOptions.subject). */
  subject?: string;
  /** Why the attempt failed (server message or transport error), when it did. */
  error?: string;
}

export interface ClientOptions {
  /** Base URL, e.g. https://192.0.2.100:7443 (a path prefix is kept). */
  url: string;
  /** Pinned server certificate (PEM): the only certificate trusted for this server. */
  serverCertificate?: string;
  /** Client certificate and key (PEM) presented for TLS client authentication. */
  clientCertificate?: string;
  clientKey?: string;
  /** OIDC bearer token, sent as `Authorization: Bearer <token>`. */
  token?: string;
  /** Renewable bearer tokens (an oidc remote's token file), when no `token` is given. */
  bearer?: BearerSource;
  /** Permit an http:// URL (local test servers only). */
  allowInsecureHttp?: boolean;
  /** Time to wait for reply headers and between body chunks (default 3_600_000: cluster create is synchronous and takes minutes). */
  timeoutMs?: number;
  /** TCP + TLS connect timeout (default 10_000). */
  connectTimeoutMs?: number;
  /**
   * Retries after the first attempt, for failures that are safe to retry (default 14). A 5xx other
   * than 503 on a read, usually a lasting failure, is retried at most 4 times.
   */
  retries?: number;
  /**
   * How long a connection that is refused or reset before the request was sent keeps being
   * retried, as while Operations Center restarts (default 30_000; 0 turns this off). These
   * retries do not count against `retries`.
   */
  connectRetryBudgetMs?: number;
  /** Base of the exponential backoff with full jitter (default 200). */
  retryBaseDelayMs?: number;
  /** Longest wait between two attempts, Retry-After included (default 5_000). */
  maxRetryDelayMs?: number;
  /**
   * Most time one request spends waiting between its attempts, counted over every kind of retry
   * (default 60_000; reconnecting is also bounded by connectRetryBudgetMs).
   */
  retryBudgetMs?: number;
  /**
   * Asked right before each attempt of a request that may change something (any method but GET
   * and HEAD); a returned reason refuses to send it, e.g. because the program that asked for the
   * change is gone. The refusal is an OperationsCenterError with status 0 that nothing retries.
   */
  mutationGate?: () => string | undefined;
  /** Most requests in flight at once for this client (default 8). */
  maxConcurrency?: number;
  /** Called after every attempt. */
  onRequest?: (event: RequestEvent) => void;
  /**
   * Debug output of every request and reply summary, secrets redacted. true writes to stderr, a
   * function receives each line. Default: on when OC_CDKTF_DEBUG=1.
   */
  debug?: boolean | ((line: string) => void);
}

/** The options every client a program makes for one purpose shares: how hard to retry, and the mutation gate. */
export type TransportOptions = Partial<Pick<ClientOptions, "retries" | "maxRetryDelayMs" | "retryBudgetMs" | "connectRetryBudgetMs" | "mutationGate">>;

export interface ApiResponse {
  status: number;
  etag?: string;
  location?: string;
  metadata: unknown;
}

export interface RequestOptions {
  /** Query parameters; undefined values are left out. Values are URL-encoded. */
  query?: Record<string, string | undefined>;
  /** JSON body (sent with Content-Type: application/json). */
  body?: unknown;
  /** ETag for If-Match (quoted if given bare). */
  ifMatch?: string;
  /** The cluster, server or template the call touches; passed on to RequestEvent.subject. */
  subject?: string;
}

/** What the API on top of a transport says about its paths (path without query, starting with /1.0). */
export interface RouteRules {
  /** A POST that may be sent again after a lost reply because a replay changes nothing. */
  harmlessReplay?: (path: string) => boolean;
  /** A path whose error replies may come from another server and need not be the full envelope. */
  lenientReply?: (path: string) => boolean;
}

const DEFAULTS = {
  timeoutMs: 3_600_000,
  connectTimeoutMs: 10_000,
  retries: RETRY_DEFAULTS.attempts - 1,
  maxRetryDelayMs: RETRY_DEFAULTS.maxRetryDelayMs,
  retryBudgetMs: RETRY_DEFAULTS.retryBudgetMs,
  connectRetryBudgetMs: 30_000,
  retryBaseDelayMs: 200,
  maxConcurrency: 8,
};
// A 5xx other than 503 on a read is usually lasting (e.g. a server behind the OS proxy that does
// not answer): it gets this many retries at most, whatever `retries` allows.
const MAX_SERVER_ERROR_RETRIES = 4;
/** OperationsCenterError.code of a request the mutation gate refused: it never left this process. */
export const NOT_SENT = "ERR_OC_NOT_SENT";
// Reconnect attempts stay frequent so a restarted server is noticed within seconds.
const MAX_CONNECT_BACKOFF_MS = 5_000;
// Failures before any byte was sent that a restarting server produces (nothing listening yet,
// or the listener closing connections during start-up or shutdown).
const RESTART_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "UND_ERR_SOCKET"]);
const USER_AGENT = "oc-cdktf (cdktf-operations-center)";
const DEBUG_PREVIEW = 2_000;

export class Transport {
  /** Base URL without trailing slash. */
  readonly url: string;
  /** SHA-256 fingerprint (lower-case hex) of the client certificate, when one is presented. */
  readonly clientFingerprint?: string;
  /** SHA-256 fingerprint (lower-case hex) of the pinned server certificate, when pinned. */
  readonly pinnedFingerprint?: string;

  readonly #origin: string;
  readonly #basePath: string;
  readonly #agent: Agent;
  readonly #semaphore: Semaphore;
  readonly #options: Required<
    Pick<
      ClientOptions,
      "timeoutMs" | "connectTimeoutMs" | "retries" | "connectRetryBudgetMs" | "retryBaseDelayMs" | "maxRetryDelayMs" | "retryBudgetMs" | "maxConcurrency"
    >
  >;
  readonly #mutationGate?: () => string | undefined;
  readonly #token?: string;
  readonly #bearer?: BearerSource;
  readonly #onRequest?: (event: RequestEvent) => void;
  readonly #debug?: (line: string) => void;
  readonly #rules: RouteRules;

  constructor(options: ClientOptions, rules: RouteRules = {}) {
    this.#rules = rules;
    this.url = normalizeBaseUrl(options.url, "Operations Center URL", options.allowInsecureHttp === true, "allowInsecureHttp: true");
    const parsed = new URL(this.url);
    this.#origin = parsed.origin;
    this.#basePath = parsed.pathname.replace(/\/+$/, "");
    this.#options = {
      timeoutMs: positive(options.timeoutMs, DEFAULTS.timeoutMs, "timeoutMs"),
      connectTimeoutMs: positive(options.connectTimeoutMs, DEFAULTS.connectTimeoutMs, "connectTimeoutMs"),
      retries: nonNegative(options.retries, DEFAULTS.retries, "retries"),
      connectRetryBudgetMs: nonNegative(options.connectRetryBudgetMs, DEFAULTS.connectRetryBudgetMs, "connectRetryBudgetMs"),
      retryBaseDelayMs: nonNegative(options.retryBaseDelayMs, DEFAULTS.retryBaseDelayMs, "retryBaseDelayMs"),
      maxRetryDelayMs: nonNegative(options.maxRetryDelayMs, DEFAULTS.maxRetryDelayMs, "maxRetryDelayMs"),
      retryBudgetMs: nonNegative(options.retryBudgetMs, DEFAULTS.retryBudgetMs, "retryBudgetMs"),
      maxConcurrency: positive(options.maxConcurrency, DEFAULTS.maxConcurrency, "maxConcurrency"),
    };
    if (options.token !== undefined && options.token !== "") this.#token = options.token;
    else if (options.bearer !== undefined) this.#bearer = options.bearer;
    if (options.onRequest) this.#onRequest = options.onRequest;
    if (options.mutationGate) this.#mutationGate = options.mutationGate;
    const debug = options.debug ?? envFlag(process.env.OC_CDKTF_DEBUG);
    if (typeof debug === "function") this.#debug = debug;
    else if (debug) this.#debug = (line) => process.stderr.write(`oc-cdktf debug: ${line}\n`);

    const connect: SecureContextOptions & { timeout: number } = { timeout: this.#options.connectTimeoutMs };
    let pinnedPem: string | undefined;
    if (options.serverCertificate !== undefined && options.serverCertificate !== "") {
      let pinned: X509Certificate;
      try {
        pinned = new X509Certificate(options.serverCertificate);
      } catch (error) {
        throw new Error(`The pinned server certificate is not a valid PEM certificate (${(error as Error).message}).`);
      }
      this.pinnedFingerprint = fingerprintOf(pinned.fingerprint256);
      // The pinned certificate is the only one trusted, self-signed or CA-issued (see pinning.ts).
      pinnedPem = options.serverCertificate;
    } else {
      const trustStore = defaultTrustStore();
      if (trustStore !== undefined) connect.ca = trustStore;
    }
    const hasCert = options.clientCertificate !== undefined && options.clientCertificate !== "";
    const hasKey = options.clientKey !== undefined && options.clientKey !== "";
    if (hasCert !== hasKey) throw new Error("A client certificate needs its key and a key needs its certificate (clientCertificate, clientKey).");
    if (hasCert && hasKey) {
      let certificate: X509Certificate;
      try {
        certificate = new X509Certificate(options.clientCertificate as string);
      } catch (error) {
        throw new Error(`The client certificate is not a valid PEM certificate (${(error as Error).message}).`);
      }
      let key: KeyObject;
      try {
        key = createPrivateKey(options.clientKey as string);
      } catch (error) {
        throw new Error(`The client key is not a valid PEM private key (${(error as Error).message}).`);
      }
      if (!certificate.checkPrivateKey(key)) throw new Error("The client key does not belong to the client certificate.");
      this.clientFingerprint = fingerprintOf(certificate.fingerprint256);
      connect.cert = options.clientCertificate;
      connect.key = options.clientKey;
    }
    this.#agent = new Agent({
      // One TLS context for every connection: given none, Node.js builds one per connection, parsing
      // the client certificate and key again (about 1 ms each) and, with a CA store, adding every
      // root certificate of it again.
      // OpenSSL and Node.js judge a server without a pin (undici reports a refusal as the connect
      // error); both connectors resume the sessions of accepted connections (tls-sessions.ts).
      connect:
        pinnedPem === undefined
          ? resumingConnector({ ...connect, secureContext: createSecureContext(connect) }, () => undefined)
          : pinnedConnector(connect, pinnedPem),
      headersTimeout: this.#options.timeoutMs,
      bodyTimeout: this.#options.timeoutMs,
      connections: this.#options.maxConcurrency,
    });
    this.#semaphore = new Semaphore(this.#options.maxConcurrency);
  }

  /**
   * One API call. `path` includes /1.0. Resolves with the reply's metadata on success (2xx and
   * error_code 0); throws OperationsCenterError otherwise.
   *
   * A request that provably never reached the server is sent again: a refused or reset
   * connection for up to connectRetryBudgetMs, other connect failures up to `retries` times. One
   * that may have reached it is sent again only when a replay is harmless: reads, a PUT with
   * If-Match (a replay after the first one landed gets 412) and a POST the API's RouteRules call
   * harmless (for Operations Center, a server's :evacuate / :restore).
   * 503 and 429 (not handled) are retried for every method, other 5xx (but 501) for reads, at
   * most 4 times. Every wait counts against retryBudgetMs. A request that may change something is
   * first put to the mutation gate, at every attempt.
   */
  async request(method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse> {
    method = method.toUpperCase();
    if (!path.startsWith("/")) throw new TypeError(`request path must start with "/": ${path}`);
    const requestPath = withQuery(path, options.query);
    const displayPath = redactString(requestPath);
    const headers: Record<string, string> = { accept: "application/json", "user-agent": USER_AGENT };
    let body: string | undefined;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers["content-type"] = "application/json";
    }
    if (this.#token !== undefined) headers.authorization = `Bearer ${this.#token}`;
    let bearer = this.#bearer === undefined ? undefined : await this.#bearer.token();
    if (bearer !== undefined) headers.authorization = `Bearer ${bearer}`;
    // A 401 comes from authentication, before any handler ran: the request is sent again once with a renewed token.
    let renewed = false;
    if (options.ifMatch !== undefined && options.ifMatch !== "") headers["if-match"] = quoteEtag(options.ifMatch);
    const route = path.split("?")[0] ?? path;
    const lenient = this.#rules.lenientReply?.(route) === true;
    const read = method === "GET" || method === "HEAD";
    const replayable = read || (method === "PUT" && headers["if-match"] !== undefined) || (method === "POST" && this.#rules.harmlessReplay?.(route) === true);
    const subject = options.subject !== undefined && options.subject !== "" ? { subject: options.subject } : {};
    let retried = 0;
    let reconnects = 0;
    let refusedSince: number | undefined;
    // Time spent waiting between attempts, against retryBudgetMs.
    let waitedMs = 0;
    const budgetLeft = (): number => this.#options.retryBudgetMs - waitedMs;
    const wait = async (retry: number, how: { retryAfterMs?: number | undefined; capMs?: number; limitMs?: number } = {}): Promise<void> => {
      waitedMs += await this.#backoff(retry, method, displayPath, { ...how, limitMs: Math.min(how.limitMs ?? Infinity, budgetLeft()) });
    };
    // Set once an attempt that may have reached the server went unanswered and the request was sent again.
    let replayed = false;

    for (let attempt = 1; ; attempt++) {
      const refusal = read ? undefined : this.#mutationGate?.();
      if (refusal !== undefined) {
        this.#debug?.(`✗ ${method} ${displayPath} not sent: ${refusal}`);
        throw new OperationsCenterError({
          method,
          path: displayPath,
          status: 0,
          serverMessage: `not sent: ${refusal}`,
          mayHaveBeenProcessed: replayed,
          attempts: attempt,
          replayed,
          code: NOT_SENT,
        });
      }
      this.#debug?.(
        `→ ${method} ${displayPath}${attempt > 1 ? ` (attempt ${attempt})` : ""}` +
          (headers["if-match"] !== undefined ? ` if-match=${headers["if-match"]}` : "") +
          (options.body !== undefined ? ` body=${preview(redact(maskApiSecrets(requestPath, options.body, REDACTED)))}` : ""),
      );
      const started = performance.now();
      await this.#semaphore.acquire();
      let outcome: AttemptOutcome;
      try {
        outcome = await this.#dispatch({ method, path: this.#basePath + requestPath, headers, body });
      } finally {
        this.#semaphore.release();
      }
      const durationMs = Math.round(performance.now() - started);
      const event = { method, path: displayPath, durationMs, attempt, ...subject };

      if (outcome.kind === "reply") {
        const reply = outcome.reply;
        if (reply.status === 401 && this.#bearer !== undefined && bearer !== undefined && !renewed) {
          renewed = true;
          try {
            bearer = await this.#bearer.renew(bearer, oidcHints(reply));
            headers.authorization = `Bearer ${bearer}`;
            this.#report({ ...event, status: reply.status, error: "bearer token refused; sending again with a refreshed one" });
            continue;
          } catch {
            // The reply fails below, with the source's hint saying why no token could be had.
          }
        }
        try {
          const parsed = parseReply(reply, { method, path: displayPath, attempts: attempt, ...this.#authHint(reply) }, { lenient });
          this.#report({ ...event, status: reply.status });
          this.#debug?.(
            `← ${method} ${displayPath} ${reply.status} in ${durationMs} ms` +
              (parsed.etag ? ` etag=${parsed.etag}` : "") +
              (parsed.location ? ` location=${parsed.location}` : "") +
              ` metadata=${preview(redact(maskApiSecrets(requestPath, parsed.metadata, REDACTED)))}`,
          );
          const response: ApiResponse = { status: reply.status, metadata: parsed.metadata };
          if (parsed.etag !== undefined) response.etag = parsed.etag;
          if (parsed.location !== undefined) response.location = parsed.location;
          return response;
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          this.#report({ ...event, status: reply.status, error: message });
          const reason = error instanceof OperationsCenterError ? error.serverMessage : message;
          this.#debug?.(`← ${method} ${displayPath} ${reply.status} in ${durationMs} ms: ${redactString(reason)}`);
          // 503 and 429 say the request was not handled; another 5xx on a read is retried fewer times (MAX_SERVER_ERROR_RETRIES).
          const unhandled = reply.status === 503 || reply.status === 429;
          const retryable = unhandled || (read && reply.status >= 500 && reply.status !== 501 && retried < MAX_SERVER_ERROR_RETRIES);
          if (retryable && retried < this.#options.retries && budgetLeft() > 0) {
            retried++;
            await wait(retried, { retryAfterMs: retryAfterMs(reply) });
            continue;
          }
          if (!replayed || !(error instanceof OperationsCenterError)) throw error;
          throw error.asReplayed(
            error.isPreconditionFailed
              ? {
                  mayHaveBeenProcessed: true,
                  advice:
                    "this was a resend after a lost reply, and the lost attempt may itself have applied the change: " +
                    "re-read the object and compare before writing again",
                }
              : { mayHaveBeenProcessed: !read },
          );
        }
      }

      const failure = this.#transportFailure(outcome.error, outcome.sent, read, replayable);
      this.#report({ ...event, status: 0, error: failure.message });
      this.#debug?.(`← ${method} ${displayPath} no reply after ${durationMs} ms: ${redactString(failure.message)}`);
      const fail = (detail: string) =>
        new OperationsCenterError({
          method,
          path: displayPath,
          status: 0,
          serverMessage: failure.message,
          detail,
          mayHaveBeenProcessed: failure.mayHaveBeenProcessed || (replayed && !read),
          attempts: attempt,
          replayed,
          code: failure.code,
          pinnedCertificateRefused: failure.pinnedCertificateRefused,
          cause: failure.cause,
        });
      if (failure.retry === "reconnect" && this.#options.connectRetryBudgetMs > 0) {
        // The budget runs from the first refusal, so a refused request is always tried twice.
        const now = performance.now();
        refusedSince ??= now;
        const remainingMs = Math.min(this.#options.connectRetryBudgetMs - (now - refusedSince), budgetLeft());
        if (remainingMs > 0) {
          reconnects++;
          await wait(reconnects, { capMs: MAX_CONNECT_BACKOFF_MS, limitMs: remainingMs });
          continue;
        }
        throw fail(
          `${failure.message} after retrying for ${seconds(now - refusedSince)}: check that Operations Center is running ` +
            `and listening there, and that the address is right (the remote's url in config.yml, or ${ENV.url})`,
        );
      }
      if (failure.retry !== "never" && retried < this.#options.retries && budgetLeft() > 0) {
        if (outcome.sent) replayed = true;
        retried++;
        await wait(retried);
        continue;
      }
      throw fail(failure.detail);
    }
  }
  /** Closes the connection pool (waits for requests in flight). */
  async close(): Promise<void> {
    await Promise.all([this.#agent.close(), this.#bearer instanceof OidcTokens ? this.#bearer.close() : undefined]);
  }

  #authHint(reply: RawReply): { authHint?: string } {
    // Operations Center checks a bearer token before the client certificate, and a refused one
    // ends the request with 401 and its X-OperationsCenter-OIDC-* headers: the certificate is then
    // never looked at (operations-center@41a98e0 internal/security/authn/authenticate_middleware.go,
    // internal/security/authn/oidc/oidc.go; internal/api/daemon.go puts the OIDC auther first).
    const certificate = this.clientFingerprint === undefined ? "a client certificate" : `the client certificate ${this.clientFingerprint}`;
    if (reply.status === 401 && this.#bearer !== undefined) return { authHint: this.#bearer.refusedHint() };
    if (reply.status === 401 && this.#token !== undefined && oidcHints(reply).issuer !== undefined) {
      return {
        authHint:
          `the bearer token from ${ENV.token} (or the provider block's token) was refused; Operations Center checks a bearer token before ` +
          `the client certificate, so ${certificate} was not considered: unset ${ENV.token} to authenticate with the certificate, or set a valid token`,
      };
    }
    if (reply.status === 403 && (this.#token !== undefined || this.#bearer !== undefined)) {
      return { authHint: "the bearer token was accepted but grants no access to this (Operations Center's authorization, e.g. OpenFGA, decides)" };
    }
    if (this.clientFingerprint !== undefined) {
      return {
        authHint:
          `this client presents certificate ${this.clientFingerprint}; the server must trust it ` +
          `(security.trusted_tls_client_cert_fingerprints, e.g. \`operations-center system security edit\`)` +
          (this.#token === undefined ? "" : `; the bearer token from ${ENV.token} was not used (Operations Center announced no OIDC issuer)`),
      };
    }
    if (this.#token === undefined) {
      return { authHint: `no credentials were sent: provide client.crt/client.key, ${ENV.clientCert}/${ENV.clientKey} or ${ENV.token}` };
    }
    return { authHint: `the bearer token from ${ENV.token} was not accepted` };
  }

  #report(event: RequestEvent): void {
    try {
      this.#onRequest?.(event);
    } catch {
      // An observer's failure must not fail the request.
    }
  }

  /**
   * Waits before retry number `retry` (1-based): the server's Retry-After, or exponential backoff
   * with full jitter under `capMs` and maxRetryDelayMs, never longer than `limitMs`. Returns the
   * time waited.
   */
  async #backoff(
    retry: number,
    method: string,
    path: string,
    wait: { retryAfterMs?: number | undefined; capMs?: number; limitMs?: number } = {},
  ): Promise<number> {
    const cap = Math.min(wait.capMs ?? Infinity, this.#options.maxRetryDelayMs);
    const ceiling = Math.min(cap, this.#options.retryBaseDelayMs * 2 ** Math.min(retry - 1, 30));
    let delay = wait.retryAfterMs !== undefined ? Math.min(wait.retryAfterMs, this.#options.maxRetryDelayMs) : Math.round(Math.random() * ceiling);
    if (wait.limitMs !== undefined) delay = Math.max(0, Math.min(delay, Math.ceil(wait.limitMs)));
    this.#debug?.(`  retrying ${method} ${path} in ${delay} ms`);
    if (delay > 0) await sleep(delay);
    return delay;
  }

  #dispatch(request: { method: string; path: string; headers: Record<string, string>; body: string | undefined }): Promise<AttemptOutcome> {
    return new Promise((resolve) => {
      let sent = false;
      let settled = false;
      let status = 0;
      let headers: Record<string, string | string[] | undefined> = {};
      let chunks: Buffer[] = [];
      const settle = (outcome: AttemptOutcome) => {
        if (settled) return;
        settled = true;
        resolve(outcome);
      };
      const handler: Dispatcher.DispatchHandler = {
        // Called right before the request is written to a connected socket: anything that fails
        // earlier (DNS, connect, TLS handshake) provably never reached the server.
        onRequestStart() {
          sent = true;
        },
        onResponseStart(_controller, statusCode, responseHeaders) {
          status = statusCode;
          headers = responseHeaders as Record<string, string | string[] | undefined>;
          chunks = [];
        },
        onResponseData(_controller, chunk) {
          chunks.push(chunk);
        },
        onResponseEnd() {
          settle({ kind: "reply", reply: { status, headers, body: Buffer.concat(chunks).toString("utf8") } });
        },
        onResponseError(_controller, error) {
          settle({ kind: "transport", error, sent });
        },
      };
      try {
        this.#agent.dispatch(
          {
            origin: this.#origin,
            path: request.path,
            method: request.method as Dispatcher.HttpMethod,
            headers: request.headers,
            body: request.body ?? null,
          },
          handler,
        );
      } catch (error) {
        settle({ kind: "transport", error: error instanceof Error ? error : new Error(String(error)), sent: false });
      }
    });
  }

  /** Classifies a failure without a reply: what to say, and whether and how it may be retried. */
  #transportFailure(error: Error, sent: boolean, read: boolean, replayable: boolean): TransportFailure {
    const code = errorCode(error);
    const text = `${code}${error.message && error.message !== code ? `: ${error.message}` : ""}`;
    const origin = this.#origin;
    const failure = (
      message: string,
      retry: TransportFailure["retry"],
      detail = message,
      mayHaveBeenProcessed = false,
      pinnedCertificateRefused = false,
    ): TransportFailure => ({
      code,
      message,
      detail,
      retry,
      mayHaveBeenProcessed,
      pinnedCertificateRefused,
      cause: error,
    });

    if (code === PIN_MISMATCH || (this.pinnedFingerprint !== undefined && isCertificateError(code))) {
      const message =
        code === "CERT_HAS_EXPIRED" || code === "CERT_NOT_YET_VALID"
          ? `the TLS certificate of ${origin} could not be verified against the pinned server certificate ${this.pinnedFingerprint} (${text})`
          : `the TLS certificate of ${origin} does not match the pinned server certificate ${this.pinnedFingerprint} (${text})`;
      return failure(
        message,
        "never",
        `${message}; refusing to connect. If the server's certificate was legitimately replaced, update server_cert of the remote in config.yml or ${ENV.serverCert}`,
        false,
        true,
      );
    }
    if (isCertificateError(code)) {
      const message = `cannot verify the TLS certificate of ${origin} (${text})`;
      return failure(
        message,
        "never",
        `${message}; pin the server's certificate with server_cert in the operations-center config.yml or ${ENV.serverCert}, or install its CA`,
      );
    }
    if (code.startsWith("ERR_SSL_") || code === "EPROTO" || code.startsWith("ERR_TLS_")) {
      return failure(`TLS handshake with ${origin} failed (${text})`, "never");
    }
    if (code === "UND_ERR_ABORTED" || code === "UND_ERR_DESTROYED" || code === "UND_ERR_CLOSED" || code === "UND_ERR_INVALID_ARG") {
      const message = `request not completed: ${text}`;
      return failure(message, "never", message, sent && !read);
    }
    if (!sent) {
      if (code === "ENOTFOUND" || code === "EAI_AGAIN") return failure(`cannot resolve the host of ${origin} (${code})`, "retries");
      if (code === "UND_ERR_CONNECT_TIMEOUT") {
        return failure(`cannot connect to ${origin}: no connection within ${this.#options.connectTimeoutMs} ms (${code})`, "retries");
      }
      return failure(`cannot connect to ${origin} (${code})`, RESTART_CODES.has(code) ? "reconnect" : "retries");
    }
    const what =
      code === "UND_ERR_HEADERS_TIMEOUT"
        ? `no reply from ${origin} within ${this.#options.timeoutMs} ms (${code})`
        : code === "UND_ERR_BODY_TIMEOUT"
          ? `the reply from ${origin} stalled for ${this.#options.timeoutMs} ms (${code})`
          : `the connection to ${origin} was lost after the request was sent (${text})`;
    if (read) return failure(what, "retries");
    return failure(what, replayable ? "retries" : "never", `${what}; the request may have been processed: check the current state before retrying`, true);
  }
}

/** A failure without a reply. `reconnect` retries for connectRetryBudgetMs, `retries` up to ClientOptions.retries. */
interface TransportFailure {
  code: string;
  /** Short form: RequestEvent.error and OperationsCenterError.serverMessage. */
  message: string;
  /** The error message's text, with what to do. */
  detail: string;
  retry: "never" | "retries" | "reconnect";
  mayHaveBeenProcessed: boolean;
  pinnedCertificateRefused: boolean;
  cause: Error;
}

type AttemptOutcome = { kind: "reply"; reply: RawReply } | { kind: "transport"; error: Error; sent: boolean };

/** A small counting semaphore (FIFO). */
class Semaphore {
  #available: number;
  readonly #waiting: Array<() => void> = [];
  constructor(size: number) {
    this.#available = size;
  }
  async acquire(): Promise<void> {
    if (this.#available > 0) {
      this.#available--;
      return;
    }
    await new Promise<void>((resolve) => this.#waiting.push(resolve));
  }
  release(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#available++;
  }
}

function quoteEtag(etag: string): string {
  const trimmed = etag.trim();
  return trimmed.startsWith('"') || trimmed.startsWith('W/"') ? trimmed : `"${trimmed}"`;
}

function errorCode(error: Error): string {
  const direct = (error as NodeJS.ErrnoException).code;
  if (typeof direct === "string" && direct !== "") return direct;
  // Node's happy-eyeballs connect reports an AggregateError of the per-address failures.
  const inner = (error as { errors?: unknown[] }).errors;
  if (Array.isArray(inner)) {
    for (const item of inner) {
      const code = (item as NodeJS.ErrnoException | undefined)?.code;
      if (typeof code === "string" && code !== "") return code;
    }
  }
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof Error) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (typeof code === "string" && code !== "") return code;
  }
  return error.name || "Error";
}

/** OpenSSL verification failures and Node's host name check: permanent, never retried. */
function isCertificateError(code: string): boolean {
  return (
    code === "ERR_TLS_CERT_ALTNAME_INVALID" ||
    code === PIN_MISMATCH ||
    /CERT|SIGNATURE|ISSUER|_CA$|^CA_|CHAIN|UNABLE_TO_VERIFY|UNABLE_TO_GET|SELF_SIGNED|PURPOSE/.test(code)
  );
}

function retryAfterMs(reply: RawReply): number | undefined {
  const value = headerValue(reply.headers, "retry-after");
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** The issuer, client id and audience Operations Center announces on a refused bearer token. */
function oidcHints(reply: RawReply): OidcServerHints {
  const hints: OidcServerHints = {};
  const issuer = headerValue(reply.headers, "x-operationscenter-oidc-issuer");
  const clientId = headerValue(reply.headers, "x-operationscenter-oidc-clientid");
  const audience = headerValue(reply.headers, "x-operationscenter-oidc-audience");
  if (issuer) hints.issuer = issuer;
  if (clientId) hints.clientId = clientId;
  if (audience) hints.audience = audience;
  return hints;
}

/** A duration for messages: "0.3 s", "12.5 s", "31 s". */
function seconds(ms: number): string {
  const value = ms / 1000;
  return `${value < 20 ? value.toFixed(1) : Math.round(value)} s`;
}

function preview(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? "undefined";
  } catch {
    text = String(value);
  }
  return text.length > DEBUG_PREVIEW ? `${text.slice(0, DEBUG_PREVIEW)}… (${text.length} chars)` : text;
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive number, got ${value}`);
  return Math.round(value);
}

function nonNegative(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`${name} must be zero or more, got ${value}`);
  return Math.round(value);
}
