// The creation inputs of a cluster: the public attributes, the write-only secrets merged into
// them, and the keyed digests that stand for them in state and in the cluster's properties.
import { z } from "zod";
import { serverTypes, type ServerType } from "../../../client/api-types.js";
import { TOO_DEEP, tooDeep } from "../../../config/input-limits.js";
import { mergeSecrets, type JsonObject } from "../../../config/secrets.js";
import { canonicalJson } from "../../canonical-json.js";
import type { ProviderClient } from "../../client.js";

const jsonObject = z.record(z.string(), z.unknown());

/** secrets_wo: the secret leaves of each creation input, in the shape of that input. */
const secretsSchema = z.strictObject({
  services_config: jsonObject.optional(),
  application_config: jsonObject.optional(),
  template_variables: z.record(z.string(), z.string()).optional(),
});
export type Secrets = z.infer<typeof secretsSchema>;

/** The JSON object in an attribute's text, or why it is not one (never quoting the text: it may hold a secret by mistake). */
export function parseJsonObject(text: string): { value: JsonObject } | { problem: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    // Only the position: the parser's message quotes a snippet of the text.
    const position = error instanceof SyntaxError ? /position (\d+)/.exec(error.message)?.[1] : undefined;
    const where = position === undefined ? "" : ` (at character ${Number(position) + 1})`;
    return { problem: `is not valid JSON${where}; give a JSON object such as jsonencode({...})` };
  }
  if (tooDeep(parsed)) return { problem: TOO_DEEP };
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    return { problem: `must be a JSON object, got ${Array.isArray(parsed) ? "a list" : parsed === null ? "null" : typeof parsed}` };
  }
  return { value: parsed as JsonObject };
}

/** secrets_wo parsed, or the problems with it; messages name fields, never values. */
export function parseSecrets(text: string): { value: Secrets } | { problems: string[] } {
  const json = parseJsonObject(text);
  if ("problem" in json) return { problems: [`secrets_wo ${json.problem}`] };
  const parsed = secretsSchema.safeParse(json.value);
  if (parsed.success) return { value: parsed.data };
  return {
    problems: parsed.error.issues.map((issue) => {
      const where = ["secrets_wo", ...issue.path.map(String)].join(".");
      if (issue.code === "unrecognized_keys") {
        return `secrets_wo has unknown key(s) ${issue.keys.join(", ")}; expected services_config, application_config and template_variables`;
      }
      return issue.code === "invalid_type" ? `${where}: expected ${issue.expected}` : `${where}: invalid`;
    }),
  };
}

/** What Operations Center gets at creation, secrets merged in. */
export interface CreationInputs {
  serverType: ServerType;
  servicesConfig?: JsonObject;
  applicationConfig?: JsonObject;
  template?: string;
  templateVariables?: Record<string, string>;
}

/** The creation attributes of a (known) configuration. */
interface CreationAttributes {
  server_type: string | null;
  services_config: string | null;
  application_config: string | null;
  template: string | null;
  template_variables: Record<string, string> | null;
}

function parsedOrEmpty(text: string | null): JsonObject | undefined {
  if (text === null) return undefined;
  const json = parseJsonObject(text);
  return "value" in json ? json.value : undefined;
}

/** Merges the secrets into the public creation attributes (validation has checked both parse). */
export function creationInputs(attributes: CreationAttributes, secrets: Secrets | undefined): CreationInputs {
  const serverType = (serverTypes as readonly string[]).includes(attributes.server_type ?? "") ? (attributes.server_type as ServerType) : "incus";
  const inputs: CreationInputs = { serverType };
  const services = parsedOrEmpty(attributes.services_config);
  const application = parsedOrEmpty(attributes.application_config);
  if (services !== undefined || secrets?.services_config !== undefined) {
    inputs.servicesConfig = mergeSecrets(services ?? {}, secrets?.services_config) as JsonObject;
  }
  if (application !== undefined || secrets?.application_config !== undefined) {
    inputs.applicationConfig = mergeSecrets(application ?? {}, secrets?.application_config) as JsonObject;
  }
  if (attributes.template !== null && attributes.template !== "") inputs.template = attributes.template;
  if (attributes.template_variables !== null || secrets?.template_variables !== undefined) {
    inputs.templateVariables = { ...(attributes.template_variables ?? {}), ...(secrets?.template_variables ?? {}) };
  }
  return inputs;
}

/**
 * Keyed digests of the creation inputs per top-level key (`services_config.nvme`), recorded in
 * the cluster's properties at creation: an adopted cluster is compared with them.
 */
function creationDigests(inputs: CreationInputs, client: ProviderClient): Record<string, string> {
  const out: Record<string, string> = { server_type: client.digest("cluster.creation", `server_type=${inputs.serverType}`) };
  const perKey = (attribute: string, value: Record<string, unknown> | undefined) => {
    for (const [key, item] of Object.entries(value ?? {}))
      out[`${attribute}.${key}`] = client.digest("cluster.creation", `${attribute}.${key}=${canonicalJson(item)}`);
  };
  perKey("services_config", inputs.servicesConfig);
  perKey("application_config", inputs.applicationConfig);
  if (inputs.template !== undefined) out.template = client.digest("cluster.creation", `template=${inputs.template}`);
  perKey("template_variables", inputs.templateVariables);
  return out;
}

export const creationRecordSchema = z.object({ key_id: z.string(), inputs: z.record(z.string(), z.string()) });
export type CreationRecord = z.infer<typeof creationRecordSchema>;

export function creationRecord(inputs: CreationInputs, client: ProviderClient): CreationRecord {
  return { key_id: client.digestKeyId, inputs: creationDigests(inputs, client) };
}

/** The keys whose digests differ between two records made with the same key. */
export function creationRecordChanges(recorded: CreationRecord, desired: CreationRecord): string[] {
  const keys = [...new Set([...Object.keys(recorded.inputs), ...Object.keys(desired.inputs)])].sort();
  return keys.filter((key) => recorded.inputs[key] !== desired.inputs[key]);
}

const DIGEST_SEPARATOR = ";key=";

/** secrets_digest: the keyed digest of the canonical secrets JSON and the key's id; null without secrets (`{}` holds none). */
export function secretsDigest(secrets: Secrets | undefined, client: ProviderClient): string | null {
  if (secrets === undefined || Object.values(secrets).every((part) => part === undefined || Object.keys(part).length === 0)) return null;
  return `${client.digest("cluster.secrets_wo", canonicalJson(secrets))}${DIGEST_SEPARATOR}${client.digestKeyId}`;
}

/** The key id a secrets_digest was made with. */
export function digestKeyIdOf(digest: string): string | undefined {
  const at = digest.lastIndexOf(DIGEST_SEPARATOR);
  return at < 0 ? undefined : digest.slice(at + DIGEST_SEPARATOR.length);
}
