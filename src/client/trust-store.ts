// The certificate authorities a connection trusts when no certificate is pinned: shared by the
// Operations Center client and the OIDC token refresh (src/client/oidc.ts).
import * as tls from "node:tls";

let cachedTrustStore: string[] | null | undefined;
/**
 * Node's CA store plus, where Node offers it (22.15+), the operating system's. undefined means
 * "Node's defaults" (bundled Mozilla roots and NODE_EXTRA_CA_CERTS).
 */
export function defaultTrustStore(): string[] | undefined {
  if (cachedTrustStore === undefined) {
    cachedTrustStore = null;
    const get = (tls as unknown as { getCACertificates?: (type?: string) => string[] }).getCACertificates;
    if (typeof get === "function") {
      try {
        cachedTrustStore = [...new Set([...get("default"), ...get("system")])];
      } catch {
        cachedTrustStore = null;
      }
    }
  }
  return cachedTrustStore ?? undefined;
}
