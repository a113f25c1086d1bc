// Unary gRPC over node:http2, the way go-plugin's client (grpc-go) speaks it: POST
// /<service>/<method>, length-prefixed messages, status in trailers. node:http2 is what
// @grpc/grpc-js builds on too; using it directly keeps grpc-js's module graph off start-up.
import { createSecureServer, createServer, type Http2Server, type Http2ServerRequest, type ServerHttp2Stream } from "node:http2";
import type { Socket } from "node:net";
import type { TLSSocket } from "node:tls";
import { X509Certificate } from "node:crypto";

/** gRPC status codes used here. */
const Status = { ok: 0, invalidArgument: 3, unimplemented: 12, internal: 13 } as const;

class GrpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = "GrpcError";
  }
}

/** Takes the request message's bytes, answers the response message's bytes. */
export type UnaryHandler = (request: Uint8Array) => Promise<Uint8Array>;

interface MutualTls {
  readonly certificatePem: string;
  readonly privateKeyPem: string;
  /** The one client certificate accepted (go-plugin's PLUGIN_CLIENT_CERT). */
  readonly clientCertificatePem: string;
}

export interface GrpcServer {
  /** Serves a connection accepted elsewhere (a listener opened before this module loaded). */
  accept(socket: Socket): void;
  /** Resolves when no call is in flight (at once when none is). */
  idle(): Promise<void>;
}

type Debug = (message: string, fields?: Record<string, string | number | boolean>) => void;

function frame(message: Uint8Array): Buffer {
  const header = Buffer.alloc(5);
  header.writeUInt32BE(message.length, 1);
  return Buffer.concat([header, message]);
}

function unframe(body: Buffer): Uint8Array {
  if (body.length < 5) throw new GrpcError(Status.invalidArgument, "request carries no gRPC message");
  if (body[0] !== 0) throw new GrpcError(Status.unimplemented, "compressed gRPC messages are not supported");
  const length = body.readUInt32BE(1);
  if (body.length !== 5 + length) throw new GrpcError(Status.invalidArgument, "unary request must carry exactly one message");
  return body.subarray(5);
}

// A client that gave up on a call (cancelled, disconnected) gets no answer.
const gone = (stream: ServerHttp2Stream): boolean => stream.destroyed || stream.closed;

function answerError(stream: ServerHttp2Stream, error: GrpcError): void {
  if (gone(stream) || stream.headersSent) return;
  stream.respond(
    {
      ":status": 200,
      "content-type": "application/grpc",
      "grpc-status": String(error.code),
      "grpc-message": encodeURIComponent(error.message),
    },
    { endStream: true },
  );
}

function answer(stream: ServerHttp2Stream, message: Uint8Array): void {
  if (gone(stream)) return;
  stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
  stream.once("wantTrailers", () => stream.sendTrailers({ "grpc-status": String(Status.ok) }));
  stream.end(frame(message));
}

export function grpcServer(routes: ReadonlyMap<string, UnaryHandler>, tls: MutualTls | undefined, debug: Debug): GrpcServer {
  const server: Http2Server =
    tls === undefined
      ? createServer()
      : createSecureServer({
          key: tls.privateKeyPem,
          cert: tls.certificatePem,
          // No CA: the one client certificate accepted is compared byte for byte at secureConnection,
          // before HTTP/2 reads a frame. Given any `ca` (or none), Node.js first builds a store of
          // its ~140 bundled root certificates, 10-40 ms of every provider process.
          ca: [],
          requestCert: true,
          rejectUnauthorized: false,
          minVersion: "TLSv1.2",
        });
  let inFlight = 0;
  let idleWaiters: (() => void)[] = [];

  if (tls !== undefined) {
    const expected = new X509Certificate(tls.clientCertificatePem).raw;
    server.on("secureConnection", (socket: TLSSocket) => {
      const presented = socket.getPeerCertificate().raw;
      if (presented === undefined || !presented.equals(expected)) {
        debug("refused a TLS client whose certificate is not PLUGIN_CLIENT_CERT");
        socket.destroy();
      }
    });
  }
  server.on("sessionError", (error: Error) => debug("HTTP/2 session error", { error: error.message }));

  server.on("stream", (stream: ServerHttp2Stream, headers: Http2ServerRequest["headers"]) => {
    inFlight++;
    stream.once("close", () => {
      inFlight--;
      if (inFlight === 0) {
        const waiters = idleWaiters;
        idleWaiters = [];
        for (const wake of waiters) wake();
      }
    });
    stream.on("error", (error: Error) => debug("gRPC stream error", { error: error.message }));
    const path = String(headers[":path"] ?? "");
    const chunks: Buffer[] = [];
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.once("end", () => {
      Promise.resolve()
        .then(() => {
          const handler = routes.get(path);
          if (handler === undefined) throw new GrpcError(Status.unimplemented, `method ${path} is not implemented by this provider`);
          return handler(unframe(Buffer.concat(chunks)));
        })
        .then(
          (response) => answer(stream, response),
          (error: unknown) =>
            answerError(stream, error instanceof GrpcError ? error : new GrpcError(Status.internal, error instanceof Error ? error.message : String(error))),
        );
    });
  });

  server.on("error", (error: Error) => debug("gRPC server error", { error: error.message }));
  return {
    accept: (socket) => {
      server.emit("connection", socket);
      // TLS starts reading the handed-over socket itself; a plaintext HTTP/2 session does not.
      if (tls === undefined) socket.resume();
    },
    idle: () => (inFlight === 0 ? Promise.resolve() : new Promise<void>((wake) => idleWaiters.push(wake))),
  };
}
