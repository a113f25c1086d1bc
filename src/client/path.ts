// Request path building shared by every client. Kept apart from the transport so that modules
// which only build paths do not load undici with it.

/** URL-encodes one path segment (a cluster, template, server, service name). */
export function segment(name: string): string {
  if (name === "") throw new TypeError("empty name in request path");
  return encodeURIComponent(name);
}

/** `path` with the query appended; undefined values are left out, names and values URL-encoded. */
export function withQuery(path: string, query: Record<string, string | undefined> | undefined): string {
  if (!query) return path;
  const parts = Object.entries(query)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`);
  if (parts.length === 0) return path;
  return `${path}${path.includes("?") ? "&" : "?"}${parts.join("&")}`;
}
