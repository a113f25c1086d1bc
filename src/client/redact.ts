// Secret scrubbing for anything the client (or a hook) prints: debug output, error details.

export const REDACTED = "<redacted>";

/**
 * Keys whose values are secrets wherever they appear: bmc_config.password, tokens, client keys,
 * IncusOS' tailscale auth_key / netbird setup_key, os_data.security's encryption_recovery_keys, ...
 */
const SECRET_KEY = /password|passphrase|secret|token|private_?key|auth_?key|setup_?key|api_?key|recovery_?keys?|authorization|cookie/i;
/** `key`, `client_key`, `cluster_certificate_key`, `tls-key`, `clientKey`, `privateKey`: key material. */
const KEY_MATERIAL = /(^|[_-])key$/i;
const CAMEL_KEY_MATERIAL = /[a-z0-9]Key$/;

const PEM_PRIVATE_KEY = /-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----[\s\S]*?(-----END \1PRIVATE KEY-----|$)/g;
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi;
/** Query parameters or `key=value` pairs with a secret-looking name (?token=..., &password=...). */
const SECRET_PAIR =
  /([?&;\s]|^)((?:[A-Za-z0-9_.-]*)(?:password|passphrase|secret|token|private_?key|auth_?key|setup_?key|api_?key)(?:[A-Za-z0-9_.-]*))=([^&\s#;"']*)/gi;

/** True when a property of this name holds a secret. */
function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key) || KEY_MATERIAL.test(key) || CAMEL_KEY_MATERIAL.test(key);
}

/** Scrubs secrets out of free text: PEM private keys, bearer tokens, secret query parameters. */
export function redactString(text: string): string {
  return text
    .replace(PEM_PRIVATE_KEY, REDACTED)
    .replace(BEARER, (_m, scheme: string) => `${scheme} ${REDACTED}`)
    .replace(SECRET_PAIR, (_m, lead: string, name: string) => `${lead}${name}=${REDACTED}`);
}

/**
 * Returns a deep copy of `value` safe to print: every property whose name looks secret (see
 * isSecretKey) becomes "<redacted>", and strings have PEM private keys, bearer tokens and secret
 * query parameters scrubbed. Works on any JSON-like value; the input is not modified.
 */
export function redact<T>(value: T): T {
  return redactValue(value, new WeakSet()) as T;
}

function redactValue(value: unknown, seen: WeakSet<object>): unknown {
  if (typeof value === "string") return redactString(value);
  if (value === null || typeof value !== "object") return value;
  if (seen.has(value)) return "[circular]";
  if (value instanceof Uint8Array) return `<${value.byteLength} bytes>`;
  if (value instanceof Date) return value;
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((item) => redactValue(item, seen));
    if (value instanceof Map) {
      return new Map([...value.entries()].map(([k, v]) => [k, typeof k === "string" && isSecretKey(k) ? maskValue(v) : redactValue(v, seen)]));
    }
    if (value instanceof Error) {
      return { name: value.name, message: redactString(value.message) };
    }
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      out[key] = isSecretKey(key) ? maskValue(item) : redactValue(item, seen);
    }
    return out;
  } finally {
    seen.delete(value);
  }
}

/** null and undefined stay as they are (they reveal nothing); any other value is replaced. */
function maskValue(value: unknown): unknown {
  return value === null || value === undefined ? value : REDACTED;
}
