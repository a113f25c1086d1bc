// Writes an operations-center CLI configuration directory (operations-center@41a98e0
// internal/config/cli/config.go) for the local Operations Center: config.yml whose default
// remote `local-oc` (the CLI reserves `local`) uses TLS client authentication and pins the server
// certificate, plus client.crt and client.key.
// Both this project's client and the official `operations-center` CLI read it
// (OPERATIONS_CENTER_CONF=DIR).
//
// An `auth_type: oidc` remote comes with the token file the CLI keeps for it,
// oidc-tokens/<remote>.json (operations-center@41a98e0 cmd/operations-center/main.go,
// WithOIDCTokensFile; internal/config/cli/config.go makes oidc-tokens/ 0700): the JSON of
// internal/client/oidc/client.go OIDCContext, {trust_tuple: {issuer, client_id, audience}, tokens}
// where tokens is zitadel's oidc.Tokens, an embedded oauth2.Token (access_token, token_type,
// refresh_token, expiry as RFC 3339) plus IDTokenClaims and IDToken; written 0600.

import { chmod, mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import yaml from "js-yaml";
import type { KeyPair } from "./certificates.js";
import type { TokenResponse } from "./oidc.js";

/** What an oidc remote's token file is made of. */
interface OidcLogin {
  issuer: string;
  clientId: string;
  tokens: TokenResponse;
}

/** The CLI's OIDCContext for a login, as its token file holds it. */
export function oidcTokenFile(login: OidcLogin, now = Date.now()): Record<string, unknown> {
  return {
    trust_tuple: { issuer: login.issuer, client_id: login.clientId, audience: "" },
    tokens: {
      access_token: login.tokens.access_token,
      token_type: login.tokens.token_type,
      refresh_token: login.tokens.refresh_token,
      expiry: new Date(now + login.tokens.expires_in * 1000).toISOString(),
      IDTokenClaims: null,
      IDToken: "",
    },
  };
}

export const LOCAL_REMOTE = "local-oc";

export async function writeClientConfigDir(
  dir: string,
  options: { url: string; serverCertificate: string; client: KeyPair; oidc?: OidcLogin },
): Promise<string> {
  const target = resolve(dir);
  await mkdir(target, { recursive: true });
  const config = {
    default_remote: LOCAL_REMOTE,
    remotes: {
      [LOCAL_REMOTE]: {
        addr: options.url,
        auth_type: options.oidc === undefined ? "tls" : "oidc",
        server_cert: options.serverCertificate,
      },
    },
  };
  await writeFile(join(target, "config.yml"), yaml.dump(config, { lineWidth: -1 }), { mode: 0o600 });
  await writeFile(join(target, "client.crt"), options.client.certificate, { mode: 0o644 });
  await writeFile(join(target, "client.key"), options.client.key, { mode: 0o600 });
  // writeFile's mode applies only to new files.
  await chmod(join(target, "client.key"), 0o600);
  if (options.oidc !== undefined) {
    const tokens = join(target, "oidc-tokens");
    await mkdir(tokens, { recursive: true, mode: 0o700 });
    const file = join(tokens, `${LOCAL_REMOTE}.json`);
    await writeFile(file, JSON.stringify(oidcTokenFile(options.oidc)), { mode: 0o600 });
    await chmod(file, 0o600);
  }
  return target;
}
