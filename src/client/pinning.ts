// A pinned server certificate, trusted as the incus and operations-center CLIs trust it: the pin
// becomes a trust anchor (incus@be7afc5 shared/tls/tls.go (TLSConfigWithTrustedCert), which
// operations-center's CLI uses too), so the server may present a self-signed certificate or a
// CA-issued leaf, as long as it is the pinned one. OpenSSL, under Node, only anchors a chain at a
// self-signed certificate (its partial-chain flag is not exposed), so a pinned CA-issued leaf
// fails there with a missing issuer. The connector below lets OpenSSL verify the chain against
// the pin as the only CA, and accepts that one failure only when the presented leaf is exactly
// the pinned certificate, valid now, and usable for server authentication. Every other
// verification failure still refuses the connection, and so does any certificate other than the
// pinned one (stricter than the CLIs, which also accept the leaves of a pinned CA and what the
// system CAs vouch for).
import { X509Certificate } from "node:crypto";
import type { TLSSocket } from "node:tls";
import { buildConnector, type Connector, type ConnectorOptions } from "./undici.js";

export const PIN_MISMATCH = "ERR_OC_PINNED_CERT_MISMATCH";

// OpenSSL's verdicts when the presented chain does not end at a trust anchor it knows.
const MISSING_ISSUER = new Set([
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "SELF_SIGNED_CERT_IN_CHAIN",
]);
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
  if (socket.authorized) return undefined;
  // Node sets authorizationError to the verification error's code (a string, despite its type).
  const code = String(socket.authorizationError);
  const presented = fingerprintOf(socket.getPeerCertificate().fingerprint256 ?? "");
  if (MISSING_ISSUER.has(code) && presented === fingerprint) return pinnedLeafProblem(pinned, Date.now());
  if (code === PIN_MISMATCH || MISSING_ISSUER.has(code))
    return failure(PIN_MISMATCH, `presented certificate ${presented} is not the pinned certificate ${fingerprint}`);
  return failure(code, `the server's certificate failed verification (${code})`);
}

/** An undici connector that trusts exactly the pinned certificate (PEM), with `options` for everything else. */
export function pinnedConnector(options: ConnectorOptions, pinnedPem: string): Connector {
  const pinned = new X509Certificate(pinnedPem);
  const fingerprint = fingerprintOf(pinned.fingerprint256);
  const connect = buildConnector({
    ...options,
    ca: [pinnedPem],
    // Verification runs, and its verdict is judged in `verdict` before any byte is sent.
    rejectUnauthorized: false,
    // The host name is not checked: the pin identifies the server.
    checkServerIdentity: (_host, peer) =>
      fingerprintOf(peer.fingerprint256 ?? "") === fingerprint
        ? undefined
        : failure(PIN_MISMATCH, `presented certificate is not the pinned certificate ${fingerprint}`),
  });
  return (target, callback) =>
    connect(target, (error, socket) => {
      if (error !== null) return callback(error, null);
      const refusal = verdict(socket as TLSSocket, pinned, fingerprint);
      if (refusal === undefined) return callback(null, socket);
      socket.destroy();
      return callback(refusal, null);
    });
}
