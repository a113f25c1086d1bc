// What a cluster's Incus knows about TLS: the cluster certificate with its key (presented by the
// cluster's own listener, incus/listeners.ts) and the trust store of client certificates.
//
// The trust store is filled as a real cluster's is: the `certificates` of the application config
// the cluster was created with (OC's post-clustering Terraform adds each as an incus_certificate
// with its name, type, restricted flag, projects and description: operations-center@41a98e0
// internal/provisioning/adapter/terraform/templates/resources_certificates.tf.gotmpl) and
// `POST /1.0/certificates` (incus@be7afc5
// cmd/incusd/certificates.go, certificatesPost). Only `client` certificates open the API; a
// `restricted` one may read but not change server and cluster settings (incus@be7afc5
// internal/server/auth/driver_tls.go, CheckPermission: "Certificate is restricted").
// Operations Center's own trusted clients are trusted too only when the local OC is started with
// that opt-in: a real cluster does not know them.
import { X509Certificate } from "node:crypto";
import { z } from "zod";
import { certificateFingerprint, type KeyPair } from "../certificates.js";
import { HttpError } from "../errors.js";
import type { IncusTrust, TrustedCertificate } from "../persisted.js";
import type { Store } from "../state.js";

/** The part of the persisted state this module reads and writes. */
interface TrustState {
  incus_trust?: Record<string, IncusTrust> | undefined;
  trusted_fingerprints: string[];
  creation_inputs: Record<string, { application_seed_config: Record<string, unknown> }>;
}

const CERTIFICATE_TYPES = ["client", "server", "metrics"] as const;

function trustOf(data: TrustState, cluster: string): IncusTrust {
  data.incus_trust ??= {};
  data.incus_trust[cluster] ??= { certificates: [] };
  return data.incus_trust[cluster];
}

/** The cluster's certificate and key, as Incus got them at clustering or from a certificate update. */
export function setClusterKeyPair(data: TrustState, cluster: string, pair: KeyPair): void {
  trustOf(data, cluster).tls = { certificate: pair.certificate, key: pair.key };
}

export function clusterKeyPair(data: TrustState, cluster: string): KeyPair | undefined {
  return data.incus_trust?.[cluster]?.tls;
}

/** Forgets a cluster's TLS state (a new cluster of that name starts fresh). */
export function forgetIncusTrust(data: TrustState, cluster: string): void {
  if (data.incus_trust !== undefined) delete data.incus_trust[cluster];
}

/** Moves a cluster's TLS state with a rename in Operations Center. */
export function renameIncusTrust(data: TrustState, from: string, to: string): void {
  const entry = data.incus_trust?.[from];
  if (entry === undefined || data.incus_trust === undefined) return;
  delete data.incus_trust[from];
  data.incus_trust[to] = entry;
}

/** The application config's `certificates`, as the trust store entries Incus makes of them at init. */
function preseedCertificates(data: TrustState, cluster: string): TrustedCertificate[] {
  const listed = data.creation_inputs[cluster]?.application_seed_config["certificates"];
  if (!Array.isArray(listed)) return [];
  const out: TrustedCertificate[] = [];
  for (const entry of listed) {
    const c = entry as Record<string, unknown>;
    if (typeof c["certificate"] !== "string") continue;
    let fingerprint: string;
    try {
      fingerprint = certificateFingerprint(c["certificate"]);
    } catch {
      continue; // not a certificate: trusts nobody
    }
    out.push({
      fingerprint,
      type: typeof c["type"] === "string" ? c["type"] : "",
      name: typeof c["name"] === "string" ? c["name"] : "",
      certificate: c["certificate"],
      restricted: c["restricted"] === true,
      projects: Array.isArray(c["projects"]) ? c["projects"].filter((p): p is string => typeof p === "string") : [],
      description: typeof c["description"] === "string" ? c["description"] : "",
    });
  }
  return out;
}

/** Every entry of the cluster's trust store: from the application config, then added ones. */
export function trustStore(data: TrustState, cluster: string): TrustedCertificate[] {
  return [...preseedCertificates(data, cluster), ...(data.incus_trust?.[cluster]?.certificates ?? [])];
}

/** How a client certificate stands with a cluster: trusted (maybe restricted) or not. */
export type ClientTrust = { trusted: false } | { trusted: true; restricted: boolean };

/**
 * A client certificate opens the cluster's API when its trust store has it as a `client`
 * certificate, or (with the opt-in) when Operations Center trusts it.
 */
export function clientTrust(data: TrustState, cluster: string, fingerprint: string | undefined, trustOperationsCenterClients: boolean): ClientTrust {
  if (fingerprint === undefined) return { trusted: false };
  const entry = trustStore(data, cluster).find((c) => c.fingerprint === fingerprint && c.type === "client");
  if (entry !== undefined) return { trusted: true, restricted: entry.restricted };
  if (trustOperationsCenterClients && data.trusted_fingerprints.includes(fingerprint)) return { trusted: true, restricted: false };
  return { trusted: false };
}

/** The body of POST /1.0/certificates (api.CertificatesPost). */
export const certificatesPostSchema = z.looseObject({
  name: z.string().nullish(),
  type: z.string().nullish(),
  restricted: z.boolean().nullish(),
  projects: z.array(z.string()).nullish(),
  certificate: z.string().nullish(),
  description: z.string().nullish(),
  trust_token: z.string().nullish(),
  token: z.boolean().nullish(),
});
export type CertificatesPost = z.infer<typeof certificatesPostSchema>;

/**
 * Adds a certificate to the trust store as certificatesPost does once the client may (the token
 * cases answered before); answers its fingerprint.
 */
export function addTrustedCertificate(store: Store, cluster: string, body: CertificatesPost): string {
  const type = body.type ?? "";
  if (!(CERTIFICATE_TYPES as readonly string[]).includes(type)) throw new HttpError(400, "Invalid certificate type");
  const certificate = parseCertificate(body.certificate ?? "");
  if (Date.now() < Date.parse(certificate.validFrom)) throw new HttpError(400, "The provided certificate isn't valid yet");
  if (Date.now() > Date.parse(certificate.validTo)) throw new HttpError(400, "The provided certificate is expired");
  const fingerprint = certificate.fingerprint256.replaceAll(":", "").toLowerCase();
  if (trustStore(store.data, cluster).some((c) => c.fingerprint === fingerprint)) throw new HttpError(409, "Certificate already in trust store");
  const commonName = /(?:^|\n)CN=([^\n]*)/.exec(certificate.subject)?.[1] ?? "";
  trustOf(store.data, cluster).certificates.push({
    fingerprint,
    type,
    name: body.name !== undefined && body.name !== null && body.name !== "" ? body.name : commonName !== "" ? commonName : "127.0.0.1",
    certificate: certificate.toString(),
    restricted: body.restricted ?? false,
    projects: body.projects ?? [],
    description: body.description ?? "",
  });
  store.changed();
  return fingerprint;
}

/** PEM, else base64 DER, as certificatesPost reads `certificate`. */
function parseCertificate(text: string): X509Certificate {
  try {
    return new X509Certificate(text.includes("-----BEGIN") ? text : Buffer.from(text, "base64"));
  } catch (error) {
    throw new HttpError(400, `Invalid certificate material: ${(error as Error).message}`);
  }
}
