// Which values of an Operations Center request or reply body are secret, judged by where each
// lands (secrets.ts for the services and application configs, template-secrets.ts for template
// variables), not by key names: a template variable may be called anything. For what a person
// reads, such as the client's OC_CDKTF_DEBUG lines. The values of a create from a template are
// all masked, since the client does not know the template's text: a value is shown only when it
// is known to be public.
import { maskSecrets, type JsonObject } from "./secrets.js";
import { secretTemplateVariables } from "./template-secrets.js";

const isObject = (value: unknown): value is JsonObject => typeof value === "object" && value !== null && !Array.isArray(value);
const holdsValue = (value: unknown): boolean => value !== undefined && value !== null && value !== "";

// PUT /1.0/provisioning/servers/<name>/os/1.0/services/<service> carries that service's config.
const OS_SERVICE = /\/os\/1\.0\/services\/([^/?]+)$/;

/** A copy of a request or reply body with every secret value replaced by `mask`. */
export function maskApiSecrets(path: string, body: unknown, mask: string): unknown {
  if (Array.isArray(body)) return body.map((item) => maskApiSecrets("", item, mask));
  if (!isObject(body)) return body;
  const out: JsonObject = { ...body };
  if (out.services_config !== undefined) out.services_config = maskSecrets("services", out.services_config, mask);
  if (out.application_seed_config !== undefined) out.application_seed_config = maskSecrets("application", out.application_seed_config, mask);
  const service = OS_SERVICE.exec(path)?.[1];
  if (service !== undefined && out.config !== undefined) {
    const name = decodeURIComponent(service);
    out.config = maskSecrets("services", { [name]: out.config }, mask)[name];
  }
  const values = out.cluster_template_variable_values;
  if (isObject(values)) out.cluster_template_variable_values = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, holdsValue(v) ? mask : v]));
  const variables = out.variables;
  if (isObject(variables) && (typeof out.service_config_template === "string" || typeof out.application_config_template === "string")) {
    const secret = secretTemplateVariables({
      servicesTemplate: String(out.service_config_template ?? ""),
      applicationTemplate: String(out.application_config_template ?? ""),
    });
    out.variables = Object.fromEntries(
      Object.entries(variables).map(([k, v]) => [k, secret.has(k) && isObject(v) && holdsValue(v.default) ? { ...v, default: mask } : v]),
    );
  }
  return out;
}
