// What Go's net/url.Parse refuses, which is what Operations Center checks a cluster's connection
// URL with (operations-center@41a98e0 internal/provisioning/cluster_model.go (Cluster.Validate)).
// The browser URL parser behind `new URL` percent-encodes where Go fails ("%{", a space in the
// host), so plan would pass what the server refuses. The steps follow net/url's parse: control
// characters anywhere; then scheme, query (never checked), authority (userinfo, host, port),
// path and fragment, each with the escapes and characters Go accepts there.

const isHex = (c: string | undefined): boolean => c !== undefined && /^[0-9A-Fa-f]$/.test(c);
const q = (s: string): string => JSON.stringify(s);

type Mode = "host" | "zone" | "path" | "userinfo" | "fragment";

// The ASCII characters a host may hold without escaping (net/url shouldEscape for encodeHost).
const HOST_CHARS = /^[A-Za-z0-9!$&'()*+,;=:[\]<>"\-_.~]$/;

/** net/url unescape: the first bad escape (or, in a host, bad character), as Go words it. */
function unescapeProblem(s: string, mode: Mode): string | undefined {
  for (let i = 0; i < s.length; ) {
    const c = s[i]!;
    if (c === "%") {
      if (!isHex(s[i + 1]) || !isHex(s[i + 2])) return `invalid URL escape ${q(s.slice(i, i + 3))}`;
      const value = parseInt(s.slice(i + 1, i + 3), 16);
      // A host may only escape UTF-8 bytes (or "%25", the zone separator).
      if (mode === "host" && value < 0x80 && s.slice(i, i + 3) !== "%25") return `invalid URL escape ${q(s.slice(i, i + 3))}`;
      if (mode === "zone" && s.slice(i, i + 3) !== "%25" && value !== 0x20 && (value >= 0x80 || !HOST_CHARS.test(String.fromCharCode(value)))) {
        return `invalid URL escape ${q(s.slice(i, i + 3))}`;
      }
      i += 3;
      continue;
    }
    if ((mode === "host" || mode === "zone") && c.charCodeAt(0) < 0x80 && !HOST_CHARS.test(c)) return `invalid character ${q(c)} in host name`;
    i++;
  }
  return undefined;
}

const validOptionalPort = (port: string): boolean => port === "" || /^:[0-9]*$/.test(port);

function hostProblem(host: string): string | undefined {
  if (host.startsWith("[")) {
    const close = host.lastIndexOf("]");
    if (close < 0) return "missing ']' in host";
    const colonPort = host.slice(close + 1);
    if (!validOptionalPort(colonPort)) return `invalid port ${q(colonPort)} after host`;
    const inner = host.slice(0, close);
    const zone = inner.indexOf("%25");
    if (zone >= 0) return unescapeProblem(inner.slice(0, zone), "host") ?? unescapeProblem(inner.slice(zone), "zone");
    return unescapeProblem(inner, "host");
  }
  const colon = host.lastIndexOf(":");
  if (colon >= 0 && !validOptionalPort(host.slice(colon))) return `invalid port ${q(host.slice(colon))} after host`;
  return unescapeProblem(host, "host");
}

function authorityProblem(authority: string): string | undefined {
  const at = authority.lastIndexOf("@");
  const problem = hostProblem(at < 0 ? authority : authority.slice(at + 1));
  if (problem !== undefined || at < 0) return problem;
  const userinfo = authority.slice(0, at);
  if (!/^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/.test(userinfo)) return "net/url: invalid userinfo";
  return unescapeProblem(userinfo, "userinfo");
}

/** Why Go's url.Parse refuses `raw`, in its words (after `parse "<url>": `), or undefined. */
export function goUrlParseProblem(raw: string): string | undefined {
  if (/[\x00-\x1f\x7f]/.test(raw)) return "net/url: invalid control character in URL";
  const hash = raw.indexOf("#");
  const main = hash < 0 ? raw : raw.slice(0, hash);
  return mainProblem(main) ?? (hash < 0 ? undefined : unescapeProblem(raw.slice(hash + 1), "fragment"));
}

function mainProblem(raw: string): string | undefined {
  if (raw === "*") return undefined;
  let scheme = "";
  let rest = raw;
  const schemeEnd = /^[A-Za-z][A-Za-z0-9+\-.]*:/.exec(raw);
  if (raw.startsWith(":")) return "missing protocol scheme";
  if (schemeEnd !== null) {
    scheme = schemeEnd[0].slice(0, -1);
    rest = raw.slice(schemeEnd[0].length);
  }
  // The query is kept as it is written.
  const question = rest.indexOf("?");
  if (question >= 0) rest = rest.slice(0, question);
  if (!rest.startsWith("/")) {
    // An opaque URL ("mailto:x") is not checked further.
    if (scheme !== "") return undefined;
    if (rest.split("/", 1)[0]!.includes(":")) return "first path segment in URL cannot contain colon";
  }
  if (rest.startsWith("//") && (scheme !== "" || !rest.startsWith("///"))) {
    const slash = rest.indexOf("/", 2);
    const authority = slash < 0 ? rest.slice(2) : rest.slice(2, slash);
    const problem = authorityProblem(authority);
    if (problem !== undefined) return problem;
    rest = slash < 0 ? "" : rest.slice(slash);
  }
  return unescapeProblem(rest, "path");
}
