// The local OIDC issuer's endpoints under /local-oc/oidc (oidc.ts): discovery, JWKS and the token
// endpoint answer anyone, in OAuth's plain JSON; /local-oc/oidc/mint is a control endpoint for
// trusted clients (the stand-in for a browser login) and answers in the control plane's envelope.
import { z } from "zod";
import { HttpError } from "./errors.js";
import { plainText, sync, type ApiResponse } from "./http.js";
import { ISSUER_PATH, OAuthError, type OidcIssuer } from "./oidc.js";

const mintSchema = z.strictObject({
  /** The user the tokens stand for (default "local-oc-user"). */
  subject: z.string().min(1).optional(),
  /** Lifetime of the access token in seconds; 0 or negative gives one already expired. */
  expires_in: z.number().int().optional(),
});

const json = (status: number, body: unknown): ApiResponse => ({
  status,
  headers: { "Content-Type": "application/json", "Cache-Control": "no-store" },
  body: `${JSON.stringify(body)}\n`,
});

/** The issuer's answer to a request below /local-oc/oidc; `trusted`: the client certificate is trusted. */
export function serveIssuer(issuer: OidcIssuer, method: string, path: string, body: string, trusted: boolean): ApiResponse {
  const route = path.slice(ISSUER_PATH.length);
  if (route === "/.well-known/openid-configuration" && method === "GET") return json(200, issuer.discovery());
  if (route === "/jwks" && method === "GET") return json(200, issuer.jwks());
  if (route === "/token" && method === "POST") {
    try {
      return json(200, issuer.token(new URLSearchParams(body)));
    } catch (error) {
      if (error instanceof OAuthError) return json(error.status, { error: error.error, error_description: error.message });
      throw error;
    }
  }
  if (route === "/mint" && method === "POST") {
    if (!trusted) throw new HttpError(401, "unauthorized");
    let parsed: unknown;
    try {
      parsed = body.trim() === "" ? {} : JSON.parse(body);
    } catch (error) {
      throw new HttpError(400, `Bad Request: ${(error as Error).message}`);
    }
    const request = mintSchema.safeParse(parsed);
    if (!request.success)
      throw new HttpError(400, `Bad Request: ${request.error.issues.map((i) => `${i.path.join(".") || "(body)"}: ${i.message}`).join("; ")}`);
    return sync(issuer.mint(request.data.subject ?? "local-oc-user", request.data.expires_in));
  }
  return plainText(404, "404 page not found");
}
