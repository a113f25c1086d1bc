// The one error type every Operations Center client failure raises.

interface OperationsCenterErrorInit {
  method: string;
  /** Request path without scheme and host, with its query (secrets in it already redacted). */
  path: string;
  /** HTTP status; 0 when no reply was received. */
  status: number;
  /** The envelope's error_code (0 when there is none). */
  errorCode?: number;
  /** The envelope's `error`, the plain-text body, or the transport error text. */
  serverMessage: string;
  /**
   * What follows "<METHOD> <path> failed: " in the message. Defaults to "<status> <serverMessage>"
   * for replies and to serverMessage for transport failures.
   */
  detail?: string;
  /** True when the request reached the server but no reply came back: its effect is unknown. */
  mayHaveBeenProcessed?: boolean;
  /** How many attempts were made (1 when the request was not retried). */
  attempts?: number;
  /** True when the request was sent again after an attempt whose reply was lost (that attempt may have taken effect). */
  replayed?: boolean;
  /** Stable code of the failure class, e.g. ECONNREFUSED or ERR_OC_PINNED_CERT_MISMATCH. */
  code?: string;
  /** True when the server presented a certificate other than the pinned one (nothing was sent). */
  pinnedCertificateRefused?: boolean;
  cause?: unknown;
}

/**
 * A failed Operations Center request. The message reads well in a terminal, for example
 * `POST /1.0/provisioning/clusters failed: 400 Cluster with name "a" already exists: Operation not permitted`.
 */
export class OperationsCenterError extends Error {
  /** HTTP status; 0 when the request never got a reply. */
  readonly status: number;
  /** Envelope error_code (0 when none). */
  readonly errorCode: number;
  /** Envelope `error`, or the plain-text body (Go mux 404/405), or the transport error. */
  readonly serverMessage: string;
  readonly method: string;
  /** Path without host, with query. */
  readonly path: string;
  /** True when the request was sent but its outcome is unknown (connection lost, timeout). */
  readonly mayHaveBeenProcessed: boolean;
  /** Number of attempts made, retries included. */
  readonly attempts: number;
  /** True when the request was sent again after an attempt whose reply was lost. */
  readonly replayed: boolean;
  /** Transport or TLS failure code (ECONNREFUSED, UND_ERR_SOCKET, ...), when there is one. */
  readonly code?: string;
  /** The server presented a certificate other than the pinned one; the request was not sent. */
  readonly pinnedCertificateRefused: boolean;
  readonly #init: OperationsCenterErrorInit;

  constructor(init: OperationsCenterErrorInit) {
    const detail = init.detail ?? (init.status > 0 ? `${init.status} ${init.serverMessage}`.trimEnd() : init.serverMessage);
    const retried = (init.attempts ?? 1) > 1 ? ` (after ${init.attempts} attempts)` : "";
    super(`${init.method} ${init.path} failed: ${detail}${retried}`, init.cause === undefined ? undefined : { cause: init.cause });
    this.status = init.status;
    this.errorCode = init.errorCode ?? 0;
    this.serverMessage = init.serverMessage;
    this.method = init.method;
    this.path = init.path;
    this.mayHaveBeenProcessed = init.mayHaveBeenProcessed ?? false;
    this.attempts = init.attempts ?? 1;
    this.replayed = init.replayed ?? false;
    if (init.code !== undefined) this.code = init.code;
    this.pinnedCertificateRefused = init.pinnedCertificateRefused ?? false;
    this.#init = { ...init, detail };
  }

  /**
   * The same failure, as the outcome of a request that was sent again after an attempt whose
   * reply was lost; `advice` is appended to the message.
   */
  asReplayed(options: { mayHaveBeenProcessed: boolean; advice?: string }): OperationsCenterError {
    const detail = options.advice === undefined ? this.#init.detail : `${this.#init.detail}; ${options.advice}`;
    return new OperationsCenterError({
      ...this.#init,
      detail,
      replayed: true,
      mayHaveBeenProcessed: this.mayHaveBeenProcessed || options.mayHaveBeenProcessed,
    });
  }

  /** 404: the object (or the route) does not exist. */
  get isNotFound(): boolean {
    return this.status === 404 || this.errorCode === 404;
  }

  /** 412: the If-Match ETag no longer matches; re-read and retry the read-modify-write. */
  get isPreconditionFailed(): boolean {
    return this.status === 412;
  }

  /**
   * 412 on a conditional write sent again after its reply was lost: the lost attempt may itself
   * have applied the change (which moved the ETag). Re-read and compare before writing again.
   */
  get isPreconditionFailedAfterRetry(): boolean {
    return this.status === 412 && this.replayed;
  }

  /** 401 or 403: the server does not trust or does not authorize this client. */
  get isAuthError(): boolean {
    return this.status === 401 || this.status === 403;
  }

  /**
   * The request was sent, but its reply was lost (connection dropped or reset, Operations Center
   * restarting, timeout): it may or may not have taken effect. Read the object to find out.
   */
  get isReplyLost(): boolean {
    return this.status === 0 && this.mayHaveBeenProcessed;
  }

  /** The request never produced a reply (connection, TLS or timeout failure). */
  get isTransportError(): boolean {
    return this.status === 0;
  }
}

// On the prototype, so the stack trace header (built while Error's constructor runs) names the type.
Object.defineProperty(OperationsCenterError.prototype, "name", { value: "OperationsCenterError", configurable: true, writable: true });

/** Type guard usable across module copies (checks the name as well as the prototype). */
export function isOperationsCenterError(value: unknown): value is OperationsCenterError {
  return value instanceof OperationsCenterError || (value instanceof Error && value.name === "OperationsCenterError");
}
