// Errors as Operations Center builds them (operations-center@41a98e0 internal/domain/errors.go and
// internal/util/response/smart.go, SmartError).
//
// OC wraps Go errors with fmt.Errorf("...: %w") and classifies the chain once, at the handler,
// with response.SmartError: a validation error or "Operation not permitted" gives 400, "Not found"
// gives 404, anything else 500, and the message is the whole chain without a prefix. The helpers
// BadRequest/PreconditionFailed/... instead prefix http.StatusText(code) + ": ".
// OCError carries the sentinel kind along the chain so that wrapping keeps the classification.

import { STATUS_CODES } from "node:http";

type ErrorKind = "validation" | "not-found" | "not-permitted" | "constraint" | "internal";

export class OCError extends Error {
  constructor(
    message: string,
    readonly kind: ErrorKind,
  ) {
    super(message);
  }

  /** fmt.Errorf(prefix + ": %w", err): the same sentinel, a longer chain. */
  wrap(prefix: string): OCError {
    return new OCError(`${prefix}: ${this.message}`, this.kind);
  }
}

/** An answer that is already final: code and complete message (BadRequest(...), 401, 503...). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** domain.ErrNotFound ("Not found"). */
export const notFound = (): OCError => new OCError("Not found", "not-found");
/** fmt.Errorf(msg + ": %w", domain.ErrNotFound). */
export const notFoundf = (message: string): OCError => new OCError(`${message}: Not found`, "not-found");
/** fmt.Errorf(msg + ": %w", domain.ErrOperationNotPermitted). */
export const notPermitted = (message: string): OCError => new OCError(`${message}: Operation not permitted`, "not-permitted");
/** domain.NewValidationErrf(msg): the message alone, classified 400. */
export const validation = (message: string): OCError => new OCError(message, "validation");
/** A plain Go error (errors.New / fmt.Errorf without a sentinel): 500. */
export const internal = (message: string): OCError => new OCError(message, "internal");
/** A sqlite constraint violation (UNIQUE, NOT NULL): 400. */
export const constraint = (message: string): OCError => new OCError(message, "constraint");

function statusText(code: number): string {
  return STATUS_CODES[code] ?? "";
}

/** response.BadRequest(err) and friends: "<status text>: <err>". */
export function prefixed(code: number, message: string): HttpError {
  return new HttpError(code, `${statusText(code)}: ${message}`);
}
export const badRequest = (message: string): HttpError => prefixed(400, message);

/** response.SmartError(err). */
function smartError(err: OCError): HttpError {
  const code = err.kind === "not-found" ? 404 : err.kind === "internal" ? 500 : 400;
  return new HttpError(code, err.message);
}

/** Turns anything a handler threw into the final answer. */
export function toHttpError(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  if (err instanceof OCError) return smartError(err);
  return new HttpError(500, err instanceof Error ? err.message : String(err));
}

/** Go's %v of a []string: [a b c]. */
export function goList(items: readonly string[]): string {
  return `[${items.join(" ")}]`;
}

/** Go's %q of a string (enough for names and messages: backslash and double quote escaped). */
export function q(value: string): string {
  return JSON.stringify(value);
}

/** fmt.Errorf(prefix + ": %w", err) for whatever a step threw (non-OC errors pass unchanged). */
export function rewrap(err: unknown, prefix: string): never {
  if (err instanceof OCError) throw err.wrap(prefix);
  throw err;
}
