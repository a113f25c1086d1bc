// OIDC as Operations Center does it, with the local OC as its own small issuer (an opt-in).
//
// The issuer (under /local-oc/oidc on OC's listener) has a discovery document, a JWKS and a token
// endpoint with the refresh_token grant; a trusted client mints tokens through a control endpoint
// (the stand-in for a browser login). Access tokens are ES256-signed JWTs with an expiry; keys and
// refresh tokens live in memory, so a restart invalidates every token.
//
// Operations Center's side (operations-center@41a98e0 internal/api/daemon.go, securityConfigReload:
// the authenticators run in the order unix socket, OIDC, TLS; internal/security/authn/
// authenticate_middleware.go; internal/security/authn/oidc/oidc.go and verifier.go): OIDC is on when
// security.oidc.issuer and client_id are both set. A request with an Authorization header (or an
// oidc_access cookie) is then decided by its token alone: a token that does not verify is 401
// "Failed to authenticate: ..." with the X-OperationsCenter-OIDC-* headers, even when the client
// certificate is trusted and even on GET /1.0; one that verifies is authenticated as "oidc".
import { createHash, generateKeyPair, randomBytes, randomUUID, sign, verify, type KeyObject } from "node:crypto";
import { promisify } from "node:util";
import type { IncomingHttpHeaders } from "node:http";
import { z } from "zod";
import { HttpError } from "./errors.js";

/** Where the issuer lives below OC's address. */
export const ISSUER_PATH = "/local-oc/oidc";
export const DEFAULT_CLIENT_ID = "local-oc";
/** Default lifetime of an access token, in seconds. */
export const DEFAULT_ACCESS_TOKEN_TTL_S = 300;

/** An OAuth 2.0 token response (RFC 6749 5.1). */
export interface TokenResponse {
  access_token: string;
  token_type: "Bearer";
  refresh_token: string;
  expires_in: number;
}

/** An OAuth 2.0 error response (RFC 6749 5.2): answered with 400 or 401. */
export class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    description: string,
  ) {
    super(description);
  }
}

const claimsSchema = z.looseObject({
  iss: z.string(),
  sub: z.string(),
  aud: z.union([z.string(), z.array(z.string())]),
  exp: z.number(),
  iat: z.number(),
});

const base64url = (data: Buffer | string) => Buffer.from(data).toString("base64url");
const generateEcKeyPair = promisify(generateKeyPair);

export class OidcIssuer {
  /** Refresh tokens by their SHA-256 (never the token itself), with whom they stand for. */
  private readonly refreshTokens = new Map<string, { subject: string }>();

  private constructor(
    readonly issuer: string,
    readonly clientId: string,
    readonly accessTokenTtlS: number,
    private readonly keyId: string,
    private readonly privateKey: KeyObject,
    private readonly publicKey: KeyObject,
  ) {}

  static async create(options: { issuer: string; clientId: string; accessTokenTtlS: number }): Promise<OidcIssuer> {
    const { privateKey, publicKey } = await generateEcKeyPair("ec", { namedCurve: "P-256" });
    return new OidcIssuer(options.issuer, options.clientId, options.accessTokenTtlS, randomUUID(), privateKey, publicKey);
  }

  /** /.well-known/openid-configuration (OpenID Connect Discovery 1.0, section 3). */
  discovery(): Record<string, unknown> {
    return {
      issuer: this.issuer,
      jwks_uri: `${this.issuer}/jwks`,
      token_endpoint: `${this.issuer}/token`,
      grant_types_supported: ["refresh_token"],
      response_types_supported: ["code"],
      subject_types_supported: ["public"],
      id_token_signing_alg_values_supported: ["ES256"],
      token_endpoint_auth_methods_supported: ["none"],
      scopes_supported: ["openid", "offline_access", "email"],
    };
  }

  jwks(): { keys: Record<string, unknown>[] } {
    return { keys: [{ ...this.publicKey.export({ format: "jwk" }), kid: this.keyId, use: "sig", alg: "ES256" }] };
  }

  /** New tokens for a subject; `expiresInS` (may be 0 or negative, for tests) overrides the lifetime. */
  mint(subject: string, expiresInS = this.accessTokenTtlS): TokenResponse {
    const refresh = randomBytes(32).toString("base64url");
    this.refreshTokens.set(digest(refresh), { subject });
    return { access_token: this.accessToken(subject, expiresInS), token_type: "Bearer", refresh_token: refresh, expires_in: expiresInS };
  }

  /** The token endpoint: grant_type=refresh_token, form-encoded. The refresh token stays valid. */
  token(form: URLSearchParams): TokenResponse {
    const grant = form.get("grant_type") ?? "";
    if (grant !== "refresh_token") throw new OAuthError(400, "unsupported_grant_type", `grant_type "${grant}" is not supported (only refresh_token)`);
    const clientId = form.get("client_id");
    if (clientId !== null && clientId !== this.clientId) throw new OAuthError(401, "invalid_client", "unknown client_id");
    const refresh = form.get("refresh_token") ?? "";
    const holder = this.refreshTokens.get(digest(refresh));
    if (holder === undefined) throw new OAuthError(400, "invalid_grant", "the refresh token is not valid");
    return {
      access_token: this.accessToken(holder.subject, this.accessTokenTtlS),
      token_type: "Bearer",
      refresh_token: refresh,
      expires_in: this.accessTokenTtlS,
    };
  }

  /** The subject of a valid access token; throws with the reason otherwise (never quoting the token). */
  verify(token: string, audience: string): string {
    const parts = token.split(".");
    if (parts.length !== 3) throw new Error("malformed JWT");
    const [header, payload, signature] = parts as [string, string, string];
    let claims: z.infer<typeof claimsSchema>;
    try {
      const head = JSON.parse(Buffer.from(header, "base64url").toString("utf8")) as { alg?: unknown; kid?: unknown };
      if (head.alg !== "ES256" || head.kid !== this.keyId) throw new Error("unknown key");
      claims = claimsSchema.parse(JSON.parse(Buffer.from(payload, "base64url").toString("utf8")));
    } catch {
      // The parser's message could quote the token; the reason is enough.
      throw new Error("malformed JWT or unknown signing key");
    }
    const valid = verify(
      "sha256",
      Buffer.from(`${header}.${payload}`),
      { key: this.publicKey, dsaEncoding: "ieee-p1363" },
      Buffer.from(signature, "base64url"),
    );
    if (!valid) throw new Error("signature is invalid");
    if (claims.iss !== this.issuer) throw new Error(`issuer does not match: expected ${this.issuer}, got ${claims.iss}`);
    if (claims.exp * 1000 <= Date.now()) throw new Error("token has expired");
    const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (audience !== "" && !audiences.includes(audience)) throw new Error("Provided OIDC token doesn't allow the configured audience");
    return claims.sub;
  }

  private accessToken(subject: string, expiresInS: number): string {
    const now = Math.floor(Date.now() / 1000);
    const header = base64url(JSON.stringify({ alg: "ES256", typ: "JWT", kid: this.keyId }));
    const payload = base64url(
      JSON.stringify({ iss: this.issuer, sub: subject, aud: [this.clientId], client_id: this.clientId, iat: now, exp: now + expiresInS, jti: randomUUID() }),
    );
    const signature = sign("sha256", Buffer.from(`${header}.${payload}`), { key: this.privateKey, dsaEncoding: "ieee-p1363" });
    return `${header}.${payload}.${base64url(signature)}`;
  }
}

function digest(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** security.oidc of Operations Center's configuration, as far as authentication reads it. */
interface OidcConfig {
  issuer: string;
  client_id: string;
  audience: string;
}

export function oidcConfigOf(security: Record<string, unknown>): OidcConfig | undefined {
  const oidc = security["oidc"];
  if (typeof oidc !== "object" || oidc === null) return undefined;
  const field = (name: string) => {
    const value = (oidc as Record<string, unknown>)[name];
    return typeof value === "string" ? value : "";
  };
  const config = { issuer: field("issuer"), client_id: field("client_id"), audience: field("audience") };
  return config.issuer !== "" && config.client_id !== "" ? config : undefined;
}

/** The headers OC's verifier writes on a failed OIDC authentication (verifier.go, WriteHeaders). */
export function oidcHeaders(config: OidcConfig): Record<string, string> {
  return {
    "X-OperationsCenter-OIDC-issuer": config.issuer,
    "X-OperationsCenter-OIDC-clientid": config.client_id,
    "X-OperationsCenter-OIDC-audience": config.audience,
  };
}

/** The request's access token, when it carries one (verifier.go, IsRequest and Auth). */
function presentedToken(headers: IncomingHttpHeaders): string | undefined {
  const auth = headers.authorization;
  if (auth !== undefined && auth !== "") {
    const parts = auth.split("Bearer ");
    if (parts.length !== 2) throw new HttpError(401, "Failed to authenticate: Bad authorization token, expected a Bearer token");
    return parts[1]!;
  }
  const cookie = /(?:^|;\s*)oidc_access=([^;]*)/.exec(headers.cookie ?? "");
  return cookie === null ? undefined : decodeURIComponent(cookie[1]!);
}

/**
 * The OIDC authenticator: undefined when OIDC is off or the request carries no token (the TLS
 * authenticator decides), the username when the token verifies; throws 401 otherwise.
 */
export function authenticateBearer(config: OidcConfig | undefined, issuer: OidcIssuer | undefined, headers: IncomingHttpHeaders): string | undefined {
  if (config === undefined) return undefined;
  const token = presentedToken(headers);
  if (token === undefined) return undefined;
  if (issuer === undefined || issuer.issuer !== config.issuer) {
    throw new HttpError(401, `Failed to authenticate: Failed calling OIDC discovery endpoint: ${config.issuer} is not the local Operations Center's issuer`);
  }
  try {
    return issuer.verify(token, config.audience);
  } catch (error) {
    throw new HttpError(401, `Failed to authenticate: ${(error as Error).message}`);
  }
}
