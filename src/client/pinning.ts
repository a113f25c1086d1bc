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
import { buildConnector, type Connector, type ConnectorOptions } from "./undici.js";

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

interface Attempt {
  /** The connection passed the pin: its tickets may be offered again. */
  accepted(socket: TLSSocket): void;
  /** The connection failed or was refused. */
  failed(): void;
}

/** Longest wait of a connection for the ticket of the first handshake to its server (a server may send none). */
const TICKET_WAIT_MS = 1_000;

/**
 * The TLS sessions of connections the pin accepted, by server ("host:port"), to be resumed by later
 * connections to that server only. A resumed session shows no peer certificate to judge, but the
 * server proves it holds the secret of a handshake in which it presented the pinned certificate:
 * the pin is kept without a full handshake's signatures and key exchange on both sides (measured
 * here: 7-9 ms of CPU per P-384 mutual-TLS connection, 2.5 ms resumed). While a server has no
 * session yet, the first connection to it goes alone and the others wait for its ticket, its
 * failure or its close, at most TICKET_WAIT_MS; a server that sent no ticket in that time is not
 * waited for again. Operations Center sends TLS 1.3 tickets after the handshake
 * (operations-center@41a98e0 internal/api/listener/fancytls.go keeps Go's session tickets on), and so
 * does an Incus cluster (incus@be7afc5 shared/tls/tls.go, InitTLSConfig).
 */
class AcceptedSessions {
  readonly #tickets = new Map<string, Buffer>();
  readonly #firstHandshakes = new Map<string, Promise<void>>();
  readonly #ticketless = new Set<string>();

  /**
   * Calls `dial` with the session to offer `server`, once there is one or none is coming; `dial`
   * reports what became of its connection through the `Attempt` it is given.
   */
  connect(server: string, dial: (session: Buffer | undefined, attempt: Attempt) => void): void {
    const first = this.#firstHandshakes.get(server);
    if (first !== undefined && !this.#tickets.has(server)) {
      void first.then(() => this.connect(server, dial));
      return;
    }
    const session = this.#tickets.get(server);
    if (session !== undefined || this.#ticketless.has(server)) {
      dial(session, { accepted: (socket) => this.#keepTickets(server, socket), failed: () => {} });
      return;
    }
    let settle = () => {};
    this.#firstHandshakes.set(server, new Promise<void>((resolve) => (settle = resolve)));
    const done = () => {
      if (this.#firstHandshakes.delete(server)) settle();
    };
    dial(undefined, {
      accepted: (socket) => {
        this.#keepTickets(server, socket);
        const timer = setTimeout(() => {
          this.#ticketless.add(server);
          done();
        }, TICKET_WAIT_MS).unref();
        const settled = () => {
          clearTimeout(timer);
          done();
        };
        socket.once("session", settled).once("close", settled);
      },
      failed: done,
    });
  }

  #keepTickets(server: string, socket: TLSSocket): void {
    socket.on("session", (ticket: Buffer) => this.#tickets.set(server, ticket));
  }
}

/** An undici connector that trusts exactly the pinned certificate (PEM), with `options` for everything else. */
export function pinnedConnector(options: ConnectorOptions, pinnedPem: string): Connector {
  const pinned = new X509Certificate(pinnedPem);
  const fingerprint = fingerprintOf(pinned.fingerprint256);
  // No anchor: OpenSSL's verdict is always a failure here, so it is not asked; `verdict` decides.
  const tls = { ...options, ca: [], rejectUnauthorized: false };
  // One TLS context for every connection, as in transport.ts. undici's own session cache would keep
  // the session of a connection `verdict` refuses too: AcceptedSessions keeps the sessions instead.
  const base = { ...tls, secureContext: createSecureContext(tls), maxCachedSessions: 0 };
  const fullHandshake = buildConnector(base);
  const sessions = new AcceptedSessions();
  return (target, callback) =>
    sessions.connect(`${target.hostname}:${target.port}`, (session, attempt) =>
      (session === undefined ? fullHandshake : buildConnector({ ...base, session }))(target, (error, socket) => {
        if (error !== null) {
          attempt.failed();
          return callback(error, null);
        }
        const tlsSocket = socket as TLSSocket;
        // Only sessions of accepted connections are offered, so a resumed one is the pinned server's.
        const refusal = tlsSocket.isSessionReused() ? pinnedLeafProblem(pinned, Date.now()) : verdict(tlsSocket, pinned, fingerprint);
        if (refusal !== undefined) {
          attempt.failed();
          socket.destroy();
          return callback(refusal, null);
        }
        attempt.accepted(tlsSocket);
        return callback(null, socket);
      }),
    );
}
