// OIDC access tokens the way the operations-center CLI keeps them, for remotes with
// `auth_type: oidc` (operations-center@41a98e0 internal/client/oidc/client.go, OIDCContext, Do,
// refresh; cmd/operations-center/main.go names the file after the remote):
//
//   <config dir>/oidc-tokens/<remote>.json
//   { "trust_tuple": { "issuer", "client_id", "audience" },
//     "tokens": { "access_token", "token_type", "refresh_token", "expiry" (RFC 3339), ... } }
//
// As the CLI does, the access token is sent as a bearer token and refreshed 15 s before its expiry
// and after a 401, with the refresh_token grant at the token endpoint of the issuer's discovery
// document; the issuer and client id come from the file or from the X-OperationsCenter-OIDC-*
// headers of the 401. The refreshed tokens are written back, keeping every other field of the
// file; unlike the CLI, atomically (a temporary file renamed over it), still mode 0600. The CLI
// falls back to an interactive device login, which a Terraform provider cannot do: it fails with
// the CLI command that logs in. No token is ever put into a message.
import { X509Certificate } from "node:crypto";
import { readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import * as tls from "node:tls";
import type { Dispatcher } from "undici";
import { z } from "zod";
import { defaultTrustStore } from "./trust-store.js";

const trustTupleSchema = z.looseObject({
  issuer: z.string().default(""),
  client_id: z.string().default(""),
  audience: z.string().default(""),
});

/** oauth2.Token as Go encodes it (oidc.Tokens embeds it; its other fields are kept as they are). */
const tokensSchema = z.looseObject({
  access_token: z.string().default(""),
  token_type: z.string().optional(),
  refresh_token: z.string().optional(),
  expiry: z.string().optional(),
});

/** The CLI's token file; unknown keys are kept when it is written back. */
const oidcTokenFileSchema = z.looseObject({
  trust_tuple: trustTupleSchema.nullish(),
  tokens: tokensSchema.nullish(),
});
type OidcTokenFile = z.infer<typeof oidcTokenFileSchema>;

const discoverySchema = z.looseObject({ issuer: z.string(), token_endpoint: z.string().min(1) });

const tokenReplySchema = z.looseObject({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  refresh_token: z.string().optional(),
  // RFC 6749 says a number; some issuers send a string, which Go's oauth2 accepts too.
  expires_in: z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]).optional(),
});

const tokenErrorSchema = z.looseObject({ error: z.string(), error_description: z.string().optional() });

/** Refresh this long before the expiry, as the CLI does (earlyRefreshLeeway). */
const EARLY_REFRESH_MS = 15_000;
/** Go's zero time.Time, which the CLI writes when the issuer gave no expires_in. */
const GO_ZERO_TIME = "0001-01-01T00:00:00Z";
const ISSUER_TIMEOUT_MS = 30_000;

/** What a 401 of Operations Center says about its issuer (X-OperationsCenter-OIDC-* headers). */
export interface OidcServerHints {
  issuer?: string;
  clientId?: string;
  audience?: string;
}

/** A source of bearer tokens that can be renewed after a 401 (the client's view of it). */
export interface BearerSource {
  /** The token to send now (refreshed first when it is about to expire). */
  token(): Promise<string>;
  /**
   * After Operations Center answered 401 to `refused`: a new token, or throws an Error saying
   * why none can be had and how to log in again.
   */
  renew(refused: string, hints: OidcServerHints): Promise<string>;
  /** Where the token comes from and what to do when it is refused, for error messages. */
  refusedHint(): string;
}

/** The path of a remote's token file in the CLI configuration directory. */
export function oidcTokenPath(configDir: string, remote: string): string {
  return join(configDir, "oidc-tokens", `${remote}.json`);
}

/** How to obtain a token file with the operations-center CLI. */
function oidcLoginHint(remote: string): string {
  return (
    `log in with the operations-center CLI: \`operations-center remote switch ${remote}\`, then any command such as ` +
    "`operations-center provisioning server list` runs the OIDC device login and writes the token file"
  );
}

/**
 * Reads and checks a remote's token file. Throws an Error naming the file and the CLI command
 * that writes it when there is none, or when it holds no token.
 */
export function readOidcTokenFile(file: string, remote: string): OidcTokenFile {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "does not exist" : `cannot be read (${code ?? "unreadable"})`;
    throw new Error(`Remote "${remote}" uses OIDC (auth_type: oidc) but its token file ${file} ${why}: ${oidcLoginHint(remote)}.`);
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    throw new Error(`${file} is not JSON: ${oidcLoginHint(remote)} again to rewrite it.`);
  }
  const parsed = oidcTokenFileSchema.safeParse(document);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".") || "(top level)"}: ${issue.message}`).join("; ");
    throw new Error(`${file} is not an operations-center CLI token file (${problems}): ${oidcLoginHint(remote)} again to rewrite it.`);
  }
  const tokens = parsed.data.tokens;
  if ((tokens?.access_token ?? "") === "" && (tokens?.refresh_token ?? "") === "") {
    throw new Error(`${file} holds no token (the CLI's login did not finish): ${oidcLoginHint(remote)}.`);
  }
  return parsed.data;
}

/** Writes the token file atomically with mode 0600: a reader sees the old file or the new one. */
function writeOidcTokenFile(file: string, content: OidcTokenFile): void {
  const temporary = join(dirname(file), `.${basename(file)}.${process.pid}.${Date.now()}.tmp`);
  try {
    writeFileSync(temporary, JSON.stringify(content), { mode: 0o600 });
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

interface OidcTokensOptions {
  /** The token file (oidcTokenPath). */
  file: string;
  /** The remote's name, for messages. */
  remote: string;
  /** Operations Center's pinned certificate: trusted for the issuer too, as the CLI does (its TLS configuration is shared). */
  serverCertificate?: string;
  /** Permit an http:// issuer (local test servers only, like the client's allowInsecureHttp). */
  allowInsecureHttp?: boolean;
  /**
   * Makes the transport for the issuer from the TLS connect options above (the client passes
   * undici's Agent: this module stays free of undici until a refresh runs).
   */
  createDispatcher: (connect: Record<string, unknown>) => Dispatcher;
  /** The clock (tests). */
  now?: () => number;
}

/** The access token of one remote's token file, refreshed as the CLI refreshes it. */
export class OidcTokens implements BearerSource {
  readonly #options: OidcTokensOptions;
  readonly #now: () => number;
  #content: OidcTokenFile;
  #refreshing?: Promise<string>;
  /** Why the last refresh failed; kept so that a 401 right after does not ask the issuer again. */
  #failure?: { token: string; reason: string };
  #dispatcher?: Dispatcher;

  constructor(options: OidcTokensOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#content = readOidcTokenFile(options.file, options.remote);
  }

  async token(): Promise<string> {
    const current = this.#accessToken();
    if (current !== "" && !this.#due()) return current;
    try {
      return await this.#refresh(current);
    } catch (error) {
      // As the CLI does: send what there is; a refusal then says why the refresh failed.
      this.#failure = { token: current, reason: (error as Error).message };
      return current;
    }
  }

  async renew(refused: string, hints: OidcServerHints): Promise<string> {
    this.#learn(hints);
    const current = this.#accessToken();
    // Another request already refreshed it.
    if (current !== refused && current !== "") return current;
    if (this.#failure !== undefined && this.#failure.token === refused) throw new Error(this.#failure.reason);
    return this.#refresh(refused);
  }

  refusedHint(): string {
    const failure = this.#failure === undefined ? "" : ` and could not be refreshed (${this.#failure.reason})`;
    return `the OIDC access token of ${this.#options.file} was refused${failure}; ${oidcLoginHint(this.#options.remote)}`;
  }

  /** Closes the issuer connections. */
  async close(): Promise<void> {
    if (this.#dispatcher !== undefined) await this.#dispatcher.close();
  }

  #accessToken(): string {
    return this.#content.tokens?.access_token ?? "";
  }

  /** Whether the access token expires within EARLY_REFRESH_MS; never when its expiry is unknown (Go's zero time or absent). */
  #due(): boolean {
    const ms = Date.parse(this.#content.tokens?.expiry ?? "");
    return !Number.isNaN(ms) && ms > 0 && this.#now() + EARLY_REFRESH_MS > ms;
  }

  #learn(hints: OidcServerHints): void {
    const tuple = { issuer: "", client_id: "", audience: "", ...this.#content.trust_tuple };
    if (hints.issuer) tuple.issuer = hints.issuer;
    if (hints.clientId) tuple.client_id = hints.clientId;
    if (hints.audience) tuple.audience = hints.audience;
    this.#content = { ...this.#content, trust_tuple: tuple };
  }

  /** One refresh at a time; the file is read again first, as another process may have refreshed it. */
  #refresh(stale: string): Promise<string> {
    this.#refreshing ??= this.#refreshOnce(stale).finally(() => {
      this.#refreshing = undefined;
    });
    return this.#refreshing;
  }

  async #refreshOnce(stale: string): Promise<string> {
    const { file, remote } = this.#options;
    try {
      const onDisk = readOidcTokenFile(file, remote);
      const learned = pickKnown(this.#content.trust_tuple);
      this.#content = { ...onDisk, trust_tuple: { issuer: "", client_id: "", audience: "", ...onDisk.trust_tuple, ...learned } };
      const fresh = this.#accessToken();
      if (fresh !== "" && fresh !== stale && !this.#due()) return fresh;
    } catch {
      // The file went away or broke since it was read: refresh with the tokens held.
    }
    const tuple = this.#content.trust_tuple;
    const refreshToken = this.#content.tokens?.refresh_token ?? "";
    if (refreshToken === "") throw new Error(`${file} has no refresh token`);
    if (tuple === null || tuple === undefined || tuple.issuer === "" || tuple.client_id === "") {
      throw new Error(`${file} names no issuer and client id, and Operations Center did not send them`);
    }
    const issuer = tuple.issuer.replace(/\/+$/, "");
    const discovery = await this.#json(`${issuer}/.well-known/openid-configuration`, { method: "GET" }, "the discovery document");
    const parsedDiscovery = discoverySchema.safeParse(discovery.body);
    if (discovery.status !== 200 || !parsedDiscovery.success) {
      throw new Error(`the issuer ${issuer} answered ${discovery.status} without a usable discovery document at /.well-known/openid-configuration`);
    }
    if (parsedDiscovery.data.issuer.replace(/\/+$/, "") !== issuer) {
      throw new Error(`the discovery document of ${issuer} names another issuer (${parsedDiscovery.data.issuer})`);
    }
    const form = new URLSearchParams({ grant_type: "refresh_token", refresh_token: refreshToken, client_id: tuple.client_id });
    const endpoint = parsedDiscovery.data.token_endpoint;
    const reply = await this.#json(
      endpoint,
      { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" }, body: form.toString() },
      "the token endpoint",
    );
    const tokens = tokenReplySchema.safeParse(reply.body);
    if (reply.status !== 200 || !tokens.success) {
      const refusal = tokenErrorSchema.safeParse(reply.body);
      const why = refusal.success
        ? `${refusal.data.error}${refusal.data.error_description ? `: ${refusal.data.error_description}` : ""}`
        : "no access token in the reply";
      throw new Error(`the issuer's token endpoint ${endpoint} refused the refresh token (${reply.status} ${why})`);
    }
    const expiresIn = tokens.data.expires_in;
    const next: OidcTokenFile = {
      ...this.#content,
      tokens: {
        ...this.#content.tokens,
        access_token: tokens.data.access_token,
        ...(tokens.data.token_type === undefined ? {} : { token_type: tokens.data.token_type }),
        // As oauth2 does: no expires_in, no known expiry.
        expiry: expiresIn !== undefined && expiresIn > 0 ? new Date(this.#now() + expiresIn * 1000).toISOString() : GO_ZERO_TIME,
        ...(tokens.data.refresh_token === undefined || tokens.data.refresh_token === "" ? {} : { refresh_token: tokens.data.refresh_token }),
      },
    };
    this.#content = next;
    this.#failure = undefined;
    try {
      writeOidcTokenFile(file, next);
    } catch (error) {
      // The new token works for this run; the CLI will refresh its own copy.
      process.emitWarning(`oc-cdktf: could not write the refreshed OIDC token back to ${file} (${(error as NodeJS.ErrnoException).code ?? "write failed"})`);
    }
    return tokens.data.access_token;
  }

  async #json(
    url: string,
    init: { method: string; headers?: Record<string, string>; body?: string },
    what: string,
  ): Promise<{ status: number; body: unknown }> {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new Error(`${what} "${url}" is not a URL`);
    }
    if (parsed.protocol !== "https:" && !(parsed.protocol === "http:" && this.#options.allowInsecureHttp === true)) {
      throw new Error(`${what} ${parsed.origin} is not an https:// address`);
    }
    let reply: Dispatcher.ResponseData;
    try {
      reply = await this.#issuerDispatcher().request({
        origin: parsed.origin,
        path: `${parsed.pathname}${parsed.search}`,
        method: init.method as Dispatcher.HttpMethod,
        headers: init.headers ?? { accept: "application/json" },
        ...(init.body === undefined ? {} : { body: init.body }),
        headersTimeout: ISSUER_TIMEOUT_MS,
        bodyTimeout: ISSUER_TIMEOUT_MS,
      });
    } catch (error) {
      throw new Error(`cannot reach ${what} at ${parsed.origin}: ${(error as Error).message}`);
    }
    const text = await reply.body.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    return { status: reply.statusCode, body };
  }

  /**
   * The issuer is trusted through the CA store and, as the CLI adds Operations Center's pinned
   * certificate to its roots, through that certificate too; a peer presenting exactly the pinned
   * certificate is accepted whatever its name, as the client accepts it for Operations Center.
   */
  #issuerDispatcher(): Dispatcher {
    if (this.#dispatcher !== undefined) return this.#dispatcher;
    const pinned = this.#options.serverCertificate;
    const connect: Record<string, unknown> = { timeout: ISSUER_TIMEOUT_MS };
    const store = defaultTrustStore();
    if (pinned !== undefined && pinned !== "") {
      const fingerprint = new X509Certificate(pinned).fingerprint256;
      connect.ca = [...(store ?? tls.rootCertificates), pinned];
      connect.checkServerIdentity = (host: string, peer: tls.PeerCertificate): Error | undefined =>
        peer.fingerprint256 === fingerprint ? undefined : tls.checkServerIdentity(host, peer);
    } else if (store !== undefined) {
      connect.ca = store;
    }
    this.#dispatcher = this.#options.createDispatcher(connect);
    return this.#dispatcher;
  }
}

function pickKnown(tuple: OidcTokenFile["trust_tuple"]): Partial<z.infer<typeof trustTupleSchema>> {
  if (tuple === null || tuple === undefined) return {};
  return Object.fromEntries(Object.entries(tuple).filter(([, value]) => typeof value === "string" && value !== ""));
}
