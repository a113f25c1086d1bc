// Request path building shared by every client. Kept apart from client.ts so that modules which
// only build paths do not load the HTTP transport (undici) with it.

/** URL-encodes one path segment (a cluster, template, server, service name). */
export function segment(name: string): string {
  if (name === "") throw new TypeError("empty name in request path");
  return encodeURIComponent(name);
}
