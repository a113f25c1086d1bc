// What GET /local-oc/requests shows of a request: its JSON body and query with every secret
// replaced. The log is read by CI jobs and printed in their output, so service keys (tailscale
// auth_key, netbird setup_key, TLS keys), preseed credentials, BMC passwords and tokens never
// appear in it. What is secret is the project's one decision (src/config/secrets.ts): the secret
// leaves of a services config and of an application config, the template variables that land in
// them; beyond those, any key that names a credential (bmc_config.password, api_token,
// cluster_certificate_key) and any PEM private key in a string.

import { isSecretPath, secretConfigKey, type SecretKind } from "../config/secrets.js";
import { secretTemplateVariables } from "../config/template-secrets.js";
import { REDACTED, redactString } from "../client/redact.js";

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const holdsSecret = (value: unknown): boolean => value !== undefined && value !== null && value !== "";

/** A config with its secret leaves (as secrets.ts classifies them for `kind`) replaced. */
function redactConfig(kind: SecretKind, value: unknown, path: (string | number)[] = []): unknown {
  if (path.length > 0 && isSecretPath(kind, path) && holdsSecret(value)) return REDACTED;
  if (Array.isArray(value)) return value.map((item, i) => redactConfig(kind, item, [...path, i]));
  if (!isObject(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redactConfig(kind, item, [...path, key])]));
}

/** Every key that names a credential is replaced wherever it is; strings lose PEM private keys. */
function redactKeys(value: unknown): unknown {
  if (typeof value === "string") return redactString(value);
  if (Array.isArray(value)) return value.map(redactKeys);
  if (!isObject(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, secretConfigKey.test(key) && holdsSecret(item) ? REDACTED : redactKeys(item)]));
}

/** The template texts a request body refers to, to tell which of its variables are secret. */
type TemplateTexts = (name: string) => { servicesTemplate: string; applicationTemplate: string } | undefined;

const OS_SERVICE = /^\/1\.0\/provisioning\/servers\/[^/]+\/os\/1\.0\/services\/([^/]+)$/;

function withSecretVariables(values: unknown, secret: Set<string>): unknown {
  if (!isObject(values)) return values;
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, secret.has(k) && holdsSecret(v) ? REDACTED : v]));
}

/** The body as the request log shows it. */
export function redactRequestBody(path: string, body: unknown, templates: TemplateTexts): unknown {
  if (!isObject(body)) return redactKeys(body);
  const out: Record<string, unknown> = { ...body };
  if (out["services_config"] !== undefined) out["services_config"] = redactConfig("services", out["services_config"]);
  if (out["application_seed_config"] !== undefined) out["application_seed_config"] = redactConfig("application", out["application_seed_config"]);
  const service = OS_SERVICE.exec(path)?.[1];
  if (service !== undefined) {
    const name = decodeURIComponent(service);
    out["config"] = (redactConfig("services", { [name]: out["config"] }) as Record<string, unknown>)[name];
  }
  // A cluster create from a template: the values of variables that land in secret fields.
  if (typeof out["cluster_template"] === "string" && out["cluster_template"] !== "") {
    const texts = templates(out["cluster_template"]);
    if (texts !== undefined)
      out["cluster_template_variable_values"] = withSecretVariables(out["cluster_template_variable_values"], secretTemplateVariables(texts));
  }
  // A template itself: the defaults of its secret variables.
  if (typeof out["service_config_template"] === "string" || typeof out["application_config_template"] === "string") {
    const secret = secretTemplateVariables({
      servicesTemplate: String(out["service_config_template"] ?? ""),
      applicationTemplate: String(out["application_config_template"] ?? ""),
    });
    if (isObject(out["variables"])) {
      out["variables"] = Object.fromEntries(
        Object.entries(out["variables"]).map(([k, v]) => [k, secret.has(k) && isObject(v) && holdsSecret(v["default"]) ? { ...v, default: REDACTED } : v]),
      );
    }
  }
  // Variable names are the user's, not config keys: their entries were judged above, by where
  // the variable lands in the templates.
  const { variables, cluster_template_variable_values: values, ...rest } = out;
  const shown = redactKeys(rest) as Record<string, unknown>;
  if (variables !== undefined) shown["variables"] = variables;
  if (values !== undefined) shown["cluster_template_variable_values"] = values;
  return shown;
}

/** The query as the request log shows it (`?token=` registers a server, so it is a credential). */
export function redactQuery(query: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(query).map(([k, v]) => [k, secretConfigKey.test(k) && v !== "" ? REDACTED : v]));
}
