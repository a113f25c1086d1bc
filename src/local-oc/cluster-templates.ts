// /1.0/provisioning/cluster-templates: CRUD and rename with the variable rules of oc-api.md 5.3,
// and applyTemplate (5.4), which a cluster create with `cluster_template` runs.

import { loadYaml } from "../config/input-limits.js";
import type { Context } from "./context.js";
import { DecodeError, decodeBody, type StructSpec } from "./decode.js";
import { badRequest, constraint, notFound, q, validation, type OCError } from "./errors.js";
import { checkIfMatch, created, emptySync, sync, syncETag, type ApiRequest, type Router } from "./http.js";
import { nowString } from "./state.js";
import { type TemplateRecord, type TemplateVariable } from "./persisted.js";

const PREFIX = "/1.0/provisioning/cluster-templates";
const NAME_FORBIDDEN = `\\/:*?"<>|`;
const VARIABLE_PATTERN = /@[a-zA-Z0-9_]+@/;
const VARIABLE_PATTERN_ALL = /@[a-zA-Z0-9_]+@/g;

const variableSpec = { struct: "ClusterTemplateVariable", goType: "api.ClusterTemplateVariable", fields: { description: "string", default: "string" } } as const;
const templateFields = {
  name: "string",
  description: "string",
  service_config_template: "string",
  application_config_template: "string",
  variables: { struct: "ClusterTemplateVariables", goType: "api.ClusterTemplateVariables", fields: {} },
} as const;

const templatePostSpec: StructSpec = { name: "ClusterTemplatePost", goType: "api.ClusterTemplatePost", fields: { ...templateFields } };
const templateSpec: StructSpec = { name: "ClusterTemplate", goType: "api.ClusterTemplate", fields: { ...templateFields } };

function decode(body: string, spec: StructSpec): Record<string, unknown> {
  try {
    const out = decodeBody(body, spec);
    // variables is a map of name -> {description, default}: check each entry like encoding/json.
    const raw = out["variables"] as Record<string, unknown> | undefined;
    if (raw !== undefined) {
      const parsed = JSON.parse(body) as Record<string, unknown>;
      const source = (parsed["variables"] ?? {}) as Record<string, unknown>;
      const vars: Record<string, TemplateVariable> = {};
      for (const [k, v] of Object.entries(source)) {
        const fields = decodeBody(JSON.stringify(v ?? {}), { name: variableSpec.struct, goType: variableSpec.goType, fields: variableSpec.fields });
        vars[k] = { description: String(fields["description"] ?? ""), default: String(fields["default"] ?? "") };
      }
      out["variables"] = vars;
    }
    return out;
  } catch (err) {
    if (err instanceof DecodeError) throw badRequest(err.message);
    throw err;
  }
}

/** ClusterTemplate.Validate (oc-api.md 5.3, including the source's "Varible" typo). */
/** The four ClusterTemplatePut fields of a decoded body: a PUT replaces all of them. */
function templateContent(body: Record<string, unknown>): Omit<TemplateRecord, "name" | "last_updated"> {
  return {
    description: String(body["description"] ?? ""),
    service_config_template: String(body["service_config_template"] ?? ""),
    application_config_template: String(body["application_config_template"] ?? ""),
    variables: (body["variables"] as Record<string, TemplateVariable> | undefined) ?? {},
  };
}

export function validateTemplate(t: Pick<TemplateRecord, "name" | "service_config_template" | "application_config_template" | "variables">): void {
  if (t.name === "") throw validation("Invalid cluster template, name can not be empty");
  if ([...NAME_FORBIDDEN].some((c) => t.name.includes(c))) {
    throw validation(`Invalid cluster template, name can not contain any of ${q(NAME_FORBIDDEN)}`);
  }
  for (const variable of Object.keys(t.variables)) {
    const placeholder = `@${variable}@`;
    if (!VARIABLE_PATTERN.test(placeholder)) {
      throw validation(`Varible ${q(variable)} does not match the expected pattern or contains invalid characters`);
    }
    if (t.service_config_template.includes(placeholder) || t.application_config_template.includes(placeholder)) continue;
    throw validation(`Defined variable ${q(variable)} is not used in any template`);
  }
  for (const [text, label] of [
    [t.service_config_template, "service config"],
    [t.application_config_template, "application config"],
  ] as const) {
    for (const m of text.matchAll(VARIABLE_PATTERN_ALL)) {
      const name = m[0].slice(1, -1);
      if (!Object.hasOwn(t.variables, name)) {
        throw validation(`Variable ${q(name)} used in the ${label} template is not contained in the variable definitions`);
      }
    }
  }
}

function templateDocument(t: TemplateRecord): Record<string, unknown> {
  return {
    name: t.name,
    description: t.description,
    service_config_template: t.service_config_template,
    application_config_template: t.application_config_template,
    variables: t.variables,
    last_updated: t.last_updated,
  };
}

/**
 * clusterTemplateService.Apply: renders both templates with the given values (defaults for the
 * missing ones, 400 for a missing required one), raw text substitution, then YAML parse.
 */
export function applyTemplate(
  ctx: Context,
  name: string,
  values: Record<string, string>,
): { servicesConfig: Record<string, unknown>; applicationSeedConfig: Record<string, unknown> } {
  const t = ctx.store.template(name);
  if (t === undefined) throw notFound().wrap(`Failed to get cluster template ${q(name)}`);
  const resolved: Record<string, string> = {};
  const render = (text: string, label: string): string => {
    for (const [variable, def] of Object.entries(t.variables)) {
      let value = values[variable];
      if (value === undefined) {
        if (def.default === "") {
          throw validation(
            `Failed to apply cluster template variables on ${label} of ${q(name)}: No value provided for variable ${q(variable)}, which is required, since it has no default value defined`,
          );
        }
        value = def.default;
      }
      resolved[variable] = value;
      text = text.replaceAll(`@${variable}@`, value);
    }
    return text;
  };
  const parse = (text: string, label: string): Record<string, unknown> => {
    let parsed: unknown;
    try {
      parsed = loadYaml(text);
    } catch (err) {
      // Go's yaml package words it "yaml: line N: <reason>".
      const e = err as { reason?: string; mark?: { line: number }; message: string };
      const detail = e.reason !== undefined && e.mark !== undefined ? `yaml: line ${e.mark.line + 1}: ${e.reason}` : e.message;
      throw validation(`Failed to marshal ${label} of ${q(name)}: ${detail}`);
    }
    if (parsed === undefined || parsed === null) return {};
    if (typeof parsed !== "object" || Array.isArray(parsed)) {
      throw validation(`Failed to marshal ${label} of ${q(name)}: yaml: unmarshal errors: cannot unmarshal into map[string]interface {}`);
    }
    return parsed as Record<string, unknown>;
  };
  const services = render(t.service_config_template, "service config");
  const application = render(t.application_config_template, "application config");
  return { servicesConfig: parse(services, "service config"), applicationSeedConfig: parse(application, "application config") };
}

function fail(err: OCError, prefix: string): never {
  throw err.wrap(prefix);
}

export function registerTemplateRoutes(router: Router, ctx: Context): void {
  const store = ctx.store;
  router.add("GET", PREFIX, (req) => {
    const recursion = Number.parseInt(req.query.get("recursion") ?? "", 10) === 1;
    const templates = [...store.data.templates].sort((a, b) => (a.name < b.name ? -1 : 1));
    return sync(recursion ? templates.map(templateDocument) : templates.map((t) => `${PREFIX}/${t.name}`));
  });

  router.add("POST", PREFIX, (req) => {
    const body = decode(req.body, templatePostSpec);
    const record: TemplateRecord = { name: String(body["name"] ?? ""), ...templateContent(body), last_updated: nowString() };
    try {
      validateTemplate(record);
      if (store.template(record.name) !== undefined) throw constraint("Constraint violation");
    } catch (err) {
      fail(err as OCError, "Failed creating cluster config template");
    }
    store.data.templates.push(record);
    ctx.changed();
    return created(`${PREFIX}/${record.name}`);
  });

  const get = (name: string): TemplateRecord => {
    const t = store.template(name);
    if (t === undefined) throw notFound();
    return t;
  };

  router.add("GET", `${PREFIX}/{name}`, (req) => {
    const t = get(req.params["name"]!);
    return syncETag(templateDocument(t), t);
  });

  router.add("PUT", `${PREFIX}/{name}`, (req: ApiRequest) => {
    const name = req.params["name"]!;
    const body = decode(req.body, templateSpec);
    const t = store.template(name);
    if (t === undefined) throw notFound().wrap(`Failed to get clusterConfigTemplate ${q(name)}`);
    checkIfMatch(req, t);
    const updated: TemplateRecord = { ...t, ...templateContent(body), last_updated: nowString() };
    try {
      validateTemplate(updated);
    } catch (err) {
      fail(err as OCError, `Failed updating cluster config template ${q(name)}`);
    }
    Object.assign(t, updated);
    ctx.changed();
    return created(`${PREFIX}/${name}`);
  });

  router.add("DELETE", `${PREFIX}/{name}`, (req) => {
    const t = get(req.params["name"]!);
    store.data.templates = store.data.templates.filter((x) => x !== t);
    ctx.changed();
    return emptySync();
  });

  router.add("POST", `${PREFIX}/{name}`, (req) => {
    const name = req.params["name"]!;
    const body = decode(req.body, templateSpec);
    const t = store.template(name);
    if (t === undefined) throw notFound().wrap(`Failed to get cluster config template ${q(name)}`);
    checkIfMatch(req, t);
    const newName = String(body["name"] ?? "");
    try {
      // Rename only checks for a non-empty name (not the forbidden characters).
      if (newName === "") throw validation("New cluster template name cannot by empty");
      if (newName !== name && store.template(newName) !== undefined) throw constraint("Constraint violation");
    } catch (err) {
      fail(err as OCError, `Failed renaming cluster config template ${q(name)}`);
    }
    t.name = newName;
    t.last_updated = nowString();
    ctx.changed();
    return created(`${PREFIX}/${newName}`);
  });
}
