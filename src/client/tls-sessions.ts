// TLS session resumption for the connections of one client, by server ("host:port"). A full
// handshake costs both sides their signatures, certificate checks and key exchange (measured
// here: 7-9 ms of CPU per P-384 mutual-TLS connection, 2.5 ms resumed), and a client opens one
// connection per request in flight. Only sessions of connections the caller accepted are offered
// again, and only to the server that issued them: a resumed connection shows no peer certificate
// to judge (pinning.ts), but its server proves it holds the secret of the accepted handshake.
// While a server has no session yet, the first connection to it goes alone and the others wait for
// its ticket, its failure or its close, at most TICKET_WAIT_MS, then all go at once; a server that
// sent no ticket in that time is not waited for again. Operations Center sends TLS 1.3 tickets
// after the handshake (operations-center@41a98e0 internal/api/listener/fancytls.go keeps Go's
// session tickets on), and so does an Incus cluster (incus@be7afc5 shared/tls/tls.go,
// InitTLSConfig).
import type { TLSSocket } from "node:tls";
import { buildConnector, type Connector, type ConnectorOptions } from "./undici.js";

/** Longest wait of a connection for the ticket of the first handshake to its server (a server may send none). */
const TICKET_WAIT_MS = 1_000;

interface Attempt {
  /** The connection was accepted: its tickets may be offered again. */
  accepted(socket: TLSSocket): void;
  /** The connection failed or was refused. */
  failed(): void;
}

/** Makes one connection, offering `session` when there is one, and reports on it through `attempt`. */
type Dial = (session: Buffer | undefined, attempt: Attempt) => void;

class AcceptedSessions {
  readonly #tickets = new Map<string, Buffer>();
  readonly #firstHandshakes = new Map<string, Promise<void>>();
  readonly #ticketless = new Set<string>();

  /** Calls `dial` for a connection to `server` with the session to offer, once there is one or none is coming. */
  connect(server: string, dial: Dial): void {
    const first = this.#firstHandshakes.get(server);
    // After the first handshake the others go at once, with its ticket or without: one at a time
    // they would each wait out a server that does not answer.
    if (first !== undefined) void first.then(() => this.#dialNow(server, dial));
    else if (this.#tickets.has(server) || this.#ticketless.has(server)) this.#dialNow(server, dial);
    else this.#dialFirst(server, dial);
  }

  #dialNow(server: string, dial: Dial): void {
    dial(this.#tickets.get(server), { accepted: (socket) => this.#keepTickets(server, socket), failed: () => {} });
  }

  #dialFirst(server: string, dial: Dial): void {
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

/**
 * An undici connector for `options` that resumes the sessions of the connections `refusal`
 * accepted (undefined: accepted; an error: the connection is closed and that error reported).
 * undici's own session cache is off: it would also keep the session of a connection refused here.
 */
export function resumingConnector(options: ConnectorOptions, refusal: (socket: TLSSocket) => Error | undefined): Connector {
  const base = { ...options, maxCachedSessions: 0 };
  const withoutSession = buildConnector(base);
  const sessions = new AcceptedSessions();
  return (target, callback) => {
    // Plain http (allowInsecureHttp): no TLS, nothing to resume or wait for.
    if (target.protocol !== "https:") return withoutSession(target, callback);
    sessions.connect(`${target.hostname}:${target.port}`, (session, attempt) =>
      (session === undefined ? withoutSession : buildConnector({ ...base, session }))(target, (error, socket) => {
        if (error !== null) {
          attempt.failed();
          return callback(error, null);
        }
        const tlsSocket = socket as TLSSocket;
        const refused = refusal(tlsSocket);
        if (refused !== undefined) {
          attempt.failed();
          socket.destroy();
          return callback(refused, null);
        }
        attempt.accepted(tlsSocket);
        return callback(null, socket);
      }),
    );
  };
}
