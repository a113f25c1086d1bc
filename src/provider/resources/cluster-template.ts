// operationscenter_cluster_template: a cluster template in Operations Center, managed in place
// (description, both template texts, variables, and the name by rename) and deleted on destroy.
// Plan checks what the server checks on save (operations-center@41a98e0
// internal/provisioning/cluster_template_model.go, ClusterTemplate.Validate), so an apply never
// fails on it, and refuses secrets in the template text or in defaults, which plans and state would
// show.
import type { ClusterTemplate, ClusterTemplatePut } from "../../client/api-types.js";
import type { OperationsCenterClient } from "../../client/client.js";
import { OperationsCenterError } from "../../client/errors.js";
import { formatPath, type ConfigProblem } from "../../config/errors.js";
import { checkTemplate, placeholdersIn } from "../../config/template.js";
import type { ProviderClient } from "../client.js";
import { canonicalJson } from "../canonical-json.js";
import { DiagnosticError, UNKNOWN, type Diagnostic, type Logger, type ObjectValue, type Resource, type Value } from "../plugin/types.js";
import { objectNameProblem } from "../../config/object-name.js";
import { templateSecretProblems } from "./template-secrets.js";
import { destroying } from "./common/destroying.js";
import { ifMatch, retryOnPreconditionFailed } from "./common/precondition.js";
import { apiStep, hasUnknown, isUnknown, knownObject, knownString, stepFailed } from "./values.js";
import { DONE, MAX_ROUNDS, NOT_DONE, replyLost, sendThenConfirm } from "./common/lost-reply.js";

const KIND = "cluster template";

const TEMPLATE_TEXT = "`@NAME@` placeholders (letters, digits, `_`) are replaced as raw text when a cluster is created from the template.";

export const clusterTemplateResource: Resource<ProviderClient> = {
  typeName: "operationscenter_cluster_template",
  schema: {
    version: 0,
    block: {
      description:
        "A cluster template in Operations Center: service and application config texts with `@VARIABLE@` placeholders that clusters are created from. Every change is made in place; destroy deletes the template (clusters made from it keep no reference to it).",
      attributes: {
        id: { type: "string", computed: true, description: "The template name." },
        name: {
          type: "string",
          required: true,
          description:
            'Name of the template in Operations Center (case-sensitive; not empty, none of \\ / : * ? " < > |). A change renames the template in place.',
        },
        description: { type: "string", optional: true, description: 'Free-text description stored with the template. Default "".' },
        services_config: {
          type: "string",
          required: true,
          description: `The IncusOS services config template (YAML or JSON text; Operations Center's service_config_template). ${TEMPLATE_TEXT}`,
        },
        application_config: {
          type: "string",
          optional: true,
          description: `The application config (Incus preseed) template (YAML or JSON text; Operations Center's application_config_template). ${TEMPLATE_TEXT} Unset: "" (an empty application config).`,
        },
        variables: {
          // Both fields may be left out, as Operations Center takes a variable without them. A
          // nested attribute rather than an object type with optional attributes: cdktf's
          // binding generator knows nested attributes but not optional-attribute lists.
          nested: {
            nesting: "map",
            attributes: {
              description: { type: "string", optional: true, description: 'What the variable is for. Unset: "".' },
              default: {
                type: "string",
                optional: true,
                description: 'The value a cluster gets when it gives none; empty makes the variable required. Unset: "".',
              },
            },
          },
          optional: true,
          description:
            'The template variables by name, each `{ description = "…", default = "…" }` (both optional strings; unset is "", none). Each must be used as `@NAME@` in a template and each placeholder must be defined here. An empty default makes the variable required: every cluster created from the template must give it a value. A variable that fills a secret field must have an empty default.',
        },
        variables_in_use: {
          type: ["list", "string"],
          computed: true,
          description: "The placeholders the two templates use (names without `@`), sorted.",
        },
      },
    },
  },

  validate({ config }) {
    return templateProblems(config);
  },

  async plan({ prior, proposed }, context) {
    if (proposed === null) return { planned: null };
    const problems = templateProblems(proposed);
    if (problems.length > 0) throw new DiagnosticError(problems);
    const name = knownString(proposed.name);
    const planned: ObjectValue = { ...unsetAsEmpty(proposed, prior), id: name ?? UNKNOWN, variables_in_use: variablesInUse(proposed) };
    if (name === undefined || hasUnknown(planned)) return { planned };
    const priorName = prior === null ? undefined : nameOf(prior);
    if (priorName === undefined)
      return { planned, diagnostics: await existingTemplateNotice(context.client.api, name, planned, destroying(context.terraformCommand)) };
    if (priorName !== name) await refuseRenameOnto(context.client.api, priorName, name);
    return { planned };
  },

  async apply({ prior, planned }, { client, log }) {
    const api = client.api;
    if (planned === null) {
      const name = prior === null ? undefined : nameOf(prior);
      if (name !== undefined) await deleteTemplate(api, name);
      return { state: null };
    }
    const name = nameOf(planned);
    if (name === undefined) throw new DiagnosticError({ severity: "error", summary: "The cluster template name is unknown at apply time", path: ["name"] });
    const content = desiredContent(planned);
    const priorName = prior === null ? undefined : nameOf(prior);
    if (priorName === undefined) await createTemplate(api, log, name, content);
    else {
      if (priorName !== name) await renameTemplate(api, priorName, name);
      await updateTemplate(api, name, content);
    }
    return { state: stateOf(name, content, planned) };
  },

  async read({ state }, { client }) {
    const name = nameOf(state);
    if (name === undefined) return { state: null };
    const found = await apiStep(`Cannot read cluster template "${name}"`, () => client.api.findClusterTemplate(name));
    if (found === undefined) return { state: null };
    return { state: stateOf(found.template.name, liveContent(found.template), state) };
  },

  async import(id, { client }) {
    const problem = objectNameProblem(KIND, id);
    if (problem !== undefined) {
      throw new DiagnosticError({
        severity: "error",
        summary: `Cannot import cluster template: ${problem}`,
        detail: "Give the template's name as the import id: terraform import <address> NAME.",
      });
    }
    const found = await apiStep(`Cannot read cluster template "${id}"`, () => client.api.findClusterTemplate(id));
    if (found === undefined) {
      throw new DiagnosticError({
        severity: "error",
        summary: `Cluster template "${id}" does not exist in Operations Center at ${client.api.url}`,
        detail: "Names are case-sensitive; list the existing templates with: operations-center provisioning cluster-template list",
      });
    }
    // An empty description or application config is imported as unset (Terraform wants null for an
    // attribute the configuration leaves out); a variable's fields as they are, which the plan
    // takes as what an unset field means (unsetAsEmpty).
    return { state: stateOf(found.template.name, liveContent(found.template), { description: null, application_config: null }) };
  },
};

/**
 * Operations Center stores a variable's unset description or default as "". Where the prior
 * state holds "" for one the configuration leaves unset (an imported template, or one written
 * before the fields could be left out), the plan keeps the prior "", as Terraform allows for an
 * equivalent value, so that it shows no change the apply would not make. Terraform compares a
 * map of objects as a whole: the variables are taken from the prior state only when nothing else
 * in them changed. (An unset top-level attribute must be planned null, so only the variables.)
 */
function unsetAsEmpty(proposed: ObjectValue, prior: ObjectValue | null): ObjectValue {
  if (prior === null) return proposed;
  const out: ObjectValue = { ...proposed };
  const variables = knownObject(proposed.variables);
  const priorVariables = knownObject(prior.variables);
  if (variables !== undefined && priorVariables !== undefined && !hasUnknown(proposed.variables)) {
    const filled = Object.fromEntries(
      Object.entries(variables).map(([name, value]) => {
        const definition = knownObject(value) ?? {};
        const before = knownObject(priorVariables[name]) ?? {};
        return [name, Object.fromEntries(Object.entries(definition).map(([field, v]) => [field, v === null && before[field] === "" ? "" : v]))];
      }),
    );
    if (canonicalJson(filled) === canonicalJson(priorVariables)) out.variables = prior.variables ?? null;
  }
  return out;
}

function nameOf(values: ObjectValue): string | undefined {
  return knownString(values.name) ?? knownString(values.id);
}

// ---- plan-time checks ------------------------------------------------------------------------

/** The name rules and the server's variable rules, over whatever is known of the configuration. */
function templateProblems(config: ObjectValue): Diagnostic[] {
  const problems: Diagnostic[] = [];
  const name = knownString(config.name);
  if (name !== undefined) {
    const problem = objectNameProblem(KIND, name);
    if (problem !== undefined) problems.push({ severity: "error", summary: `name: ${problem}`, path: ["name"] });
  }
  const services = knownString(config.services_config);
  const application = config.application_config === null ? "" : knownString(config.application_config);
  const definitions = isUnknown(config.variables) ? undefined : Object.entries(knownObject(config.variables) ?? {});
  const defaults = definitions && Object.fromEntries(definitions.map(([n, v]) => [n, knownString(knownObject(v)?.default) ?? ""]));
  if (services !== undefined) problems.push(...templateSecretProblems("services", "services_config", services, defaults));
  if (application !== undefined) problems.push(...templateSecretProblems("application", "application_config", application, defaults));
  // An unknown text may use any variable, and unknown variables may define any placeholder:
  // the rules are checked once both sides are known (at the latest, in the plan of apply).
  if (services === undefined || application === undefined || definitions === undefined) return problems;
  const names = definitions.map(([n]) => n);
  const found = checkTemplate({
    servicesTemplate: services,
    applicationTemplate: application,
    variables: Object.fromEntries(names.map((n) => [n, {}])),
    files: { servicesTemplate: "services_config", applicationTemplate: "application_config", variables: "variables" },
  });
  return [...problems, ...found.map((problem) => variableDiagnostic(problem, names))];
}

function variableDiagnostic(problem: ConfigProblem, names: readonly string[]): Diagnostic {
  if (problem.file === "variables") {
    const name = names.find((n) => formatPath([n]) === problem.path) ?? problem.path;
    return { severity: "error", summary: `variables[${JSON.stringify(name)}]: ${problem.message}`, path: ["variables", { key: name }] };
  }
  const attribute = problem.file === "application_config" ? "application_config" : "services_config";
  const where = problem.line === undefined ? attribute : `${attribute} line ${problem.line}, column ${problem.column ?? 1}`;
  const placeholder = /^@([A-Za-z0-9_]+)@/.exec(problem.message)?.[1] ?? "NAME";
  return {
    severity: "error",
    summary: `${where}: ${problem.message}`,
    detail: `Define it in variables, e.g. variables = { ${placeholder} = { description = "…", default = "" } } (an empty default makes every cluster give a value), or remove the placeholder.`,
    path: [attribute],
  };
}

/** The placeholders of both templates, sorted; UNKNOWN until both texts are known. */
function variablesInUse(values: ObjectValue): Value {
  const services = knownString(values.services_config);
  // Unset (null) application_config is the empty template; only an unknown one is not known yet.
  const application = values.application_config === null ? "" : knownString(values.application_config);
  if (services === undefined || application === undefined) return UNKNOWN;
  return [...new Set([...placeholdersIn(services), ...placeholdersIn(application)])].sort();
}

function alreadyExists(name: string): DiagnosticError {
  return new DiagnosticError({
    severity: "error",
    summary: `Cluster template "${name}" already exists in Operations Center with different content`,
    detail:
      `It was not created by this resource, or was changed since. To manage it here, import it: ` +
      `terraform import <this resource's address> ${name}. Or choose another name.`,
    path: ["name"],
  });
}

/**
 * What a create's plan says of a template of its name that exists already (one GET). Other
 * content is someone else's template: the create fails in the plan, not halfway through apply;
 * a destroy leaves it alone. This configuration's content is what the apply adopts, as an earlier
 * create of this resource interrupted before Terraform saved it would have left it (a template
 * carries no mark of who made it): a warning; in a destroy, an error, since Terraform drops every
 * warning of a destroy's refresh plan and the destroy would end without removing it, exit code 0.
 */
async function existingTemplateNotice(api: OperationsCenterClient, name: string, planned: ObjectValue, inDestroy: boolean): Promise<Diagnostic[]> {
  const found = await apiStep(`Cannot read cluster template "${name}"`, () => api.findClusterTemplate(name));
  if (found === undefined) return [];
  if (!holdsConfiguredContent(found.template, planned)) {
    if (inDestroy) return [];
    throw alreadyExists(name);
  }
  if (inDestroy) {
    return [
      {
        severity: "error",
        summary: `Cluster template "${name}" exists with exactly this configuration's content but is not in state, so this destroy cannot remove it`,
        detail:
          `An earlier apply of this resource may have created it and been interrupted before Terraform saved it in state: a template carries ` +
          `no mark of who made it, and identical content is what the apply adopts. Nothing was changed. To remove it: run terraform apply ` +
          `(it adopts the template into state without creating it), then terraform destroy. Or import it: ` +
          `terraform import <this resource's address> ${name}, then terraform destroy. Or delete it in Operations Center yourself: ` +
          `operations-center provisioning cluster-template remove ${name}.`,
        path: ["name"],
      },
    ];
  }
  return [
    {
      severity: "warning",
      summary: `Cluster template "${name}" exists already with exactly this content: the apply adopts it`,
      detail:
        `An earlier, interrupted apply of this resource may have created it. The apply adopts it into state instead of creating it. ` +
        `Until an apply has put it in state, terraform destroy cannot remove it: it fails and says so.`,
      path: ["name"],
    },
  ];
}

async function refuseRenameOnto(api: OperationsCenterClient, from: string, to: string): Promise<void> {
  const found = await apiStep(`Cannot read cluster template "${to}"`, () => api.findClusterTemplate(to));
  if (found !== undefined) {
    throw new DiagnosticError({
      severity: "error",
      summary: `Cannot rename cluster template "${from}" to "${to}": a template named "${to}" already exists`,
      detail: `Choose another name, or delete or rename the existing "${to}" first.`,
      path: ["name"],
    });
  }
}

// ---- content and state -----------------------------------------------------------------------

/** The four ClusterTemplatePut fields from planned values; null stands for "" and {}. */
function desiredContent(values: ObjectValue): ClusterTemplatePut {
  const variables = Object.entries(knownObject(values.variables) ?? {}).map(([name, value]) => {
    const definition = knownObject(value);
    return [name, { description: knownString(definition?.description) ?? "", default: knownString(definition?.default) ?? "" }] as const;
  });
  return {
    description: knownString(values.description) ?? "",
    service_config_template: knownString(values.services_config) ?? "",
    application_config_template: knownString(values.application_config) ?? "",
    variables: Object.fromEntries(variables),
  };
}

function liveContent(template: ClusterTemplate): ClusterTemplatePut {
  return {
    description: template.description,
    service_config_template: template.service_config_template,
    application_config_template: template.application_config_template,
    variables: Object.fromEntries(Object.entries(template.variables).map(([name, v]) => [name, { description: v.description, default: v.default }])),
  };
}

/**
 * Whether a live template holds exactly the content these values (a plan's, with every attribute
 * known) configure: the rule by which a create adopts a template that exists already.
 */
export function holdsConfiguredContent(template: ClusterTemplate, values: ObjectValue): boolean {
  return sameContent(liveContent(template), desiredContent(values));
}

function sameContent(a: ClusterTemplatePut, b: ClusterTemplatePut): boolean {
  if (a.description !== b.description) return false;
  if (a.service_config_template !== b.service_config_template || a.application_config_template !== b.application_config_template) return false;
  const names = Object.keys(a.variables);
  if (names.length !== Object.keys(b.variables).length) return false;
  return names.every((name) => {
    const other = b.variables[name];
    return other !== undefined && other.description === a.variables[name]!.description && other.default === a.variables[name]!.default;
  });
}

/**
 * State for a template with this content. `reference` is the prior state or plan: where it holds
 * null and the server holds the empty value ("" or no variables), null is kept, so an omitted
 * optional attribute shows no difference while any real value (drift included) shows.
 */
function stateOf(name: string, content: ClusterTemplatePut, reference: ObjectValue | null): ObjectValue {
  const keepNull = (live: string, referenced: Value | undefined): string | null => (live === "" && referenced === null ? null : live);
  const referenceVariables = knownObject(reference?.variables);
  const names = Object.keys(content.variables);
  let variables: Value;
  if (names.length === 0 && (reference?.variables ?? null) === null) variables = null;
  else {
    variables = Object.fromEntries(
      names.map((variable) => {
        const live = content.variables[variable]!;
        const referenced = knownObject(referenceVariables?.[variable]);
        return [variable, { description: keepNull(live.description, referenced?.description), default: keepNull(live.default, referenced?.default) }];
      }),
    );
  }
  const state: ObjectValue = {
    id: name,
    name,
    description: keepNull(content.description, reference === null ? null : reference.description),
    services_config: content.service_config_template,
    application_config: keepNull(content.application_config_template, reference === null ? null : reference.application_config),
    variables,
  };
  state.variables_in_use = variablesInUse(state);
  return state;
}

// ---- effects ---------------------------------------------------------------------------------

/**
 * POST the template. When the server refuses (or the reply was lost) because the template already
 * exists, an identical one is adopted: an earlier apply created it and was interrupted before
 * Terraform recorded it. When the reply was lost and there is no template, the POST is sent again.
 */
async function createTemplate(api: OperationsCenterClient, log: Logger, name: string, content: ClusterTemplatePut): Promise<void> {
  const summary = `Cannot create cluster template "${name}"`;
  for (let round = 1; ; round++) {
    try {
      await api.createClusterTemplate({ name, ...content });
      return;
    } catch (error) {
      const maybeExists = error instanceof OperationsCenterError && (error.status === 400 || error.mayHaveBeenProcessed);
      if (!maybeExists) throw stepFailed(summary, error);
      const found = await apiStep(summary, () => api.findClusterTemplate(name));
      if (found === undefined && replyLost(error) && round < MAX_ROUNDS) continue;
      if (found === undefined) throw stepFailed(summary, error);
      if (!sameContent(liveContent(found.template), content)) throw alreadyExists(name);
      log.info(`oc-cdktf: cluster template "${name}" already exists with the configured content; adopted it`, { template: name });
      return;
    }
  }
}

async function renameTemplate(api: OperationsCenterClient, from: string, to: string): Promise<void> {
  await apiStep(`Cannot rename cluster template "${from}" to "${to}"`, () =>
    retryOnPreconditionFailed(async () => {
      const found = await api.findClusterTemplate(from);
      if (found === undefined) throw vanished(from);
      await sendThenConfirm(
        () => api.renameClusterTemplate(from, to, ifMatch(found.etag)),
        async () => ((await api.findClusterTemplate(from)) === undefined && (await api.findClusterTemplate(to)) !== undefined ? DONE : NOT_DONE),
      );
    }),
  );
}

/** PUT the content with If-Match when it differs from the live template. */
async function updateTemplate(api: OperationsCenterClient, name: string, content: ClusterTemplatePut): Promise<void> {
  await apiStep(`Cannot update cluster template "${name}"`, () =>
    retryOnPreconditionFailed(async () => {
      const found = await api.findClusterTemplate(name);
      if (found === undefined) throw vanished(name);
      if (sameContent(liveContent(found.template), content)) return;
      await api.updateClusterTemplate(name, content, ifMatch(found.etag));
    }),
  );
}

async function deleteTemplate(api: OperationsCenterClient, name: string): Promise<void> {
  await apiStep(`Cannot delete cluster template "${name}"`, async () => {
    try {
      await sendThenConfirm(
        () => api.deleteClusterTemplate(name),
        async () => ((await api.findClusterTemplate(name)) === undefined ? DONE : NOT_DONE),
      );
    } catch (error) {
      // Deleted by someone else since the last refresh: the goal is reached.
      if (!(error instanceof OperationsCenterError && error.isNotFound)) throw error;
    }
  });
}

function vanished(name: string): DiagnosticError {
  return new DiagnosticError({
    severity: "error",
    summary: `Cluster template "${name}" no longer exists in Operations Center`,
    detail: "It was deleted after the plan was made. Run terraform apply again: the refresh notices and plans to create it.",
  });
}
