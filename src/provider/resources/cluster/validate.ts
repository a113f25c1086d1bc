// Plan-time checks of an operationscenter_cluster configuration, so that a bad value fails
// before any call, at the attribute it belongs to. Unknown values are skipped. No message ever
// contains a secret value: configs are checked merged with secrets_wo, and every message is
// scrubbed of the secret leaves before it is returned.
import { applicationConfigSchema } from "../../../config/application.js";
import {
  connectionUrlProblem,
  deletionPolicyProblem,
  postRestoreDelayProblem,
  reservedPropertyProblem,
  restoreModeProblem,
  serversProblem,
  serverTypeProblem,
} from "../../../config/cluster.js";
import { collectProblems } from "../../../config/problems.js";
import { mergeSecrets, publicSecretProblems, scrubSecrets, secretValues, type JsonObject, type SecretKind } from "../../../config/secrets.js";
import { servicesConfigSchema } from "../../../config/services.js";
import type { Diagnostic, ObjectValue } from "../../plugin/types.js";
import { clusterNameProblem } from "../../../config/object-name.js";
import { isUnknown, knownObject, knownString } from "../values.js";
import { parseJsonObject, parseSecrets, type Secrets } from "./inputs.js";

const error = (path: string[], summary: string, detail?: string): Diagnostic => ({
  severity: "error",
  summary,
  ...(detail === undefined ? {} : { detail }),
  path,
});

const SCHEMAS = { services: servicesConfigSchema, application: applicationConfigSchema } as const;

/** Problems of one JSON config attribute, checked merged with its secrets. */
function configProblems(
  kind: SecretKind,
  attribute: "services_config" | "application_config",
  text: string | undefined,
  secrets: JsonObject | undefined,
): Diagnostic[] {
  const path = [attribute];
  let publicPart: JsonObject = {};
  const out: Diagnostic[] = [];
  if (text !== undefined) {
    const json = parseJsonObject(text);
    if ("problem" in json) return [error(path, `${attribute} ${json.problem}`)];
    publicPart = json.value;
    for (const message of publicSecretProblems(kind, publicPart, { attribute, secretsAttribute: `secrets_wo.${attribute}` })) {
      out.push(error(path, `${attribute} holds a secret`, message));
    }
  } else if (secrets === undefined) return [];
  const merged = mergeSecrets(publicPart, secrets);
  const hidden = [...secretValues(kind, merged), ...secretValues(kind, secrets)];
  const result = collectProblems(SCHEMAS[kind], merged, { file: attribute });
  if (!result.ok) {
    for (const problem of result.problems) {
      const where = problem.path === "" ? attribute : `${attribute}.${problem.path}`;
      out.push(error(path, scrubSecrets(`${where}: ${problem.message}`, hidden)));
    }
  }
  return out;
}

/** Every problem of a configuration (which may hold unknown values). */
export function clusterConfigProblems(config: ObjectValue): Diagnostic[] {
  const out: Diagnostic[] = [];
  const name = knownString(config.name);
  if (name !== undefined) {
    const problem = clusterNameProblem(name);
    if (problem !== undefined) out.push(error(["name"], problem));
  }

  if (Array.isArray(config.servers)) {
    const problem = serversProblem(
      "servers",
      config.servers.filter((server): server is string => typeof server === "string"),
    );
    if (problem !== undefined) out.push(error(["servers"], problem));
  }

  const url = knownString(config.connection_url);
  const urlProblem = url === undefined ? undefined : connectionUrlProblem("connection_url", url);
  if (urlProblem !== undefined) {
    out.push(error(["connection_url"], urlProblem.problem, `${urlProblem.fix.charAt(0).toUpperCase()}${urlProblem.fix.slice(1)}.`));
  }
  if (knownString(config.channel) === "")
    out.push(error(["channel"], 'channel must not be empty; leave it unset to keep the live channel ("stable" at creation)'));

  const properties = knownObject(config.properties);
  for (const key of Object.keys(properties ?? {})) {
    const reserved = reservedPropertyProblem(key);
    if (reserved !== undefined) out.push(error(["properties"], reserved));
  }

  const rolling = knownObject(config.rolling_restart);
  const delay = knownString(rolling?.post_restore_delay);
  const delayProblem = delay === undefined ? undefined : postRestoreDelayProblem("post_restore_delay", delay);
  if (delayProblem !== undefined) out.push(error(["rolling_restart", "post_restore_delay"], delayProblem));
  const mode = knownString(rolling?.restore_mode);
  const modeProblem = mode === undefined ? undefined : restoreModeProblem("restore_mode", mode);
  if (modeProblem !== undefined) out.push(error(["rolling_restart", "restore_mode"], modeProblem));

  const policy = knownString(config.deletion_policy);
  const policyProblem = policy === undefined ? undefined : deletionPolicyProblem("deletion_policy", policy);
  if (policyProblem !== undefined) out.push(error(["deletion_policy"], policyProblem));
  const serverType = knownString(config.server_type);
  const typeProblem = serverType === undefined ? undefined : serverTypeProblem("server_type", serverType);
  if (typeProblem !== undefined) out.push(error(["server_type"], typeProblem));

  out.push(...creationProblems(config));
  return out;
}

function creationProblems(config: ObjectValue): Diagnostic[] {
  const out: Diagnostic[] = [];
  let secrets: Secrets | undefined;
  const secretsText = knownString(config.secrets_wo);
  if (secretsText !== undefined) {
    const parsed = parseSecrets(secretsText);
    // The public parts are still checked, on their own.
    if ("problems" in parsed) out.push(...parsed.problems.map((problem) => error(["secrets_wo"], problem)));
    else secrets = parsed.value;
  }
  const template = knownString(config.template);
  const usesTemplate = template !== undefined && template !== "";
  if (template === "") out.push(error(["template"], "template must not be empty; leave it unset for a cluster without a template"));
  const secretsKnown = !isUnknown(config.secrets_wo);
  if (usesTemplate) {
    for (const attribute of ["services_config", "application_config"] as const) {
      if (config[attribute] !== null && !isUnknown(config[attribute])) {
        out.push(
          error(
            [attribute],
            `${attribute} cannot be combined with template`,
            "Operations Center replaces both configs with the rendered template; give one or the other.",
          ),
        );
      }
      if (secrets?.[attribute] !== undefined) {
        out.push(
          error(["secrets_wo"], `secrets_wo.${attribute} cannot be combined with template`, "Give secret template values in secrets_wo.template_variables."),
        );
      }
    }
  } else if (config.template === null) {
    if (config.template_variables !== null && !isUnknown(config.template_variables)) {
      out.push(error(["template_variables"], "template_variables needs template", "Variables are values for a cluster template; set template or remove them."));
    }
    if (secrets?.template_variables !== undefined) out.push(error(["secrets_wo"], "secrets_wo.template_variables needs template"));
  }
  // While secrets_wo is unknown the public part is checked alone (secret fields are optional).
  for (const [kind, attribute] of [
    ["services", "services_config"],
    ["application", "application_config"],
  ] as const) {
    if (isUnknown(config[attribute])) continue;
    out.push(...configProblems(kind, attribute, knownString(config[attribute]), secretsKnown ? secrets?.[attribute] : undefined));
  }
  return out;
}
