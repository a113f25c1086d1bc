// A pinned server certificate, trusted as the incus and operations-center CLIs trust it: the pin
// becomes a trust anchor (incus@be7afc5 shared/tls/tls.go (TLSConfigWithTrustedCert), which
// operations-center's CLI uses too), so the server may present a self-signed certificate or a
// CA-issued leaf, as long as it is the pinned one. The connector below gives OpenSSL no trust
// anchor at all and judges the presented leaf itself, before any byte is sent: exactly the pinned
// certificate (the TLS handshake has proved the server holds its key), valid now, and usable for
// server authentication; anything else refuses the connection (stricter than the CLIs, which also
// accept the leaves of a pinned CA and what the system CAs vouch for). No anchor, because any
// `ca` makes Node.js build its store of bundled root certificates first, 30-110 ms in every
// process that connects, for a verdict the pin decides anyway.
import { X509Certificate } from "node:crypto";
import { createSecureContext, type TLSSocket } from "node:tls";
import { resumingConnector } from "./tls-sessions.js";
import type { Connector, ConnectorOptions } from "./undici.js";

export const PIN_MISMATCH = "ERR_OC_PINNED_CERT_MISMATCH";

const SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
const ANY_EXTENDED_KEY_USAGE = "2.5.29.37.0";

export const fingerprintOf = (colonHex: string): string => colonHex.replaceAll(":", "").toLowerCase();

function failure(code: string, message: string): Error {
  const error = new Error(message);
  (error as NodeJS.ErrnoException).code = code;
  return error;
}

/** Why the presented exactly-pinned certificate cannot serve now, or undefined. */
function pinnedLeafProblem(pinned: X509Certificate, now: number): Error | undefined {
  if (now < Date.parse(pinned.validFrom)) return failure("CERT_NOT_YET_VALID", "the pinned certificate is not yet valid");
  if (now > Date.parse(pinned.validTo)) return failure("CERT_HAS_EXPIRED", "the pinned certificate has expired");
  const usages = pinned.keyUsage;
  if (usages !== undefined && usages.length > 0 && !usages.includes(SERVER_AUTH) && !usages.includes(ANY_EXTENDED_KEY_USAGE)) {
    return failure("INVALID_PURPOSE", "the pinned certificate is not for server authentication");
  }
  return undefined;
}

/** What to make of a connected socket: undefined to use it, else the refusal. */
function verdict(socket: TLSSocket, pinned: X509Certificate, fingerprint: string): Error | undefined {
  const presented = fingerprintOf(socket.getPeerCertificate().fingerprint256 ?? "");
  if (presented !== fingerprint) return failure(PIN_MISMATCH, `presented certificate ${presented} is not the pinned certificate ${fingerprint}`);
  return pinnedLeafProblem(pinned, Date.now());
}

/** An undici connector that trusts exactly the pinned certificate (PEM), with `options` for everything else. */
export function pinnedConnector(options: ConnectorOptions, pinnedPem: string): Connector {
  const pinned = new X509Certificate(pinnedPem);
  const fingerprint = fingerprintOf(pinned.fingerprint256);
  // No anchor: OpenSSL's verdict is always a failure here, so it is not asked; `verdict` decides.
  const tls = { ...options, ca: [], rejectUnauthorized: false };
  // One TLS context for every connection, as in transport.ts. Only sessions of connections the pin
  // accepted are resumed (tls-sessions.ts), so a resumed one is the pinned server's.
  return resumingConnector({ ...tls, secureContext: createSecureContext(tls) }, (socket) =>
    socket.isSessionReused() ? pinnedLeafProblem(pinned, Date.now()) : verdict(socket, pinned, fingerprint),
  );
}
