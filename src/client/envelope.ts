// Operations Center's response envelope (reference: shared/api/response.go of operations-center).
// Every JSON reply carries all seven keys: type, status, status_code, operation, error_code,
// error, metadata. Success is `error_code == 0` together with a 2xx HTTP status (201 + Location
// is what creates, PUTs, renames and :add-servers/:remove-servers answer). Go's ServeMux answers
// unknown routes and wrong methods with plain text ("404 page not found", "405 Method Not
// Allowed"), and IncusOS replies relayed through OC's per-server `os/` proxy use the Incus form
// of the envelope, which is parsed leniently.
import { z } from "zod";
import { envelopeSchema, type Envelope } from "./api-types.js";
import { OperationsCenterError } from "./errors.js";
import { withQuery } from "./path.js";
import { redactString } from "./redact.js";
import type { Transport } from "./transport.js";

export { envelopeSchema, type Envelope };

/** A complete HTTP reply as the transport received it. */
export interface RawReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** What an error needs to say which request failed. */
interface ReplyContext {
  method: string;
  path: string;
  attempts?: number;
  /** Extra explanation appended to 401/403 failures (e.g. the client fingerprint to trust). */
  authHint?: string;
}

interface ParseOptions {
  /** Accept Incus-style envelopes with missing keys (IncusOS replies relayed by the os/ proxy). */
  lenient?: boolean;
}

interface ParsedReply {
  status: number;
  metadata: unknown;
  etag?: string;
  location?: string;
  envelope?: Envelope;
}

const MAX_TEXT = 500;

export function headerValue(headers: RawReply["headers"], name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  if (Array.isArray(value)) return value[0];
  return value === undefined || value === "" ? undefined : value;
}

/** Parses a reply; returns its metadata on success and throws OperationsCenterError otherwise. */
export function parseReply(reply: RawReply, context: ReplyContext, options: ParseOptions = {}): ParsedReply {
  const ok2xx = reply.status >= 200 && reply.status < 300;
  const etag = headerValue(reply.headers, "etag");
  const location = headerValue(reply.headers, "location");

  let json: unknown;
  let isJson = false;
  const text = reply.body.trim();
  if (text !== "") {
    try {
      json = JSON.parse(text);
      isJson = true;
    } catch {
      isJson = false;
    }
  }

  const fail = (init: { serverMessage: string; errorCode?: number; detail?: string }): never => {
    throw new OperationsCenterError({
      method: context.method,
      path: context.path,
      status: reply.status,
      errorCode: init.errorCode ?? 0,
      serverMessage: init.serverMessage,
      detail: init.detail ?? withHint(reply.status, init.serverMessage, context),
      attempts: context.attempts ?? 1,
    });
  };

  if (!isJson) {
    if (text === "") {
      if (ok2xx) fail({ serverMessage: "empty reply body", detail: `${reply.status} with an empty body (expected a JSON envelope)` });
      return fail({ serverMessage: "" });
    }
    const message = shorten(text);
    if (ok2xx) {
      return fail({ serverMessage: message, detail: `${reply.status} with a non-JSON body (expected a JSON envelope): ${message}` });
    }
    return fail({ serverMessage: message });
  }

  if (options.lenient) {
    const loose = z
      .looseObject({
        type: z.string(),
        error_code: z.number().optional(),
        error: z.string().optional(),
        metadata: z.unknown().optional(),
      })
      .safeParse(json);
    if (!loose.success) {
      return fail({ serverMessage: `unexpected reply: ${shorten(text)}`, detail: `${reply.status} unexpected reply (not an API envelope): ${shorten(text)}` });
    }
    const env = loose.data;
    const errorCode = env.error_code ?? 0;
    if (!ok2xx || errorCode !== 0 || env.type === "error") {
      return fail({ serverMessage: env.error ?? "", errorCode });
    }
    return { status: reply.status, metadata: env.metadata ?? null, ...(etag ? { etag } : {}), ...(location ? { location } : {}) };
  }

  const parsed = envelopeSchema.safeParse(json);
  if (!parsed.success) {
    const missing = parsed.error.issues.map((issue) => issue.path.join(".") || "(root)").join(", ");
    const message = ok2xx ? `reply is not an Operations Center envelope (bad or missing: ${missing})` : shorten(text);
    return fail({ serverMessage: message, detail: ok2xx ? `${reply.status} ${message}` : undefined });
  }
  const envelope = parsed.data;
  if (!ok2xx || envelope.error_code !== 0) {
    const serverMessage = envelope.error !== "" ? envelope.error : ok2xx ? `error_code ${envelope.error_code}` : "";
    return fail({ serverMessage, errorCode: envelope.error_code });
  }
  return {
    status: reply.status,
    metadata: envelope.metadata,
    envelope,
    ...(etag ? { etag } : {}),
    ...(location ? { location } : {}),
  };
}

/** Validates reply metadata against a zod schema; a mismatch is an OperationsCenterError naming the field. */
export function parseMetadata<S extends z.ZodType>(schema: S, metadata: unknown, context: ReplyContext & { status?: number }): z.output<S> {
  const result = schema.safeParse(metadata);
  if (result.success) return result.data;
  const problems = result.error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : "metadata"}: ${issue.message}`)
    .join("; ");
  throw new OperationsCenterError({
    method: context.method,
    path: context.path,
    status: context.status ?? 200,
    serverMessage: `unexpected reply metadata: ${problems}`,
    detail: `unexpected reply metadata (is this a compatible Operations Center?): ${problems}`,
    attempts: context.attempts ?? 1,
  });
}

const urlListSchema = z
  .array(z.string())
  .nullable()
  .transform((list) => list ?? []);

/** Names from a URL list such as ["/1.0/provisioning/clusters/a%2Fb", ...] (last path segment, decoded). */
export function namesFromUrls(metadata: unknown, context: ReplyContext & { status?: number }): string[] {
  return parseMetadata(urlListSchema, metadata, context).map(nameFromUrl);
}

function nameFromUrl(url: string): string {
  const path = url.split(/[?#]/, 1)[0] ?? "";
  const segment = path.replace(/\/+$/, "").split("/").pop() ?? "";
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function withHint(status: number, serverMessage: string, context: ReplyContext): string {
  // Go's plain-text bodies already start with the status ("404 page not found").
  let detail = serverMessage.startsWith(String(status)) ? serverMessage : `${status} ${serverMessage}`.trimEnd();
  if (serverMessage === "404 page not found" || serverMessage.startsWith("405 Method Not Allowed")) {
    detail += " (the server has no such route: check that the URL points at Operations Center and that it supports this API)";
  } else if ((status === 401 || status === 403) && context.authHint) {
    detail += ` (${context.authHint})`;
  }
  return detail;
}

function shorten(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > MAX_TEXT ? `${flat.slice(0, MAX_TEXT)}…` : flat;
}

/** What a typed client asks of the transport (or of a cache in front of it, see cached-client.ts). */
export type Requester = Pick<Transport, "request">;

/** GET `path` and its metadata parsed with `schema`; a mismatch is an OperationsCenterError naming the path (secrets redacted). */
export async function getParsed<S extends z.ZodType>(
  api: Requester,
  path: string,
  schema: S,
  options: { query?: Record<string, string | undefined>; subject?: string | undefined } = {},
): Promise<z.output<S>> {
  const reply = await api.request("GET", path, {
    ...(options.query === undefined ? {} : { query: options.query }),
    ...(options.subject === undefined ? {} : { subject: options.subject }),
  });
  return parseMetadata(schema, reply.metadata, { method: "GET", path: redactString(withQuery(path, options.query)), status: reply.status });
}
