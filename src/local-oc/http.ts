// Responses and routing with the wire behaviour of Operations Center: the seven-key envelope,
// 201 + Location, ETag, and Go's http.ServeMux for unknown paths (plain-text 404) and wrong
// methods (plain-text 405 with an Allow header).

import type { IncomingHttpHeaders } from "node:http";
import { HttpError } from "./errors.js";
import { etagOf } from "./state.js";

export interface ApiRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  body: string;
  headers: IncomingHttpHeaders;
  /** The client certificate the request's connection came with, when it sent one. */
  peer?: PeerIdentity;
}

/** A client certificate: PEM and SHA-256 fingerprint (lower-case hex), read once per connection. */
export interface PeerIdentity {
  certificate: string;
  fingerprint: string;
}

export interface ApiResponse {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer;
}

export type Handler = (req: ApiRequest) => ApiResponse | Promise<ApiResponse>;

const JSON_HEADERS = { "Content-Type": "application/json" };

function envelope(status: number, body: Record<string, unknown>, headers: Record<string, string> = {}): ApiResponse {
  return { status, headers: { ...JSON_HEADERS, ...headers }, body: `${JSON.stringify(body)}\n` };
}

/** SyncResponse(true, metadata). */
export function sync(metadata: unknown, headers: Record<string, string> = {}): ApiResponse {
  return envelope(200, { type: "sync", status: "Success", status_code: 200, operation: "", error_code: 0, error: "", metadata }, headers);
}

/** EmptySyncResponse: metadata {}. */
export const emptySync = (): ApiResponse => sync({});

/** SyncResponseETag(true, metadata, etagSource). */
export function syncETag(metadata: unknown, etagSource: unknown): ApiResponse {
  return sync(metadata, { ETag: etagOf(etagSource) });
}

/**
 * A path as a header value: each segment percent-encoded. Names may hold spaces or non-ASCII
 * characters, which a raw header cannot carry (Node refuses them, clients mangle them).
 */
export function encodePath(path: string): string {
  return path
    .split("/")
    .map((segment) => encodeURIComponent(segment).replace(/%3A/gi, ":"))
    .join("/");
}

/** SyncResponseLocation(true, metadata, location): 201 Created. */
export function created(location: string, metadata: unknown = null): ApiResponse {
  return envelope(
    201,
    { type: "sync", status: "Success", status_code: 200, operation: "", error_code: 0, error: "", metadata },
    { Location: encodePath(location) },
  );
}

/** An error envelope. */
export function errorResponse(err: HttpError, headers: Record<string, string> = {}): ApiResponse {
  return envelope(
    err.status,
    { type: "error", status: "", status_code: 0, operation: "", error_code: err.status, error: err.message, metadata: null },
    { "X-Content-Type-Options": "nosniff", ...headers },
  );
}

/** A plain-text reply as Go's http.Error writes it. */
export function plainText(status: number, text: string, headers: Record<string, string> = {}): ApiResponse {
  return {
    status,
    headers: { "Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff", ...headers },
    body: `${text}\n`,
  };
}

/** If-Match check of response.EtagCheck: optional, quotes stripped; mismatch is 412. */
export function checkIfMatch(req: ApiRequest, current: unknown): void {
  const header = req.headers["if-match"];
  const sent = (Array.isArray(header) ? header[0] : header)?.trim();
  if (sent === undefined || sent === "") return;
  const have = etagOf(current).replaceAll('"', "");
  const wanted = sent.replaceAll('"', "");
  if (have !== wanted) {
    throw new HttpError(412, `Precondition Failed: ETag doesn't match: ${have} vs ${wanted}`);
  }
}

interface Route {
  method: string;
  segments: string[];
  handler: Handler;
}

type RouteMatch = { kind: "found"; handler: Handler; params: Record<string, string> } | { kind: "method-not-allowed"; allow: string[] } | { kind: "not-found" };

/** Method-qualified patterns with {wildcard} segments, matched like Go 1.22's ServeMux. */
export class Router {
  private readonly routes: Route[] = [];

  add(method: string, pattern: string, handler: Handler): void {
    this.routes.push({ method, segments: pattern.split("/").slice(1), handler });
  }

  match(method: string, path: string): RouteMatch {
    const segments = path
      .split("/")
      .slice(1)
      .map((segment) => {
        try {
          return decodeURIComponent(segment);
        } catch {
          return segment;
        }
      });
    const allow = new Set<string>();
    let best: { route: Route; params: Record<string, string>; literals: number } | undefined;
    for (const route of this.routes) {
      if (route.segments.length !== segments.length) continue;
      const params: Record<string, string> = {};
      let literals = 0;
      let ok = true;
      for (let i = 0; i < segments.length; i++) {
        const p = route.segments[i]!;
        const s = segments[i]!;
        if (p.startsWith("{") && p.endsWith("}")) {
          if (s === "") {
            ok = false;
            break;
          }
          params[p.slice(1, -1)] = s;
        } else if (p === s) {
          literals++;
        } else {
          ok = false;
          break;
        }
      }
      if (!ok) continue;
      const methodOk = route.method === method || (route.method === "GET" && method === "HEAD");
      if (!methodOk) {
        allow.add(route.method);
        if (route.method === "GET") allow.add("HEAD");
        continue;
      }
      // The most specific pattern wins (more literal segments).
      if (best === undefined || literals > best.literals) best = { route, params, literals };
    }
    if (best !== undefined) return { kind: "found", handler: best.route.handler, params: best.params };
    if (allow.size > 0) return { kind: "method-not-allowed", allow: [...allow].sort() };
    return { kind: "not-found" };
  }
}
