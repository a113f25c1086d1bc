// What GET /local-oc/requests shows of a request: its JSON body and query with every secret
// replaced. The log is read by CI jobs and printed in their output, so service keys (tailscale
// auth_key, netbird setup_key, TLS keys), preseed credentials, BMC passwords and tokens never
// appear in it. The classification is the project's own (src/config): the services' secret field
// paths, and the application config's secret-key pattern applied to every key of every body.

import { secretConfigKey } from "../config/application.js";
import { secretServiceFields } from "../config/services.js";
import { REDACTED, redactString } from "../client/redact.js";

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function redactAt(node: unknown, segments: readonly string[]): unknown {
  if (segments.length === 0) return node === undefined || node === null || node === "" ? node : REDACTED;
  const [head, ...rest] = segments;
  if (Array.isArray(node)) return head === "*" ? node.map((item) => redactAt(item, rest)) : node;
  if (!isObject(node)) return node;
  const out: Record<string, unknown> = { ...node };
  for (const key of Object.keys(out)) if (head === "*" || head === key) out[key] = redactAt(out[key], rest);
  return out;
}

/** A services config (`{tailscale: {...}, ...}`) with its secret fields replaced. */
function redactServices(services: unknown): unknown {
  let out = services;
  for (const path of secretServiceFields) out = redactAt(out, path.split("."));
  return out;
}

/** Every key that names a credential is replaced wherever it is; strings lose PEM private keys. */
function redactKeys(value: unknown): unknown {
  if (typeof value === "string") return redactString(value);
  if (Array.isArray(value)) return value.map(redactKeys);
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = secretConfigKey.test(key) && item !== "" && item !== null ? REDACTED : redactKeys(item);
  }
  return out;
}

const OS_SERVICE = /^\/1\.0\/provisioning\/servers\/[^/]+\/os\/1\.0\/services\/([^/]+)$/;

/** The body as the request log shows it. */
export function redactRequestBody(path: string, body: unknown): unknown {
  if (!isObject(body)) return redactKeys(body);
  let out: Record<string, unknown> = { ...body };
  if (out["services_config"] !== undefined) out["services_config"] = redactServices(out["services_config"]);
  const service = OS_SERVICE.exec(path)?.[1];
  if (service !== undefined && isObject(out["config"])) {
    const wrapped = redactServices({ [decodeURIComponent(service)]: out["config"] }) as Record<string, unknown>;
    out = { ...out, config: wrapped[decodeURIComponent(service)] };
  }
  return redactKeys(out);
}

/** The query as the request log shows it (`?token=` registers a server, so it is a credential). */
export function redactQuery(query: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(query).map(([k, v]) => [k, secretConfigKey.test(k) && v !== "" ? REDACTED : v]));
}
