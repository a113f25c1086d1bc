// The one place that decides which leaves of a services config or an application config (Incus
// preseed) are secret. Everything else asks here: the redacting copies for display, the split
// of a config into a public part (plan, state) and a secret part (write-only attribute), the
// merge back at create time, and the check that no secret sits in a public attribute.
import { createHash } from "node:crypto";
import { formatPath } from "./errors.js";

export type SecretKind = "services" | "application";
export type JsonObject = { [key: string]: unknown };

/** Paths of the services config fields that hold secrets (`*` is any key). */
const secretServiceFields = [
  "ceph.clusters.*.keyrings.*.key",
  "linstor.tls_server_key",
  "netbird.setup_key",
  "ovn.tls_client_key",
  "tailscale.auth_key",
] as const;

/**
 * Config keys that hold credentials: passwords, secrets, tokens and keys (`oidc.client.secret`,
 * `network.ovn.client_key`), also when the key names the value itself (`user.api_token_value`).
 */
export const secretConfigKey = /(?:password|passphrase|secret|token|(?:^|[._-])key)(?:[._-]value)?$/i;

/** Paths of the application config (preseed) fields that hold secrets or trust material. */
const secretApplicationFields = [
  "certificates.*.certificate",
  "certificates.*.trust_token",
  "cluster.cluster_token",
  "cluster.cluster_certificate",
  "storage_volumes.*.source.certificate",
  "storage_volumes.*.source.secrets.*",
] as const;

/** A step of a secret path pattern: a literal key, `*` (any key or index), or a config key that looks like a credential. */
type Step = string | typeof CONFIG_KEY;
const CONFIG_KEY = Symbol("credential config key");

const dotted = (paths: readonly string[]): Step[][] => paths.map((p) => p.split("."));

// Incus config maps (`config:` of the preseed and of each entity, and profile devices) hold
// credentials under keys such as `core.trust_password` or `network.ovn.client_key`.
const applicationPatterns: readonly Step[][] = [
  ...dotted(secretApplicationFields),
  ["config", CONFIG_KEY],
  ...["networks", "storage_pools", "storage_volumes", "projects", "cluster_groups", "profiles"].map((section): Step[] => [section, "*", "config", CONFIG_KEY]),
  ["profiles", "*", "devices", "*", CONFIG_KEY],
];
const servicePatterns: readonly Step[][] = dotted(secretServiceFields);

function stepMatches(step: Step, key: string | number): boolean {
  if (step === "*") return true;
  if (step === CONFIG_KEY) return typeof key === "string" && secretConfigKey.test(key);
  return step === String(key);
}

function matchesAny(patterns: readonly Step[][], path: readonly (string | number)[]): boolean {
  return patterns.some((pattern) => pattern.length === path.length && pattern.every((step, i) => stepMatches(step, path[i]!)));
}

/**
 * True when the value at `path` is secret. A service may be written wrapped as
 * `{config: {...}}` (Operations Center unwraps it), so `tailscale.config.auth_key` is secret too.
 */
export function isSecretPath(kind: SecretKind, path: readonly (string | number)[]): boolean {
  if (kind === "application") return matchesAny(applicationPatterns, path);
  if (matchesAny(servicePatterns, path)) return true;
  return path.length > 2 && path[1] === "config" && matchesAny(servicePatterns, [path[0]!, ...path.slice(2)]);
}

const isObject = (value: unknown): value is JsonObject => typeof value === "object" && value !== null && !Array.isArray(value);

/** A secret that reveals nothing (absent, null, "") is not treated as one. */
const holdsSecret = (value: unknown): boolean => value !== undefined && value !== null && value !== "";

/** What an onSecret visitor returns to leave the secret out of the copy. */
const DROP = Symbol("drop");
type Visit = (path: (string | number)[], value: unknown) => unknown;

/** A copy of `value` where every secret node is replaced by what `onSecret` returns (DROP leaves it out). */
function mapSecrets(kind: SecretKind, value: unknown, path: (string | number)[], onSecret: Visit): unknown {
  if (path.length > 0 && isSecretPath(kind, path) && holdsSecret(value)) return onSecret(path, value);
  if (Array.isArray(value)) {
    return value.map((item, index) => {
      const mapped = mapSecrets(kind, item, [...path, index], onSecret);
      return mapped === DROP ? null : mapped;
    });
  }
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const [key, item] of Object.entries(value)) {
    const mapped = mapSecrets(kind, item, [...path, key], onSecret);
    if (mapped !== DROP) out[key] = mapped;
  }
  return out;
}

/** Formatted paths (`tailscale.auth_key`, `config["core.trust_password"]`) of the secret leaves in a value. */
export function secretPaths(kind: SecretKind, value: unknown): string[] {
  const found: string[] = [];
  mapSecrets(kind, value, [], (path, secret) => {
    found.push(formatPath(path));
    return secret;
  });
  return found;
}

/** Every secret string in a value, for scrubbing messages (see scrubSecrets). */
export function secretValues(kind: SecretKind, value: unknown): string[] {
  const found: string[] = [];
  const collect = (node: unknown): void => {
    if (typeof node === "string" && node !== "") found.push(node);
    else if (Array.isArray(node)) node.forEach(collect);
    else if (isObject(node)) Object.values(node).forEach(collect);
    else if (node !== null && node !== undefined) found.push(String(node));
  };
  mapSecrets(kind, value, [], (_path, secret) => {
    collect(secret);
    return secret;
  });
  return found;
}

/** Prunes what holds no secret: objects without secrets vanish, array elements without secrets become null. */
function onlySecrets(kind: SecretKind, value: unknown, path: (string | number)[]): unknown {
  if (path.length > 0 && isSecretPath(kind, path) && holdsSecret(value)) return value;
  if (Array.isArray(value)) {
    const items = value.map((item, index) => onlySecrets(kind, item, [...path, index]) ?? null);
    while (items.length > 0 && items[items.length - 1] === null) items.pop();
    return items.length === 0 ? undefined : items;
  }
  if (!isObject(value)) return undefined;
  const out: JsonObject = {};
  for (const [key, item] of Object.entries(value)) {
    const kept = onlySecrets(kind, item, [...path, key]);
    if (kept !== undefined) out[key] = kept;
  }
  return Object.keys(out).length === 0 ? undefined : out;
}

/**
 * Splits a config into its public part (secret leaves removed) and its secrets (the same shape
 * holding only the secret leaves; list elements without secrets are null so indexes line up).
 */
export function splitSecrets(kind: SecretKind, value: JsonObject): { public: JsonObject; secrets: JsonObject } {
  const publicPart = mapSecrets(kind, value, [], () => DROP) as JsonObject;
  const secrets = (onlySecrets(kind, value, []) as JsonObject | undefined) ?? {};
  return { public: publicPart, secrets };
}

/**
 * Deep-merges secrets into a public part: objects key by key, lists element by element (a null
 * element of the secrets leaves the public element as it is), anything else from the secrets.
 */
export function mergeSecrets(publicPart: unknown, secrets: unknown): unknown {
  if (secrets === undefined || secrets === null) return publicPart;
  if (Array.isArray(secrets)) {
    const base = Array.isArray(publicPart) ? [...publicPart] : [];
    secrets.forEach((item, index) => {
      base[index] = mergeSecrets(base[index], item);
    });
    return base;
  }
  if (isObject(secrets)) {
    const base: JsonObject = isObject(publicPart) ? { ...publicPart } : {};
    for (const [key, item] of Object.entries(secrets)) base[key] = mergeSecrets(base[key], item);
    return base;
  }
  return secrets;
}

/** A copy with every secret value replaced by `mask`, for a line a person reads. */
export function maskSecrets<T>(kind: SecretKind, value: T, mask: string): T {
  return mapSecrets(kind, value, [], () => mask) as T;
}

/** A copy with every secret string replaced by `sha256:<hex>`, for display. */
export function redactSecrets<T>(kind: SecretKind, value: T): T {
  return mapSecrets(kind, value, [], (_path, secret) => (typeof secret === "string" ? secretDigest(secret) : secret)) as T;
}

/**
 * Messages for secret leaves found in a value that is meant to be public (plan, state,
 * cdk.tf.json), naming each path and where the secret belongs instead; never the value.
 */
export function publicSecretProblems(kind: SecretKind, value: unknown, where: { attribute: string; secretsAttribute: string }): string[] {
  return secretPaths(kind, value).map(
    (path) =>
      `${where.attribute}.${path} holds a secret; a public attribute is shown in plans and stored in state. ` +
      `Move it to ${where.secretsAttribute} (same path) and leave it out of ${where.attribute}.`,
  );
}

/** Replaces each of the given secret strings in a text by "(secret)", longest first. */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of [...new Set(secrets)].filter((s) => s.length > 0).sort((a, b) => b.length - a.length)) {
    // Messages quote values as JSON strings (a secret with quotes or backslashes appears escaped)
    // and shorten long ones to their first 60 characters (describeValue).
    const quoted = JSON.stringify(secret).slice(1, -1);
    for (const form of new Set([secret, quoted, secret.slice(0, 60), quoted.slice(0, 60)])) out = out.split(form).join("(secret)");
  }
  return out;
}

/** How a secret appears in Terraform triggers and logs: `sha256:<hex>`. */
export function secretDigest(value: string): string {
  return `sha256:${createHash("sha256").update(value).digest("hex")}`;
}
